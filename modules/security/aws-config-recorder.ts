import { ConfigConfigurationRecorder } from "@cdktf/provider-aws/lib/config-configuration-recorder";
import { ConfigConfigurationRecorderStatus } from "@cdktf/provider-aws/lib/config-configuration-recorder-status";
import { ConfigDeliveryChannel } from "@cdktf/provider-aws/lib/config-delivery-channel";
import { ConfigRetentionConfiguration } from "@cdktf/provider-aws/lib/config-retention-configuration";
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { Construct } from "constructs";
import type { AuditLogBucket } from "./audit-log-bucket";

/** Key prefix of AWS Config's deliveries in the audit bucket. */
export const CONFIG_PREFIX = "config";

/** What the audit bucket's policy grants AWS Config: the ACL and existence checks and writes under its prefix, for this account only. */
export function configBucketStatements(bucketArn: string, accountId: string): DataAwsIamPolicyDocumentStatement[] {
  const sourceAccount = { test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] };
  const ownerFullControl = { test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] };
  return [
    {
      sid: "ConfigAclCheck",
      principals: [{ type: "Service", identifiers: ["config.amazonaws.com"] }],
      actions: ["s3:GetBucketAcl"],
      resources: [bucketArn],
      condition: [sourceAccount],
    },
    {
      sid: "ConfigBucketExistenceCheck",
      principals: [{ type: "Service", identifiers: ["config.amazonaws.com"] }],
      actions: ["s3:ListBucket"],
      resources: [bucketArn],
      condition: [sourceAccount],
    },
    {
      sid: "ConfigWrite",
      principals: [{ type: "Service", identifiers: ["config.amazonaws.com"] }],
      actions: ["s3:PutObject"],
      resources: [`${bucketArn}/${CONFIG_PREFIX}/AWSLogs/${accountId}/Config/*`],
      condition: [ownerFullControl, sourceAccount],
    },
  ];
}

export interface ConfigRecorderProps {
  /** Prefix of the role `<name>-config-recorder`, the recorder and the delivery channel. */
  readonly name: string;
  readonly accountId: string;
  readonly partition: string;
  /** The audit bucket (configBucketStatements admit the deliveries) and its ARN. */
  readonly bucket: AuditLogBucket;
  readonly bucketArn: string;
  /** Key of the deliveries. */
  readonly kmsKeyArn: string;
  /** Days AWS Config keeps configuration items, 30 to 2557. */
  readonly retentionDays: number;
}

/**
 * Adds AWS Config to `scope` (the account baseline, whose addresses they keep): recording every
 * supported resource type, global ones included, delivering daily snapshots to the audit bucket
 * under `config/`, with a role of its own.
 * @returns the recorder's name
 */
export function addConfigRecorder(scope: Construct, props: ConfigRecorderProps): string {
  const { name, accountId, partition, bucket, bucketArn, kmsKeyArn } = props;
  const configRetentionDays = props.retentionDays;
  const sourceAccount = { test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] };
  const configTrust = new DataAwsIamPolicyDocument(scope, "config-trust", {
    statement: [
      {
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: ["config.amazonaws.com"] }],
        condition: [sourceAccount],
      },
    ],
  });
  const configRole = new IamRole(scope, "config-role", {
    name: `${name}-config-recorder`,
    description: "AWS Config records the account's resources and delivers them to the audit bucket",
    assumeRolePolicy: configTrust.json,
  });
  new IamRolePolicyAttachment(scope, "config-managed-policy", {
    role: configRole.name,
    policyArn: `arn:${partition}:iam::aws:policy/service-role/AWS_ConfigRole`,
  });
  // AWS_ConfigRole reads the resources; delivering to the bucket is the role's own grant.
  const configDelivery = new DataAwsIamPolicyDocument(scope, "config-delivery", {
    statement: [
      { sid: "CheckBucket", actions: ["s3:GetBucketAcl", "s3:ListBucket"], resources: [bucketArn] },
      {
        sid: "DeliverConfiguration",
        actions: ["s3:PutObject"],
        resources: [`${bucketArn}/${CONFIG_PREFIX}/AWSLogs/${accountId}/Config/*`],
      },
      { sid: "EncryptDeliveries", actions: ["kms:GenerateDataKey", "kms:Decrypt"], resources: [kmsKeyArn] },
    ],
  });
  const configDeliveryPolicy = new IamRolePolicy(scope, "config-delivery-policy", {
    name: "deliver-to-audit-bucket",
    role: configRole.id,
    policy: configDelivery.json,
  });
  const recorder = new ConfigConfigurationRecorder(scope, "config-recorder", {
    name: `${name}-recorder`,
    roleArn: configRole.arn,
    recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
  });
  const channel = new ConfigDeliveryChannel(scope, "config-delivery-channel", {
    name: `${name}-delivery`,
    s3BucketName: bucket.bucketName,
    s3KeyPrefix: CONFIG_PREFIX,
    s3KmsKeyArn: kmsKeyArn,
    snapshotDeliveryProperties: { deliveryFrequency: "TwentyFour_Hours" },
    // A delivery channel needs the recorder; Config checks the bucket when the channel is created.
    dependsOn: [recorder, bucket.bucketPolicy, configDeliveryPolicy],
  });
  new ConfigConfigurationRecorderStatus(scope, "config-recorder-status", {
    name: recorder.name,
    isEnabled: true,
    dependsOn: [channel],
  });
  new ConfigRetentionConfiguration(scope, "config-retention", { retentionPeriodInDays: configRetentionDays });
  return recorder.name;
}
