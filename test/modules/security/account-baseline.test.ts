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
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3AccountPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-account-public-access-block";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AccountBaseline, type AccountBaselineProps } from "../../../modules/security/account-baseline";
import { resourcesOf, type TerraformJson } from "../../support/synthesized";
import { TEST_TARGET } from "../../support/target";

const TRAIL_ARN = "arn:aws:cloudtrail:eu-west-1:123456789012:trail/dev-audit";
const BUCKET_ARN = "arn:aws:s3:::dev-audit-logs-123456789012";
const LOG_GROUP_ARN = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/cloudtrail/dev-audit";
const GIVEN_KEY = "arn:aws:kms:eu-west-1:123456789012:key/given";

const synth = (overrides: Partial<AccountBaselineProps> = {}) =>
  Testing.synthScope((scope) => new AccountBaseline(scope, "baseline", { name: "dev", target: TEST_TARGET, ...overrides }));

interface Condition {
  test: string;
  variable: string;
  values: string[];
}
interface Statement {
  sid?: string;
  effect?: string;
  actions?: string[];
  resources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  condition?: Condition[];
}

/** Every statement of every policy document, by sid (the baseline gives each a distinct one). */
function statementsBySid(json: string): Map<string, Statement> {
  const docs = (JSON.parse(json) as TerraformJson).data?.["aws_iam_policy_document"] ?? {};
  const all = Object.values(docs).flatMap((doc) => (doc["statement"] as Statement[] | undefined) ?? []);
  return new Map(all.filter((s) => s.sid !== undefined).map((s) => [s.sid!, s]));
}
function statement(json: string, sid: string): Statement {
  const found = statementsBySid(json).get(sid);
  if (found === undefined) throw new Error(`no statement ${sid}`);
  return found;
}
const docOf = (json: string) => JSON.parse(json) as TerraformJson;

describe("AccountBaseline", () => {
  describe("GuardDuty", () => {
    it("GIVEN the defaults WHEN synthesized THEN a detector is enabled and publishes findings every 15 minutes", () => {
      expect(synth()).toHaveResourceWithProperties(GuarddutyDetector, { enable: true, finding_publishing_frequency: "FIFTEEN_MINUTES" });
    });

    it("THEN it does not use the deprecated datasources block", () => {
      const detectors = Object.values(resourcesOf(docOf(synth()), "aws_guardduty_detector"));
      expect(detectors).toHaveLength(1);
      expect(detectors[0]).not.toHaveProperty("datasources");
    });

    it("THEN EKS audit logs, S3 data events, EBS malware protection and RDS login events are on", () => {
      const json = synth();
      for (const name of ["EKS_AUDIT_LOGS", "S3_DATA_EVENTS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS"]) {
        expect(json).toHaveResourceWithProperties(GuarddutyDetectorFeature, {
          name,
          status: "ENABLED",
          detector_id: expect.stringMatching(/aws_guardduty_detector\..*\.id/),
        });
      }
    });

    it("THEN runtime monitoring is on and GuardDuty manages its EKS add-on", () => {
      expect(synth()).toHaveResourceWithProperties(GuarddutyDetectorFeature, {
        name: "RUNTIME_MONITORING",
        status: "ENABLED",
        additional_configuration: [{ name: "EKS_ADDON_MANAGEMENT", status: "ENABLED" }],
      });
    });

    it("THEN exactly those five features are managed", () => {
      const names = Object.values(resourcesOf(docOf(synth()), "aws_guardduty_detector_feature")).map((f) => f["name"]);
      expect(names.sort()).toEqual([
        "EBS_MALWARE_PROTECTION",
        "EKS_AUDIT_LOGS",
        "RDS_LOGIN_EVENTS",
        "RUNTIME_MONITORING",
        "S3_DATA_EVENTS",
      ]);
    });
  });

  describe("CloudTrail", () => {
    it("GIVEN the defaults WHEN synthesized THEN the trail covers every region and global services, with log file validation", () => {
      expect(synth()).toHaveResourceWithProperties(Cloudtrail, {
        name: "dev-audit",
        is_multi_region_trail: true,
        include_global_service_events: true,
        enable_log_file_validation: true,
        is_organization_trail: false,
        s3_key_prefix: "cloudtrail",
      });
    });

    it("THEN the trail encrypts its log files with the baseline's own rotating key", () => {
      const json = synth();
      expect(json).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true, rotation_period_in_days: 365 });
      expect(json).toHaveResourceWithProperties(Cloudtrail, { kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\..*\.arn\}$/) });
    });

    it("THEN the trail delivers to a KMS-encrypted log group with retention, through a role", () => {
      const json = synth();
      expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, {
        name: "/aws/cloudtrail/dev-audit",
        retention_in_days: 90,
        kms_key_id: expect.stringMatching(/aws_kms_key\..*\.arn/),
      });
      expect(json).toHaveResourceWithProperties(Cloudtrail, {
        cloud_watch_logs_group_arn: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\..*\.arn\}:\*$/),
        cloud_watch_logs_role_arn: expect.stringMatching(/aws_iam_role\..*\.arn/),
      });
    });

    it("THEN only this account's CloudTrail may assume the log delivery role, which may write only to the trail's group", () => {
      const json = synth();
      expect(json).toHaveResourceWithProperties(IamRole, { name: "dev-cloudtrail-logs" });
      expect(json).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
        statement: [
          {
            actions: ["sts:AssumeRole"],
            principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
            condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] }],
          },
        ],
      });
      expect(statement(json, "WriteTrailEvents")).toEqual({
        sid: "WriteTrailEvents",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [expect.stringMatching(/^\$\{aws_cloudwatch_log_group\..*\.arn\}:log-stream:\*$/)],
      });
    });

    it("THEN the trail is created only after the bucket policy that admits it", () => {
      const trail = Object.values(resourcesOf(docOf(synth()), "aws_cloudtrail"))[0];
      expect(trail?.["depends_on"]).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_s3_bucket_policy\./)]));
    });

    it("THEN the key lets CloudTrail generate data keys (kms:GenerateDataKey*, as CloudTrail documents) only for this trail and its own encryption context", () => {
      const grant = statement(synth(), "CloudTrailEncryptLogs");
      expect(grant.principals).toEqual([{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }]);
      expect(grant.actions).toEqual(["kms:GenerateDataKey*"]);
      expect(grant.condition).toEqual([
        { test: "StringEquals", variable: "aws:SourceArn", values: [TRAIL_ARN] },
        { test: "StringLike", variable: "kms:EncryptionContext:aws:cloudtrail:arn", values: ["arn:aws:cloudtrail:*:123456789012:trail/*"] },
      ]);
    });

    it("THEN the audit bucket uses an S3 Bucket Key, and the key admits CloudTrail under that bucket's context, for this trail only", () => {
      const doc = docOf(synth());
      const encryption = Object.values(resourcesOf(doc, "aws_s3_bucket_server_side_encryption_configuration"))[0]!;
      expect((encryption["rule"] as Record<string, unknown>[])[0]?.["bucket_key_enabled"]).toBe(true);
      expect(statement(synth(), "CloudTrailBucketKey")).toMatchObject({
        principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
        actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
        condition: [
          { test: "StringEquals", variable: "aws:SourceArn", values: [TRAIL_ARN] },
          { test: "StringEquals", variable: "kms:EncryptionContext:aws:s3:arn", values: [BUCKET_ARN] },
        ],
      });
    });

    it("THEN the key lets CloudTrail describe it (no encryption context there), scoped to the trail", () => {
      expect(statement(synth(), "CloudTrailDescribeKey")).toMatchObject({
        actions: ["kms:DescribeKey"],
        condition: [{ test: "StringEquals", variable: "aws:SourceArn", values: [TRAIL_ARN] }],
      });
    });

    it("THEN the key lets CloudWatch Logs of the region use it for the trail's log group only", () => {
      expect(statement(synth(), "CloudWatchLogsTrailGroup")).toMatchObject({
        principals: [{ type: "Service", identifiers: ["logs.eu-west-1.amazonaws.com"] }],
        condition: [{ test: "ArnEquals", variable: "kms:EncryptionContext:aws:logs:arn", values: [LOG_GROUP_ARN] }],
      });
    });

    it("GIVEN a key WHEN synthesized THEN no key is created and the trail, bucket and log group use the given one", () => {
      const json = synth({ logsKmsKeyArn: GIVEN_KEY });
      expect(json).not.toHaveResource(KmsKey);
      expect(json).toHaveResourceWithProperties(Cloudtrail, { kms_key_id: GIVEN_KEY });
      expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, { kms_key_id: GIVEN_KEY });
      expect(json).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
        rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: GIVEN_KEY } }],
      });
      expect(json).toHaveResourceWithProperties(ConfigDeliveryChannel, { s3_kms_key_arn: GIVEN_KEY });
    });
  });

  describe("audit bucket", () => {
    it("GIVEN the defaults WHEN synthesized THEN the bucket is named for the account, never force-destroyed and protected from destroy", () => {
      expect(synth()).toHaveResourceWithProperties(S3Bucket, {
        bucket: "dev-audit-logs-123456789012",
        force_destroy: false,
        lifecycle: { prevent_destroy: true },
      });
    });

    it("THEN it is versioned, SSE-KMS by default and blocks every public access", () => {
      const json = synth();
      expect(json).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: "Enabled" } });
      expect(json).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
        rule: [
          {
            apply_server_side_encryption_by_default: {
              sse_algorithm: "aws:kms",
              kms_master_key_id: expect.stringMatching(/aws_kms_key\..*\.arn/),
            },
          },
        ],
      });
      expect(json).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
    });

    it("THEN it refuses every request that does not use TLS", () => {
      expect(statement(synth(), "DenyInsecureTransport")).toEqual({
        sid: "DenyInsecureTransport",
        effect: "Deny",
        principals: [{ type: "*", identifiers: ["*"] }],
        actions: ["s3:*"],
        resources: [BUCKET_ARN, `${BUCKET_ARN}/*`],
        condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      });
    });

    it("THEN CloudTrail may check the ACL and write its prefix only for this trail, handing the objects to the bucket owner", () => {
      const json = synth();
      expect(statement(json, "CloudTrailAclCheck")).toMatchObject({
        principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
        actions: ["s3:GetBucketAcl"],
        resources: [BUCKET_ARN],
        condition: [{ test: "StringEquals", variable: "aws:SourceArn", values: [TRAIL_ARN] }],
      });
      expect(statement(json, "CloudTrailWrite")).toMatchObject({
        principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
        actions: ["s3:PutObject"],
        resources: [`${BUCKET_ARN}/cloudtrail/AWSLogs/123456789012/*`],
        condition: [
          { test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] },
          { test: "StringEquals", variable: "aws:SourceArn", values: [TRAIL_ARN] },
        ],
      });
    });

    it("THEN AWS Config may check the ACL, list the bucket and write under config/ only for this account", () => {
      const json = synth();
      const sourceAccount = { test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] };
      const config = [{ type: "Service", identifiers: ["config.amazonaws.com"] }];
      expect(statement(json, "ConfigAclCheck")).toMatchObject({
        principals: config,
        actions: ["s3:GetBucketAcl"],
        resources: [BUCKET_ARN],
        condition: [sourceAccount],
      });
      expect(statement(json, "ConfigBucketExistenceCheck")).toMatchObject({
        principals: config,
        actions: ["s3:ListBucket"],
        resources: [BUCKET_ARN],
        condition: [sourceAccount],
      });
      expect(statement(json, "ConfigWrite")).toMatchObject({
        principals: config,
        actions: ["s3:PutObject"],
        resources: [`${BUCKET_ARN}/config/AWSLogs/123456789012/Config/*`],
        condition: [{ test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] }, sourceAccount],
      });
    });

    it("THEN trail logs and Config history expire after a year, old versions after 30 days", () => {
      expect(synth()).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
        rule: [
          { id: "expire-cloudtrail", filter: [{ prefix: "cloudtrail/" }], expiration: [{ days: 365 }] },
          { id: "expire-config", filter: [{ prefix: "config/" }], expiration: [{ days: 365 }] },
          { id: "expire-noncurrent-versions", noncurrent_version_expiration: [{ noncurrent_days: 30 }] },
          { id: "abort-incomplete-multipart-uploads", abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] },
        ],
      });
    });

    it("GIVEN other retentions WHEN synthesized THEN each prefix expires after its own", () => {
      expect(synth({ cloudTrailRetentionDays: 730, configRetentionDays: 90 })).toHaveResourceWithProperties(
        S3BucketLifecycleConfiguration,
        {
          rule: [{ id: "expire-cloudtrail", expiration: [{ days: 730 }] }, { id: "expire-config", expiration: [{ days: 90 }] }, {}, {}],
        },
      );
    });

    it("GIVEN protection from destroy switched off WHEN synthesized THEN the bucket has no prevent_destroy", () => {
      const bucket = Object.values(resourcesOf(docOf(synth({ protectFromDestroy: false })), "aws_s3_bucket"))[0];
      expect(bucket?.["lifecycle"]).toBeUndefined();
      expect(bucket?.["force_destroy"]).toBe(false);
    });
  });

  describe("AWS Config", () => {
    it("GIVEN the defaults WHEN synthesized THEN the recorder records every supported resource type, global ones included", () => {
      expect(synth()).toHaveResourceWithProperties(ConfigConfigurationRecorder, {
        name: "dev-recorder",
        role_arn: expect.stringMatching(/aws_iam_role\..*\.arn/),
        recording_group: { all_supported: true, include_global_resource_types: true },
      });
    });

    it("THEN the recorder's role has AWS_ConfigRole and only this account's Config may assume it", () => {
      const json = synth();
      expect(json).toHaveResourceWithProperties(IamRole, { name: "dev-config-recorder" });
      expect(json).toHaveResourceWithProperties(IamRolePolicyAttachment, {
        policy_arn: "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole",
      });
      expect(json).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
        statement: [
          {
            actions: ["sts:AssumeRole"],
            principals: [{ type: "Service", identifiers: ["config.amazonaws.com"] }],
            condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] }],
          },
        ],
      });
    });

    it("THEN it delivers to the audit bucket under config/, KMS-encrypted", () => {
      expect(synth()).toHaveResourceWithProperties(ConfigDeliveryChannel, {
        s3_bucket_name: expect.stringMatching(/aws_s3_bucket\..*\.bucket/),
        s3_key_prefix: "config",
        s3_kms_key_arn: expect.stringMatching(/aws_kms_key\..*\.arn/),
      });
    });

    it("THEN the recorder is switched on once the delivery channel exists", () => {
      const json = synth();
      expect(json).toHaveResourceWithProperties(ConfigConfigurationRecorderStatus, { is_enabled: true });
      const status = Object.values(resourcesOf(docOf(json), "aws_config_configuration_recorder_status"))[0];
      expect(status?.["depends_on"]).toEqual([expect.stringMatching(/^aws_config_delivery_channel\./)]);
    });

    it("THEN Config keeps configuration items for the configured days", () => {
      expect(synth()).toHaveResourceWithProperties(ConfigRetentionConfiguration, { retention_period_in_days: 365 });
      expect(synth({ configRetentionDays: 2557 })).toHaveResourceWithProperties(ConfigRetentionConfiguration, {
        retention_period_in_days: 2557,
      });
    });
  });

  describe("account-wide settings", () => {
    it("GIVEN the defaults WHEN synthesized THEN the password policy asks 14 characters of all four classes, 90 days, 24 remembered", () => {
      expect(synth()).toHaveResourceWithProperties(IamAccountPasswordPolicy, {
        minimum_password_length: 14,
        require_lowercase_characters: true,
        require_uppercase_characters: true,
        require_numbers: true,
        require_symbols: true,
        max_password_age: 90,
        password_reuse_prevention: 24,
        allow_users_to_change_password: true,
        hard_expiry: false,
      });
    });

    it("GIVEN a longer minimum WHEN synthesized THEN only that field changes", () => {
      expect(synth({ passwordPolicy: { minimumLength: 20 } })).toHaveResourceWithProperties(IamAccountPasswordPolicy, {
        minimum_password_length: 20,
        require_symbols: true,
        password_reuse_prevention: 24,
      });
    });

    it("GIVEN the defaults WHEN synthesized THEN S3 blocks public access account-wide", () => {
      expect(synth()).toHaveResourceWithProperties(S3AccountPublicAccessBlock, {
        account_id: "123456789012",
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
    });
  });

  describe("bad props", () => {
    it.each([
      [
        { name: "Dev" },
        "Account baseline Dev: name must start with a lowercase letter and hold only lowercase letters, digits and hyphens",
      ],
      [{ cloudTrailRetentionDays: 0 }, "Account baseline dev: cloudTrailRetentionDays must be a whole number >= 1, got 0"],
      [
        { cloudTrailLogGroupRetentionDays: 100 },
        "Account baseline dev: cloudTrailLogGroupRetentionDays 100 is not a CloudWatch Logs retention",
      ],
      [{ configRetentionDays: 10 }, "Account baseline dev: configRetentionDays must be a whole number from 30 to 2557, got 10"],
      [
        { passwordPolicy: { minimumLength: 5 } },
        "Account baseline dev: passwordPolicy.minimumLength must be a whole number from 6 to 128, got 5",
      ],
      [
        { passwordPolicy: { reusePrevention: 25 } },
        "Account baseline dev: passwordPolicy.reusePrevention must be a whole number from 1 to 24, got 25",
      ],
      [
        { passwordPolicy: { maxAgeDays: 0 } },
        "Account baseline dev: passwordPolicy.maxAgeDays must be a whole number from 1 to 1095, got 0",
      ],
      [{ name: "a-name-long-enough-to-overflow-the-bucket-name" }, "not a valid S3 bucket name"],
    ] as [Partial<AccountBaselineProps>, string][])("GIVEN %o WHEN constructed THEN it throws %s", (overrides, message) => {
      expect(() => synth(overrides)).toThrow(message);
    });
  });
});
