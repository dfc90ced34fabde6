import { IPv4CidrRange } from "ip-num";

/** True when two IPv4 CIDRs share any address (either may contain the other; ip-num's `isOverlapping` leaves out containment). */
export function cidrsOverlap(a: string, b: string): boolean {
  const [x, y] = [IPv4CidrRange.fromCidr(a), IPv4CidrRange.fromCidr(b)];
  return x.getFirst().getValue() <= y.getLast().getValue() && y.getFirst().getValue() <= x.getLast().getValue();
}

/** The prefix length of a CIDR: 24 for `10.0.0.0/24`. */
export function prefixLengthOf(cidr: string): number {
  return Number(cidr.split("/")[1]);
}

/**
 * Address space that is never the public internet to a host in a VPC: the RFC 1918 private ranges
 * (VPCs, peered networks, on-premises) and RFC 6598 shared space (100.64.0.0/10, EKS custom
 * networking's pod ranges).
 */
export const NON_PUBLIC_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"] as const;

/**
 * The fewest CIDRs that together cover every IPv4 address outside `excluded` (for example
 * {@link NON_PUBLIC_RANGES} and a VPC's own ranges): what a security group's egress lists to
 * reach the internet but nothing inside the network, which a single `0.0.0.0/0` rule would also open.
 */
export function rangesOutside(excluded: readonly string[]): string[] {
  const blocks = excluded
    .map((cidr) => IPv4CidrRange.fromCidr(cidr))
    .map((range): readonly [bigint, bigint] => [range.getFirst().getValue(), range.getLast().getValue()]);
  const result: string[] = [];
  const visit = (first: bigint, prefix: number) => {
    const last = first + (1n << BigInt(32 - prefix)) - 1n;
    if (blocks.some(([from, to]) => from <= first && last <= to)) return;
    if (!blocks.some(([from, to]) => from <= last && first <= to)) {
      result.push(`${[24n, 16n, 8n, 0n].map((shift) => (first >> shift) & 255n).join(".")}/${prefix}`);
      return;
    }
    const half = 1n << BigInt(31 - prefix);
    visit(first, prefix + 1);
    visit(first + half, prefix + 1);
  };
  visit(0n, 0);
  return result;
}
