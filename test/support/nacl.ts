import { IPv4, IPv4CidrRange } from "ip-num";

/** One NACL rule as synthesized (`ingress` / `egress` items of `aws_network_acl`). */
export interface AclRule {
  readonly cidr_block: string;
  readonly protocol: string;
  readonly from_port: number;
  readonly to_port: number;
  readonly action: string;
  readonly rule_no: number;
}

/**
 * What a NACL does with one TCP packet from (ingress) or to (egress) `address` on `port`, as AWS
 * evaluates it: the lowest-numbered matching rule decides; no match is the implicit deny.
 */
export function naclVerdict(rules: readonly AclRule[], address: string, port: number): "allow" | "deny" {
  const ip = new IPv4(address).getValue();
  const match = [...rules]
    .sort((a, b) => a.rule_no - b.rule_no)
    .find((rule) => {
      const range = IPv4CidrRange.fromCidr(rule.cidr_block);
      const inRange = range.getFirst().getValue() <= ip && ip <= range.getLast().getValue();
      const portMatches = rule.protocol === "-1" || (rule.protocol === "tcp" && rule.from_port <= port && port <= rule.to_port);
      return inRange && portMatches;
    });
  return match?.action === "allow" ? "allow" : "deny";
}
