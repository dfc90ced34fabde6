import { Ec2SubnetCidrReservation } from "@cdktf/provider-aws/lib/ec2-subnet-cidr-reservation";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { IPv4, IPv4CidrRange } from "ip-num";

/**
 * The addresses an interface subnet keeps for the endpoints: its second /28 (the first holds the
 * four addresses AWS reserves in every subnet). Literal, so network policies can name it.
 */
function endpointAddressRange(subnetCidr: string): string {
  const subnet = IPv4CidrRange.fromCidr(subnetCidr);
  if (Number(subnetCidr.split("/")[1]) > 26)
    throw new Error(`Subnet ${subnetCidr} is too small to keep a /28 for endpoints (needs /26 or larger)`);
  const start = subnet.getFirst().getValue() + 16n;
  return `${new IPv4(start).toString()}/28`;
}

/** The i-th address of a literal CIDR. */
function addressIn(cidr: string, index: number): string {
  return new IPv4(IPv4CidrRange.fromCidr(cidr).getFirst().getValue() + BigInt(index)).toString();
}

export interface VpcEndpointsProps {
  /** Prefix of names. */
  readonly name: string;
  readonly region: string;
  readonly vpcId: string;
  readonly vpcCidr: string;
  /** Route tables that get the S3 gateway endpoint (the private tiers). */
  readonly gatewayRouteTableIds: readonly string[];
  /** Subnets the interface endpoints' network interfaces live in, one per AZ. */
  readonly interfaceSubnetIds: readonly string[];
  /**
   * Interface endpoint services by suffix (`ecr.api`, `sts`, ...), each with private DNS.
   * @default none
   */
  readonly interfaceServices?: readonly string[];
  /**
   * Literal CIDRs of the interface subnets (same order as interfaceSubnetIds): each gets an
   * explicit subnet CIDR reservation ({@link endpointAddressRange}) that nothing but these
   * endpoints may take addresses from, and each endpoint a fixed address in it. Network policies
   * can then admit the endpoints without admitting the rest of the subnet (the EKS API server's
   * interfaces, other pods).
   * @default none: AWS picks each endpoint's address anywhere in its subnet
   */
  readonly interfaceSubnetCidrs?: readonly string[];
}

/**
 * The S3 gateway endpoint (always: image layers and state never cross NAT) and the configured
 * interface endpoints, behind a security group that admits HTTPS from the VPC only.
 */
export class VpcEndpoints extends Construct {
  readonly securityGroupId: string;
  readonly s3GatewayEndpointId: string;
  /** The S3 prefix list the gateway endpoint routes: the destination security groups name for S3. */
  readonly s3PrefixListId: string;
  /** Interface endpoint ids by service suffix. */
  readonly interfaceEndpointIds: { readonly [service: string]: string };
  /** The reserved ranges the endpoints' addresses come from, one per interface subnet; empty without interfaceSubnetCidrs. */
  readonly endpointAddressRanges: readonly string[];

  constructor(scope: Construct, id: string, props: VpcEndpointsProps) {
    super(scope, id);
    const services = props.interfaceServices ?? [];

    const s3 = new VpcEndpoint(this, "s3", {
      vpcId: props.vpcId,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: [...props.gatewayRouteTableIds],
      tags: { Name: `${props.name}-s3` },
    });

    const sg = new SecurityGroup(this, "sg", {
      name: `${props.name}-vpc-endpoints`,
      description: "Interface VPC endpoints: HTTPS from inside the VPC only",
      vpcId: props.vpcId,
      tags: { Name: `${props.name}-vpc-endpoints` },
    });
    new VpcSecurityGroupIngressRule(this, "https-from-vpc", {
      securityGroupId: sg.id,
      description: "HTTPS from the VPC",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: props.vpcCidr,
    });

    const subnetCidrs = props.interfaceSubnetCidrs;
    if (subnetCidrs !== undefined && subnetCidrs.length !== props.interfaceSubnetIds.length) {
      throw new Error(
        `VPC endpoints ${props.name}: ${subnetCidrs.length} subnet CIDRs for ${props.interfaceSubnetIds.length} interface subnets`,
      );
    }
    if (subnetCidrs !== undefined && services.length > 16) {
      throw new Error(
        `VPC endpoints ${props.name}: ${services.length} interface endpoints do not fit the /28 kept for them in each subnet (16)`,
      );
    }
    const ranges = (subnetCidrs ?? []).map(endpointAddressRange);
    const reservations = ranges.map(
      (range, index) =>
        new Ec2SubnetCidrReservation(this, `endpoint-range-${index}`, {
          subnetId: props.interfaceSubnetIds[index],
          cidrBlock: range,
          reservationType: "explicit",
          // Tells whoever finds these addresses reserved in the console why (and which environment).
          description: `Interface endpoints of ${props.name} only`,
        }),
    );

    const ids: { [service: string]: string } = {};
    for (const [serviceIndex, service] of services.entries()) {
      const endpoint = new VpcEndpoint(this, `interface-${service.replace(/\./g, "-")}`, {
        vpcId: props.vpcId,
        serviceName: `com.amazonaws.${props.region}.${service}`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: [...props.interfaceSubnetIds],
        securityGroupIds: [sg.id],
        ...(ranges.length === 0
          ? {}
          : {
              subnetConfiguration: props.interfaceSubnetIds.map((subnetId, az) => ({
                subnetId,
                ipv4: addressIn(ranges[az], serviceIndex),
              })),
              dependsOn: reservations,
            }),
        tags: { Name: `${props.name}-${service}` },
      });
      ids[service] = endpoint.id;
    }
    this.securityGroupId = sg.id;
    this.s3GatewayEndpointId = s3.id;
    this.s3PrefixListId = s3.prefixListId;
    this.interfaceEndpointIds = ids;
    this.endpointAddressRanges = ranges;
  }
}
