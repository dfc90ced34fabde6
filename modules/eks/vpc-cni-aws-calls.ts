import type { ServiceAwsCalls } from "../core/aws-calls";

/** What the VPC CNI (aws-node) calls with the node role: pod addresses on network interfaces. */
export const VPC_CNI_AWS_CALLS: ServiceAwsCalls = {
  service: "vpc-cni",
  roleName: "nodes",
  calls: [
    { action: "ec2:DescribeNetworkInterfaces", resource: "*", why: "find the node's interfaces" },
    {
      action: "ec2:CreateNetworkInterface",
      resource: "arn:${Partition}:ec2:${Region}:${Account}:network-interface/*",
      why: "a new interface for pod addresses",
    },
    {
      action: "ec2:CreateNetworkInterface",
      resource: "arn:${Partition}:ec2:${Region}:${Account}:subnet/subnet-e2e",
      why: "in a private-app subnet",
    },
    {
      action: "ec2:AttachNetworkInterface",
      resource: "arn:${Partition}:ec2:${Region}:${Account}:network-interface/eni-e2e",
      why: "attach it to the node",
    },
    {
      action: "ec2:AssignPrivateIpAddresses",
      resource: "arn:${Partition}:ec2:${Region}:${Account}:network-interface/eni-e2e",
      why: "pod addresses",
    },
    {
      action: "ec2:UnassignPrivateIpAddresses",
      resource: "arn:${Partition}:ec2:${Region}:${Account}:network-interface/eni-e2e",
      why: "release pod addresses",
    },
    {
      action: "ec2:CreateTags",
      resource: "arn:${Partition}:ec2:${Region}:${Account}:network-interface/eni-e2e",
      context: { "aws:RequestTag/cluster.k8s.amazonaws.com/name": "${ClusterName}", "aws:TagKeys": ["cluster.k8s.amazonaws.com/name"] },
      why: "tag the interface with its cluster",
    },
    {
      action: "ec2:DeleteNetworkInterface",
      resource: "arn:${Partition}:ec2:${Region}:${Account}:network-interface/eni-e2e",
      why: "free an unused interface",
    },
  ],
};
