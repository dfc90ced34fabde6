import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import type { EnvironmentConfig } from "../../environments/schema";
import { buildEnvironment, environment } from "../support/fixtures";
import { synthesizedStack, type TerraformJson } from "../support/synthesized";

const localDev = environment("dev", (env): EnvironmentConfig => ({ ...env, state: { backend: "local", directory: ".terraform-state" } }));

describe("layer stacks: state backend", () => {
  it.each(["network", "platform", "workloads"])(
    "keeps the %s-dev state at <env>/<layer>.tfstate, encrypted, with S3-native locking",
    (layer) => {
      const backend = synthesizedStack(`${layer}-dev`).doc.terraform?.backend?.["s3"];
      expect(backend).toMatchObject({
        bucket: "acme-nonprod-terraform-state",
        key: `dev/${layer}.tfstate`,
        region: "eu-west-1",
        encrypt: true,
        use_lockfile: true,
      });
    },
  );

  it("GIVEN a state KMS key WHEN synthesized THEN the backend encrypts state with it", () => {
    expect(synthesizedStack("network-prod").doc.terraform?.backend?.["s3"]?.["kms_key_id"]).toBe(
      "arn:aws:kms:eu-west-1:222222222222:key/0b5c2a4e-7f1d-4c3b-9a8e-2d6f1e0c9b7a",
    );
    // No key named: the environment's own key in the shared bucket's account, by alias (the bootstrap creates it).
    expect(synthesizedStack("network-dev").doc.terraform?.backend?.["s3"]?.["kms_key_id"]).toBe(
      "alias/terraform-state/acme-nonprod-terraform-state/dev",
    );
  });

  it("GIVEN a local backend WHEN synthesized THEN state lives under the repository's sandbox folder, reachable from every stack folder", () => {
    const { stacks } = buildEnvironment(localDev);
    const network = JSON.parse(Testing.synth(stacks.network)) as TerraformJson;
    expect(network.terraform?.backend).toEqual({ local: { path: "../../../.terraform-state/dev/network.tfstate" } });
  });

  it("GIVEN a local backend WHEN a downstream stack reads upstream THEN it reads the same local path", () => {
    const { stacks } = buildEnvironment(localDev);
    const platform = JSON.parse(Testing.synth(stacks.platform)) as TerraformJson;
    expect(platform.data?.["terraform_remote_state"]?.["network-state"]).toMatchObject({
      backend: "local",
      config: { path: "../../../.terraform-state/dev/network.tfstate" },
    });
  });
});

describe("layer stacks: AWS provider", () => {
  it("pins the environment's account and region", () => {
    expect(synthesizedStack("network-prod").json).toHaveProviderWithProperties(AwsProvider, {
      region: "eu-west-1",
      allowed_account_ids: ["222222222222"],
    });
    expect(synthesizedStack("platform-dev").json).toHaveProviderWithProperties(AwsProvider, { allowed_account_ids: ["111111111111"] });
  });

  it("tags every resource with environment, layer, owner, cost centre and the additional tags", () => {
    expect(synthesizedStack("platform-prod").json).toHaveProviderWithProperties(AwsProvider, {
      default_tags: [
        {
          tags: {
            environment: "prod",
            layer: "platform",
            "managed-by": "cdktf",
            owner: "platform-team",
            "cost-center": "cc-2001",
            "data-classification": "confidential",
          },
        },
      ],
    });
  });

  it("GIVEN a deploy role WHEN synthesized THEN the provider assumes it; without one it uses the caller's credentials", () => {
    const withRole = environment(
      "prod",
      (env): EnvironmentConfig => ({
        ...env,
        account: { ...env.account, deployRoleArn: "arn:aws:iam::222222222222:role/prod-break-glass" },
      }),
    );
    expect(Testing.synth(buildEnvironment(withRole).stacks.network)).toHaveProviderWithProperties(AwsProvider, {
      assume_role: [{ role_arn: "arn:aws:iam::222222222222:role/prod-break-glass", session_name: "cdktf-network-prod" }],
    });
    expect(synthesizedStack("network-prod").doc.provider?.["aws"]?.[0]?.["assume_role"]).toBeUndefined();
  });
});

describe("layer stacks: deployment order", () => {
  it("records that platform follows network and workloads follows both", () => {
    const { stacks } = buildEnvironment(environment("dev"));
    expect(stacks.platform.dependencies).toEqual([stacks.network]);
    expect(stacks.workloads.dependencies).toEqual(expect.arrayContaining([stacks.network, stacks.platform]));
    expect(stacks.network.dependencies).toEqual([]);
  });
});
