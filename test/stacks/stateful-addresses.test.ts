import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { DataResource, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { describe, expect, it } from "vitest";
import type { EnvironmentConfig } from "../../environments/schema";
import { PrivateBucket } from "../../modules/storage/private-bucket";
import { buildEnvironment, environment } from "../support/fixtures";
import { movedBlocks, replacedAddresses, statefulAddresses, unpinnedAddresses } from "../support/stateful-addresses";
import { allSynthesizedStacks, type TerraformJson } from "../support/synthesized";
import { terraformDir, terraformIn } from "../support/terraform";

/**
 * Refactors must never replace data. cdktf derives a resource's Terraform address from its
 * construct path, so moving a construct under another parent renames it, and Terraform destroys
 * the old resource and creates a new one: the database, the cache, a key, a bucket, a log group.
 *
 * These are the addresses the deployed states hold, written by hand. When a test here fails:
 * - "replaced": a stateful resource left its address. Keep its construct path, or carry the old
 *   address with a `moved` block (`resource.moveFromId("<old address>")`) and leave the pin as is.
 * - "not pinned": a new stateful resource. Add its address here, in the same change.
 * Removing a pin means destroying what it holds: say so in the pull request.
 * See docs/architecture.md, "Terraform addresses are state".
 */
const PINNED: Readonly<Record<string, readonly string[]>> = {
  "network-dev": [
    "aws_cloudwatch_log_group.ci-runner_logs_33672359",
    "aws_cloudwatch_log_group.ci-plan-runner_logs_20E36A5B",
    "aws_cloudwatch_log_group.flow-logs_log-group_BD9661F8",
    "aws_ecr_repository.ecr-backend_repository_16AD38B3",
    "aws_ecr_repository.ecr-frontend_repository_1A19570C",
    "aws_kms_key.alerts-key_453745FF",
    "aws_kms_key.images-key_D7BAF85A",
    "aws_kms_key.logs-key_44F95A88",
  ],
  "network-staging": [
    "aws_cloudwatch_log_group.ci-runner_logs_33672359",
    "aws_cloudwatch_log_group.ci-plan-runner_logs_20E36A5B",
    "aws_cloudwatch_log_group.flow-logs_log-group_BD9661F8",
    "aws_ecr_repository.ecr-backend_repository_16AD38B3",
    "aws_ecr_repository.ecr-frontend_repository_1A19570C",
    "aws_kms_key.alerts-key_453745FF",
    "aws_kms_key.images-key_D7BAF85A",
    "aws_kms_key.logs-key_44F95A88",
  ],
  "network-prod": [
    "aws_cloudwatch_log_group.ci-runner_logs_33672359",
    "aws_cloudwatch_log_group.ci-plan-runner_logs_20E36A5B",
    "aws_cloudwatch_log_group.flow-logs_log-group_BD9661F8",
    "aws_cloudwatch_log_group.management_flow-logs_log-group_9493F440",
    "aws_ecr_repository.ecr-backend_repository_16AD38B3",
    "aws_ecr_repository.ecr-frontend_repository_1A19570C",
    "aws_kms_key.alerts-key_453745FF",
    "aws_kms_key.images-key_D7BAF85A",
    "aws_kms_key.logs-key_44F95A88",
  ],
  "platform-dev": [
    "aws_cloudwatch_log_group.cache_engine-log-group_A37ADC1F",
    "aws_cloudwatch_log_group.cache_slow-log-group_CC636A98",
    "aws_cloudwatch_log_group.container-logs",
    "aws_cloudwatch_log_group.database_log-group_D8F361D1",
    "aws_cloudwatch_log_group.eks_log-group_29AF1558",
    "aws_db_subnet_group.database_subnet-group_706EB4D1",
    "aws_eks_cluster.eks_cluster_55B0C966",
    "aws_elasticache_replication_group.cache_replication-group_FA5C54CF",
    "aws_elasticache_subnet_group.cache_subnet-group_D4E55FF4",
    "aws_elasticache_user.cache_user-dev-backend_7FCBD559",
    "aws_kms_key.data-key_5D719C34",
    "aws_kms_key.eks_secrets-key_9F99D609",
    "aws_rds_cluster.database_cluster_FAF2FB92",
    "aws_rds_cluster_instance.database_instance-1_95FDBD23",
    "aws_secretsmanager_secret.grafana-admin-secret_89236D4D",
  ],
  "platform-staging": [
    "aws_cloudwatch_log_group.cache_engine-log-group_A37ADC1F",
    "aws_cloudwatch_log_group.cache_slow-log-group_CC636A98",
    "aws_cloudwatch_log_group.container-logs",
    "aws_cloudwatch_log_group.database_log-group_D8F361D1",
    "aws_cloudwatch_log_group.eks_log-group_29AF1558",
    "aws_db_subnet_group.database_subnet-group_706EB4D1",
    "aws_eks_cluster.eks_cluster_55B0C966",
    "aws_elasticache_replication_group.cache_replication-group_FA5C54CF",
    "aws_elasticache_subnet_group.cache_subnet-group_D4E55FF4",
    "aws_elasticache_user.cache_user-staging-backend_068789D6",
    "aws_kms_key.data-key_5D719C34",
    "aws_kms_key.eks_secrets-key_9F99D609",
    "aws_rds_cluster.database_cluster_FAF2FB92",
    "aws_rds_cluster_instance.database_instance-1_95FDBD23",
    "aws_rds_cluster_instance.database_instance-2_67AB9804",
    "aws_secretsmanager_secret.grafana-admin-secret_89236D4D",
  ],
  "platform-prod": [
    "aws_cloudwatch_log_group.cache_engine-log-group_A37ADC1F",
    "aws_cloudwatch_log_group.cache_slow-log-group_CC636A98",
    "aws_cloudwatch_log_group.container-logs",
    "aws_cloudwatch_log_group.database_log-group_D8F361D1",
    "aws_cloudwatch_log_group.eks_log-group_29AF1558",
    "aws_db_subnet_group.database_subnet-group_706EB4D1",
    "aws_eks_cluster.eks_cluster_55B0C966",
    "aws_elasticache_replication_group.cache_replication-group_FA5C54CF",
    "aws_elasticache_subnet_group.cache_subnet-group_D4E55FF4",
    "aws_elasticache_user.cache_user-prod-backend_45043B28",
    "aws_kms_key.data-key_5D719C34",
    "aws_kms_key.eks_secrets-key_9F99D609",
    "aws_rds_cluster.database_cluster_FAF2FB92",
    "aws_rds_cluster_instance.database_instance-1_95FDBD23",
    "aws_rds_cluster_instance.database_instance-2_67AB9804",
    "aws_secretsmanager_secret.grafana-admin-secret_89236D4D",
  ],
  "workloads-dev": [
    "aws_cloudwatch_log_group.web-acl_log-group_64640BE7",
    "aws_s3_bucket.alb-access-logs_bucket_E0EA0091",
    "kubernetes_namespace_v1.backend-namespace_8CCF115A",
    "kubernetes_namespace_v1.database-roles-namespace_52A5A945",
    "kubernetes_namespace_v1.external-dns_namespace_54DE43FE",
    "kubernetes_namespace_v1.fluent-bit_namespace_3A4A621D",
    "kubernetes_namespace_v1.frontend-namespace_629CDE3E",
    "kubernetes_namespace_v1.helm-releases-namespace_1394BB66",
    "kubernetes_namespace_v1.kube-prometheus-stack_namespace_35DA366B",
  ],
  "workloads-staging": [
    "aws_cloudwatch_log_group.web-acl_log-group_64640BE7",
    "aws_s3_bucket.alb-access-logs_bucket_E0EA0091",
    "kubernetes_namespace_v1.backend-namespace_8CCF115A",
    "kubernetes_namespace_v1.database-roles-namespace_52A5A945",
    "kubernetes_namespace_v1.external-dns_namespace_54DE43FE",
    "kubernetes_namespace_v1.fluent-bit_namespace_3A4A621D",
    "kubernetes_namespace_v1.frontend-namespace_629CDE3E",
    "kubernetes_namespace_v1.helm-releases-namespace_1394BB66",
    "kubernetes_namespace_v1.kube-prometheus-stack_namespace_35DA366B",
  ],
  "workloads-prod": [
    "aws_cloudwatch_log_group.web-acl_log-group_64640BE7",
    "aws_s3_bucket.alb-access-logs_bucket_E0EA0091",
    "kubernetes_namespace_v1.backend-namespace_8CCF115A",
    "kubernetes_namespace_v1.database-roles-namespace_52A5A945",
    "kubernetes_namespace_v1.external-dns_namespace_54DE43FE",
    "kubernetes_namespace_v1.fluent-bit_namespace_3A4A621D",
    "kubernetes_namespace_v1.frontend-namespace_629CDE3E",
    "kubernetes_namespace_v1.helm-releases-namespace_1394BB66",
    "kubernetes_namespace_v1.kube-prometheus-stack_namespace_35DA366B",
  ],
  // The account layer (built by the bootstrap app): the singletons the owner's network stack held
  // at these same addresses before (docs/migrations/account-layer.md).
  "account-111111111111": [
    "aws_cloudwatch_log_group.account-baseline_trail-log-group_1682BFBE",
    "aws_guardduty_detector.account-baseline_guardduty_74E24D54",
    "aws_kms_key.account-baseline_key_3429315E",
    "aws_s3_bucket.account-baseline_audit-bucket_private-bucket_8FC5DD5E",
  ],
  "account-222222222222": [
    "aws_cloudwatch_log_group.account-baseline_trail-log-group_1682BFBE",
    "aws_guardduty_detector.account-baseline_guardduty_74E24D54",
    "aws_kms_key.account-baseline_key_3429315E",
    "aws_s3_bucket.account-baseline_audit-bucket_private-bucket_8FC5DD5E",
  ],
  // The bootstrap app's stacks: the state buckets of each account and their keys.
  "bootstrap-111111111111": [
    "aws_kms_key.acme-nonprod-terraform-state_key_5B3191AF",
    "aws_kms_key.acme-nonprod-terraform-state_key-dev_key_27C0C9D0",
    "aws_kms_key.acme-nonprod-terraform-state_key-staging_key_7EE0A4F7",
    "aws_s3_bucket.acme-nonprod-terraform-state_private-bucket_B8C4E97F",
  ],
  "bootstrap-222222222222": [
    "aws_kms_key.acme-prod-terraform-state_key_D5DC6E2B",
    "aws_s3_bucket.acme-prod-terraform-state_private-bucket_AB3388C9",
  ],
};

/**
 * The rule for a stack no pin above names (an environment or account added later): its stateful
 * resources sit at addresses its layer already uses, or at the addresses a name from the
 * environment file yields (an image repository, a database instance, the cache user, a state
 * bucket). A new environment passes on its first day; a new construct path does not.
 */
/** An environment's own state key in a shared bucket of the bootstrap stack (modules/storage/state-bucket.ts, environmentKeys). */
const ENVIRONMENT_STATE_KEY = /^aws_kms_key\.[a-z0-9.-]+_key-[a-z0-9-]+_key_[0-9A-F]{8}$/;

const NAMED_BY_CONFIG: Readonly<Record<string, readonly RegExp[]>> = {
  network: [/^aws_ecr_repository\.ecr-[a-z0-9._-]+_repository_[0-9A-F]{8}$/],
  platform: [
    /^aws_rds_cluster_instance\.database_instance-\d+_[0-9A-F]{8}$/,
    /^aws_elasticache_user\.cache_user-[a-z0-9-]+-backend_[0-9A-F]{8}$/,
  ],
  workloads: [],
  account: [],
  bootstrap: [
    /^aws_kms_key\.[a-z0-9.-]+_key_[0-9A-F]{8}$/,
    /^aws_s3_bucket\.[a-z0-9.-]+_private-bucket_[0-9A-F]{8}$/,
    ENVIRONMENT_STATE_KEY,
  ],
};

const layerOf = (stackName: string) => stackName.slice(0, stackName.indexOf("-"));

/** What the rule admits in a stack of `layer` that no pin names. */
function addressesOutsideTheRule(layer: string, addresses: readonly string[]): string[] {
  const usedByLayer = new Set(Object.entries(PINNED).flatMap(([stack, pinned]) => (layerOf(stack) === layer ? pinned : [])));
  const patterns = NAMED_BY_CONFIG[layer];
  if (patterns === undefined) return [...addresses];
  return addresses.filter((address) => !usedByLayer.has(address) && !patterns.some((pattern) => pattern.test(address)));
}

const synthesized = allSynthesizedStacks();
const pinnedStacks = synthesized.filter((stack) => PINNED[stack.name] !== undefined);
const unpinnedStacks = synthesized.filter((stack) => PINNED[stack.name] === undefined);

describe("stateful resources keep their Terraform addresses", () => {
  it.each(Object.keys(PINNED))("GIVEN the pins of %s WHEN the app synthesizes THEN that stack exists", (name) => {
    expect(synthesized.map((stack) => stack.name)).toContain(name);
  });

  it.each(pinnedStacks.map((stack) => [stack.name, stack] as const))(
    "GIVEN %s WHEN planned against its state THEN no pinned stateful resource is replaced",
    (name, stack) => {
      expect(replacedAddresses(stack.doc, PINNED[name] ?? []), `${name}: these addresses would be destroyed and created anew`).toEqual([]);
    },
  );

  it.each(pinnedStacks.map((stack) => [stack.name, stack] as const))(
    "GIVEN %s WHEN synthesized THEN every stateful resource is pinned",
    (name, stack) => {
      // An environment added to the account adds its own state key to the shared bucket's stack.
      expect(
        unpinnedAddresses(stack.doc, PINNED[name] ?? []).filter((address) => !ENVIRONMENT_STATE_KEY.test(address)),
        `${name}: add these to PINNED in test/stacks/stateful-addresses.test.ts`,
      ).toEqual([]);
    },
  );

  it.runIf(unpinnedStacks.length > 0).each(unpinnedStacks.map((stack) => [stack.name, stack] as const))(
    "GIVEN %s, which no pin names, WHEN synthesized THEN its stateful resources sit where its layer keeps them",
    (name, stack) => {
      expect(
        addressesOutsideTheRule(layerOf(name), statefulAddresses(stack.doc)),
        `${name}: new construct paths for stateful resources`,
      ).toEqual([]);
    },
  );

  it("GIVEN an environment added with a third image repository WHEN checked by the rule THEN it passes without a pin", () => {
    const added = environment(
      "dev",
      (env): EnvironmentConfig => ({
        ...env,
        name: "sandbox",
        ecr: { ...env.ecr, repositories: [...env.ecr.repositories, { ...env.ecr.repositories[0]!, name: "worker" }] },
      }),
    );
    const { stacks } = buildEnvironment(added);
    const outside = Object.values(stacks).flatMap((stack: TerraformStack) => {
      const doc = JSON.parse(Testing.synth(stack)) as TerraformJson;
      return addressesOutsideTheRule(layerOf(stack.node.id), statefulAddresses(doc)).map((address) => `${stack.node.id}: ${address}`);
    });
    expect(outside).toEqual([]);
  });

  it("GIVEN a stack no pin names WHEN a stateful resource has a construct path its layer does not use THEN the rule names it", () => {
    expect(addressesOutsideTheRule("platform", ["aws_rds_cluster.data_database_cluster_0A1B2C3D"])).toEqual([
      "aws_rds_cluster.data_database_cluster_0A1B2C3D",
    ]);
  });
});

/** A stack holding one private bucket under `parent` (a construct path segment), as a refactor would move it. */
function bucketStack(parent: string, moveFrom?: string): TerraformJson {
  const app = Testing.app();
  const stack = new TerraformStack(app, "moves");
  const private_ = new PrivateBucket(new Construct(stack, parent), "audit-bucket", {
    name: "acme-audit",
    kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/test",
  });
  if (moveFrom !== undefined) private_.bucket.moveFromId(moveFrom);
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

describe("moved blocks carry a renamed resource's state", () => {
  const before = bucketStack("account-baseline");
  const oldAddress = statefulAddresses(before).find((address) => address.startsWith("aws_s3_bucket."));

  it("GIVEN a bucket under account-baseline WHEN synthesized THEN its address is derived from that path", () => {
    expect(oldAddress).toMatch(/^aws_s3_bucket\.account-baseline_audit-bucket_[0-9A-F]{8}$/);
  });

  it("GIVEN the bucket moved under another parent WITHOUT a moved block WHEN checked THEN the test names the bucket as replaced", () => {
    const after = bucketStack("security");
    expect(replacedAddresses(after, [oldAddress ?? ""])).toEqual([oldAddress]);
  });

  it("GIVEN the bucket moved under another parent WITHOUT a moved block WHEN checked THEN its new address is not pinned", () => {
    const after = bucketStack("security");
    expect(unpinnedAddresses(after, [oldAddress ?? ""])).toEqual([
      expect.stringMatching(/^aws_s3_bucket\.security_audit-bucket_[0-9A-F]{8}$/),
    ]);
  });

  it("GIVEN the bucket moved WITH moveFromId(old address) WHEN synthesized THEN a moved block maps the old address to the new one", () => {
    const after = bucketStack("security", oldAddress);
    const newAddress = statefulAddresses(after).find((address) => address.startsWith("aws_s3_bucket."));
    expect(newAddress).toMatch(/^aws_s3_bucket\.security_audit-bucket_[0-9A-F]{8}$/);
    expect(movedBlocks(after)).toEqual([{ from: oldAddress, to: newAddress }]);
  });

  it("GIVEN the bucket moved WITH its moved block WHEN checked against the old pin THEN nothing is replaced and nothing is unpinned", () => {
    const after = bucketStack("security", oldAddress);
    expect({ replaced: replacedAddresses(after, [oldAddress ?? ""]), unpinned: unpinnedAddresses(after, [oldAddress ?? ""]) }).toEqual({
      replaced: [],
      unpinned: [],
    });
  });

  it("GIVEN a moved block to a resource of another type WHEN checked THEN the pinned state counts as replaced", () => {
    const doc: TerraformJson & { moved: { from: string; to: string }[] } = {
      resource: { aws_kms_key: { new_key: {} } },
      moved: [{ from: "aws_s3_bucket.old_bucket", to: "aws_kms_key.new_key" }],
    };
    expect(replacedAddresses(doc, ["aws_s3_bucket.old_bucket"])).toEqual(["aws_s3_bucket.old_bucket"]);
  });
});

/** A stack with one `terraform_data` (Terraform's built-in resource: no provider) under `parent`. */
function dataStack(parent: string, moveFrom?: string): string {
  const app = Testing.app();
  const stack = new TerraformStack(app, "moves");
  const resource = new DataResource(new Construct(stack, parent), "state", { input: { value: "kept" } });
  if (moveFrom !== undefined) resource.moveFromId(moveFrom);
  return Testing.synth(stack);
}

describe("real terraform follows cdktf's moved block", () => {
  const applied = () => {
    const dir = terraformDir();
    const before = dataStack("account-baseline");
    writeFileSync(path.join(dir, "main.tf.json"), before);
    const apply = terraformIn(dir, ["apply", "-auto-approve"]);
    expect(apply.ok, apply.output).toBe(true);
    const address =
      Object.keys((JSON.parse(before) as TerraformJson).resource?.["terraform_data"] ?? {}).map((name) => `terraform_data.${name}`)[0] ??
      "";
    return { dir, address };
  };

  it("GIVEN an applied resource moved under another parent WITH moveFromId WHEN planned THEN terraform moves its state and replaces nothing", () => {
    const { dir, address } = applied();
    writeFileSync(path.join(dir, "main.tf.json"), dataStack("security", address));
    const plan = terraformIn(dir, ["plan"]);
    expect(plan.output).toContain(`${address} has moved to terraform_data.security_state_`);
    expect(plan.output).toContain("Plan: 0 to add, 0 to change, 0 to destroy.");
  });

  it("GIVEN the same move WITHOUT a moved block WHEN planned THEN terraform destroys the old resource and creates a new one", () => {
    const { dir } = applied();
    writeFileSync(path.join(dir, "main.tf.json"), dataStack("security"));
    expect(terraformIn(dir, ["plan"]).output).toContain("Plan: 1 to add, 0 to change, 1 to destroy.");
  });
});
