import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";

export interface EksSecurityGroupsProps {
  readonly clusterName: string;
  readonly vpcId: string;
  /**
   * Extra tags of the nodes' group, e.g. Karpenter's discovery tag (`karpenter.sh/discovery=<cluster>`):
   * the group its EC2NodeClass gives the nodes it launches.
   * @default {}
   */
  readonly nodeSecurityGroupTags?: { readonly [key: string]: string };
  /**
   * Private ranges (CI runners, VPN, peered networks) admitted to the API server on 443.
   * @default none: only the nodes
   */
  readonly apiAccessCidrs?: readonly string[];
  /**
   * Security groups in the VPC admitted to the API server on 443 (the CI runners), by name: the
   * construct id of each rule is `cluster-from-<key>`. Each group also gets the matching egress
   * rule, `<key>-to-cluster` (the runners' groups open no egress inside the VPC themselves).
   * @default none
   */
  readonly apiAccessSecurityGroups?: { readonly [key: string]: string };
}

/** Ports the control plane opens on nodes: kubelet and the usual admission-webhook ports. */
const CONTROL_PLANE_TO_NODE_PORTS = [443, 4443, 6443, 8443, 9443, 10250] as const;

/**
 * The cluster's additional security group and the nodes' security group, with only what EKS needs:
 * nodes reach the API server on 443; the control plane reaches kubelet and webhooks on the nodes;
 * nodes talk to each other (pods, DNS); nodes egress for image pulls and AWS APIs. Nothing is
 * opened to a CIDR but the configured private API-access ranges (CI runners, VPN). The node group
 * carries the `kubernetes.io/cluster/<name>` tag so Kubernetes load balancers manage their rules
 * on it, and data stores admit this group alone.
 */
export class EksSecurityGroups extends Construct {
  readonly clusterSecurityGroupId: string;
  readonly nodeSecurityGroupId: string;

  constructor(scope: Construct, id: string, props: EksSecurityGroupsProps) {
    super(scope, id);
    const cluster = new SecurityGroup(this, "cluster", {
      name: `${props.clusterName}-cluster`,
      description: `EKS ${props.clusterName} control plane (additional)`,
      vpcId: props.vpcId,
      tags: { Name: `${props.clusterName}-cluster` },
    });
    const nodes = new SecurityGroup(this, "nodes", {
      name: `${props.clusterName}-nodes`,
      description: `EKS ${props.clusterName} nodes`,
      vpcId: props.vpcId,
      tags: {
        Name: `${props.clusterName}-nodes`,
        [`kubernetes.io/cluster/${props.clusterName}`]: "owned",
        ...props.nodeSecurityGroupTags,
      },
    });

    new VpcSecurityGroupIngressRule(this, "cluster-from-nodes-443", {
      securityGroupId: cluster.id,
      description: "Nodes to the API server",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      referencedSecurityGroupId: nodes.id,
    });
    (props.apiAccessCidrs ?? []).forEach((cidr, index) => {
      if (cidr.endsWith("/0")) throw new Error(`EKS ${props.clusterName}: the API server must not admit ${cidr}`);
      new VpcSecurityGroupIngressRule(this, `cluster-from-cidr-${index}`, {
        securityGroupId: cluster.id,
        description: `Operators and CI to the API server from ${cidr}`,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: cidr,
      });
    });
    for (const [key, groupId] of Object.entries(props.apiAccessSecurityGroups ?? {})) {
      new VpcSecurityGroupIngressRule(this, `cluster-from-${key}`, {
        securityGroupId: cluster.id,
        description: `${key} to the API server`,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        referencedSecurityGroupId: groupId,
      });
      new VpcSecurityGroupEgressRule(this, `${key}-to-cluster`, {
        securityGroupId: groupId,
        description: `${key} to the ${props.clusterName} API server`,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        referencedSecurityGroupId: cluster.id,
      });
    }
    for (const port of CONTROL_PLANE_TO_NODE_PORTS) {
      new VpcSecurityGroupIngressRule(this, `nodes-from-cluster-${port}`, {
        securityGroupId: nodes.id,
        description: port === 10250 ? "Control plane to kubelet" : `Control plane to admission webhooks on ${port}`,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        referencedSecurityGroupId: cluster.id,
      });
    }
    new VpcSecurityGroupIngressRule(this, "nodes-from-nodes", {
      securityGroupId: nodes.id,
      description: "Node to node and pod to pod (DNS, services)",
      ipProtocol: "-1",
      referencedSecurityGroupId: nodes.id,
    });
    new VpcSecurityGroupEgressRule(this, "nodes-egress", {
      securityGroupId: nodes.id,
      description: "Image pulls, AWS APIs, data stores (narrowed by their own groups and NACLs)",
      ipProtocol: "-1",
      cidrIpv4: "0.0.0.0/0",
    });
    this.clusterSecurityGroupId = cluster.id;
    this.nodeSecurityGroupId = nodes.id;
  }
}
