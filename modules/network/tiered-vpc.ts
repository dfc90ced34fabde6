import { DefaultNetworkAcl } from "@cdktf/provider-aws/lib/default-network-acl";
import { DefaultRouteTable } from "@cdktf/provider-aws/lib/default-route-table";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Construct } from "constructs";

/** How many NAT gateways carry the private-app tier's internet egress. */
export type NatGatewayMode = "single" | "perAz";

/** Literal subnet CIDRs of one tier, index i in availability zone i. */
export interface TierCidrs {
  readonly public: readonly string[];
  readonly privateApp: readonly string[];
  readonly privateData: readonly string[];
}

export interface TieredVpcProps {
  /** Prefix of every Name tag, e.g. `dev`. */
  readonly name: string;
  readonly cidr: string;
  /** Availability zones in use; each tier has one subnet in each. */
  readonly availabilityZones: readonly string[];
  /** Literal subnet CIDRs per tier (computed at synth time), one per availability zone. */
  readonly subnets: TierCidrs;
  /**
   * `perAz` keeps each AZ's egress in that AZ; `single` saves cost and is a single point of failure.
   * @default "perAz"
   */
  readonly natGateways?: NatGatewayMode;
  /**
   * Extra tags of the private-app subnets, e.g. Karpenter's discovery tag
   * (`karpenter.sh/discovery=<cluster>`), which its EC2NodeClass selects subnets by.
   * @default {}
   */
  readonly privateAppSubnetTags?: { readonly [key: string]: string };
}

/**
 * An application VPC in three tiers across availability zones:
 * - public: internet gateway route, NAT gateways and the internet-facing load balancer;
 * - private-app: nodes and pods, internet egress only through NAT;
 * - private-data: databases and caches, no route to the internet at all.
 * No subnet assigns public IPs, and the default security group, NACL and route table are
 * taken over and emptied so nothing can fall back on them.
 */
export class TieredVpc extends Construct {
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly availabilityZones: readonly string[];
  readonly publicSubnetIds: string[];
  readonly privateAppSubnetIds: string[];
  readonly privateDataSubnetIds: string[];
  readonly publicRouteTableIds: string[];
  readonly privateAppRouteTableIds: string[];
  readonly privateDataRouteTableIds: string[];
  readonly natGatewayPublicIps: string[];
  /** NAT gateways, one per AZ (`perAz`) or one (`single`): what the NAT alarms watch. */
  readonly natGatewayIds: string[];

  constructor(scope: Construct, id: string, props: TieredVpcProps) {
    super(scope, id);
    const zones = props.availabilityZones;
    if (zones.length === 0) throw new Error(`VPC ${props.name}: needs at least one availability zone`);
    for (const [tier, cidrs] of Object.entries(props.subnets)) {
      if (cidrs.length !== zones.length) {
        throw new Error(`VPC ${props.name}: the ${tier} tier has ${cidrs.length} subnets for ${zones.length} availability zones`);
      }
    }
    const natGateways = props.natGateways ?? "perAz";

    const vpc = new Vpc(this, "vpc", {
      cidrBlock: props.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: props.name },
    });
    new DefaultSecurityGroup(this, "default-sg", {
      vpcId: vpc.id,
      ingress: [],
      egress: [],
      tags: { Name: `${props.name}-default-unused` },
    });
    new DefaultNetworkAcl(this, "default-nacl", {
      defaultNetworkAclId: vpc.defaultNetworkAclId,
      ingress: [],
      egress: [],
      tags: { Name: `${props.name}-default-deny` },
      lifecycle: { ignoreChanges: ["subnet_ids"] },
    });
    new DefaultRouteTable(this, "default-rt", {
      defaultRouteTableId: vpc.defaultRouteTableId,
      route: [],
      tags: { Name: `${props.name}-default-unused` },
    });

    const igw = new InternetGateway(this, "igw", { vpcId: vpc.id, tags: { Name: props.name } });

    const subnet = (tier: string, label: string, index: number, cidr: string, roleTag: Record<string, string>) =>
      new Subnet(this, `${tier}-${index}`, {
        vpcId: vpc.id,
        cidrBlock: cidr,
        availabilityZone: zones[index],
        mapPublicIpOnLaunch: false,
        tags: { Name: `${props.name}-${label}-${zones[index]}`, tier: label, ...roleTag },
      });
    const publicSubnets = props.subnets.public.map((cidr, i) => subnet("public", "public", i, cidr, { "kubernetes.io/role/elb": "1" }));
    const appSubnets = props.subnets.privateApp.map((cidr, i) =>
      subnet("private-app", "private-app", i, cidr, { "kubernetes.io/role/internal-elb": "1", ...props.privateAppSubnetTags }),
    );
    const dataSubnets = props.subnets.privateData.map((cidr, i) => subnet("private-data", "private-data", i, cidr, {}));

    const publicRouteTable = new RouteTable(this, "public-rt", { vpcId: vpc.id, tags: { Name: `${props.name}-public` } });
    new Route(this, "public-internet", {
      routeTableId: publicRouteTable.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: igw.id,
    });
    for (const [i, s] of publicSubnets.entries()) {
      new RouteTableAssociation(this, `public-rta-${i}`, { subnetId: s.id, routeTableId: publicRouteTable.id });
    }

    const natCount = natGateways === "perAz" ? zones.length : 1;
    const nats = Array.from({ length: natCount }, (_, i) => {
      const eip = new Eip(this, `nat-eip-${i}`, { domain: "vpc", tags: { Name: `${props.name}-nat-${zones[i]}` } });
      const nat = new NatGateway(this, `nat-${i}`, {
        allocationId: eip.allocationId,
        subnetId: publicSubnets[i].id,
        connectivityType: "public",
        tags: { Name: `${props.name}-nat-${zones[i]}` },
        dependsOn: [igw],
      });
      return { eip, nat };
    });

    const appRouteTables = appSubnets.map((s, i) => {
      const table = new RouteTable(this, `private-app-rt-${i}`, { vpcId: vpc.id, tags: { Name: `${props.name}-private-app-${zones[i]}` } });
      new Route(this, `private-app-egress-${i}`, {
        routeTableId: table.id,
        destinationCidrBlock: "0.0.0.0/0",
        natGatewayId: nats[natGateways === "perAz" ? i : 0].nat.id,
      });
      new RouteTableAssociation(this, `private-app-rta-${i}`, { subnetId: s.id, routeTableId: table.id });
      return table;
    });

    // The data tier keeps only the implicit local route: no internet, no NAT.
    const dataRouteTable = new RouteTable(this, "private-data-rt", { vpcId: vpc.id, tags: { Name: `${props.name}-private-data` } });
    for (const [i, s] of dataSubnets.entries()) {
      new RouteTableAssociation(this, `private-data-rta-${i}`, { subnetId: s.id, routeTableId: dataRouteTable.id });
    }

    this.vpcId = vpc.id;
    this.vpcCidr = vpc.cidrBlock;
    this.availabilityZones = zones;
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateAppSubnetIds = appSubnets.map((s) => s.id);
    this.privateDataSubnetIds = dataSubnets.map((s) => s.id);
    this.publicRouteTableIds = [publicRouteTable.id];
    this.privateAppRouteTableIds = appRouteTables.map((t) => t.id);
    this.privateDataRouteTableIds = [dataRouteTable.id];
    this.natGatewayPublicIps = nats.map(({ eip }) => eip.publicIp);
    this.natGatewayIds = nats.map(({ nat }) => nat.id);
  }
}
