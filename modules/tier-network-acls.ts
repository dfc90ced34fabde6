import { NetworkAcl, type NetworkAclEgress, type NetworkAclIngress } from "@cdktf/provider-aws/lib/network-acl";
import { Construct } from "constructs";
import type { TierCidrs } from "./tiered-vpc";

/** The subnets of one tier. */
export interface TierSubnetIds {
  readonly public: readonly string[];
  readonly privateApp: readonly string[];
  readonly privateData: readonly string[];
}

export interface TierNetworkAclsProps {
  /** Prefix of every Name tag. */
  readonly name: string;
  readonly vpcId: string;
  /** Literal CIDRs per tier: NACL rules name each subnet, never the whole VPC. */
  readonly cidrs: TierCidrs;
  readonly subnetIds: TierSubnetIds;
  /**
   * TCP ports the data tier admits from the app tier (and between its own subnets, for replication).
   * @default [5432, 6379]
   */
  readonly dataTierPorts?: readonly number[];
}

/** NACLs are stateless: replies to outbound connections come back on these ports. */
export const EPHEMERAL_PORTS = { from: 1024, to: 65535 } as const;

const ANYWHERE = "0.0.0.0/0";
/** AWS allows 20 rules per direction by default; beyond that a quota increase is needed. */
const MAX_RULES_PER_DIRECTION = 20;

type Rule = Omit<NetworkAclIngress, "ruleNo" | "action">;

const allFrom = (cidr: string): Rule => ({ protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: cidr });
const tcpFrom = (cidr: string, fromPort: number, toPort: number = fromPort): Rule => ({ protocol: "tcp", fromPort, toPort, cidrBlock: cidr });

/**
 * One NACL per tier, enforcing the tiering below the security groups:
 * - public: 80/443 and ephemeral replies from the internet, everything from the app tier;
 * - private-app: everything from the public tier and itself, ephemeral replies from anywhere
 *   (answers to egress through NAT and from the data tier);
 * - private-data: only the data ports from the app tier, its own subnets, nothing else; it
 *   answers the app tier on ephemeral ports and never reaches the internet.
 */
export class TierNetworkAcls extends Construct {
  readonly publicAclId: string;
  readonly privateAppAclId: string;
  readonly privateDataAclId: string;

  constructor(scope: Construct, id: string, props: TierNetworkAclsProps) {
    super(scope, id);
    const ports = props.dataTierPorts ?? [5432, 6379];
    const { public: publicCidrs, privateApp: appCidrs, privateData: dataCidrs } = props.cidrs;

    const publicAcl = this.acl("public", props, props.subnetIds.public, {
      ingress: [
        tcpFrom(ANYWHERE, 443),
        tcpFrom(ANYWHERE, 80),
        tcpFrom(ANYWHERE, EPHEMERAL_PORTS.from, EPHEMERAL_PORTS.to),
        ...appCidrs.map(allFrom),
      ],
      egress: [allFrom(ANYWHERE)],
    });

    const appAcl = this.acl("private-app", props, props.subnetIds.privateApp, {
      ingress: [
        ...publicCidrs.map(allFrom),
        ...appCidrs.map(allFrom),
        tcpFrom(ANYWHERE, EPHEMERAL_PORTS.from, EPHEMERAL_PORTS.to),
      ],
      egress: [allFrom(ANYWHERE)],
    });

    const dataAcl = this.acl("private-data", props, props.subnetIds.privateData, {
      ingress: [...appCidrs.flatMap((cidr) => ports.map((port) => tcpFrom(cidr, port))), ...dataCidrs.map(allFrom)],
      egress: [...appCidrs.map((cidr) => tcpFrom(cidr, EPHEMERAL_PORTS.from, EPHEMERAL_PORTS.to)), ...dataCidrs.map(allFrom)],
    });

    this.publicAclId = publicAcl.id;
    this.privateAppAclId = appAcl.id;
    this.privateDataAclId = dataAcl.id;
  }

  private acl(
    tier: string,
    props: TierNetworkAclsProps,
    subnetIds: readonly string[],
    rules: { readonly ingress: readonly Rule[]; readonly egress: readonly Rule[] },
  ): NetworkAcl {
    for (const [direction, list] of Object.entries(rules)) {
      if (list.length > MAX_RULES_PER_DIRECTION) {
        throw new Error(
          `NACL ${props.name}-${tier}: ${list.length} ${direction} rules exceed the default quota of ${MAX_RULES_PER_DIRECTION} (fewer AZs or data ports)`,
        );
      }
    }
    const numbered = (list: readonly Rule[]): NetworkAclIngress[] & NetworkAclEgress[] =>
      list.map((rule, index) => ({ ...rule, ruleNo: 100 + index * 10, action: "allow" }));
    return new NetworkAcl(this, tier, {
      vpcId: props.vpcId,
      subnetIds: [...subnetIds],
      ingress: numbered(rules.ingress),
      egress: numbered(rules.egress),
      tags: { Name: `${props.name}-${tier}`, tier },
    });
  }
}
