import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { ConfigConfigurationRecorder } from "@cdktf/provider-aws/lib/config-configuration-recorder";
import { ConfigConfigurationRecorderStatus } from "@cdktf/provider-aws/lib/config-configuration-recorder-status";
import { ConfigDeliveryChannel } from "@cdktf/provider-aws/lib/config-delivery-channel";
import { ConfigRetentionConfiguration } from "@cdktf/provider-aws/lib/config-retention-configuration";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { GuarddutyDetector } from "@cdktf/provider-aws/lib/guardduty-detector";
import { GuarddutyDetectorFeature } from "@cdktf/provider-aws/lib/guardduty-detector-feature";
import { IamAccountPasswordPolicy } from "@cdktf/provider-aws/lib/iam-account-password-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3AccountPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-account-public-access-block";
import { Construct } from "constructs";
import { AuditLogBucket, bucketArnOf } from "./audit-log-bucket";
import type { AwsTarget } from "../core/aws-target";
import { CLOUDWATCH_LOG_RETENTION_DAYS, isCloudWatchLogRetention } from "../core/cloudwatch-logs";

/** Retention values CloudWatch Logs accepts, in days. */

/** Key prefixes of the audit bucket. */
const CLOUDTRAIL_PREFIX = "cloudtrail";
const CONFIG_PREFIX = "config";

/**
 * GuardDuty protection plans switched on, as `aws_guardduty_detector_feature` names them (the
 * detector's `datasources` block is deprecated). Runtime monitoring lets GuardDuty manage its EKS
 * add-on; RUNTIME_MONITORING supersedes EKS_RUNTIME_MONITORING, and the two cannot both be on.
 */
export const GUARDDUTY_FEATURES: readonly { readonly name: string; readonly additionalConfiguration?: readonly string[] }[] = [
  { name: "EKS_AUDIT_LOGS" },
  { name: "RUNTIME_MONITORING", additionalConfiguration: ["EKS_ADDON_MANAGEMENT"] },
  { name: "S3_DATA_EVENTS" },
  { name: "EBS_MALWARE_PROTECTION" },
  { name: "RDS_LOGIN_EVENTS" },
];

/** The IAM password policy for the account's IAM users (CIS 1.8, 1.9; FSBP IAM.7). */
export interface PasswordPolicySettings {
  /**
   * Minimum number of characters, 6 to 128.
   * @default 14
   */
  readonly minimumLength?: number;
  /**
   * Require at least one lowercase letter.
   * @default true
   */
  readonly requireLowercase?: boolean;
  /**
   * Require at least one uppercase letter.
   * @default true
   */
  readonly requireUppercase?: boolean;
  /**
   * Require at least one digit.
   * @default true
   */
  readonly requireNumbers?: boolean;
  /**
   * Require at least one non-alphanumeric character.
   * @default true
   */
  readonly requireSymbols?: boolean;
  /**
   * Days a password is valid, 1 to 1095.
   * @default 90
   */
  readonly maxAgeDays?: number;
  /**
   * Number of previous passwords that cannot be reused, 1 to 24.
   * @default 24
   */
  readonly reusePrevention?: number;
  /**
   * Users may change their own password.
   * @default true
   */
  readonly allowUsersToChange?: boolean;
  /**
   * An expired password can only be reset by an administrator.
   * @default false
   */
  readonly hardExpiry?: boolean;
}

export interface AccountBaselineProps {
  /**
   * Prefix of every name: roles `<name>-cloudtrail-logs` and `<name>-config-recorder` (so the
   * environment's deploy role, limited to `<name>-*`, can manage and pass them), trail
   * `<name>-audit`, bucket `<name>-audit-logs-<account id>`, key alias `<name>/audit`.
   */
  readonly name: string;
  readonly target: AwsTarget;
  /**
   * KMS key for the trail's log files, the audit bucket, AWS Config's deliveries and the trail's
   * CloudWatch log group. Its policy must admit `cloudtrail.amazonaws.com` (GenerateDataKey,
   * DescribeKey), `config.amazonaws.com` (GenerateDataKey, Decrypt) and
   * `logs.<region>.amazonaws.com` for the log group `/aws/cloudtrail/<name>-audit`.
   * @default a new key with yearly rotation, alias `<name>/audit`, whose policy admits exactly those
   */
  readonly logsKmsKeyArn?: string;
  /**
   * Days CloudTrail log files (and digests) are kept in the audit bucket.
   * @default 365
   */
  readonly cloudTrailRetentionDays?: number;
  /**
   * Days the trail's CloudWatch log group keeps events (for queries and alarms); one of the values
   * CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ..., 3653).
   * @default 90
   */
  readonly cloudTrailLogGroupRetentionDays?: number;
  /**
   * Days AWS Config keeps configuration items (its retention configuration, 30 to 2557) and the
   * audit bucket keeps Config's snapshots and history files.
   * @default 365
   */
  readonly configRetentionDays?: number;
  /**
   * Days an audit object is kept after it was replaced, deleted or expired.
   * @default 30
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * `prevent_destroy` on the audit bucket.
   * @default true
   */
  readonly protectFromDestroy?: boolean;
  /**
   * The account's IAM password policy; fields left out keep their secure default.
   * @default 14 characters, all four character classes, 90 days, 24 remembered, users may change
   */
  readonly passwordPolicy?: PasswordPolicySettings;
}

/**
 * The account-level security baseline, created once per account (by the environment that owns
 * the account's singletons):
 * - GuardDuty with EKS audit logs, runtime monitoring (managed EKS add-on), S3 data events, EBS
 *   malware protection and RDS login events, findings published every 15 minutes;
 * - a multi-region CloudTrail with global service events and log file validation, KMS-encrypted,
 *   into a hardened audit bucket and a KMS-encrypted CloudWatch log group;
 * - AWS Config recording every supported resource type, global ones included, delivering to the
 *   same bucket under `config/`;
 * - the IAM password policy and the account-wide S3 public access block.
 */
export class AccountBaseline extends Construct {
  /** GuardDuty detector id. */
  readonly detectorId: string;
  /** ARN of the multi-region trail. */
  readonly trailArn: string;
  /** Bucket holding CloudTrail log files and AWS Config deliveries. */
  readonly auditBucketName: string;
  /** Key encrypting the trail, the audit bucket and the trail's log group. */
  readonly kmsKeyArn: string;
  /** Name of the CloudWatch log group receiving the trail's events. */
  readonly trailLogGroupName: string;
  /** Name of the AWS Config configuration recorder. */
  readonly configRecorderName: string;

  constructor(scope: Construct, id: string, props: AccountBaselineProps) {
    super(scope, id);
    const { accountId, region, partition } = props.target;
    const name = props.name;
    if (!/^[a-z][a-z0-9-]*$/.test(name)) {
      throw new Error(`Account baseline ${name}: name must start with a lowercase letter and hold only lowercase letters, digits and hyphens`);
    }
    const cloudTrailRetentionDays = props.cloudTrailRetentionDays ?? 365;
    if (!Number.isInteger(cloudTrailRetentionDays) || cloudTrailRetentionDays < 1) {
      throw new Error(`Account baseline ${name}: cloudTrailRetentionDays must be a whole number >= 1, got ${cloudTrailRetentionDays}`);
    }
    const logGroupRetentionDays = props.cloudTrailLogGroupRetentionDays ?? 90;
    if (!isCloudWatchLogRetention(logGroupRetentionDays)) {
      throw new Error(
        `Account baseline ${name}: cloudTrailLogGroupRetentionDays ${logGroupRetentionDays} is not a CloudWatch Logs retention (${CLOUDWATCH_LOG_RETENTION_DAYS.join(", ")})`,
      );
    }
    const configRetentionDays = props.configRetentionDays ?? 365;
    if (!Number.isInteger(configRetentionDays) || configRetentionDays < 30 || configRetentionDays > 2557) {
      throw new Error(`Account baseline ${name}: configRetentionDays must be a whole number from 30 to 2557, got ${configRetentionDays}`);
    }
    const password = resolvePasswordPolicy(name, props.passwordPolicy ?? {});

    const trailName = `${name}-audit`;
    // Literal ARNs: the key and bucket policies name the trail before it exists (no cycle), and
    // plans and tests show them.
    const trailArn = `arn:${partition}:cloudtrail:${region}:${accountId}:trail/${trailName}`;
    const logGroupName = `/aws/cloudtrail/${trailName}`;
    const logGroupArn = `arn:${partition}:logs:${region}:${accountId}:log-group:${logGroupName}`;
    const bucketName = `${name}-audit-logs-${accountId}`;
    const bucketArn = bucketArnOf(props.target, bucketName);
    const sourceAccount = { test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] };
    const sourceTrail = { test: "StringEquals", variable: "aws:SourceArn", values: [trailArn] };
    const ownerFullControl = { test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] };

    this.kmsKeyArn = props.logsKmsKeyArn ?? this.createKey(props.target, name, trailArn, logGroupArn);

    // ---- GuardDuty ----
    const detector = new GuarddutyDetector(this, "guardduty", {
      enable: true,
      findingPublishingFrequency: "FIFTEEN_MINUTES",
    });
    for (const feature of GUARDDUTY_FEATURES) {
      new GuarddutyDetectorFeature(this, `guardduty-${feature.name.toLowerCase().replace(/_/g, "-")}`, {
        detectorId: detector.id,
        name: feature.name,
        status: "ENABLED",
        ...(feature.additionalConfiguration === undefined
          ? {}
          : { additionalConfiguration: feature.additionalConfiguration.map((extra) => ({ name: extra, status: "ENABLED" })) }),
      });
    }

    // ---- Audit bucket ----
    const bucket = new AuditLogBucket(this, "audit-bucket", {
      target: props.target,
      bucketName,
      kmsKeyArn: this.kmsKeyArn,
      noncurrentVersionExpirationDays: props.noncurrentVersionExpirationDays ?? 30,
      protectFromDestroy: props.protectFromDestroy ?? true,
      expirations: [
        { prefix: `${CLOUDTRAIL_PREFIX}/`, days: cloudTrailRetentionDays },
        { prefix: `${CONFIG_PREFIX}/`, days: configRetentionDays },
      ],
      deliveryStatements: [
        {
          sid: "CloudTrailAclCheck",
          principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
          actions: ["s3:GetBucketAcl"],
          resources: [bucketArn],
          condition: [sourceTrail],
        },
        {
          sid: "CloudTrailWrite",
          principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
          actions: ["s3:PutObject"],
          resources: [`${bucketArn}/${CLOUDTRAIL_PREFIX}/AWSLogs/${accountId}/*`],
          condition: [ownerFullControl, sourceTrail],
        },
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
      ],
    });

    // ---- CloudTrail ----
    const logGroup = new CloudwatchLogGroup(this, "trail-log-group", {
      name: logGroupName,
      retentionInDays: logGroupRetentionDays,
      kmsKeyId: this.kmsKeyArn,
    });
    const trailLogsTrust = new DataAwsIamPolicyDocument(this, "trail-logs-trust", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
          condition: [sourceAccount],
        },
      ],
    });
    const trailLogsRole = new IamRole(this, "trail-logs-role", {
      name: `${name}-cloudtrail-logs`,
      description: `CloudTrail ${trailName} delivers events to ${logGroupName}`,
      assumeRolePolicy: trailLogsTrust.json,
    });
    const trailLogsWrite = new DataAwsIamPolicyDocument(this, "trail-logs-write", {
      statement: [
        {
          sid: "WriteTrailEvents",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`${logGroup.arn}:log-stream:*`],
        },
      ],
    });
    const trailLogsPolicy = new IamRolePolicy(this, "trail-logs-policy", {
      name: "write-trail-events",
      role: trailLogsRole.id,
      policy: trailLogsWrite.json,
    });
    const trail = new Cloudtrail(this, "trail", {
      name: trailName,
      s3BucketName: bucket.bucketName,
      s3KeyPrefix: CLOUDTRAIL_PREFIX,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      isOrganizationTrail: false,
      enableLogFileValidation: true,
      enableLogging: true,
      kmsKeyId: this.kmsKeyArn,
      // CloudTrail wants the log streams' wildcard on the group's ARN.
      cloudWatchLogsGroupArn: `${logGroup.arn}:*`,
      cloudWatchLogsRoleArn: trailLogsRole.arn,
      // CloudTrail checks that it can write to the bucket and the log group when the trail is created.
      dependsOn: [bucket.bucketPolicy, trailLogsPolicy],
    });

    // ---- AWS Config ----
    const configTrust = new DataAwsIamPolicyDocument(this, "config-trust", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["config.amazonaws.com"] }],
          condition: [sourceAccount],
        },
      ],
    });
    const configRole = new IamRole(this, "config-role", {
      name: `${name}-config-recorder`,
      description: "AWS Config records the account's resources and delivers them to the audit bucket",
      assumeRolePolicy: configTrust.json,
    });
    new IamRolePolicyAttachment(this, "config-managed-policy", {
      role: configRole.name,
      policyArn: `arn:${partition}:iam::aws:policy/service-role/AWS_ConfigRole`,
    });
    // AWS_ConfigRole reads the resources; delivering to the bucket is the role's own grant.
    const configDelivery = new DataAwsIamPolicyDocument(this, "config-delivery", {
      statement: [
        { sid: "CheckBucket", actions: ["s3:GetBucketAcl", "s3:ListBucket"], resources: [bucketArn] },
        {
          sid: "DeliverConfiguration",
          actions: ["s3:PutObject"],
          resources: [`${bucketArn}/${CONFIG_PREFIX}/AWSLogs/${accountId}/Config/*`],
        },
        { sid: "EncryptDeliveries", actions: ["kms:GenerateDataKey", "kms:Decrypt"], resources: [this.kmsKeyArn] },
      ],
    });
    const configDeliveryPolicy = new IamRolePolicy(this, "config-delivery-policy", {
      name: "deliver-to-audit-bucket",
      role: configRole.id,
      policy: configDelivery.json,
    });
    const recorder = new ConfigConfigurationRecorder(this, "config-recorder", {
      name: `${name}-recorder`,
      roleArn: configRole.arn,
      recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
    });
    const channel = new ConfigDeliveryChannel(this, "config-delivery-channel", {
      name: `${name}-delivery`,
      s3BucketName: bucket.bucketName,
      s3KeyPrefix: CONFIG_PREFIX,
      s3KmsKeyArn: this.kmsKeyArn,
      snapshotDeliveryProperties: { deliveryFrequency: "TwentyFour_Hours" },
      // A delivery channel needs the recorder; Config checks the bucket when the channel is created.
      dependsOn: [recorder, bucket.bucketPolicy, configDeliveryPolicy],
    });
    new ConfigConfigurationRecorderStatus(this, "config-recorder-status", {
      name: recorder.name,
      isEnabled: true,
      dependsOn: [channel],
    });
    new ConfigRetentionConfiguration(this, "config-retention", { retentionPeriodInDays: configRetentionDays });

    // ---- IAM users and S3, account-wide ----
    new IamAccountPasswordPolicy(this, "password-policy", {
      minimumPasswordLength: password.minimumLength,
      requireLowercaseCharacters: password.requireLowercase,
      requireUppercaseCharacters: password.requireUppercase,
      requireNumbers: password.requireNumbers,
      requireSymbols: password.requireSymbols,
      maxPasswordAge: password.maxAgeDays,
      passwordReusePrevention: password.reusePrevention,
      allowUsersToChangePassword: password.allowUsersToChange,
      hardExpiry: password.hardExpiry,
    });
    new S3AccountPublicAccessBlock(this, "s3-account-public-access-block", {
      accountId,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });

    this.detectorId = detector.id;
    this.trailArn = trail.arn;
    this.auditBucketName = bucket.bucketName;
    this.trailLogGroupName = logGroup.name;
    this.configRecorderName = recorder.name;
  }

  /**
   * The audit key: the account's IAM decides who reads, CloudTrail encrypts only for this trail,
   * Config only for this account, CloudWatch Logs only for the trail's log group. Not
   * modules/security/kms-key.ts: CloudTrail's DescribeKey carries no encryption context, so its grants need
   * their own statements and conditions.
   */
  private createKey(target: AwsTarget, name: string, trailArn: string, logGroupArn: string): string {
    const { accountId, region, partition } = target;
    const policy = new DataAwsIamPolicyDocument(this, "key-policy", {
      statement: [
        {
          sid: "AccountIamDelegation",
          principals: [{ type: "AWS", identifiers: [`arn:${partition}:iam::${accountId}:root`] }],
          actions: ["kms:*"],
          resources: ["*"],
        },
        {
          sid: "CloudTrailEncryptLogs",
          principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
          // Named, not GenerateDataKey*: S3 asks for a plain data key on CloudTrail's behalf.
          actions: ["kms:GenerateDataKey"],
          resources: ["*"],
          condition: [
            { test: "StringEquals", variable: "aws:SourceArn", values: [trailArn] },
            { test: "StringLike", variable: "kms:EncryptionContext:aws:cloudtrail:arn", values: [`arn:${partition}:cloudtrail:*:${accountId}:trail/*`] },
          ],
        },
        {
          sid: "CloudTrailDescribeKey",
          principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
          actions: ["kms:DescribeKey"],
          resources: ["*"],
          condition: [{ test: "StringEquals", variable: "aws:SourceArn", values: [trailArn] }],
        },
        {
          sid: "ConfigEncryptDeliveries",
          principals: [{ type: "Service", identifiers: ["config.amazonaws.com"] }],
          actions: ["kms:GenerateDataKey", "kms:Decrypt"],
          resources: ["*"],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] }],
        },
        {
          sid: "CloudWatchLogsTrailGroup",
          principals: [{ type: "Service", identifiers: [`logs.${region}.amazonaws.com`] }],
          actions: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"],
          resources: ["*"],
          condition: [{ test: "ArnEquals", variable: "kms:EncryptionContext:aws:logs:arn", values: [logGroupArn] }],
        },
      ],
    });
    const key = new KmsKey(this, "key", {
      description: `Audit logs of account ${accountId}: CloudTrail, AWS Config, the trail's log group`,
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays: 30,
      policy: policy.json,
    });
    new KmsAlias(this, "key-alias", { name: `alias/${name}/audit`, targetKeyId: key.keyId });
    return key.arn;
  }
}

/** The password policy with defaults filled in, refused when AWS would refuse it. */
function resolvePasswordPolicy(name: string, settings: PasswordPolicySettings): Required<PasswordPolicySettings> {
  const resolved: Required<PasswordPolicySettings> = {
    minimumLength: settings.minimumLength ?? 14,
    requireLowercase: settings.requireLowercase ?? true,
    requireUppercase: settings.requireUppercase ?? true,
    requireNumbers: settings.requireNumbers ?? true,
    requireSymbols: settings.requireSymbols ?? true,
    maxAgeDays: settings.maxAgeDays ?? 90,
    reusePrevention: settings.reusePrevention ?? 24,
    allowUsersToChange: settings.allowUsersToChange ?? true,
    hardExpiry: settings.hardExpiry ?? false,
  };
  const ranges: readonly [keyof PasswordPolicySettings, number, number][] = [
    ["minimumLength", 6, 128],
    ["maxAgeDays", 1, 1095],
    ["reusePrevention", 1, 24],
  ];
  for (const [field, min, max] of ranges) {
    const value = resolved[field] as number;
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`Account baseline ${name}: passwordPolicy.${field} must be a whole number from ${min} to ${max}, got ${value}`);
    }
  }
  return resolved;
}
