import type { ServiceAwsCalls } from "../core/aws-calls";

/** What the EBS CSI driver's controller calls with its role: volumes for persistent volume claims. */
export const EBS_CSI_AWS_CALLS: ServiceAwsCalls = {
  service: "aws-ebs-csi-driver",
  roleName: "ebs-csi",
  calls: [
    {
      action: "ec2:CreateVolume",
      resource: "arn:${Partition}:ec2:${Region}:${Account}:volume/*",
      context: { "aws:RequestTag/ebs.csi.aws.com/cluster": "true", "aws:TagKeys": ["ebs.csi.aws.com/cluster", "CSIVolumeName"] },
      why: "a volume for a claim",
    },
    {
      action: "ec2:CreateTags",
      resource: "arn:${Partition}:ec2:${Region}:${Account}:volume/vol-e2e",
      context: {
        "ec2:CreateAction": "CreateVolume",
        "aws:RequestTag/ebs.csi.aws.com/cluster": "true",
        "aws:TagKeys": ["ebs.csi.aws.com/cluster"],
      },
      why: "tags on create",
    },
    {
      action: "ec2:AttachVolume",
      resource: "arn:${Partition}:ec2:${Region}:${Account}:volume/vol-e2e",
      context: { "aws:ResourceTag/ebs.csi.aws.com/cluster": "true", "ec2:ResourceTag/ebs.csi.aws.com/cluster": "true" },
      why: "attach it to the pod's node",
    },
    { action: "ec2:AttachVolume", resource: "arn:${Partition}:ec2:${Region}:${Account}:instance/i-e2e", why: "the node it attaches to" },
    {
      action: "ec2:DetachVolume",
      resource: "arn:${Partition}:ec2:${Region}:${Account}:volume/vol-e2e",
      context: { "aws:ResourceTag/ebs.csi.aws.com/cluster": "true", "ec2:ResourceTag/ebs.csi.aws.com/cluster": "true" },
      why: "detach when the pod moves",
    },
    {
      action: "ec2:DeleteVolume",
      resource: "arn:${Partition}:ec2:${Region}:${Account}:volume/vol-e2e",
      // EC2 sets ec2:ResourceTag beside aws:ResourceTag; AmazonEBSCSIDriverPolicy conditions DeleteVolume on the former.
      context: { "aws:ResourceTag/ebs.csi.aws.com/cluster": "true", "ec2:ResourceTag/ebs.csi.aws.com/cluster": "true" },
      why: "delete a released volume",
    },
    { action: "ec2:DescribeVolumes", resource: "*", why: "watch volume state" },
    { action: "ec2:DescribeInstances", resource: "*", why: "find the node's instance" },
  ],
};
