import { describe, expect, it } from "vitest";
import {
  awsPartOf,
  backendConfigFile,
  countResources,
  deletionProtectedAddresses,
  ignoreChangesOverride,
  leaveOutGaps,
  preventDestroyAddresses,
  withoutNewerArguments,
  providerOverride,
  remoteStateOverride,
  type TerraformJson,
} from "../../e2e/scratch";

/** The end-to-end harness's pure transformations of a synthesized stack (e2e/scratch.ts). */

const EMULATOR = { endpoint: "http://127.0.0.1:5555", accessKey: "test", secretKey: "test" };

function stack(): TerraformJson {
  return {
    terraform: {
      required_providers: { aws: { source: "aws", version: "6.25.0" } },
      backend: { s3: { bucket: "b", key: "dev/network.tfstate" } },
    },
    provider: { aws: [{ region: "eu-west-1" }] },
    resource: {
      aws_cloudtrail: { trail: { name: "t", s3_bucket_name: "${aws_s3_bucket.audit.id}" } },
      aws_s3_bucket: { audit: { bucket: "audit" } },
      aws_cloudwatch_metric_filter: { on_trail: { name: "f", log_group_name: "${aws_cloudtrail.trail.cloud_watch_logs_group_arn}" } },
      aws_sns_topic_subscription: { on_filter: { topic_arn: "${aws_cloudwatch_metric_filter.on_trail.id}" } },
      aws_config_delivery_channel: { channel: { name: "c", depends_on: ["aws_cloudtrail.trail", "aws_s3_bucket.audit"] } },
      aws_vpc: { main: { cidr_block: "10.0.0.0/16" } },
    },
    output: {
      trail_arn: { value: "${aws_cloudtrail.trail.arn}" },
      vpc_id: { value: "${aws_vpc.main.id}" },
    },
  };
}

const trailIsGap = (type: string) => (type === "aws_cloudtrail" ? "emulator gap: aws_cloudtrail" : undefined);

describe("leaveOutGaps", () => {
  it("GIVEN a gap resource WHEN left out THEN what refers to it goes too, transitively, and is counted", () => {
    const { stack: pruned, leftOut } = leaveOutGaps(stack(), trailIsGap);
    expect(Object.keys(pruned.resource ?? {}).sort()).toEqual(["aws_config_delivery_channel", "aws_s3_bucket", "aws_vpc"]);
    expect(leftOut.map((entry) => entry.address).sort()).toEqual([
      "aws_cloudtrail.trail",
      "aws_cloudwatch_metric_filter.on_trail",
      "aws_sns_topic_subscription.on_filter",
      "output.trail_arn",
    ]);
    expect(countResources(leftOut)).toBe(3);
  });

  it("keeps a block that only waits for a left-out resource (depends_on), dropping that entry", () => {
    const { stack: pruned } = leaveOutGaps(stack(), trailIsGap);
    expect(pruned.resource?.["aws_config_delivery_channel"]?.["channel"]?.["depends_on"]).toEqual(["aws_s3_bucket.audit"]);
  });

  it("does not modify its input, and leaves a stack without gaps as it is", () => {
    const input = stack();
    const before = JSON.stringify(input);
    leaveOutGaps(input, trailIsGap);
    expect(JSON.stringify(input)).toBe(before);
    expect(leaveOutGaps(input, () => undefined).stack).toEqual(input);
  });

  it("removes a section left empty (Terraform rejects an empty resource object)", () => {
    const only: TerraformJson = { resource: { aws_cloudtrail: { trail: { name: "t" } } } };
    expect(leaveOutGaps(only, trailIsGap).stack).not.toHaveProperty("resource");
  });
});

describe("overrides", () => {
  it("pins the provider to the mirrored version and points every endpoint at the emulator", () => {
    const override = providerOverride(stack(), EMULATOR, "5.100.0");
    expect(override.terraform?.required_providers?.["aws"]?.version).toBe("5.100.0");
    const aws = ((override.provider?.["aws"] ?? []) as Record<string, unknown>[])[0] ?? {};
    const endpoints = (aws["endpoints"] as Record<string, string>[])[0]!;
    for (const service of ["s3", "sts", "iam", "ec2", "eks", "s3control"]) expect(endpoints[service]).toBe("http://127.0.0.1:5555");
    expect(aws).toMatchObject({ s3_use_path_style: true, skip_credentials_validation: true, access_key: "test" });
  });

  it("refuses a stack with no aws provider", () => {
    expect(() => providerOverride({ terraform: { required_providers: {} } }, EMULATOR, "5.100.0")).toThrow(
      "does not require the aws provider",
    );
  });

  it("gives the S3 backend the emulator's endpoints, not a new bucket or key", () => {
    const file = backendConfigFile(EMULATOR);
    expect(file).toContain('s3 = "http://127.0.0.1:5555"');
    expect(file).toContain("use_path_style = true");
    expect(file).not.toMatch(/^bucket|^key/m);
  });

  it("repeats a remote-state read's own config with the emulator settings", () => {
    const reading: TerraformJson = {
      data: {
        terraform_remote_state: { network: { backend: "s3", config: { bucket: "b", key: "dev/network.tfstate", region: "eu-west-1" } } },
      },
    };
    const config = remoteStateOverride(reading, EMULATOR)?.data?.["terraform_remote_state"]?.["network"]?.["config"] as Record<
      string,
      unknown
    >;
    expect(config).toMatchObject({ bucket: "b", key: "dev/network.tfstate", region: "eu-west-1", use_path_style: true });
    expect(config["endpoints"]).toMatchObject({ s3: "http://127.0.0.1:5555" });
    expect(remoteStateOverride(stack(), EMULATOR)).toBeUndefined();
  });

  it("adds ignored attributes to those the stack already ignores", () => {
    const keyed: TerraformJson = {
      resource: { aws_kms_key: { a: { lifecycle: { ignore_changes: ["policy"] } }, b: {} }, aws_vpc: { v: {} } },
    };
    const { override, blocks } = ignoreChangesOverride(keyed, (type) => (type === "aws_kms_key" ? ["rotation_period_in_days"] : []));
    expect(blocks).toBe(2);
    expect(override?.resource?.["aws_kms_key"]?.["a"]).toEqual({ lifecycle: { ignore_changes: ["policy", "rotation_period_in_days"] } });
    expect(override?.resource?.["aws_vpc"]).toBeUndefined();
  });

  it("finds the resources the API refuses to delete (deletion_protection)", () => {
    const guarded: TerraformJson = {
      resource: { aws_rds_cluster: { db: { deletion_protection: true } }, aws_lb: { entry: { deletion_protection: false } } },
    };
    expect(deletionProtectedAddresses(guarded)).toEqual(["aws_rds_cluster.db"]);
  });

  it("finds the resources guarded by prevent_destroy", () => {
    const guarded: TerraformJson = {
      resource: {
        aws_rds_cluster: { db: { lifecycle: { prevent_destroy: true } } },
        aws_s3_bucket: { logs: { lifecycle: { prevent_destroy: false } } },
      },
    };
    expect(preventDestroyAddresses(guarded)).toEqual(["aws_rds_cluster.db"]);
  });
});

describe("awsPartOf (workloads)", () => {
  it("removes the kubernetes and helm resources, providers and what refers to them, keeping the AWS part", () => {
    const workloads: TerraformJson = {
      terraform: { required_providers: { aws: { source: "aws" }, helm: { source: "helm" }, kubernetes: { source: "kubernetes" } } },
      provider: { aws: [{}], helm: [{}], kubernetes: [{}] },
      resource: {
        kubernetes_namespace_v1: { apps: { metadata: [{ name: "apps" }] } },
        helm_release: { nginx: { namespace: "${kubernetes_namespace_v1.apps.metadata[0].name}" } },
        aws_wafv2_web_acl: { acl: { name: "acl" } },
      },
    };
    const { stack: aws, removed } = awsPartOf(workloads);
    expect(Object.keys(aws.resource ?? {})).toEqual(["aws_wafv2_web_acl"]);
    expect(Object.keys(aws.provider ?? {})).toEqual(["aws"]);
    expect(Object.keys(aws.terraform?.required_providers ?? {})).toEqual(["aws"]);
    expect(countResources(removed)).toBe(2);
  });
});

describe("leaveOutGaps keeps what only names a left-out resource", () => {
  const stack: TerraformJson = {
    resource: {
      aws_elasticache_replication_group: { cache: { replication_group_id: "dev-app" } },
      aws_iam_role_policy: { backend: { role: "dev-backend", policy: "${data.aws_iam_policy_document.backend.json}" } },
      aws_cloudwatch_log_group: { cache_logs: { name: "${aws_elasticache_replication_group.cache.id}-logs" } },
      aws_s3_bucket: { b: { bucket: "b", depends_on: ["aws_elasticache_replication_group.cache"] } },
    },
    data: {
      aws_iam_policy_document: {
        backend: { statement: [{ actions: ["elasticache:Connect"], resources: ["${aws_elasticache_replication_group.cache.arn}"] }] },
      },
    },
  };
  const result = leaveOutGaps(stack, (type) =>
    type === "aws_elasticache_replication_group" ? "emulator gap: aws_elasticache_replication_group" : undefined,
  );

  it("GIVEN a policy document naming the left-out replication group WHEN gaps are left out THEN the document keeps a placeholder ARN and the role policy built from it stays", () => {
    expect(result.stack.data?.["aws_iam_policy_document"]?.["backend"]).toEqual({
      statement: [{ actions: ["elasticache:Connect"], resources: ["arn:aws:elasticache:*:*:e2e-placeholder-cache"] }],
    });
    expect(result.stack.resource?.["aws_iam_role_policy"]?.["backend"]).toBeDefined();
    expect(result.patched).toContainEqual({
      address: "data.aws_iam_policy_document.backend",
      because:
        "reference aws_elasticache_replication_group.cache.arn replaced by a placeholder (emulator gap: aws_elasticache_replication_group)",
    });
  });

  it("GIVEN a resource that needs the left-out one WHEN gaps are left out THEN it is dropped, named with its reason", () => {
    expect(result.stack.resource?.["aws_cloudwatch_log_group"]).toBeUndefined();
    expect(result.leftOut).toContainEqual({
      address: "aws_cloudwatch_log_group.cache_logs",
      because: "aws_elasticache_replication_group.cache",
    });
  });

  it("GIVEN a depends_on entry on the left-out resource WHEN gaps are left out THEN the entry is dropped and named", () => {
    expect(result.stack.resource?.["aws_s3_bucket"]?.["b"]).toEqual({ bucket: "b" });
    expect(result.patched).toContainEqual({
      address: "aws_s3_bucket.b",
      because: "depends_on aws_elasticache_replication_group.cache dropped (emulator gap: aws_elasticache_replication_group)",
    });
  });
});

describe("withoutNewerArguments", () => {
  const cluster = (): TerraformJson => ({
    resource: {
      aws_eks_cluster: { eks: { name: "prod", deletion_protection: true } },
      aws_rds_cluster: { db: { cluster_identifier: "prod-app", deletion_protection: true } },
    },
  });

  it("GIVEN the mirrored provider 5.100.0 WHEN a cluster sets deletion_protection (provider 6.x) THEN the scratch copy drops it, named, and nothing else", () => {
    const { stack: copy, dropped } = withoutNewerArguments(cluster(), "5.100.0");
    expect(dropped).toEqual(["aws_eks_cluster.eks deletion_protection"]);
    expect(copy.resource).toEqual({
      aws_eks_cluster: { eks: { name: "prod" } },
      aws_rds_cluster: { db: { cluster_identifier: "prod-app", deletion_protection: true } },
    });
  });

  it("GIVEN the pinned provider 6.25.0 WHEN the stack is copied THEN the argument stays", () => {
    expect(withoutNewerArguments(cluster(), "6.25.0")).toEqual({ stack: cluster(), dropped: [] });
  });
});
