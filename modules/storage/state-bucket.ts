import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { Construct } from "constructs";
import type { AwsTarget } from "../core/aws-target";
import { PrivateBucket, assertBucketName, assertNoncurrentDays, privateBucketDenyStatements } from "./private-bucket";
import { KmsKey } from "../security/kms-key";
import {
  ciBucketDenyStatements,
  ciEnvironmentKeyStatements,
  ciKeyDenyStatements,
  bucketStateKeyAlias,
  ciStatePrefixStatements,
  environmentStateKeyAlias,
} from "../ci/ci-guardrails";

/** An S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens (as environments/schema.ts checks it). */

/** Multipart uploads Terraform or anyone else abandoned are removed after this many days. */
const ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS = 7;

export interface StateBucketProps {
  /** The account, region and partition the bucket lives in (for its ARNs and its key's policy). */
  readonly target: AwsTarget;
  /** Globally unique bucket name, e.g. `acme-nonprod-terraform-state`. */
  readonly bucketName: string;
  /**
   * Customer-managed KMS key that encrypts objects by default (SSE-KMS). The key must be in the
   * bucket's region.
   * @default a new key with yearly rotation (modules/security/kms-key.ts), alias `terraform-state/<bucket name>`
   */
  readonly kmsKeyArn?: string;
  /**
   * Days an object version is kept after a newer version replaced it (how far back a state file
   * can be restored).
   * @default 90
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Deny uploads that ask S3 for another encryption than SSE-KMS (`x-amz-server-side-encryption`
   * present and not `aws:kms`). Uploads that send no encryption header are allowed: the bucket's
   * default encryption makes them SSE-KMS. Switch it off while any writer asks for SSE-S3, e.g.
   * Terraform's S3 backend with `encrypt = true` and no `kms_key_id`, which uploads with
   * `x-amz-server-side-encryption: AES256`.
   * @default true
   */
  readonly denyNonKmsUploads?: boolean;
  /**
   * The environments keeping their state here (`<env>/` prefixes): a bucket policy statement
   * keeps each one's CI roles inside its own prefix.
   * @default none
   */
  readonly environments?: readonly string[];
  /**
   * Objects every environment's roles may read (never write) besides their own prefix: the
   * account layer's state, which each environment's network reads through remote state.
   * @default none
   */
  readonly sharedReadKeys?: readonly string[];
  /**
   * Environments that get their own state key here, alias `terraform-state/<bucket>/<env>`, which
   * other environments' CI roles may not use (those whose file names no key of its own).
   * @default none
   */
  readonly environmentKeys?: readonly string[];
}

/**
 * A bucket for Terraform state, hardened: versioned, SSE-KMS by default with an S3 bucket key,
 * every public access blocked, ACLs disabled (BucketOwnerEnforced), TLS-only, no customer-provided
 * encryption keys (SSE-C: a state the account could not read), old versions expired and abandoned
 * multipart uploads aborted. Never force-destroyed and protected by `prevent_destroy`: removing it
 * from the code fails the plan instead of deleting every state.
 */
export class StateBucket extends Construct {
  /** The bucket's name. */
  readonly bucketName: string;
  /** The bucket's ARN. */
  readonly bucketArn: string;
  /** The KMS key that encrypts objects by default: the given one or the one this construct created. */
  readonly kmsKeyArn: string;
  /** Each environment's own state key, by environment name. */
  readonly environmentKeyArns: ReadonlyMap<string, string>;

  constructor(scope: Construct, id: string, props: StateBucketProps) {
    super(scope, id);
    const name = props.bucketName;
    assertBucketName(name, "State bucket");
    const noncurrentDays = props.noncurrentVersionExpirationDays ?? 90;
    assertNoncurrentDays(noncurrentDays, name, "State bucket");
    const denyNonKmsUploads = props.denyNonKmsUploads ?? true;

    this.kmsKeyArn =
      props.kmsKeyArn ??
      new KmsKey(this, "key", {
        target: props.target,
        alias: bucketStateKeyAlias(name),
        description: `Terraform state in s3://${name}`,
        denyStatements: ciKeyDenyStatements(props.target),
      }).keyArn;
    // New keys at new addresses (the bucket's key above keeps its own).
    const environmentKeys = new Map<string, string>();
    for (const environment of props.environmentKeys ?? []) {
      const key = new KmsKey(this, `key-${environment}`, {
        target: props.target,
        alias: environmentStateKeyAlias(name, environment),
        description: `Terraform state of ${environment} in s3://${name}`,
        denyStatements: ciEnvironmentKeyStatements(props.target, environment, props.environments ?? []),
      });
      environmentKeys.set(environment, key.keyArn);
    }
    this.environmentKeyArns = environmentKeys;

    const storage = new PrivateBucket(this, "private-bucket", { name, kmsKeyArn: this.kmsKeyArn });

    // Literal ARNs: the policy document is readable at plan time and in tests.
    const bucketArn = `arn:${props.target.partition}:s3:::${name}`;
    const objectsArn = `${bucketArn}/*`;
    const everyone = [{ type: "*", identifiers: ["*"] }];
    const statements: DataAwsIamPolicyDocumentStatement[] = [
      ...privateBucketDenyStatements(bucketArn),
      // No CI role changes the bucket's controls or deletes a state version; each environment's CI stays in its prefix.
      ...ciBucketDenyStatements(props.target, bucketArn),
      ...ciStatePrefixStatements(props.target, bucketArn, props.environments ?? [], props.sharedReadKeys ?? []),
    ];
    if (denyNonKmsUploads) {
      // Both conditions must hold: a request without the header gets the bucket's SSE-KMS default,
      // so only a request that names another algorithm (AES256) is refused.
      statements.push({
        sid: "DenyNonKmsEncryption",
        effect: "Deny",
        principals: everyone,
        actions: ["s3:PutObject"],
        resources: [objectsArn],
        condition: [
          { test: "StringNotEquals", variable: "s3:x-amz-server-side-encryption", values: ["aws:kms"] },
          { test: "Null", variable: "s3:x-amz-server-side-encryption", values: ["false"] },
        ],
      });
    }
    const policy = new DataAwsIamPolicyDocument(this, "policy", { statement: statements });
    new S3BucketPolicy(this, "bucket-policy", {
      bucket: storage.bucket.id,
      policy: policy.json,
      // S3 refuses concurrent changes to a bucket's public access block and policy.
      dependsOn: [storage.publicAccessBlock],
    });

    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket: storage.bucket.id,
      rule: [
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
      ],
      // Noncurrent-version rules need versioning switched on first.
      dependsOn: [storage.versioning],
    });

    this.bucketName = storage.bucket.bucket;
    this.bucketArn = storage.bucket.arn;
  }
}
