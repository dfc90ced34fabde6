import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";

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

    const ids: { [service: string]: string } = {};
    for (const service of services) {
      const endpoint = new VpcEndpoint(this, `interface-${service.replace(/\./g, "-")}`, {
        vpcId: props.vpcId,
        serviceName: `com.amazonaws.${props.region}.${service}`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: [...props.interfaceSubnetIds],
        securityGroupIds: [sg.id],
        tags: { Name: `${props.name}-${service}` },
      });
      ids[service] = endpoint.id;
    }
    this.securityGroupId = sg.id;
    this.s3GatewayEndpointId = s3.id;
    this.s3PrefixListId = s3.prefixListId;
    this.interfaceEndpointIds = ids;
  }
}
