import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";

/**
 * The three managed policies every EKS node needs: join, pod networking, image pulls. Nothing on
 * the nodes sends to CloudWatch with the node's role (no CloudWatch agent runs; fluent-bit ships
 * container logs with its own IRSA role), so CloudWatchAgentServerPolicy, which would let any pod
 * on the host network write metrics and logs anywhere, is not attached.
 */
const NODE_MANAGED_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"] as const;

export interface EksNodeRoleProps {
  /** Role name, e.g. `dev-nodes`. */
  readonly roleName: string;
  /** ARN partition. */
  readonly partition: string;
}

/** The EC2 role of the cluster's managed nodes. Pods cannot borrow it: node IMDS hop limit is 1. */
export class EksNodeRole extends Construct {
  readonly roleArn: string;
  readonly roleName: string;

  constructor(scope: Construct, id: string, props: EksNodeRoleProps) {
    super(scope, id);
    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }] }],
    });
    const role = new IamRole(this, "role", { name: props.roleName, assumeRolePolicy: trust.json });
    for (const policy of NODE_MANAGED_POLICIES) {
      new IamRolePolicyAttachment(this, policy, { role: role.name, policyArn: `arn:${props.partition}:iam::aws:policy/${policy}` });
    }
    this.roleArn = role.arn;
    this.roleName = role.name;
  }
}
