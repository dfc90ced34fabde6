import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { EksFargateProfile as AwsEksFargateProfile } from "@cdktf/provider-aws/lib/eks-fargate-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import type { AwsTarget } from "../core/aws-target";

export interface EksFargateProfileProps {
  readonly clusterName: string;
  readonly target: AwsTarget;
  /** Namespaces whose pods run on Fargate. */
  readonly namespaces: readonly string[];
  /** Private subnets (Fargate pods get no public IP). */
  readonly subnetIds: string[];
}

/** One Fargate profile for the given namespaces, with a pod execution role only this cluster's profiles can use. */
export class EksFargateProfile extends Construct {
  readonly podExecutionRoleArn: string;

  constructor(scope: Construct, id: string, props: EksFargateProfileProps) {
    super(scope, id);
    if (props.namespaces.length === 0 || props.namespaces.length > 5) {
      throw new Error(`Fargate profile of ${props.clusterName}: 1 to 5 namespaces (an EKS limit), got ${props.namespaces.length}`);
    }
    const { accountId, region, partition } = props.target;
    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["eks-fargate-pods.amazonaws.com"] }],
          condition: [
            {
              test: "ArnLike",
              variable: "aws:SourceArn",
              values: [`arn:${partition}:eks:${region}:${accountId}:fargateprofile/${props.clusterName}/*`],
            },
          ],
        },
      ],
    });
    const role = new IamRole(this, "role", { name: `${props.clusterName}-fargate-pods`, assumeRolePolicy: trust.json });
    new IamRolePolicyAttachment(this, "execution-policy", {
      role: role.name,
      policyArn: `arn:${partition}:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy`,
    });
    new AwsEksFargateProfile(this, "profile", {
      clusterName: props.clusterName,
      fargateProfileName: `${props.clusterName}-fargate`,
      podExecutionRoleArn: role.arn,
      subnetIds: props.subnetIds,
      selector: props.namespaces.map((namespace) => ({ namespace })),
    });
    this.podExecutionRoleArn = role.arn;
  }
}
