import { DefaultNetworkAcl } from "@cdktf/provider-aws/lib/default-network-acl";
import { DefaultRouteTable } from "@cdktf/provider-aws/lib/default-route-table";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { NetworkAcl } from "@cdktf/provider-aws/lib/network-acl";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcPeeringConnection } from "@cdktf/provider-aws/lib/vpc-peering-connection";
import { Construct } from "constructs";
import { IPv4CidrRange } from "ip-num";
import type { AwsTarget } from "../core/aws-target";
import { cidrsOverlap, prefixLengthOf } from "../core/cidrs";
import { OperatorClientVpn } from "./operator-client-vpn";
import { OperatorHost, type OperatorEgress } from "./operator-host";
import { EPHEMERAL_PORTS, denyAll, numberNaclRules, tcpFrom, type NaclRule } from "./tier-network-acls";
import { VpcEndpoints } from "./vpc-endpoints";
import { VpcFlowLogs } from "./vpc-flow-logs";
import { DEFAULT_DATA_PORTS } from "../core/data-ports";

/** Interface endpoints Session Manager cannot work without. */
const SESSION_MANAGER_ENDPOINTS = ["ssm", "ssmmessages", "ec2messages"] as const;

/**
 * Interface endpoints the operator tasks on the host call (docs/operations.md, "Operator tasks on
 * the host"), with no NAT in the management network: STS (the operator's own credentials, assume
 * role), EKS (update-kubeconfig; `aws eks get-token` only signs locally), RDS (finding the cluster
 * and its secret; `generate-db-auth-token` only signs locally), ElastiCache (finding the
 * replication group; its IAM token is signed locally too), Secrets Manager and KMS (the master
 * secret, break-glass), CloudWatch Logs (the session logs).
 */
const OPERATOR_TASK_ENDPOINTS = ["sts", "eks", "rds", "elasticache", "secretsmanager", "kms", "logs"] as const;

/** The application VPC the management network is peered with (same account and region). */
export interface PeeredApplicationVpc {
  readonly vpcId: string;
  /** Literal CIDR of the application VPC. */
  readonly cidr: string;
  /** Route tables of the tiers operators reach (private-app and private-data): they get the route back. */
  readonly routeTableIds: readonly string[];
  /** Literal CIDRs of the private-data subnets: the only destinations of the data ports. */
  readonly dataSubnetCidrs: readonly string[];
}

/** An AWS Client VPN endpoint into the management network. */
export interface ManagementClientVpnProps {
  /** ACM certificate the endpoint presents. */
  readonly serverCertificateArn: string;
  /** ACM certificate of the CA that issued the operators' client certificates. */
  readonly clientRootCertificateArn: string;
  /** Addresses handed to clients: a /22 or larger, overlapping neither VPC. */
  readonly clientCidr: string;
}

export interface ManagementNetworkProps {
  /** Environment name; resources are named `<name>-management...`. */
  readonly name: string;
  readonly target: AwsTarget;
  /** CIDR of the management VPC, /16 to /27; split into two literal subnets. */
  readonly cidr: string;
  /** Exactly two availability zones: one management subnet in each. */
  readonly availabilityZones: readonly string[];
  readonly application: PeeredApplicationVpc;
  /**
   * TCP ports of the data stores in the application VPC's private-data subnets.
   * @default [5432, 6379]
   */
  readonly dataTierPorts?: readonly number[];
  /** KMS key of the flow-log and Client VPN log groups; its policy must admit `logs.<region>.amazonaws.com`. */
  readonly logsKmsKeyArn: string;
  /** Days the flow logs and the Client VPN connection logs are kept. */
  readonly logRetentionDays: number;
  /**
   * Interface endpoints with private DNS (ssm, ssmmessages and ec2messages are required).
   * @default SESSION_MANAGER_ENDPOINTS and OPERATOR_TASK_ENDPOINTS
   */
  readonly interfaceServices?: readonly string[];
  /**
   * Instance type of the operator host.
   * @default "t4g.micro"
   */
  readonly operatorInstanceType?: string;
  /**
   * An AWS Client VPN endpoint for operators' own machines.
   * @default none: Session Manager only
   */
  readonly clientVpn?: ManagementClientVpnProps;
}

/**
 * The two subnets of a management VPC: its two halves, as literal CIDRs.
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function managementSubnetCidrs(cidr: string): readonly [string, string] {
  const [first, second] = IPv4CidrRange.fromCidr(cidr).split();
  if (first === undefined || second === undefined) throw new Error(`${cidr} cannot be split in two`);
  return [first.toCidrString(), second.toCidrString()];
}

/**
 * A management VPC from which operators reach the application VPC's private resources through
 * SSM Session Manager, with no path to or from the internet and no SSH:
 * - two private subnets (no internet gateway, no NAT), the default security group, NACL and
 *   route table emptied, flow logs of all traffic;
 * - interface endpoints for Session Manager (ssm, ssmmessages, ec2messages) and for the operator
 *   tasks on the host (sts, eks, rds, elasticache, secretsmanager, kms, logs),
 *   with private DNS, and the S3 gateway endpoint (package repositories and agent updates);
 * - a peering connection with the application VPC, routed both ways: management to the whole
 *   application VPC, the private-app and private-data route tables back to the management VPC;
 * - a NACL on the management subnets that admits from the application VPC only replies
 *   (ephemeral ports), so nothing there can open a connection into the management network (the
 *   application side's NACLs, given `managementCidr`, admit management traffic on 443 and the
 *   data ports and answer it only);
 * - the {@link OperatorHost}, and optionally an {@link OperatorClientVpn}.
 *
 * The NACL also lets HTTPS out to, and replies in from, addresses outside both VPCs: NACLs cannot
 * name the S3 prefix list, and with no internet gateway or NAT the S3 gateway endpoint is the only
 * route that leads there.
 */
export class ManagementNetwork extends Construct {
  readonly managementVpcId: string;
  readonly managementCidr: string;
  readonly subnetIds: readonly string[];
  readonly subnetCidrs: readonly string[];
  readonly routeTableId: string;
  readonly peeringConnectionId: string;
  readonly operatorSecurityGroupId: string;
  readonly operatorRoleArn: string;
  readonly instanceId: string;
  /** The Client VPN endpoint, when configured. */
  readonly clientVpnEndpointId?: string;

  constructor(scope: Construct, id: string, props: ManagementNetworkProps) {
    super(scope, id);
    const name = `${props.name}-management`;
    const app = props.application;
    const ports = props.dataTierPorts ?? [DEFAULT_DATA_PORTS.postgres, DEFAULT_DATA_PORTS.cache];
    const services = props.interfaceServices ?? [...SESSION_MANAGER_ENDPOINTS, ...OPERATOR_TASK_ENDPOINTS];
    const prefix = prefixLengthOf(props.cidr);
    if (prefix < 16 || prefix > 27) {
      throw new Error(`Management network ${name}: ${props.cidr} must be a /16 to /27 (two subnets of at least /28)`);
    }
    if (props.availabilityZones.length !== 2) {
      throw new Error(`Management network ${name}: needs exactly two availability zones, got ${props.availabilityZones.length}`);
    }
    if (cidrsOverlap(props.cidr, app.cidr)) {
      throw new Error(`Management network ${name}: ${props.cidr} overlaps the application VPC ${app.cidr}; peered VPCs must not overlap`);
    }
    const missing = SESSION_MANAGER_ENDPOINTS.filter((service) => !services.includes(service));
    if (missing.length > 0) {
      throw new Error(`Management network ${name}: Session Manager needs the ${missing.join(", ")} endpoint(s)`);
    }
    if (app.dataSubnetCidrs.length === 0) throw new Error(`Management network ${name}: name the application VPC's data subnets`);
    const vpn = props.clientVpn;
    if (vpn !== undefined) {
      for (const [what, other] of [
        ["the management VPC", props.cidr],
        ["the application VPC", app.cidr],
      ] as const) {
        if (cidrsOverlap(vpn.clientCidr, other)) {
          throw new Error(`Management network ${name}: Client VPN CIDR ${vpn.clientCidr} overlaps ${what} ${other}`);
        }
      }
    }

    const vpc = new Vpc(this, "vpc", {
      cidrBlock: props.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: name },
    });
    new DefaultSecurityGroup(this, "default-sg", {
      vpcId: vpc.id,
      ingress: [],
      egress: [],
      tags: { Name: `${name}-default-unused` },
    });
    new DefaultNetworkAcl(this, "default-nacl", {
      defaultNetworkAclId: vpc.defaultNetworkAclId,
      ingress: [],
      egress: [],
      tags: { Name: `${name}-default-deny` },
      lifecycle: { ignoreChanges: ["subnet_ids"] },
    });
    new DefaultRouteTable(this, "default-rt", {
      defaultRouteTableId: vpc.defaultRouteTableId,
      route: [],
      tags: { Name: `${name}-default-unused` },
    });

    const subnetCidrs = managementSubnetCidrs(props.cidr);
    const subnets = subnetCidrs.map(
      (cidr, index) =>
        new Subnet(this, `subnet-${index}`, {
          vpcId: vpc.id,
          cidrBlock: cidr,
          availabilityZone: props.availabilityZones[index],
          mapPublicIpOnLaunch: false,
          tags: { Name: `${name}-${props.availabilityZones[index]}`, tier: "management" },
        }),
    );
    const routeTable = new RouteTable(this, "rt", { vpcId: vpc.id, tags: { Name: name } });
    for (const [index, subnet] of subnets.entries()) {
      new RouteTableAssociation(this, `rta-${index}`, { subnetId: subnet.id, routeTableId: routeTable.id });
    }

    const peering = new VpcPeeringConnection(this, "peering", {
      vpcId: vpc.id,
      peerVpcId: app.vpcId,
      autoAccept: true,
      tags: { Name: `${name}-to-application` },
    });
    new Route(this, "to-application", {
      routeTableId: routeTable.id,
      destinationCidrBlock: app.cidr,
      vpcPeeringConnectionId: peering.id,
    });
    app.routeTableIds.forEach((routeTableId, index) => {
      new Route(this, `application-to-management-${index}`, {
        routeTableId,
        destinationCidrBlock: props.cidr,
        vpcPeeringConnectionId: peering.id,
      });
    });

    new VpcFlowLogs(this, "flow-logs", {
      name,
      target: props.target,
      vpcId: vpc.id,
      kmsKeyArn: props.logsKmsKeyArn,
      retentionInDays: props.logRetentionDays,
    });
    const endpoints = new VpcEndpoints(this, "endpoints", {
      name,
      region: props.target.region,
      vpcId: vpc.id,
      vpcCidr: props.cidr,
      gatewayRouteTableIds: [routeTable.id],
      interfaceSubnetIds: subnets.map((subnet) => subnet.id),
      interfaceServices: services,
    });

    const anywhere = "0.0.0.0/0";
    const ephemeral = (cidr: string) => tcpFrom(cidr, EPHEMERAL_PORTS.from, EPHEMERAL_PORTS.to);
    const ingress: NaclRule[] = [
      tcpFrom(props.cidr, 443), // to the interface endpoints from the other subnet
      ephemeral(props.cidr), // the endpoints' replies
      ephemeral(app.cidr), // replies of the EKS API and the data stores
      denyAll(app.cidr), // nothing the application VPC initiates
      ephemeral(anywhere), // replies of S3 through the gateway endpoint, the only route out
    ];
    const egress: NaclRule[] = [
      tcpFrom(props.cidr, 443),
      ephemeral(props.cidr),
      tcpFrom(app.cidr, 443), // the EKS API
      ...app.dataSubnetCidrs.flatMap((cidr) => ports.map((port) => tcpFrom(cidr, port))),
      denyAll(app.cidr),
      tcpFrom(anywhere, 443), // S3 through the gateway endpoint
    ];
    for (const [direction, list] of [
      ["ingress", ingress],
      ["egress", egress],
    ] as const) {
      if (list.length > 20) {
        throw new Error(
          `Management network ${name}: ${list.length} NACL ${direction} rules exceed the default quota of 20 (fewer data ports)`,
        );
      }
    }
    new NetworkAcl(this, "nacl", {
      vpcId: vpc.id,
      subnetIds: subnets.map((subnet) => subnet.id),
      ingress: numberNaclRules(ingress),
      egress: numberNaclRules(egress),
      tags: { Name: name, tier: "management" },
    });

    const dataDestinations = app.dataSubnetCidrs.flatMap((cidr, subnetIndex) =>
      ports.map((port) => ({ id: `data-${port}-${subnetIndex}`, description: `Data store port ${port} in ${cidr}`, port, cidr })),
    );
    const eksApi = { id: "eks-api", description: "The EKS API in the application VPC", port: 443, cidr: app.cidr };
    const operatorEgress: OperatorEgress[] = [
      { id: "endpoints", description: "Session Manager and the other interface endpoints", port: 443, cidr: props.cidr },
      eksApi,
      ...dataDestinations,
      {
        id: "s3",
        description: "S3 through the gateway endpoint (packages, agent updates)",
        port: 443,
        prefixListId: endpoints.s3PrefixListId,
      },
    ];
    const operator = new OperatorHost(this, "operator", {
      name: props.name,
      target: props.target,
      vpcId: vpc.id,
      subnetId: subnets[0].id,
      egress: operatorEgress,
      ...(props.operatorInstanceType === undefined ? {} : { instanceType: props.operatorInstanceType }),
    });

    if (vpn !== undefined) {
      const clientVpn = new OperatorClientVpn(this, "client-vpn", {
        name,
        vpcId: vpc.id,
        subnetIds: subnets.map((subnet) => subnet.id),
        serverCertificateArn: vpn.serverCertificateArn,
        clientRootCertificateArn: vpn.clientRootCertificateArn,
        clientCidr: vpn.clientCidr,
        authorizedCidrs: [app.cidr],
        destinations: [eksApi, ...dataDestinations],
        logsKmsKeyArn: props.logsKmsKeyArn,
        logRetentionDays: props.logRetentionDays,
      });
      this.clientVpnEndpointId = clientVpn.endpointId;
    }

    this.managementVpcId = vpc.id;
    this.managementCidr = props.cidr;
    this.subnetIds = subnets.map((subnet) => subnet.id);
    this.subnetCidrs = subnetCidrs;
    this.routeTableId = routeTable.id;
    this.peeringConnectionId = peering.id;
    this.operatorSecurityGroupId = operator.securityGroupId;
    this.operatorRoleArn = operator.roleArn;
    this.instanceId = operator.instanceId;
  }
}
