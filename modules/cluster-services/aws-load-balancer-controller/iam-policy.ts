import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { allow, expectClusterName, expectPartition, isNull, stringEquals } from "../../core/iam-statements";

/** The tag the AWS Load Balancer Controller puts on everything it creates, valued with the cluster name. */
export const LBC_CLUSTER_TAG = "elbv2.k8s.aws/cluster";

/**
 * The AWS Load Balancer Controller: the upstream recommended policy (`docs/install/iam_policy.json`,
 * identical from v2.17.1 to v3.5.0) with every resource-level permission used:
 * - each `"*"` the upstream policy grants on an action that does have resource-level permissions is
 *   narrowed to the ARN type the action acts on (security groups, ALB/NLB load balancers, target
 *   groups, listeners, rules, regional web ACLs...);
 * - each "`elbv2.k8s.aws/cluster` tag present" condition becomes "equals this cluster's name"
 *   (the value the controller writes), so one cluster's controller cannot touch another's resources;
 *   the "request does not set the tag" (`Null` = true) conditions stay as upstream.
 */
export function loadBalancerControllerStatements(params: { clusterName: string; partition: string }): DataAwsIamPolicyDocumentStatement[] {
  const context = "AWS Load Balancer Controller policy";
  expectClusterName(params.clusterName, context);
  expectPartition(params.partition, context);
  const { clusterName, partition } = params;

  const ec2 = (resource: string) => `arn:${partition}:ec2:*:*:${resource}`;
  const elb = (resource: string) => `arn:${partition}:elasticloadbalancing:*:*:${resource}`;
  const securityGroups = ec2("security-group/*");
  /** loadbalancer/<type>/<name>/<id> */
  const loadBalancers = [elb("loadbalancer/app/*/*"), elb("loadbalancer/net/*/*")];
  const applicationLoadBalancers = elb("loadbalancer/app/*/*");
  /** targetgroup/<name>/<id> */
  const targetGroups = elb("targetgroup/*/*");
  /** listener/<type>/<lb-name>/<lb-id>/<listener-id> */
  const listeners = [elb("listener/app/*/*/*"), elb("listener/net/*/*/*")];
  /** listener-rule/<type>/<lb-name>/<lb-id>/<listener-id>/<rule-id> */
  const rules = [elb("listener-rule/app/*/*/*/*"), elb("listener-rule/net/*/*/*/*")];

  const requestTagIsCluster = stringEquals(`aws:RequestTag/${LBC_CLUSTER_TAG}`, clusterName);
  const resourceTagIsCluster = stringEquals(`aws:ResourceTag/${LBC_CLUSTER_TAG}`, clusterName);
  const requestLeavesClusterTag = isNull(`aws:RequestTag/${LBC_CLUSTER_TAG}`, true);

  return [
    allow({
      sid: "CreateElbServiceLinkedRole",
      actions: ["iam:CreateServiceLinkedRole"],
      resources: [`arn:${partition}:iam::*:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing`],
      condition: [stringEquals("iam:AWSServiceName", "elasticloadbalancing.amazonaws.com")],
    }),
    // None of these List/Read actions has resource-level permissions: "*" is the only resource they take.
    allow({
      sid: "LbcReadWithoutResourceLevelPermissions",
      actions: [
        "ec2:DescribeAccountAttributes",
        "ec2:DescribeAddresses",
        "ec2:DescribeAvailabilityZones",
        "ec2:DescribeInternetGateways",
        "ec2:DescribeVpcs",
        "ec2:DescribeVpcPeeringConnections",
        "ec2:DescribeSubnets",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeInstances",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeTags",
        "ec2:DescribeCoipPools",
        "ec2:DescribeIpamPools",
        "ec2:DescribeRouteTables",
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeListenerCertificates",
        "elasticloadbalancing:DescribeSSLPolicies",
        "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetGroupAttributes",
        "elasticloadbalancing:DescribeTargetHealth",
        "elasticloadbalancing:DescribeTags",
        "elasticloadbalancing:DescribeTrustStores",
        "elasticloadbalancing:DescribeListenerAttributes",
        "elasticloadbalancing:DescribeCapacityReservation",
        "acm:ListCertificates",
        "iam:ListServerCertificates",
        "shield:GetSubscriptionState",
      ],
      resources: ["*"],
    }),
    // shield:CreateProtection and elasticloadbalancing:SetWebAcl have no resource-level permissions: "*" only.
    allow({
      sid: "LbcWriteWithoutResourceLevelPermissions",
      actions: ["shield:CreateProtection", "elasticloadbalancing:SetWebAcl"],
      resources: ["*"],
    }),
    allow({ sid: "CoipPoolUsage", actions: ["ec2:GetCoipPoolUsage"], resources: [ec2("coip-pool/*")] }),
    allow({ sid: "VpcSecurityGroups", actions: ["ec2:GetSecurityGroupsForVpc"], resources: [ec2("vpc/*")] }),
    allow({
      sid: "CognitoUserPoolClients",
      actions: ["cognito-idp:DescribeUserPoolClient"],
      resources: [`arn:${partition}:cognito-idp:*:*:userpool/*`],
    }),
    allow({ sid: "AcmCertificates", actions: ["acm:DescribeCertificate"], resources: [`arn:${partition}:acm:*:*:certificate/*`] }),
    allow({
      sid: "IamServerCertificates",
      actions: ["iam:GetServerCertificate"],
      resources: [`arn:${partition}:iam::*:server-certificate/*`],
    }),
    allow({
      sid: "WafRegionalWebAcls",
      actions: [
        "waf-regional:GetWebACL",
        "waf-regional:GetWebACLForResource",
        "waf-regional:AssociateWebACL",
        "waf-regional:DisassociateWebACL",
      ],
      resources: [`arn:${partition}:waf-regional:*:*:webacl/*`, applicationLoadBalancers],
    }),
    allow({
      sid: "WafV2WebAcls",
      actions: ["wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL"],
      // An ALB takes a REGIONAL web ACL only (CLOUDFRONT ones live in us-east-1 for distributions).
      resources: [`arn:${partition}:wafv2:*:*:regional/webacl/*/*`, applicationLoadBalancers],
    }),
    allow({
      sid: "ShieldProtections",
      actions: ["shield:DescribeProtection", "shield:DeleteProtection"],
      resources: [`arn:${partition}:shield::*:protection/*`],
    }),
    allow({ sid: "CreateSecurityGroups", actions: ["ec2:CreateSecurityGroup"], resources: [securityGroups, ec2("vpc/*")] }),
    allow({
      sid: "TagNewSecurityGroups",
      actions: ["ec2:CreateTags"],
      resources: [securityGroups],
      condition: [stringEquals("ec2:CreateAction", "CreateSecurityGroup"), requestTagIsCluster],
    }),
    allow({
      sid: "RetagOwnSecurityGroups",
      actions: ["ec2:CreateTags", "ec2:DeleteTags"],
      resources: [securityGroups],
      condition: [requestLeavesClusterTag, resourceTagIsCluster],
    }),
    // Unconditioned as upstream: the controller opens the node and cluster security groups, which it did not create.
    allow({
      sid: "SecurityGroupIngress",
      actions: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
      resources: [securityGroups],
    }),
    allow({
      sid: "DeleteOwnSecurityGroups",
      actions: ["ec2:DeleteSecurityGroup"],
      resources: [securityGroups],
      condition: [resourceTagIsCluster],
    }),
    allow({
      sid: "CreateLoadBalancers",
      actions: ["elasticloadbalancing:CreateLoadBalancer"],
      resources: loadBalancers,
      condition: [requestTagIsCluster],
    }),
    allow({
      sid: "CreateTargetGroups",
      actions: ["elasticloadbalancing:CreateTargetGroup"],
      resources: [targetGroups],
      condition: [requestTagIsCluster],
    }),
    allow({ sid: "CreateListeners", actions: ["elasticloadbalancing:CreateListener"], resources: loadBalancers }),
    allow({
      sid: "ManageListeners",
      actions: [
        "elasticloadbalancing:DeleteListener",
        "elasticloadbalancing:ModifyListener",
        "elasticloadbalancing:AddListenerCertificates",
        "elasticloadbalancing:RemoveListenerCertificates",
        "elasticloadbalancing:CreateRule",
      ],
      resources: listeners,
    }),
    allow({
      sid: "ManageRules",
      actions: ["elasticloadbalancing:DeleteRule", "elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities"],
      resources: rules,
    }),
    allow({
      sid: "TagNewLoadBalancersAndTargetGroups",
      actions: ["elasticloadbalancing:AddTags"],
      resources: [targetGroups, ...loadBalancers],
      condition: [stringEquals("elasticloadbalancing:CreateAction", "CreateTargetGroup", "CreateLoadBalancer"), requestTagIsCluster],
    }),
    allow({
      sid: "RetagOwnLoadBalancersAndTargetGroups",
      actions: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      resources: [targetGroups, ...loadBalancers],
      condition: [requestLeavesClusterTag, resourceTagIsCluster],
    }),
    allow({
      sid: "TagListenersAndRules",
      actions: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      resources: [...listeners, ...rules],
    }),
    allow({
      sid: "ModifyOwnLoadBalancers",
      actions: [
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:SetIpAddressType",
        "elasticloadbalancing:SetSecurityGroups",
        "elasticloadbalancing:SetSubnets",
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:ModifyCapacityReservation",
        "elasticloadbalancing:ModifyIpPools",
      ],
      resources: loadBalancers,
      condition: [resourceTagIsCluster],
    }),
    allow({
      sid: "ModifyOwnTargetGroups",
      actions: [
        "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:ModifyTargetGroupAttributes",
        "elasticloadbalancing:DeleteTargetGroup",
      ],
      resources: [targetGroups],
      condition: [resourceTagIsCluster],
    }),
    allow({
      sid: "ModifyOwnListenerAttributes",
      actions: ["elasticloadbalancing:ModifyListenerAttributes"],
      resources: listeners,
      condition: [resourceTagIsCluster],
    }),
    // Unconditioned as upstream: TargetGroupBinding registers pods in target groups made outside the cluster.
    allow({
      sid: "RegisterTargets",
      actions: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
      resources: [targetGroups],
    }),
  ];
}
