import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { terraformCliConfig } from "../../e2e/context";
import { terraformDir } from "../support/terraform";

/**
 * The end-to-end suite's inits run concurrently (the upgrade beside the birth) and share one plugin
 * cache. A CI run failed when two of them rewrote the same cache entry at once ("failed to create
 * directory ... file exists"): without a lock file, terraform installs from the mirror and rewrites
 * the cache on every init. These tests run the real terraform against a stand-in provider in a
 * filesystem mirror of their own (init never starts the provider), so no network and no real mirror.
 */

const PLATFORM = `${process.platform}_${process.arch === "x64" ? "amd64" : process.arch}`;

function standInMirror(root: string): string {
  const mirror = path.join(root, "mirror");
  const dir = path.join(mirror, "registry.terraform.io", "hashicorp", "aws", "5.100.0", PLATFORM);
  mkdirSync(dir, { recursive: true });
  const binary = path.join(dir, "terraform-provider-aws_v5.100.0_x5");
  writeFileSync(binary, "#!/bin/sh\nexit 1\n");
  chmodSync(binary, 0o755);
  return mirror;
}

function initIn(root: string, name: string, cliConfig: string): string {
  const dir = path.join(root, name);
  mkdirSync(dir);
  writeFileSync(
    path.join(dir, "main.tf.json"),
    JSON.stringify({ terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } } }),
  );
  const result = spawnSync(process.env["TERRAFORM_BINARY_NAME"] ?? "terraform", ["init", "-backend=false", "-input=false", "-no-color"], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" },
    timeout: 60_000,
  });
  if (result.error !== undefined) throw new Error(`terraform did not run: ${result.error.message}`);
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) throw new Error(`terraform init in ${name} failed:\n${output}`);
  return output;
}

describe("the end-to-end suite's terraform CLI configuration", () => {
  it("GIVEN a warmed plugin cache and no lock file WHEN a second configuration is initialized THEN it links the cached provider instead of installing it again", () => {
    const root = terraformDir();
    const cliConfig = path.join(root, "terraformrc");
    const cache = path.join(root, "plugin-cache");
    mkdirSync(cache);
    writeFileSync(cliConfig, terraformCliConfig(standInMirror(root), cache));

    const warmUp = initIn(root, "warm-up", cliConfig);
    const second = initIn(root, "stack", cliConfig);

    expect(warmUp).toContain("Installing hashicorp/aws v5.100.0");
    expect(second).toContain("Using hashicorp/aws v5.100.0 from the shared cache directory");
    expect(second).not.toContain("Installing hashicorp/aws");
  });

  it("GIVEN the configuration WHEN a provider other than AWS is asked for THEN the mirror is the only source (no registry download)", () => {
    const text = terraformCliConfig("/mirror", "/cache");

    expect(text).toContain('include = ["registry.terraform.io/hashicorp/aws"]');
    expect(text).toContain('exclude = ["registry.terraform.io/*/*"]');
  });
});
