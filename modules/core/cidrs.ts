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
