import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { Construct } from "constructs";
import type { AwsTarget } from "../core/aws-target";
import { ciKeyDenyStatements } from "../ci/ci-guardrails";
import { KMS_SERVICE_USE_ACTIONS } from "./kms-key";

/** What the audit key encrypts for. */
export interface AuditKeyProps {
  readonly target: AwsTarget;
  /** Prefix of the alias `alias/<name>/audit`. */
  readonly name: string;
  /** The one trail CloudTrail may encrypt for. */
  readonly trailArn: string;
  /** The one log group CloudWatch Logs may encrypt for. */
  readonly logGroupArn: string;
  /** The audit bucket (S3 Bucket Key on): S3 asks for the bucket's data key on CloudTrail's behalf with this bucket as context. */
  readonly bucketArn: string;
}

/**
 * Adds the audit key to `scope` (the account baseline, whose addresses it keeps): the account's
 * IAM decides who reads, CloudTrail encrypts only for this trail, Config only for this account,
 * CloudWatch Logs only for the trail's log group. Not modules/security/kms-key.ts: CloudTrail's
 * DescribeKey carries no encryption context, so its grants need their own statements and conditions.
 * @returns the key ARN
 */
export function addAuditKey(scope: Construct, props: AuditKeyProps): string {
  const { target, name, trailArn, logGroupArn, bucketArn } = props;
  const { accountId, region, partition } = target;
  const policy = new DataAwsIamPolicyDocument(scope, "key-policy", {
    statement: [
      {
        sid: "AccountIamDelegation",
        principals: [{ type: "AWS", identifiers: [`arn:${partition}:iam::${accountId}:root`] }],
        actions: ["kms:*"],
        resources: ["*"],
      },
      {
        // CloudTrail's documented grant (log and digest files), for this trail only.
        sid: "CloudTrailEncryptLogs",
        principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
        actions: ["kms:GenerateDataKey*"],
        resources: ["*"],
        condition: [
          { test: "StringEquals", variable: "aws:SourceArn", values: [trailArn] },
          {
            test: "StringLike",
            variable: "kms:EncryptionContext:aws:cloudtrail:arn",
            values: [`arn:${partition}:cloudtrail:*:${accountId}:trail/*`],
          },
        ],
      },
      {
        // The audit bucket uses an S3 Bucket Key: S3 asks for (and decrypts) the bucket-level
        // data key on CloudTrail's behalf with the bucket as encryption context; CloudTrail needs
        // Decrypt to create or update a trail whose bucket has one.
        sid: "CloudTrailBucketKey",
        principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
        actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
        resources: ["*"],
        condition: [
          { test: "StringEquals", variable: "aws:SourceArn", values: [trailArn] },
          { test: "StringEquals", variable: "kms:EncryptionContext:aws:s3:arn", values: [bucketArn] },
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
        actions: [...KMS_SERVICE_USE_ACTIONS],
        resources: ["*"],
        condition: [{ test: "ArnEquals", variable: "kms:EncryptionContext:aws:logs:arn", values: [logGroupArn] }],
      },
      // No CI role changes the key's policy, disables, re-keys or deletes it (whatever its identity policies say).
      ...ciKeyDenyStatements(target),
    ],
  });
  const key = new KmsKey(scope, "key", {
    description: `Audit logs of account ${accountId}: CloudTrail, AWS Config, the trail's log group`,
    enableKeyRotation: true,
    rotationPeriodInDays: 365,
    deletionWindowInDays: 30,
    policy: policy.json,
    // The owner's deploy role may create the key, but its policy denies that role PutKeyPolicy:
    // KMS's lockout check would refuse it. The account's administrators keep kms:* (AccountIamDelegation).
    bypassPolicyLockoutSafetyCheck: true,
  });
  new KmsAlias(scope, "key-alias", { name: `alias/${name}/audit`, targetKeyId: key.keyId });
  return key.arn;
}
