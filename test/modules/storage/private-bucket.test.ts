import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { PrivateBucket, type PrivateBucketProps } from "../../../modules/storage/private-bucket";

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/abc";
const synth = (overrides: Partial<PrivateBucketProps> = {}) =>
  Testing.synthScope((scope) => new PrivateBucket(scope, "b", { name: "acme-logs", kmsKeyArn: KEY, ...overrides }));

describe("PrivateBucket", () => {
  it("versions objects and encrypts them with the given KMS key and a bucket key by default", () => {
    const json = synth();
    expect(json).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: "Enabled" } });
    expect(json).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: KEY }, bucket_key_enabled: true }],
    });
  });

  it("blocks every kind of public access and disables ACLs", () => {
    const json = synth();
    expect(json).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(json).toHaveResourceWithProperties(S3BucketOwnershipControls, { rule: { object_ownership: "BucketOwnerEnforced" } });
  });

  it("refuses destroy unless told otherwise, and never force-destroys", () => {
    expect(synth()).toHaveResourceWithProperties(S3Bucket, {
      bucket: "acme-logs",
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
    expect(synth({ protectFromDestroy: false })).not.toHaveResourceWithProperties(S3Bucket, { lifecycle: { prevent_destroy: true } });
  });

  it("GIVEN bucket keys off WHEN synthesized THEN each object is encrypted with its own data key", () => {
    expect(synth({ bucketKeyEnabled: false })).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [{ bucket_key_enabled: false }],
    });
  });
});
