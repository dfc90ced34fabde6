import { IPv4, IPv4CidrRange, IPv4Prefix, Validator } from "ip-num";

/** The three subnet tiers of the application VPC, in the order they are described everywhere. */
export const SUBNET_TIERS = ["public", "privateApp", "privateData"] as const;
export type SubnetTier = (typeof SUBNET_TIERS)[number];

/** What the environment file asks of one tier. */
export interface SubnetTierRequest {
  /** Prefix length of each subnet of the tier (one subnet per AZ). */
  readonly prefixLength: number;
  /** Explicit CIDRs, one per AZ in use, for VPCs whose layout is already fixed. */
  readonly cidrs?: readonly string[];
}

/** Literal subnet CIDRs per tier, index i belonging to availability zone i. */
export type SubnetPlan = { readonly [T in SubnetTier]: readonly string[] };

/** A planning failure, with the path (below `network`) it belongs to. */
export interface SubnetPlanProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export type SubnetPlanResult =
  | { readonly ok: true; readonly plan: SubnetPlan }
  | { readonly ok: false; readonly problems: readonly SubnetPlanProblem[] };

/** True for an IPv4 CIDR whose address is the network address (10.0.0.0/16, not 10.0.0.1/16). */
export function isNetworkCidr(cidr: string): boolean {
  return Validator.isValidIPv4CidrRange(cidr)[0];
}

/** An address range as numbers: cheap to compare while searching for free blocks. */
interface Span {
  readonly first: bigint;
  readonly last: bigint;
}

function spanOf(range: IPv4CidrRange): Span {
  return { first: range.getFirst().getValue(), last: range.getLast().getValue() };
}

function cidrOf(span: Span, prefixLength: number): string {
  return new IPv4CidrRange(new IPv4(span.first), new IPv4Prefix(BigInt(prefixLength))).toCidrString();
}

/** True when two ranges share any address (ip-num's `isOverlapping` leaves out containment). */
function overlaps(a: Span, b: Span): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/**
 * Computes the subnets of every tier at synth time, so that plans, tests and reviewers see
 * literal CIDRs rather than `cidrsubnet()` expressions.
 *
 * Each computed tier reserves one block per *listed* availability zone (`azSlots`) even when
 * fewer are in use, so raising the AZ count later adds subnets without moving existing ones.
 * Tiers are placed largest block first (then in tier order), each on the lowest free aligned
 * blocks of the VPC that do not overlap explicit CIDRs or an earlier tier.
 */
export function planSubnets(
  vpcCidr: string,
  azCount: number,
  azSlots: number,
  tiers: { readonly [T in SubnetTier]: SubnetTierRequest },
): SubnetPlanResult {
  const vpc = IPv4CidrRange.fromCidr(vpcCidr);
  const vpcPrefix = Number(vpc.getPrefix().getValue());
  const problems: SubnetPlanProblem[] = [];
  const vpcSpan = spanOf(vpc);
  const taken: { readonly tier: SubnetTier; readonly span: Span; readonly cidr: string }[] = [];
  const plan: Record<SubnetTier, string[]> = { public: [], privateApp: [], privateData: [] };

  for (const tier of SUBNET_TIERS) {
    const cidrs = tiers[tier].cidrs;
    if (cidrs === undefined) continue;
    if (cidrs.length !== azCount) {
      problems.push({
        path: ["subnets", tier, "cidrs"],
        message: `lists ${cidrs.length} CIDRs but azCount is ${azCount}: give one per availability zone`,
      });
    }
    cidrs.forEach((cidr, index) => {
      const span = spanOf(IPv4CidrRange.fromCidr(cidr));
      if (span.first < vpcSpan.first || span.last > vpcSpan.last) {
        problems.push({ path: ["subnets", tier, "cidrs", index], message: `${cidr} is not inside the VPC ${vpcCidr}` });
        return;
      }
      const clash = taken.find((other) => overlaps(other.span, span));
      if (clash !== undefined) {
        problems.push({
          path: ["subnets", tier, "cidrs", index],
          message: `${cidr} overlaps ${clash.cidr} of the ${clash.tier} tier`,
        });
        return;
      }
      taken.push({ tier, span, cidr });
      plan[tier].push(cidr);
    });
  }

  const computed = SUBNET_TIERS.filter((tier) => tiers[tier].cidrs === undefined).sort(
    (a, b) => tiers[a].prefixLength - tiers[b].prefixLength,
  );
  for (const tier of computed) {
    const prefixLength = tiers[tier].prefixLength;
    if (prefixLength < vpcPrefix) {
      problems.push({
        path: ["subnets", tier, "prefixLength"],
        message: `/${prefixLength} subnets are larger than the VPC ${vpcCidr}`,
      });
      continue;
    }
    // Aligned candidate blocks in address order, as numbers (ip-num's splitInto builds objects for all of them).
    const size = 1n << BigInt(32 - prefixLength);
    const chosen: Span[] = [];
    for (let first = vpcSpan.first; first <= vpcSpan.last && chosen.length < azSlots; first += size) {
      const candidate = { first, last: first + size - 1n };
      if (!taken.some((other) => overlaps(other.span, candidate))) chosen.push(candidate);
    }
    if (chosen.length < azSlots) {
      problems.push({
        path: ["subnets", tier, "prefixLength"],
        message:
          `${azSlots} subnets of /${prefixLength} (one per listed availability zone) do not fit in the VPC ${vpcCidr} ` +
          `beside the other tiers: use a longer prefix or a larger VPC`,
      });
      continue;
    }
    for (const span of chosen) taken.push({ tier, span, cidr: cidrOf(span, prefixLength) });
    plan[tier] = chosen.slice(0, azCount).map((span) => cidrOf(span, prefixLength));
  }

  return problems.length > 0 ? { ok: false, problems } : { ok: true, plan };
}
