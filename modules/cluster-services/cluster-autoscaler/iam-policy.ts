import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { allow, expectClusterName, expectPartition, stringEquals } from "../../core/iam-statements";

/**
 * cluster-autoscaler (AWS cloud provider): read the groups, instance types and node groups; change
 * the size only of groups tagged `k8s.io/cluster-autoscaler/<cluster>` = `owned` (EksNodeGroup tags
 * its groups so).
 */
export function clusterAutoscalerStatements(params: {
  clusterName: string;
  /**
   * Partition in the ARNs.
   * @default "*" (credentials never cross partitions, so this grants nothing more)
   */
  partition?: string;
}): DataAwsIamPolicyDocumentStatement[] {
  const context = "cluster-autoscaler policy";
  expectClusterName(params.clusterName, context);
  const partition = params.partition ?? "*";
  if (params.partition !== undefined) expectPartition(params.partition, context);
  const { clusterName } = params;
  return [
    // None of these Describe/List actions has resource-level permissions: "*" is the only resource they take.
    allow({
      sid: "AutoscalerReadWithoutResourceLevelPermissions",
      actions: [
        "autoscaling:DescribeAutoScalingGroups",
        "autoscaling:DescribeAutoScalingInstances",
        "autoscaling:DescribeLaunchConfigurations",
        "autoscaling:DescribeScalingActivities",
        "autoscaling:DescribeTags",
        "ec2:DescribeImages",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeLaunchTemplateVersions",
        "ec2:GetInstanceTypesFromInstanceRequirements",
      ],
      resources: ["*"],
    }),
    // eks:DescribeNodegroup has resource-level permissions: this cluster's node groups only.
    allow({
      sid: "DescribeClusterNodegroups",
      actions: ["eks:DescribeNodegroup"],
      resources: [`arn:${partition}:eks:*:*:nodegroup/${clusterName}/*/*`],
    }),
    allow({
      sid: "ScaleOwnedAutoScalingGroups",
      actions: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
      resources: [`arn:${partition}:autoscaling:*:*:autoScalingGroup:*:autoScalingGroupName/*`],
      condition: [stringEquals(`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`, "owned")],
    }),
  ];
}
