import type { ServiceAwsCalls } from "../core/aws-calls";

/** What a node (kubelet, the node's bootstrap) calls with the node role. */
export const NODE_AWS_CALLS: ServiceAwsCalls = {
  service: "node",
  roleName: "nodes",
  calls: [
    {
      action: "eks:DescribeCluster",
      resource: "arn:${Partition}:eks:${Region}:${Account}:cluster/${ClusterName}",
      why: "bootstrap reads the cluster endpoint and CA",
    },
    { action: "ec2:DescribeInstances", resource: "*", why: "kubelet finds its own instance" },
    { action: "ec2:DescribeRouteTables", resource: "*", why: "node start-up" },
    { action: "ec2:DescribeSubnets", resource: "*", why: "node start-up" },
    { action: "ec2:DescribeVpcs", resource: "*", why: "node start-up" },
    { action: "ecr:GetAuthorizationToken", resource: "*", why: "pull images" },
    {
      action: "ecr:BatchGetImage",
      resource: "arn:${Partition}:ecr:${Region}:${Account}:repository/${Environment}/backend",
      why: "pull the app's image",
    },
    {
      action: "ecr:GetDownloadUrlForLayer",
      resource: "arn:${Partition}:ecr:${Region}:${Account}:repository/${Environment}/backend",
      why: "pull the app's image layers",
    },
  ],
};
