import { NetworkAcl, type NetworkAclEgress, type NetworkAclIngress } from "@cdktf/provider-aws/lib/network-acl";
import { Construct } from "constructs";
import type { TierCidrs } from "./tiered-vpc";
import { DEFAULT_DATA_PORTS } from "../core/data-ports";

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
  /**
   * CIDR of a peered management VPC. Connections from it are admitted into the app tier on 443
   * (the EKS API) and into the data tier on the data ports; the two tiers send it only replies
   * (ephemeral ports), so they can open no connection to a service there (a stateless NACL cannot
   * tell a reply from a packet to an ephemeral port: the management side listens on none).
   * @default none: no management network
   */
  readonly managementCidr?: string;
  /**
   * Private ranges outside the VPC admitted to the EKS API (`platform.endpoint.privateAccessCidrs`):
   * the app tier, where the control plane's network interfaces live, admits 443 from them (its
   * egress already answers anywhere on ephemeral ports). The route to them is not made here.
   * @default none
   */
  readonly apiClientCidrs?: readonly string[];
}

/** NACLs are stateless: replies to outbound connections come back on these ports. */
export const EPHEMERAL_PORTS = { from: 1024, to: 65535 } as const;

const ANYWHERE = "0.0.0.0/0";
/** AWS allows 20 rules per direction by default; beyond that a quota increase is needed. */
const MAX_RULES_PER_DIRECTION = 20;

/** A rule without its number (given by position); `allow` unless it says `deny`. */
export type NaclRule = Omit<NetworkAclIngress, "ruleNo" | "action"> & { readonly action?: "allow" | "deny" };

const allFrom = (cidr: string): NaclRule => ({ protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: cidr });
export const tcpFrom = (cidr: string, fromPort: number, toPort: number = fromPort): NaclRule => ({
  protocol: "tcp",
  fromPort,
  toPort,
  cidrBlock: cidr,
});
export const denyAll = (cidr: string): NaclRule => ({ ...allFrom(cidr), action: "deny" });

/**
 * Numbers rules in the order given (100, 110, ...): NACLs evaluate the lowest number first, so a
 * deny placed before an allow-all wins.
 */
export function numberNaclRules(list: readonly NaclRule[]): NetworkAclIngress[] & NetworkAclEgress[] {
  return list.map((rule, index) => ({ ...rule, ruleNo: 100 + index * 10, action: rule.action ?? "allow" }));
}

/**
 * One NACL per tier, enforcing the tiering below the security groups:
 * - public: 80/443 and ephemeral replies from the internet, everything from the app tier;
 * - private-app: everything from the public tier and itself, ephemeral replies from anywhere
 *   (answers to egress through NAT and from the data tier);
 * - private-data: only the data ports from the app tier, its own subnets, nothing else; it
 *   answers the app tier on ephemeral ports and never reaches the internet.
 * With a management network (`managementCidr`), the app tier also admits 443 and the data tier
 * the data ports from it; both answer it on ephemeral ports only, and the app tier's egress
 * denies everything else toward it before its allow-all (the data tier has no allow-all).
 */
export class TierNetworkAcls extends Construct {
  readonly publicAclId: string;
  readonly privateAppAclId: string;
  readonly privateDataAclId: string;

  constructor(scope: Construct, id: string, props: TierNetworkAclsProps) {
    super(scope, id);
    const ports = props.dataTierPorts ?? [DEFAULT_DATA_PORTS.postgres, DEFAULT_DATA_PORTS.cache];
    const { public: publicCidrs, privateApp: appCidrs, privateData: dataCidrs } = props.cidrs;
    const management = props.managementCidr;
    if (management?.endsWith("/0")) {
      throw new Error(`NACL ${props.name}: the management CIDR must be the management VPC, not ${management}`);
    }
    const managementList = management === undefined ? [] : [management];

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
        ...managementList.map((cidr) => tcpFrom(cidr, 443)),
        ...(props.apiClientCidrs ?? []).map((cidr) => tcpFrom(cidr, 443)),
        tcpFrom(ANYWHERE, EPHEMERAL_PORTS.from, EPHEMERAL_PORTS.to),
      ],
      egress: [
        // Replies to the management network only; the deny comes before the allow-all.
        ...managementList.flatMap((cidr) => [tcpFrom(cidr, EPHEMERAL_PORTS.from, EPHEMERAL_PORTS.to), denyAll(cidr)]),
        allFrom(ANYWHERE),
      ],
    });

    const dataAcl = this.acl("private-data", props, props.subnetIds.privateData, {
      ingress: [...[...appCidrs, ...managementList].flatMap((cidr) => ports.map((port) => tcpFrom(cidr, port))), ...dataCidrs.map(allFrom)],
      egress: [
        ...[...appCidrs, ...managementList].map((cidr) => tcpFrom(cidr, EPHEMERAL_PORTS.from, EPHEMERAL_PORTS.to)),
        ...dataCidrs.map(allFrom),
      ],
    });

    this.publicAclId = publicAcl.id;
    this.privateAppAclId = appAcl.id;
    this.privateDataAclId = dataAcl.id;
  }

  private acl(
    tier: string,
    props: TierNetworkAclsProps,
    subnetIds: readonly string[],
    rules: { readonly ingress: readonly NaclRule[]; readonly egress: readonly NaclRule[] },
  ): NetworkAcl {
    for (const [direction, list] of Object.entries(rules)) {
      if (list.length > MAX_RULES_PER_DIRECTION) {
        throw new Error(
          `NACL ${props.name}-${tier}: ${list.length} ${direction} rules exceed the default quota of ${MAX_RULES_PER_DIRECTION} (fewer AZs or data ports)`,
        );
      }
    }
    return new NetworkAcl(this, tier, {
      vpcId: props.vpcId,
      subnetIds: [...subnetIds],
      ingress: numberNaclRules(rules.ingress),
      egress: numberNaclRules(rules.egress),
      tags: { Name: `${props.name}-${tier}`, tier },
    });
  }
}
