import { Ec2ManagedPrefixList } from "@cdktf/provider-aws/lib/ec2-managed-prefix-list";
import { Construct } from "constructs";
import { NON_PUBLIC_RANGES, rangesOutside } from "../core/cidrs";

export interface PublicInternetPrefixListProps {
  /** Name of the prefix list, e.g. `<env>-public-internet`. */
  readonly name: string;
  /**
   * Ranges left out besides {@link NON_PUBLIC_RANGES}: the VPC's own CIDRs when they are not private.
   * @default []
   */
  readonly alsoExcluded?: readonly string[];
}

/**
 * A customer-managed prefix list of the public IPv4 internet: every address outside the private
 * and shared ranges (and the VPC's), as the fewest CIDRs. A security group whose egress names it
 * reaches GitHub, registries and public AWS endpoints, and nothing inside the network: a `0.0.0.0/0`
 * rule would also reach every service in the VPC and in peered networks. A rule naming it counts
 * as `maxEntries` rules against the group's quota of 60 (38 entries today).
 */
export class PublicInternetPrefixList extends Construct {
  readonly prefixListId: string;
  /** The CIDRs of the list, in address order. */
  readonly cidrs: readonly string[];

  constructor(scope: Construct, id: string, props: PublicInternetPrefixListProps) {
    super(scope, id);
    this.cidrs = rangesOutside([...NON_PUBLIC_RANGES, ...(props.alsoExcluded ?? [])]);
    const list = new Ec2ManagedPrefixList(this, "list", {
      name: props.name,
      addressFamily: "IPv4",
      maxEntries: this.cidrs.length,
      entry: this.cidrs.map((cidr) => ({ cidr, description: "public internet" })),
      tags: { Name: props.name },
    });
    this.prefixListId = list.id;
  }
}
