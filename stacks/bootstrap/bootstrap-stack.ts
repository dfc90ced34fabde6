import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../../environments/schema";
import { partitionOf, type AwsTarget } from "../../modules/core/aws-target";
import { StateBucket } from "../../modules/storage/state-bucket";
import { REPOSITORY_ROOT_FROM_STACK_DIR, accountStateKey } from "../state-location";

/** A state bucket the bootstrap creates, with what its writers allow. */
export interface BootstrapBucket {
  /** Bucket name, e.g. `acme-nonprod-terraform-state`. */
  readonly name: string;
  /**
   * Deny uploads that ask for another encryption than SSE-KMS. Only safe when every backend that
   * writes to the bucket names a KMS key: Terraform's S3 backend with `encrypt = true` and no
   * `kms_key_id` uploads with `x-amz-server-side-encryption: AES256`, which this would refuse.
   * @default false
   */
  readonly denyNonKmsUploads?: boolean;
  /**
   * Environments whose state lives in the bucket: each one's CI stays in its prefix.
   * @default none
   */
  readonly environments?: readonly string[];
  /**
   * Environments that get their own state key in the bucket (their file names no key).
   * @default none
   */
  readonly environmentKeys?: readonly string[];
}

export interface BootstrapStackProps {
  /** The one account this stack may change; the provider refuses any other. */
  readonly accountId: string;
  /** Region of the provider and of every bucket of this stack. */
  readonly region: string;
  /** The account's state buckets: a name alone denies no upload by its encryption header. */
  readonly buckets: readonly (string | BootstrapBucket)[];
  /** Tags on every resource, besides `layer: bootstrap` and `managed-by: cdktf`. */
  readonly tags: Readonly<Record<string, string>>;
}

/** The stack of one account: `bootstrap-<accountId>`. */
function bootstrapStackName(accountId: string): string {
  return `bootstrap-${accountId}`;
}

/**
 * The state file of an account's bootstrap, relative to the stack's working folder
 * (`<outdir>/stacks/bootstrap-<account>`) like every local state of the repository:
 * `.terraform-state/bootstrap/<account>.tfstate` at the repository root. That folder is
 * git-ignored, so the file stays on the machine that ran the bootstrap: keep it safe (or move it
 * into the bucket once the bucket exists); without it the buckets must be imported again.
 */
function bootstrapStatePath(accountId: string): string {
  return `${REPOSITORY_ROOT_FROM_STACK_DIR}/.terraform-state/bootstrap/${accountId}.tfstate`;
}

/**
 * What must exist in an account before any layer stack can keep its state there: one hardened
 * StateBucket per S3 state bucket its environments name. Its own state cannot live in a bucket it
 * creates, so it keeps a local state file.
 */
export class BootstrapStack extends TerraformStack {
  readonly target: AwsTarget;
  /** The buckets by name. */
  readonly buckets: ReadonlyMap<string, StateBucket>;

  constructor(scope: Construct, props: BootstrapStackProps) {
    super(scope, bootstrapStackName(props.accountId));
    if (props.buckets.length === 0) throw new Error(`Bootstrap of account ${props.accountId}: no state bucket to create`);
    this.target = { accountId: props.accountId, region: props.region, partition: partitionOf(props.region) };

    new LocalBackend(this, { path: bootstrapStatePath(props.accountId) });
    new AwsProvider(this, "aws", {
      region: props.region,
      allowedAccountIds: [props.accountId],
      defaultTags: [{ tags: { ...props.tags, layer: "bootstrap", "managed-by": "cdktf" } }],
    });

    const buckets = new Map<string, StateBucket>();
    for (const entry of props.buckets) {
      const bucket: BootstrapBucket = typeof entry === "string" ? { name: entry } : entry;
      if (buckets.has(bucket.name)) throw new Error(`Bootstrap of account ${props.accountId}: state bucket ${bucket.name} is listed twice`);
      const stateBucket = new StateBucket(this, bucket.name, {
        target: this.target,
        bucketName: bucket.name,
        denyNonKmsUploads: bucket.denyNonKmsUploads ?? false,
        environments: bucket.environments ?? [],
        environmentKeys: bucket.environmentKeys ?? [],
        // The account layer keeps its state in the bucket of the account's environments; they all read it.
        ...((bucket.environments ?? []).length === 0 ? {} : { sharedReadKeys: [accountStateKey(props.accountId)] }),
      });
      buckets.set(bucket.name, stateBucket);
      // Output names must start with a letter; bucket names may start with a digit and hold dots.
      const outputId = `state-bucket-${bucket.name.replace(/\./g, "-")}`;
      new TerraformOutput(this, `${outputId}-arn`, { value: stateBucket.bucketArn, description: `ARN of s3://${bucket.name}` });
      new TerraformOutput(this, `${outputId}-kms-key-arn`, {
        value: stateBucket.kmsKeyArn,
        description: `KMS key that encrypts s3://${bucket.name} by default (an environment's state.kmsKeyArn may name it)`,
      });
    }
    this.buckets = buckets;
  }
}

/** Raised when the environments ask for state buckets one bootstrap per account cannot create. */
export class BootstrapPlanError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "BootstrapPlanError";
  }
}

/** One account's bootstrap as the environment files ask for it. */
export interface BootstrapPlan extends BootstrapStackProps {
  readonly buckets: readonly Required<BootstrapBucket>[];
  /** The environments whose state lives in this account's buckets, in load order. */
  readonly environments: readonly string[];
}

interface BucketUse {
  readonly environment: EnvironmentConfig;
  readonly accountId: string;
  readonly region: string;
  readonly kmsKeyArn: string | undefined;
}

/**
 * Groups the environments by account: each account whose environments name an S3 state bucket
 * gets one plan with its distinct buckets (local backends contribute none) and the tags all those
 * environments agree on. A bucket denies non-KMS uploads only when every environment writing to
 * it names a state KMS key (so Terraform sends `aws:kms`).
 * @throws BootstrapPlanError when a bucket is named in two accounts or in two regions, or when one
 * account's buckets span regions (one provider per account stack).
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function planBootstraps(environments: readonly EnvironmentConfig[]): BootstrapPlan[] {
  const usesByBucket = new Map<string, BucketUse[]>();
  for (const environment of environments) {
    const state = environment.state;
    if (state.backend !== "s3") continue;
    const use: BucketUse = {
      environment,
      accountId: environment.account.id,
      region: state.region ?? environment.account.region,
      kmsKeyArn: state.kmsKeyArn,
    };
    usesByBucket.set(state.bucket, [...(usesByBucket.get(state.bucket) ?? []), use]);
  }

  const problems: string[] = [];
  const bucketsByAccount = new Map<string, { name: string; region: string; uses: BucketUse[] }[]>();
  for (const [name, uses] of usesByBucket) {
    const accounts = distinct(uses.map((use) => use.accountId));
    const regions = distinct(uses.map((use) => use.region));
    if (accounts.length > 1) {
      problems.push(
        `state bucket ${name} is named by environments in accounts ${describeUses(uses, (use) => use.accountId)}: a bucket lives in one account`,
      );
      continue;
    }
    if (regions.length > 1) {
      problems.push(`state bucket ${name} is named in regions ${describeUses(uses, (use) => use.region)}: a bucket lives in one region`);
      continue;
    }
    const accountId = accounts[0] as string;
    bucketsByAccount.set(accountId, [...(bucketsByAccount.get(accountId) ?? []), { name, region: regions[0] as string, uses }]);
  }

  const plans: BootstrapPlan[] = [];
  for (const [accountId, buckets] of bucketsByAccount) {
    const regions = distinct(buckets.map((bucket) => bucket.region));
    if (regions.length > 1) {
      problems.push(
        `account ${accountId} keeps state buckets in several regions (${buckets.map((bucket) => `${bucket.name} in ${bucket.region}`).join(", ")}): its bootstrap stack has one region`,
      );
      continue;
    }
    const uses = buckets.flatMap((bucket) => bucket.uses);
    plans.push({
      accountId,
      region: regions[0] as string,
      // Every S3 backend names a key (its own, or its environment's key from this bucket: stacks/state-location.ts).
      buckets: buckets.map((bucket) => ({
        name: bucket.name,
        denyNonKmsUploads: true,
        environments: distinct(bucket.uses.map((use) => use.environment.name)),
        environmentKeys: distinct(bucket.uses.filter((use) => use.kmsKeyArn === undefined).map((use) => use.environment.name)),
      })),
      tags: commonTags(uses.map((use) => use.environment)),
      environments: distinct(uses.map((use) => use.environment.name)),
    });
  }
  if (problems.length > 0) throw new BootstrapPlanError(problems);
  return plans;
}

/**
 * One BootstrapStack per account that needs a state bucket.
 * @throws BootstrapPlanError (see planBootstraps)
 */
export function addBootstrapStacks(scope: Construct, environments: readonly EnvironmentConfig[]): BootstrapStack[] {
  return planBootstraps(environments).map((plan) => new BootstrapStack(scope, plan));
}

/** The tags every environment of an account sets to the same value (owner, cost-center, additional ones). */
function commonTags(environments: readonly EnvironmentConfig[]): Record<string, string> {
  const tagsOf = (environment: EnvironmentConfig): Record<string, string> => ({
    ...environment.tags.additional,
    owner: environment.tags.owner,
    "cost-center": environment.tags.costCenter,
  });
  const [first, ...others] = environments.map(tagsOf);
  return Object.fromEntries(Object.entries(first ?? {}).filter(([key, value]) => others.every((tags) => tags[key] === value)));
}

function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function describeUses(uses: readonly BucketUse[], what: (use: BucketUse) => string): string {
  return uses.map((use) => `${what(use)} (${use.environment.name})`).join(", ");
}
