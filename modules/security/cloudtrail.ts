import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { Construct } from "constructs";
import type { AuditLogBucket } from "./audit-log-bucket";

/** Key prefix of CloudTrail's log files in the audit bucket. */
export const CLOUDTRAIL_PREFIX = "cloudtrail";

/** The trail's name and ARN, literal so that key and bucket policies can name it before it exists. */
export interface TrailIdentity {
  readonly trailName: string;
  readonly trailArn: string;
  readonly logGroupName: string;
  readonly logGroupArn: string;
}

/** `<name>-audit`, its ARN, and its CloudWatch log group `/aws/cloudtrail/<name>-audit`. */
export function trailIdentity(
  name: string,
  target: { readonly accountId: string; readonly region: string; readonly partition: string },
): TrailIdentity {
  const { accountId, region, partition } = target;
  const trailName = `${name}-audit`;
  const logGroupName = `/aws/cloudtrail/${trailName}`;
  return {
    trailName,
    trailArn: `arn:${partition}:cloudtrail:${region}:${accountId}:trail/${trailName}`,
    logGroupName,
    logGroupArn: `arn:${partition}:logs:${region}:${accountId}:log-group:${logGroupName}`,
  };
}

/** What the audit bucket's policy grants CloudTrail: the ACL check and writes under its prefix, for this trail only. */
export function cloudTrailBucketStatements(bucketArn: string, accountId: string, trailArn: string): DataAwsIamPolicyDocumentStatement[] {
  const sourceTrail = { test: "StringEquals", variable: "aws:SourceArn", values: [trailArn] };
  const ownerFullControl = { test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] };
  return [
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
  ];
}

export interface AccountTrailProps {
  /** Prefix of the role `<name>-cloudtrail-logs`. */
  readonly name: string;
  readonly accountId: string;
  readonly trail: TrailIdentity;
  /** Days the trail's log group keeps events. */
  readonly logGroupRetentionDays: number;
  /** Key of the trail's log files and its log group. */
  readonly kmsKeyArn: string;
  /** The audit bucket, whose policy admits the trail (cloudTrailBucketStatements). */
  readonly bucket: AuditLogBucket;
}

/**
 * Adds to `scope` (the account baseline, whose addresses they keep) a multi-region trail with
 * global service events and log file validation, KMS-encrypted, into the audit bucket and a
 * KMS-encrypted CloudWatch log group that a role of its own writes to.
 * @returns the trail's ARN and its log group's name
 */
export function addAccountTrail(scope: Construct, props: AccountTrailProps): { readonly trailArn: string; readonly logGroupName: string } {
  const { name, bucket, kmsKeyArn } = props;
  const { trailName, logGroupName } = props.trail;
  const logGroupRetentionDays = props.logGroupRetentionDays;
  const sourceAccount = { test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] };
  const logGroup = new CloudwatchLogGroup(scope, "trail-log-group", {
    name: logGroupName,
    retentionInDays: logGroupRetentionDays,
    kmsKeyId: kmsKeyArn,
  });
  const trailLogsTrust = new DataAwsIamPolicyDocument(scope, "trail-logs-trust", {
    statement: [
      {
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
        condition: [sourceAccount],
      },
    ],
  });
  const trailLogsRole = new IamRole(scope, "trail-logs-role", {
    name: `${name}-cloudtrail-logs`,
    description: `CloudTrail ${trailName} delivers events to ${logGroupName}`,
    assumeRolePolicy: trailLogsTrust.json,
  });
  const trailLogsWrite = new DataAwsIamPolicyDocument(scope, "trail-logs-write", {
    statement: [
      {
        sid: "WriteTrailEvents",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [`${logGroup.arn}:log-stream:*`],
      },
    ],
  });
  const trailLogsPolicy = new IamRolePolicy(scope, "trail-logs-policy", {
    name: "write-trail-events",
    role: trailLogsRole.id,
    policy: trailLogsWrite.json,
  });
  const trail = new Cloudtrail(scope, "trail", {
    name: trailName,
    s3BucketName: bucket.bucketName,
    s3KeyPrefix: CLOUDTRAIL_PREFIX,
    isMultiRegionTrail: true,
    includeGlobalServiceEvents: true,
    isOrganizationTrail: false,
    enableLogFileValidation: true,
    enableLogging: true,
    kmsKeyId: kmsKeyArn,
    // CloudTrail wants the log streams' wildcard on the group's ARN.
    cloudWatchLogsGroupArn: `${logGroup.arn}:*`,
    cloudWatchLogsRoleArn: trailLogsRole.arn,
    // CloudTrail checks that it can write to the bucket and the log group when the trail is created.
    dependsOn: [bucket.bucketPolicy, trailLogsPolicy],
  });
  return { trailArn: trail.arn, logGroupName: logGroup.name };
}
