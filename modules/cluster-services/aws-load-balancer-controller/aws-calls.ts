import type { ServiceAwsCalls } from "../../core/aws-calls";
import { LBC_CLUSTER_TAG } from "./iam-policy";

const clusterTag = { [`aws:RequestTag/${LBC_CLUSTER_TAG}`]: "${ClusterName}", "aws:TagKeys": [LBC_CLUSTER_TAG] };
const taggedByCluster = { [`aws:ResourceTag/${LBC_CLUSTER_TAG}`]: "${ClusterName}" };

/** What the AWS Load Balancer Controller calls with its role: the load balancer of a Gateway and its security groups. */
export const LOAD_BALANCER_CONTROLLER_AWS_CALLS: ServiceAwsCalls = {
  service: "aws-load-balancer-controller",
  roleName: "aws-load-balancer-controller",
  calls: [
    { action: "ec2:DescribeSubnets", resource: "*", why: "discover the public subnets" },
    { action: "elasticloadbalancing:DescribeLoadBalancers", resource: "*", why: "reconcile" },
    {
      action: "ec2:CreateSecurityGroup",
      resource: "arn:${Partition}:ec2:${Region}:${Account}:security-group/*",
      context: clusterTag,
      why: "the load balancer's security group",
    },
    {
      action: "ec2:CreateTags",
      resource: "arn:${Partition}:ec2:${Region}:${Account}:security-group/sg-e2e",
      context: { ...clusterTag, "ec2:CreateAction": "CreateSecurityGroup" },
      why: "tags on create",
    },
    {
      action: "ec2:AuthorizeSecurityGroupIngress",
      resource: "arn:${Partition}:ec2:${Region}:${Account}:security-group/sg-e2e",
      context: taggedByCluster,
      why: "open the listener ports",
    },
    {
      action: "elasticloadbalancing:CreateLoadBalancer",
      resource: "arn:${Partition}:elasticloadbalancing:${Region}:${Account}:loadbalancer/app/k8s-e2e/0123456789abcdef",
      context: clusterTag,
      why: "the Gateway's load balancer",
    },
    {
      action: "elasticloadbalancing:AddTags",
      resource: "arn:${Partition}:elasticloadbalancing:${Region}:${Account}:loadbalancer/app/k8s-e2e/0123456789abcdef",
      context: { ...clusterTag, "elasticloadbalancing:CreateAction": "CreateLoadBalancer" },
      why: "tags on create",
    },
    {
      action: "elasticloadbalancing:CreateTargetGroup",
      resource: "arn:${Partition}:elasticloadbalancing:${Region}:${Account}:targetgroup/k8s-e2e/0123456789abcdef",
      context: clusterTag,
      why: "a target group per route",
    },
    {
      action: "elasticloadbalancing:RegisterTargets",
      resource: "arn:${Partition}:elasticloadbalancing:${Region}:${Account}:targetgroup/k8s-e2e/0123456789abcdef",
      why: "register the pods",
    },
    {
      action: "elasticloadbalancing:ModifyLoadBalancerAttributes",
      resource: "arn:${Partition}:elasticloadbalancing:${Region}:${Account}:loadbalancer/app/k8s-e2e/0123456789abcdef",
      context: taggedByCluster,
      why: "access logs, deletion protection",
    },
  ],
};
