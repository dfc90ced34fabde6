import { Construct } from "constructs";
import { AuditLogBucket, bucketArnOf } from "./audit-log-bucket";
import { addAuditKey } from "./audit-key";
import { addAccountSettings, resolvePasswordPolicy, type PasswordPolicySettings } from "./account-settings";
import { CONFIG_PREFIX, addConfigRecorder, configBucketStatements } from "./aws-config-recorder";
import { CLOUDTRAIL_PREFIX, addAccountTrail, cloudTrailBucketStatements, trailIdentity } from "./cloudtrail";
import { addGuardDuty } from "./guardduty";
import { addSecurityFindings } from "./security-findings";
import type { AwsTarget } from "../core/aws-target";
import { CLOUDWATCH_LOG_RETENTION_DAYS, isCloudWatchLogRetention } from "../core/cloudwatch-logs";
export type { PasswordPolicySettings } from "./account-settings";

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
  /**
   * SNS topic that GuardDuty, Config and Access Analyzer findings go to (EventBridge rules
   * `<name>-security-*`); its policy and key must admit `events.amazonaws.com`.
   * @default no IAM Access Analyzer and no finding rules
   */
  readonly alertsTopicArn?: string;
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
 * - the IAM password policy and the account-wide S3 public access block;
 * - given an alert topic, IAM Access Analyzer (external access) and EventBridge rules that send
 *   GuardDuty, Config and Access Analyzer findings to it.
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
  /** The external-access analyzer, when findings alert (alertsTopicArn). */
  readonly accessAnalyzerArn: string | undefined;

  constructor(scope: Construct, id: string, props: AccountBaselineProps) {
    super(scope, id);
    const { accountId, partition } = props.target;
    const name = props.name;
    if (!/^[a-z][a-z0-9-]*$/.test(name)) {
      throw new Error(
        `Account baseline ${name}: name must start with a lowercase letter and hold only lowercase letters, digits and hyphens`,
      );
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

    // Literal ARNs: the key and bucket policies name the trail before it exists (no cycle), and
    // plans and tests show them. Every part adds its resources to this construct itself, so their
    // Terraform addresses are the baseline's (test/stacks/stateful-addresses.test.ts pins them).
    const trail = trailIdentity(name, props.target);
    const bucketName = `${name}-audit-logs-${accountId}`;
    const bucketArn = bucketArnOf(props.target, bucketName);

    this.kmsKeyArn =
      props.logsKmsKeyArn ??
      addAuditKey(this, { target: props.target, name, trailArn: trail.trailArn, logGroupArn: trail.logGroupArn, bucketArn });
    this.detectorId = addGuardDuty(this);

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
        ...cloudTrailBucketStatements(bucketArn, accountId, trail.trailArn),
        ...configBucketStatements(bucketArn, accountId),
      ],
    });
    const accountTrail = addAccountTrail(this, { name, accountId, trail, logGroupRetentionDays, kmsKeyArn: this.kmsKeyArn, bucket });
    this.configRecorderName = addConfigRecorder(this, {
      name,
      accountId,
      partition,
      bucket,
      bucketArn,
      kmsKeyArn: this.kmsKeyArn,
      retentionDays: configRetentionDays,
    });
    addAccountSettings(this, accountId, password);
    this.accessAnalyzerArn =
      props.alertsTopicArn === undefined ? undefined : addSecurityFindings(this, { name, topicArn: props.alertsTopicArn });

    this.trailArn = accountTrail.trailArn;
    this.auditBucketName = bucket.bucketName;
    this.trailLogGroupName = accountTrail.logGroupName;
  }
}
