import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Refuses a name S3 would refuse, naming what the bucket is for (`State bucket`, `Audit log bucket`). */
export function assertBucketName(name: string, what: string): void {
  if (!BUCKET_NAME.test(name) || name.includes("..")) {
    throw new Error(`${what} ${name}: not a valid S3 bucket name (3 to 63 lowercase letters, digits, dots and hyphens)`);
  }
}

/** Refuses a noncurrent-version expiration S3 would refuse (a whole number of days, at least 1). */
export function assertNoncurrentDays(days: number, name: string, what: string): void {
  if (!Number.isInteger(days) || days < 1) {
    throw new Error(`${what} ${name}: noncurrentVersionExpirationDays must be a whole number >= 1, got ${days}`);
  }
}

/**
 * The bucket-policy statements every private bucket starts with: refuse plain HTTP, and refuse
 * customer-provided keys (objects must be readable with the bucket's KMS key).
 */
export function privateBucketDenyStatements(bucketArn: string): DataAwsIamPolicyDocumentStatement[] {
  const everyone = [{ type: "*", identifiers: ["*"] }];
  const objectsArn = `${bucketArn}/*`;
  return [
    {
      sid: "DenyInsecureTransport",
      effect: "Deny",
      principals: everyone,
      actions: ["s3:*"],
      resources: [bucketArn, objectsArn],
      condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
    },
    {
      sid: "DenyCustomerProvidedKeys",
      effect: "Deny",
      principals: everyone,
      actions: ["s3:PutObject"],
      resources: [objectsArn],
      condition: [{ test: "Null", variable: "s3:x-amz-server-side-encryption-customer-algorithm", values: ["false"] }],
    },
  ];
}

export interface PrivateBucketProps {
  /** Bucket name. */
  readonly name: string;
  /** KMS key every object is encrypted with by default. */
  readonly kmsKeyArn: string;
  /**
   * Use an S3 bucket key (fewer KMS calls). Off where a key grant is conditioned on each
   * request's encryption context (CloudTrail), which a bucket key replaces with the bucket's.
   * @default true
   */
  readonly bucketKeyEnabled?: boolean;
  /**
   * Refuse `terraform destroy` of the bucket (`lifecycle.prevent_destroy`).
   * @default true
   */
  readonly protectFromDestroy?: boolean;
}

/**
 * The core every bucket of this platform shares: versioning, SSE-KMS by default, all four public
 * access blocks, ACLs disabled (bucket owner enforced), never force-destroyed. Callers add their
 * bucket policy and lifecycle (S3 allows one of each per bucket).
 */
export class PrivateBucket extends Construct {
  readonly bucket: S3Bucket;
  /** Versioning must exist before noncurrent-version lifecycle rules. */
  readonly versioning: S3BucketVersioningA;
  /** The public access block must exist before a bucket policy is attached. */
  readonly publicAccessBlock: S3BucketPublicAccessBlock;
  /** Default encryption (a bucket policy that locks the bucket's controls is put after it). */
  readonly encryption: S3BucketServerSideEncryptionConfigurationA;
  /** Object ownership (BucketOwnerEnforced). */
  readonly ownership: S3BucketOwnershipControls;

  constructor(scope: Construct, id: string, props: PrivateBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, "bucket", {
      bucket: props.name,
      forceDestroy: false,
      ...((props.protectFromDestroy ?? true) ? { lifecycle: { preventDestroy: true } } : {}),
    });
    this.versioning = new S3BucketVersioningA(this, "versioning", {
      bucket: this.bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });
    this.encryption = new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: this.bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.kmsKeyArn },
          bucketKeyEnabled: props.bucketKeyEnabled ?? true,
        },
      ],
    });
    this.publicAccessBlock = new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    this.ownership = new S3BucketOwnershipControls(this, "ownership", {
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
  }
}
