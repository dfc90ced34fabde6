import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { KmsKey as AwsKmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Testing } from "cdktf";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { EnvironmentConfig } from "../environments/schema";
import { StateBucket, type StateBucketProps } from "../modules/storage/state-bucket";
import { BootstrapPlanError, BootstrapStack, addBootstrapStacks, planBootstraps } from "../stacks/bootstrap/bootstrap-stack";
import { ENVIRONMENTS, environment } from "./support/fixtures";
import type { TerraformJson } from "./support/synthesized";
import { TEST_TARGET } from "./support/target";

const NONPROD = "111111111111";
const PROD = "222222222222";

const synthBucket = (overrides: Partial<StateBucketProps> = {}) =>
  Testing.synthScope(
    (scope) => new StateBucket(scope, "state", { target: TEST_TARGET, bucketName: "acme-test-terraform-state", ...overrides }),
  );

const parse = (json: string) => JSON.parse(json) as TerraformJson;

/** The statements of the policy document the one bucket policy of a synthesized document attaches. */
function policyStatements(json: string): Record<string, unknown>[] {
  const doc = parse(json);
  const bucketPolicies = Object.values(doc.resource?.["aws_s3_bucket_policy"] ?? {});
  expect(bucketPolicies).toHaveLength(1);
  const documentName = /^\$\{data\.aws_iam_policy_document\.(.+)\.json\}$/.exec(String(bucketPolicies[0]?.["policy"]))?.[1] ?? "";
  const document = doc.data?.["aws_iam_policy_document"]?.[documentName];
  if (document === undefined)
    throw new Error(`the bucket policy attaches no policy document of this stack: ${String(bucketPolicies[0]?.["policy"])}`);
  return document["statement"] as Record<string, unknown>[];
}

const local = (env: EnvironmentConfig): EnvironmentConfig => ({ ...env, state: { backend: "local", directory: ".terraform-state" } });

describe("StateBucket", () => {
  it("names the bucket, never force-destroys it and refuses any plan that would destroy it", () => {
    expect(synthBucket()).toHaveResourceWithProperties(S3Bucket, {
      bucket: "acme-test-terraform-state",
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
  });

  it("versions every object, so an overwritten or deleted state can be restored", () => {
    expect(synthBucket()).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: "Enabled" } });
  });

  it("encrypts by default with SSE-KMS and an S3 bucket key, under a key of its own with yearly rotation", () => {
    const json = synthBucket();
    expect(json).toHaveResourceWithProperties(AwsKmsKey, { enable_key_rotation: true, rotation_period_in_days: 365 });
    expect(json).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [
        {
          apply_server_side_encryption_by_default: {
            sse_algorithm: "aws:kms",
            kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\..+\.arn\}$/),
          },
          bucket_key_enabled: true,
        },
      ],
    });
  });

  it("GIVEN a KMS key WHEN synthesized THEN objects are encrypted with it and no key is created", () => {
    const kmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555";
    const json = synthBucket({ kmsKeyArn });
    expect(json).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [
        { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: kmsKeyArn }, bucket_key_enabled: true },
      ],
    });
    expect(json).not.toHaveResource(AwsKmsKey);
  });

  it("blocks every kind of public access", () => {
    expect(synthBucket()).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  it("disables ACLs: the bucket owner owns every object", () => {
    expect(synthBucket()).toHaveResourceWithProperties(S3BucketOwnershipControls, { rule: { object_ownership: "BucketOwnerEnforced" } });
  });

  it("denies every request that does not use TLS, on the bucket and on its objects", () => {
    expect(policyStatements(synthBucket())).toContainEqual(
      expect.objectContaining({
        sid: "DenyInsecureTransport",
        effect: "Deny",
        principals: [{ type: "*", identifiers: ["*"] }],
        actions: ["s3:*"],
        resources: ["arn:aws:s3:::acme-test-terraform-state", "arn:aws:s3:::acme-test-terraform-state/*"],
        condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      }),
    );
  });

  it("attaches the policy after the public access block (S3 refuses the two at once)", () => {
    const bucketPolicy = Object.values(parse(synthBucket()).resource?.["aws_s3_bucket_policy"] ?? {})[0];
    expect(bucketPolicy?.["depends_on"]).toEqual([expect.stringMatching(/^aws_s3_bucket_public_access_block\./)]);
    expect(synthBucket()).toHaveResourceWithProperties(S3BucketPolicy, {
      policy: expect.stringMatching(/^\$\{data\.aws_iam_policy_document\..+\.json\}$/),
    });
  });

  it("denies uploads that ask for another encryption than SSE-KMS, but not uploads that rely on the bucket's default", () => {
    expect(policyStatements(synthBucket())).toContainEqual(
      expect.objectContaining({
        sid: "DenyNonKmsEncryption",
        effect: "Deny",
        actions: ["s3:PutObject"],
        resources: ["arn:aws:s3:::acme-test-terraform-state/*"],
        condition: [
          { test: "StringNotEquals", variable: "s3:x-amz-server-side-encryption", values: ["aws:kms"] },
          { test: "Null", variable: "s3:x-amz-server-side-encryption", values: ["false"] },
        ],
      }),
    );
  });

  it("GIVEN writers that ask for SSE-S3 WHEN non-KMS uploads are allowed THEN only that statement goes", () => {
    const sids = policyStatements(synthBucket({ denyNonKmsUploads: false })).map((statement) => statement["sid"]);
    expect(sids).toEqual(["DenyInsecureTransport", "DenyCustomerProvidedKeys", "NoCiBucketControls", "NoCiHistoryDeletion"]);
  });

  it("denies uploads encrypted with customer-provided keys (SSE-C), which the account could not read back", () => {
    expect(policyStatements(synthBucket({ denyNonKmsUploads: false }))).toContainEqual(
      expect.objectContaining({
        sid: "DenyCustomerProvidedKeys",
        effect: "Deny",
        actions: ["s3:PutObject"],
        condition: [{ test: "Null", variable: "s3:x-amz-server-side-encryption-customer-algorithm", values: ["false"] }],
      }),
    );
  });

  it("expires noncurrent versions after 90 days and aborts incomplete multipart uploads after 7, once versioning is on", () => {
    const json = synthBucket();
    expect(json).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: [
        { id: "expire-noncurrent-versions", status: "Enabled", filter: [{}], noncurrent_version_expiration: [{ noncurrent_days: 90 }] },
        {
          id: "abort-incomplete-multipart-uploads",
          status: "Enabled",
          filter: [{}],
          abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
        },
      ],
      depends_on: [expect.stringMatching(/^aws_s3_bucket_versioning\./)],
    });
  });

  it("GIVEN a retention WHEN synthesized THEN noncurrent versions expire after it", () => {
    expect(synthBucket({ noncurrentVersionExpirationDays: 365 })).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: [{ noncurrent_version_expiration: [{ noncurrent_days: 365 }] }, { id: "abort-incomplete-multipart-uploads" }],
    });
  });

  it("refuses a retention below one day and an invalid bucket name", () => {
    expect(() => synthBucket({ noncurrentVersionExpirationDays: 0 })).toThrow(
      "State bucket acme-test-terraform-state: noncurrentVersionExpirationDays must be a whole number >= 1, got 0",
    );
    expect(() => synthBucket({ bucketName: "Acme_State" })).toThrow("State bucket Acme_State: not a valid S3 bucket name");
  });
});

describe("bootstrap plan from the environment files", () => {
  it("plans one bootstrap per account: dev and staging share the non-production bucket, prod has its own (the example files, named)", () => {
    expect(planBootstraps([environment("dev"), environment("staging"), environment("prod")])).toEqual([
      {
        accountId: NONPROD,
        region: "eu-west-1",
        buckets: [
          {
            name: "acme-nonprod-terraform-state",
            denyNonKmsUploads: true,
            environments: ["dev", "staging"],
            environmentKeys: ["dev", "staging"],
          },
        ],
        tags: { owner: "platform-team", "cost-center": "cc-1001" },
        environments: ["dev", "staging"],
      },
      {
        accountId: PROD,
        region: "eu-west-1",
        buckets: [{ name: "acme-prod-terraform-state", denyNonKmsUploads: true, environments: ["prod"], environmentKeys: [] }],
        tags: { owner: "platform-team", "cost-center": "cc-2001", "data-classification": "confidential" },
        environments: ["prod"],
      },
    ]);
  });

  it("GIVEN an environment with a local backend WHEN planned THEN it contributes no bucket, and an account left without one gets no bootstrap", () => {
    const environments = [local(environment("dev")), environment("staging"), local(environment("prod"))];
    expect(
      planBootstraps(environments).map((plan) => [plan.accountId, plan.buckets.map((bucket) => bucket.name), plan.environments]),
    ).toEqual([[NONPROD, ["acme-nonprod-terraform-state"], ["staging"]]]);
    expect(planBootstraps(ENVIRONMENTS.map(local))).toEqual([]);
  });

  it("GIVEN environments of one account that disagree on a tag WHEN planned THEN only the tags they share are applied", () => {
    const staging = environment("staging", (env): EnvironmentConfig => ({ ...env, tags: { ...env.tags, costCenter: "cc-1002" } }));
    expect(planBootstraps([environment("dev"), staging])[0]?.tags).toEqual({ owner: "platform-team" });
  });

  it("GIVEN one bucket named in two accounts WHEN planned THEN it names the bucket, the accounts and the environments", () => {
    const prod = environment(
      "prod",
      (env): EnvironmentConfig => ({ ...env, state: { backend: "s3", bucket: "acme-nonprod-terraform-state" } }),
    );
    expect(() => planBootstraps([environment("dev"), prod])).toThrow(BootstrapPlanError);
    expect(() => planBootstraps([environment("dev"), prod])).toThrow(
      "state bucket acme-nonprod-terraform-state is named by environments in accounts 111111111111 (dev), 222222222222 (prod): a bucket lives in one account",
    );
  });

  it("GIVEN one account's buckets in two regions WHEN planned THEN it refuses (one region per bootstrap stack)", () => {
    const staging = environment(
      "staging",
      (env): EnvironmentConfig => ({
        ...env,
        state: { backend: "s3", bucket: "acme-staging-terraform-state", region: "eu-central-1" },
      }),
    );
    expect(() => planBootstraps([environment("dev"), staging])).toThrow(
      "account 111111111111 keeps state buckets in several regions (acme-nonprod-terraform-state in eu-west-1, acme-staging-terraform-state in eu-central-1): its bootstrap stack has one region",
    );
  });
});

describe("BootstrapStack", () => {
  const stacks = addBootstrapStacks(Testing.app(), ENVIRONMENTS);
  const byAccount = (accountId: string): TerraformJson => {
    const stack = stacks.find((candidate) => candidate.target.accountId === accountId);
    if (stack === undefined) throw new Error(`no bootstrap stack for ${accountId}`);
    return parse(Testing.synth(stack));
  };

  it("builds one stack per account, named bootstrap-<account>", () => {
    expect(stacks.map((stack) => stack.node.id)).toEqual([`bootstrap-${NONPROD}`, `bootstrap-${PROD}`]);
  });

  it("creates each account's state buckets once", () => {
    const bucketNames = (doc: TerraformJson) => Object.values(doc.resource?.["aws_s3_bucket"] ?? {}).map((bucket) => bucket["bucket"]);
    expect(bucketNames(byAccount(NONPROD))).toEqual(["acme-nonprod-terraform-state"]);
    expect(bucketNames(byAccount(PROD))).toEqual(["acme-prod-terraform-state"]);
  });

  it("keeps its own state in a local file under the repository, reachable from its stack folder", () => {
    expect(byAccount(NONPROD).terraform?.backend).toEqual({ local: { path: `../../../.terraform-state/bootstrap/${NONPROD}.tfstate` } });
    expect(byAccount(PROD).terraform?.backend).toEqual({ local: { path: `../../../.terraform-state/bootstrap/${PROD}.tfstate` } });
  });

  it("pins the provider to the account and region and tags every resource", () => {
    const prod = stacks[1];
    if (prod === undefined) throw new Error("no prod bootstrap");
    expect(Testing.synth(prod)).toHaveProviderWithProperties(AwsProvider, {
      region: "eu-west-1",
      allowed_account_ids: [PROD],
      default_tags: [
        {
          tags: {
            owner: "platform-team",
            "cost-center": "cc-2001",
            "data-classification": "confidential",
            layer: "bootstrap",
            "managed-by": "cdktf",
          },
        },
      ],
    });
    expect(byAccount(NONPROD).provider?.["aws"]?.[0]).toMatchObject({ allowed_account_ids: [NONPROD] });
  });

  it("denies non-KMS uploads in every bucket: every backend names a key (its own, or its environment's key from the bootstrap)", () => {
    const sids = (doc: TerraformJson) =>
      Object.values(doc.data?.["aws_iam_policy_document"] ?? {}).flatMap((policy) =>
        (policy["statement"] as Record<string, unknown>[]).map((statement) => statement["sid"]),
      );
    expect(sids(byAccount(PROD))).toContain("DenyNonKmsEncryption");
    expect(sids(byAccount(NONPROD))).toContain("DenyNonKmsEncryption");
  });

  it("GIVEN a shared bucket THEN each environment without a key of its own gets one, aliased terraform-state/<bucket>/<env>", () => {
    const aliases = (doc: TerraformJson) =>
      Object.values(doc.resource?.["aws_kms_alias"] ?? {})
        .map((alias) => alias["name"])
        .sort();
    expect(aliases(byAccount(NONPROD))).toEqual(
      expect.arrayContaining([
        "alias/terraform-state/acme-nonprod-terraform-state",
        "alias/terraform-state/acme-nonprod-terraform-state/dev",
        "alias/terraform-state/acme-nonprod-terraform-state/staging",
      ]),
    );
    expect(aliases(byAccount(PROD))).toEqual(["alias/terraform-state/acme-prod-terraform-state"]);
  });

  it("publishes each bucket's ARN and KMS key", () => {
    expect(Object.keys(byAccount(NONPROD).output ?? {})).toEqual([
      "state-bucket-acme-nonprod-terraform-state-arn",
      "state-bucket-acme-nonprod-terraform-state-kms-key-arn",
    ]);
  });

  it("refuses a stack without buckets and a bucket listed twice", () => {
    const props = { accountId: NONPROD, region: "eu-west-1", tags: {} };
    expect(() => new BootstrapStack(Testing.app(), { ...props, buckets: [] })).toThrow(
      "Bootstrap of account 111111111111: no state bucket to create",
    );
    expect(() => new BootstrapStack(Testing.app(), { ...props, buckets: ["a-bucket", { name: "a-bucket" }] })).toThrow(
      "Bootstrap of account 111111111111: state bucket a-bucket is listed twice",
    );
  });
});

/** bootstrap.ts itself, run in-process (no build, no subprocess) as config-errors.test.ts runs main.ts. */
describe("the bootstrap app", () => {
  class ExitCalled extends Error {
    constructor(readonly code: string | number | null | undefined) {
      super(`process.exit(${String(code)})`);
    }
  }

  afterEach(() => {
    vi.doUnmock("../environments/load");
    vi.doUnmock("cdktf");
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it("synthesizes one bootstrap and one account stack per account into CDKTF_OUTDIR", async () => {
    const outdir = mkdtempSync(path.join(tmpdir(), "bootstrap-app-"));
    vi.stubEnv("CDKTF_OUTDIR", outdir);
    vi.resetModules();

    await import("../bootstrap.js");

    const manifest = JSON.parse(readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
      stacks: Record<string, { workingDirectory: string }>;
    };
    expect(Object.keys(manifest.stacks)).toEqual([`account-${NONPROD}`, `account-${PROD}`, `bootstrap-${NONPROD}`, `bootstrap-${PROD}`]);
    expect(manifest.stacks[`bootstrap-${PROD}`]?.workingDirectory).toBe(`stacks/bootstrap-${PROD}`);
  });

  it("GIVEN bad environment files WHEN it runs THEN it prints main.ts's error, exits 1 and never creates the App", async () => {
    const App = vi.fn();
    vi.resetModules();
    vi.stubEnv("ENVIRONMENTS_DIR", path.join(__dirname, "fixtures/environments/mixed"));
    vi.doMock("cdktf", async (importOriginal) => ({ ...(await importOriginal<typeof import("cdktf")>()), App }));
    const exit = vi.spyOn(process, "exit").mockImplementation((code) => {
      throw new ExitCalled(code);
    });
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);

    await expect(import("../bootstrap.js")).rejects.toThrow(ExitCalled);

    expect(exit).toHaveBeenCalledExactlyOnceWith(1);
    const printed = stderr.mock.calls.map(([chunk]) => String(chunk)).join("");
    expect(printed).toContain("Invalid environment configuration:\n");
    expect(printed).toContain("test/fixtures/environments/mixed/staging.yaml:4 account.id: must be a 12-digit AWS account id");
    expect(App).not.toHaveBeenCalled();
  });
});
