import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogStream } from "@cdktf/provider-aws/lib/cloudwatch-log-stream";
import { Ec2ClientVpnAuthorizationRule } from "@cdktf/provider-aws/lib/ec2-client-vpn-authorization-rule";
import { Ec2ClientVpnEndpoint } from "@cdktf/provider-aws/lib/ec2-client-vpn-endpoint";
import { Ec2ClientVpnNetworkAssociation } from "@cdktf/provider-aws/lib/ec2-client-vpn-network-association";
import { Ec2ClientVpnRoute } from "@cdktf/provider-aws/lib/ec2-client-vpn-route";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { Construct } from "constructs";
import { prefixLengthOf } from "../core/cidrs";

/** Where VPN clients may connect once inside: TCP ports on CIDRs. */
export interface ClientVpnDestination {
  /** Stable id of the rule, e.g. `eks-api`. */
  readonly id: string;
  readonly description: string;
  readonly port: number;
  readonly cidr: string;
}

export interface OperatorClientVpnProps {
  /** Prefix of names: the endpoint and its group are `<name>-client-vpn`, the log group `/aws/client-vpn/<name>`. */
  readonly name: string;
  readonly vpcId: string;
  /** Subnets the endpoint is associated with (one per AZ; their VPC's route tables carry the traffic on). */
  readonly subnetIds: readonly string[];
  /** ACM certificate the endpoint presents. */
  readonly serverCertificateArn: string;
  /** ACM certificate of the CA that issued the clients' certificates (mutual authentication). */
  readonly clientRootCertificateArn: string;
  /** Addresses handed to clients, /12 to /22. */
  readonly clientCidr: string;
  /** Networks clients are authorized for and routed to (through the associated subnets). */
  readonly authorizedCidrs: readonly string[];
  /** What the endpoint's network interfaces may connect to; nothing may connect to them. */
  readonly destinations: readonly ClientVpnDestination[];
  /** KMS key of the connection log group; its policy must admit `logs.<region>.amazonaws.com`. */
  readonly logsKmsKeyArn: string;
  /** Days the connection log is kept. */
  readonly logRetentionDays: number;
  /**
   * Hours after which a client must reconnect (8, 10, 12 or 24).
   * @default 8
   */
  readonly sessionTimeoutHours?: 8 | 10 | 12 | 24;
}

/**
 * An AWS Client VPN endpoint for operators: mutual certificate authentication, split tunnel (only
 * the authorized networks go through it), every connection logged to a KMS-encrypted log group
 * with retention, a security group without ingress whose egress names each destination port.
 */
export class OperatorClientVpn extends Construct {
  readonly endpointId: string;
  readonly securityGroupId: string;
  readonly logGroupName: string;

  constructor(scope: Construct, id: string, props: OperatorClientVpnProps) {
    super(scope, id);
    const name = `${props.name}-client-vpn`;
    const prefix = prefixLengthOf(props.clientCidr);
    if (prefix < 12 || prefix > 22) {
      throw new Error(`Client VPN ${name}: client CIDR ${props.clientCidr} must be a /12 to /22`);
    }
    if (props.subnetIds.length === 0) throw new Error(`Client VPN ${name}: associate it with at least one subnet`);
    if (props.authorizedCidrs.length === 0) throw new Error(`Client VPN ${name}: authorize at least one network`);

    const group = new SecurityGroup(this, "sg", {
      name,
      description: `Client VPN ${name}: no ingress, egress to the EKS API and the data stores`,
      vpcId: props.vpcId,
      tags: { Name: name },
    });
    for (const destination of props.destinations) {
      new VpcSecurityGroupEgressRule(this, `egress-${destination.id}`, {
        securityGroupId: group.id,
        description: destination.description,
        ipProtocol: "tcp",
        fromPort: destination.port,
        toPort: destination.port,
        cidrIpv4: destination.cidr,
      });
    }

    const logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: `/aws/client-vpn/${props.name}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logsKmsKeyArn,
    });
    const logStream = new CloudwatchLogStream(this, "log-stream", { name: "connections", logGroupName: logGroup.name });

    const endpoint = new Ec2ClientVpnEndpoint(this, "endpoint", {
      description: `${name}: operators into the management network`,
      serverCertificateArn: props.serverCertificateArn,
      clientCidrBlock: props.clientCidr,
      authenticationOptions: [{ type: "certificate-authentication", rootCertificateChainArn: props.clientRootCertificateArn }],
      connectionLogOptions: { enabled: true, cloudwatchLogGroup: logGroup.name, cloudwatchLogStream: logStream.name },
      splitTunnel: true,
      transportProtocol: "udp",
      sessionTimeoutHours: props.sessionTimeoutHours ?? 8,
      selfServicePortal: "disabled",
      vpcId: props.vpcId,
      securityGroupIds: [group.id],
      tags: { Name: name },
    });

    const associations = props.subnetIds.map(
      (subnetId, index) => new Ec2ClientVpnNetworkAssociation(this, `association-${index}`, { clientVpnEndpointId: endpoint.id, subnetId }),
    );
    props.authorizedCidrs.forEach((cidr, index) => {
      new Ec2ClientVpnAuthorizationRule(this, `authorize-${index}`, {
        clientVpnEndpointId: endpoint.id,
        targetNetworkCidr: cidr,
        authorizeAllGroups: true,
        description: `Operators to ${cidr}`,
      });
      // The associated subnets' own VPC is routed automatically; other networks need a route per subnet.
      associations.forEach((association, subnetIndex) => {
        new Ec2ClientVpnRoute(this, `route-${index}-${subnetIndex}`, {
          clientVpnEndpointId: endpoint.id,
          destinationCidrBlock: cidr,
          targetVpcSubnetId: association.subnetId,
          description: `Operators to ${cidr}`,
        });
      });
    });

    this.endpointId = endpoint.id;
    this.securityGroupId = group.id;
    this.logGroupName = logGroup.name;
  }
}
