import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { allow, expectClusterName, expectMatch, expectPartition, REGION, stringEquals } from "../../core/iam-statements";

/**
 * The release whose controller policy this follows (the chart table's Karpenter row must match; a test ties them).
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export const KARPENTER_POLICY_VERSION = "1.14.1";

const ACCOUNT = /^\d{12}$/;

/**
 * Karpenter's controller, after the policy Karpenter documents for v1.14.1
 * (github.com/aws/karpenter-provider-aws, tag v1.14.1,
 * website/content/en/docs/getting-started/getting-started-with-karpenter/cloudformation.yaml:
 * NodeLifecyclePolicy, IAMIntegrationPolicy, EKSIntegrationPolicy, InterruptionPolicy,
 * ZonalShiftPolicy, ResourceDiscoveryPolicy), statement for statement and with the same Sids, tightened
 * where we know more than the template: the account (`*` there) and the region in every ARN,
 * PassRole on the node role only, the interruption queue by ARN.
 *
 * Launches and deletions stay on resources tagged for this cluster (`kubernetes.io/cluster/<cluster>`
 * = owned, and a `karpenter.sh/nodepool` tag): Karpenter cannot touch the managed node groups'
 * instances or another cluster's.
 */
export function karpenterControllerStatements(params: {
  clusterName: string;
  partition: string;
  region: string;
  accountId: string;
  /** The role Karpenter's nodes run as (PassRole to EC2 only). */
  nodeRoleArn: string;
  /** The interruption queue it reads. */
  interruptionQueueArn: string;
}): DataAwsIamPolicyDocumentStatement[] {
  const context = "Karpenter controller policy";
  expectClusterName(params.clusterName, context);
  expectPartition(params.partition, context);
  expectMatch(params.region, REGION, `${context}: region "${params.region}" is not an AWS region such as eu-west-1`);
  expectMatch(params.accountId, ACCOUNT, `${context}: account "${params.accountId}" is not a 12-digit AWS account id`);
  const { clusterName, partition, region, accountId } = params;
  const ec2 = (resource: string) => `arn:${partition}:ec2:${region}:${accountId}:${resource}`;
  const instanceProfiles = `arn:${partition}:iam::${accountId}:instance-profile/*`;
  const clusterArn = `arn:${partition}:eks:${region}:${accountId}:cluster/${clusterName}`;
  const ownedResource = stringEquals(`aws:ResourceTag/kubernetes.io/cluster/${clusterName}`, "owned");
  const ownedRequest = stringEquals(`aws:RequestTag/kubernetes.io/cluster/${clusterName}`, "owned");
  const clusterNameRequest = stringEquals("aws:RequestTag/eks:eks-cluster-name", clusterName);
  const nodePoolResource = { test: "StringLike", variable: "aws:ResourceTag/karpenter.sh/nodepool", values: ["*"] };
  const nodePoolRequest = { test: "StringLike", variable: "aws:RequestTag/karpenter.sh/nodepool", values: ["*"] };
  const taggedAtCreation = [
    ec2("fleet/*"),
    ec2("instance/*"),
    ec2("volume/*"),
    ec2("network-interface/*"),
    ec2("launch-template/*"),
    ec2("spot-instances-request/*"),
  ];
  const regionTagResource = stringEquals("aws:ResourceTag/topology.kubernetes.io/region", region);
  const regionTagRequest = stringEquals("aws:RequestTag/topology.kubernetes.io/region", region);
  const nodeClassResource = { test: "StringLike", variable: "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass", values: ["*"] };
  const nodeClassRequest = { test: "StringLike", variable: "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass", values: ["*"] };

  return [
    // NodeLifecyclePolicy
    allow({
      sid: "AllowScopedEC2InstanceAccessActions",
      actions: ["ec2:RunInstances", "ec2:CreateFleet"],
      resources: [
        `arn:${partition}:ec2:${region}::image/*`,
        `arn:${partition}:ec2:${region}::snapshot/*`,
        ec2("security-group/*"),
        ec2("subnet/*"),
        ec2("capacity-reservation/*"),
        ec2("placement-group/*"),
      ],
    }),
    allow({
      sid: "AllowScopedEC2LaunchTemplateAccessActions",
      actions: ["ec2:RunInstances", "ec2:CreateFleet"],
      resources: [ec2("launch-template/*")],
      condition: [ownedResource, nodePoolResource],
    }),
    allow({
      sid: "AllowScopedEC2InstanceActionsWithTags",
      actions: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
      resources: taggedAtCreation,
      condition: [ownedRequest, clusterNameRequest, nodePoolRequest],
    }),
    allow({
      sid: "AllowScopedResourceCreationTagging",
      actions: ["ec2:CreateTags"],
      resources: taggedAtCreation,
      condition: [
        ownedRequest,
        clusterNameRequest,
        stringEquals("ec2:CreateAction", "RunInstances", "CreateFleet", "CreateLaunchTemplate"),
        nodePoolRequest,
      ],
    }),
    allow({
      sid: "AllowScopedResourceTagging",
      actions: ["ec2:CreateTags"],
      resources: [ec2("instance/*")],
      condition: [
        ownedResource,
        nodePoolResource,
        { test: "StringEqualsIfExists", variable: "aws:RequestTag/eks:eks-cluster-name", values: [clusterName] },
        { test: "ForAllValues:StringEquals", variable: "aws:TagKeys", values: ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"] },
      ],
    }),
    allow({
      sid: "AllowScopedDeletion",
      actions: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
      resources: [ec2("instance/*"), ec2("launch-template/*")],
      condition: [ownedResource, nodePoolResource],
    }),
    // IAMIntegrationPolicy
    allow({
      sid: "AllowPassingInstanceRole",
      actions: ["iam:PassRole"],
      resources: [params.nodeRoleArn],
      condition: [stringEquals("iam:PassedToService", "ec2.amazonaws.com", "ec2.amazonaws.com.cn")],
    }),
    allow({
      sid: "AllowScopedInstanceProfileCreationActions",
      actions: ["iam:CreateInstanceProfile"],
      resources: [instanceProfiles],
      condition: [ownedRequest, clusterNameRequest, regionTagRequest, nodeClassRequest],
    }),
    allow({
      sid: "AllowScopedInstanceProfileTagActions",
      actions: ["iam:TagInstanceProfile"],
      resources: [instanceProfiles],
      condition: [
        ownedResource,
        regionTagResource,
        ownedRequest,
        clusterNameRequest,
        regionTagRequest,
        nodeClassResource,
        nodeClassRequest,
      ],
    }),
    allow({
      sid: "AllowScopedInstanceProfileActions",
      actions: ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
      resources: [instanceProfiles],
      condition: [ownedResource, regionTagResource, nodeClassResource],
    }),
    // EKSIntegrationPolicy
    allow({ sid: "AllowAPIServerEndpointDiscovery", actions: ["eks:DescribeCluster"], resources: [clusterArn] }),
    // InterruptionPolicy
    allow({
      sid: "AllowInterruptionQueueActions",
      actions: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
      resources: [params.interruptionQueueArn],
    }),
    // ZonalShiftPolicy: arc-zonal-shift:GetManagedResource takes "*" with the cluster as its identifier.
    allow({
      sid: "AllowZonalShiftStatusReadOnly",
      actions: ["arc-zonal-shift:GetManagedResource"],
      resources: ["*"],
      condition: [stringEquals("arc-zonal-shift:ResourceIdentifier", clusterArn)],
    }),
    // ResourceDiscoveryPolicy: these Describe actions have no resource-level permissions; the region is the scope.
    allow({
      sid: "AllowRegionalReadActions",
      actions: [
        "ec2:DescribeCapacityReservations",
        "ec2:DescribeImages",
        "ec2:DescribeInstances",
        "ec2:DescribeInstanceStatus",
        "ec2:DescribeInstanceTypeOfferings",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeLaunchTemplates",
        "ec2:DescribePlacementGroups",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSpotPriceHistory",
        "ec2:DescribeSubnets",
      ],
      resources: ["*"],
      condition: [stringEquals("aws:RequestedRegion", region)],
    }),
    allow({
      sid: "AllowSSMReadActions",
      actions: ["ssm:GetParameter"],
      resources: [`arn:${partition}:ssm:${region}::parameter/aws/service/*`],
    }),
    // pricing:GetProducts and iam:ListInstanceProfiles have no resource-level permissions.
    allow({ sid: "AllowPricingReadActions", actions: ["pricing:GetProducts"], resources: ["*"] }),
    allow({ sid: "AllowUnscopedInstanceProfileListAction", actions: ["iam:ListInstanceProfiles"], resources: ["*"] }),
    allow({ sid: "AllowInstanceProfileReadActions", actions: ["iam:GetInstanceProfile"], resources: [instanceProfiles] }),
  ];
}
