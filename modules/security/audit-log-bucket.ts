import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import {
  S3BucketLifecycleConfiguration,
  type S3BucketLifecycleConfigurationRule,
} from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { Construct } from "constructs";
import type { AwsTarget } from "../core/aws-target";
import { ciBucketDenyStatements } from "../ci/ci-guardrails";
import { PrivateBucket, assertBucketName, assertNoncurrentDays, privateBucketDenyStatements } from "../storage/private-bucket";

/** An S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens. */

/** Multipart uploads abandoned by a writer are removed after this many days. */
const ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS = 7;

/** How long the objects under one key prefix are kept. */
export interface AuditLogExpiration {
  /** Key prefix, ending in `/`, e.g. `cloudtrail/`. */
  readonly prefix: string;
  /** Days after which an object under the prefix expires (becomes a noncurrent version). */
  readonly days: number;
}

/** The literal ARN of a bucket, so policies naming it are readable at plan time and in tests. */
export function bucketArnOf(target: AwsTarget, bucketName: string): string {
  return `arn:${target.partition}:s3:::${bucketName}`;
}

export interface AuditLogBucketProps {
  /** The account, region and partition the bucket lives in. */
  readonly target: AwsTarget;
  /** Globally unique bucket name, e.g. `dev-audit-logs-123456789012`. */
  readonly bucketName: string;
  /**
   * Customer-managed KMS key that encrypts objects by default (SSE-KMS). Its policy must let the
   * delivering services generate data keys.
   */
  readonly kmsKeyArn: string;
  /**
   * Statements that admit the services delivering logs (CloudTrail, Config), each scoped by the
   * delivering resource (`aws:SourceArn`) or account (`aws:SourceAccount`). They are added to the
   * bucket's own deny statements: S3 takes one policy per bucket.
   */
  readonly deliveryStatements: readonly DataAwsIamPolicyDocumentStatement[];
  /** Retention per key prefix; objects outside every prefix are kept until removed by hand. */
  readonly expirations: readonly AuditLogExpiration[];
  /**
   * Days an object version is kept after it was replaced, deleted or expired.
   * @default 30
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * `prevent_destroy`: a plan that would delete the bucket fails. Without it the bucket still
   * survives a destroy while it holds objects (never force-destroyed).
   * @default true
   */
  readonly protectFromDestroy?: boolean;
}

/**
 * A bucket for audit logs (CloudTrail, AWS Config), hardened: versioned, SSE-KMS by default, every
 * public access blocked, ACLs disabled (BucketOwnerEnforced, which still accepts the
 * `bucket-owner-full-control` ACL the services send), TLS-only, no customer-provided encryption
 * keys, retention per prefix, old versions expired and abandoned multipart uploads aborted.
 *
 * Unlike the Terraform state bucket it does not refuse uploads that ask for SSE-S3: CloudTrail
 * writes its digest files (log file validation) with SSE-S3 whatever the trail's KMS key.
 */
export class AuditLogBucket extends Construct {
  /** The bucket's name. */
  readonly bucketName: string;
  /** The bucket's ARN. */
  readonly bucketArn: string;
  /** The bucket policy: services check it when a trail or delivery channel is created, so those depend on it. */
  readonly bucketPolicy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: AuditLogBucketProps) {
    super(scope, id);
    const name = props.bucketName;
    assertBucketName(name, "Audit log bucket");
    const noncurrentDays = props.noncurrentVersionExpirationDays ?? 30;
    assertNoncurrentDays(noncurrentDays, name, "Audit log bucket");
    const prefixes = new Set<string>();
    for (const expiration of props.expirations) {
      if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/$/.test(expiration.prefix)) {
        throw new Error(`Audit log bucket ${name}: expiration prefix "${expiration.prefix}" must be a key prefix ending in /`);
      }
      if (prefixes.has(expiration.prefix)) throw new Error(`Audit log bucket ${name}: two expirations for prefix ${expiration.prefix}`);
      prefixes.add(expiration.prefix);
      if (!Number.isInteger(expiration.days) || expiration.days < 1) {
        throw new Error(
          `Audit log bucket ${name}: expiration of ${expiration.prefix} must be a whole number of days >= 1, got ${expiration.days}`,
        );
      }
    }
    const protectFromDestroy = props.protectFromDestroy ?? true;

    // S3 Bucket Key on: one bucket-level data key instead of a KMS call per object (CloudTrail's
    // digests, AWS Config's snapshots). The audit key admits CloudTrail under the bucket's
    // encryption context for it (modules/security/audit-key.ts, CloudTrailBucketKey).
    const storage = new PrivateBucket(this, "private-bucket", {
      name,
      kmsKeyArn: props.kmsKeyArn,
      bucketKeyEnabled: true,
      protectFromDestroy,
    });

    const rules: S3BucketLifecycleConfigurationRule[] = [
      ...props.expirations.map((expiration) => ({
        id: `expire-${expiration.prefix.replace(/\/$/, "").replace(/[^A-Za-z0-9-]/g, "-")}`,
        status: "Enabled",
        filter: [{ prefix: expiration.prefix }],
        expiration: [{ days: expiration.days }],
      })),
      {
        id: "expire-noncurrent-versions",
        status: "Enabled",
        filter: [{}],
        noncurrentVersionExpiration: [{ noncurrentDays }],
      },
      {
        id: "abort-incomplete-multipart-uploads",
        status: "Enabled",
        filter: [{}],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS }],
      },
    ];
    const lifecycle = new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket: storage.bucket.id,
      rule: rules,
      // Noncurrent-version rules need versioning switched on first.
      dependsOn: [storage.versioning],
    });

    const bucketArn = bucketArnOf(props.target, name);
    const policy = new DataAwsIamPolicyDocument(this, "policy", {
      statement: [
        ...privateBucketDenyStatements(bucketArn),
        ...ciBucketDenyStatements(props.target, bucketArn),
        ...props.deliveryStatements,
      ],
    });
    this.bucketPolicy = new S3BucketPolicy(this, "bucket-policy", {
      bucket: storage.bucket.id,
      policy: policy.json,
      // S3 refuses concurrent changes to a bucket's public access block and policy. The policy
      // comes last: once it is in place, no CI role may change the bucket's controls (NoCiBucketControls).
      dependsOn: [storage.publicAccessBlock, storage.versioning, storage.encryption, storage.ownership, lifecycle],
    });

    this.bucketName = storage.bucket.bucket;
    this.bucketArn = storage.bucket.arn;
  }
}
