import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { Construct } from "constructs";
import type { AwsTarget } from "../core/aws-target";
import { isArmInstanceType } from "../core/instance-types";

/** One thing the operator host may connect to: TCP ports on a CIDR or on a managed prefix list. */
export interface OperatorEgress {
  /** Stable id of the rule within the host, e.g. `https-to-endpoints`. */
  readonly id: string;
  readonly description: string;
  readonly port: number;
  /** Destination CIDR; exactly one of `cidr` and `prefixListId`. */
  readonly cidr?: string;
  /** Destination managed prefix list (the S3 gateway endpoint's). */
  readonly prefixListId?: string;
}

export interface OperatorHostProps {
  /** Prefix of names: role, instance profile and security group are `<name>-operator`. */
  readonly name: string;
  readonly target: AwsTarget;
  readonly vpcId: string;
  /** Private subnet the host runs in (no route to the internet). */
  readonly subnetId: string;
  /** Everything the host may connect to; nothing else leaves it and nothing may connect to it. */
  readonly egress: readonly OperatorEgress[];
  /**
   * Burstable instance type; Graviton types (t4g) get the arm64 AMI, others x86_64.
   * @default "t4g.micro"
   */
  readonly instanceType?: string;
  /**
   * Size of the encrypted gp3 root volume, GiB (the AL2023 image needs 8).
   * @default 20
   */
  readonly rootVolumeGiB?: number;
  /**
   * KMS key of the root volume.
   * @default the account's default EBS key (aws/ebs)
   */
  readonly volumeKmsKeyArn?: string;
}

/** The SSM public parameter naming the newest Amazon Linux 2023 AMI of an architecture. */
function al2023AmiParameter(architecture: "arm64" | "x86_64"): string {
  return `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architecture}`;
}

/** The only policy the host's role has: what the SSM agent needs for Session Manager. */
const SSM_MANAGED_INSTANCE_CORE = "AmazonSSMManagedInstanceCore";

/**
 * An operator host reached only through SSM Session Manager: no key pair, no inbound rule, no
 * public address; IMDSv2 required with a hop limit of 1; an encrypted gp3 root volume; detailed
 * monitoring; a role with AmazonSSMManagedInstanceCore and nothing else (what operators may do
 * in the cluster comes from their own identity, not the host's).
 *
 * The AMI is the newest Amazon Linux 2023 when the instance is created, and `ami` changes are
 * ignored afterwards, so a new AMI release never replaces the host in a routine plan. Roll it
 * deliberately (the host keeps no state):
 * `cd cdktf.out/stacks/network-<env> && terraform apply -replace=<address of aws_instance ... operator>`
 * (`terraform state list | grep operator` prints the address); see docs/operations.md.
 */
export class OperatorHost extends Construct {
  readonly instanceId: string;
  readonly securityGroupId: string;
  readonly roleArn: string;
  readonly roleName: string;

  constructor(scope: Construct, id: string, props: OperatorHostProps) {
    super(scope, id);
    const instanceType = props.instanceType ?? "t4g.micro";
    const rootVolumeGiB = props.rootVolumeGiB ?? 20;
    const name = `${props.name}-operator`;
    if (!Number.isInteger(rootVolumeGiB) || rootVolumeGiB < 8 || rootVolumeGiB > 16384) {
      throw new Error(`Operator host ${name}: root volume ${rootVolumeGiB} GiB must be a whole number from 8 to 16384`);
    }
    if (props.egress.length === 0) throw new Error(`Operator host ${name}: name what it may connect to (egress)`);
    for (const rule of props.egress) {
      if ((rule.cidr === undefined) === (rule.prefixListId === undefined)) {
        throw new Error(`Operator host ${name}: egress ${rule.id} needs exactly one of cidr and prefixListId`);
      }
      if (rule.cidr?.endsWith("/0")) throw new Error(`Operator host ${name}: egress ${rule.id} must not reach ${rule.cidr}`);
    }
    const { partition } = props.target;

    const group = new SecurityGroup(this, "sg", {
      name,
      description: `Operator host ${name}: no ingress (Session Manager only), egress to the endpoints, the EKS API and the data stores`,
      vpcId: props.vpcId,
      tags: { Name: name },
    });
    for (const rule of props.egress) {
      new VpcSecurityGroupEgressRule(this, `egress-${rule.id}`, {
        securityGroupId: group.id,
        description: rule.description,
        ipProtocol: "tcp",
        fromPort: rule.port,
        toPort: rule.port,
        ...(rule.cidr === undefined ? {} : { cidrIpv4: rule.cidr }),
        ...(rule.prefixListId === undefined ? {} : { prefixListId: rule.prefixListId }),
      });
    }

    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }] }],
    });
    const role = new IamRole(this, "role", {
      name,
      description: `Operator host ${name}: the SSM agent only`,
      assumeRolePolicy: trust.json,
    });
    new IamRolePolicyAttachment(this, "ssm-core", {
      role: role.name,
      policyArn: `arn:${partition}:iam::aws:policy/${SSM_MANAGED_INSTANCE_CORE}`,
    });
    const profile = new IamInstanceProfile(this, "profile", { name, role: role.name });

    const ami = new DataAwsSsmParameter(this, "ami", {
      name: al2023AmiParameter(isArmInstanceType(instanceType) ? "arm64" : "x86_64"),
    });
    const instance = new Instance(this, "instance", {
      ami: ami.insecureValue,
      instanceType,
      subnetId: props.subnetId,
      vpcSecurityGroupIds: [group.id],
      iamInstanceProfile: profile.name,
      associatePublicIpAddress: false,
      monitoring: true,
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: "disabled",
      },
      rootBlockDevice: {
        volumeType: "gp3",
        volumeSize: rootVolumeGiB,
        encrypted: true,
        deleteOnTermination: true,
        ...(props.volumeKmsKeyArn === undefined ? {} : { kmsKeyId: props.volumeKmsKeyArn }),
      },
      tags: { Name: name },
      lifecycle: { ignoreChanges: ["ami"] },
    });

    this.instanceId = instance.id;
    this.securityGroupId = group.id;
    this.roleArn = role.arn;
    this.roleName = role.name;
  }
}
