import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { App, type TerraformStack, Testing } from "cdktf";
import { toBeValidTerraform } from "cdktf/lib/testing/matchers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnvironments } from "../../environments/load";
import { addBootstrapStacks } from "../../stacks/bootstrap/bootstrap-stack";
import { addEnvironmentStacks } from "../../stacks/environment-stacks";

/**
 * Every stack both apps synthesize (main.ts: three per environment; bootstrap.ts: one per
 * account) passes `terraform init` and `terraform validate` with the real providers. Needs a
 * terraform binary and registry access: run through vitest.integration.config.mts only.
 *
 * The apps are built as main.ts and bootstrap.ts build them (a plain App, not Testing.app(), whose
 * future flags could change the output); each stack is then synthesized alone with
 * Testing.fullSynth, because cdktf's toBeValidTerraform validates every stack of the manifest it
 * is given and a test per stack names the one that fails.
 */

const TERRAFORM = process.env["TERRAFORM_BINARY_NAME"] ?? "terraform";
const REPOSITORY_ROOT = path.resolve(__dirname, "../..");

const environments = loadEnvironments();
const app = new App({ outdir: mkdtempSync(path.join(tmpdir(), "valid-terraform-app-")), stackTraces: false });
const stacks: readonly TerraformStack[] = [
  ...environments.flatMap((environment) => Object.values(addEnvironmentStacks(app, environment))),
  ...addBootstrapStacks(app, environments),
];

let failures = 0;

describe("every synthesized stack is valid Terraform", () => {
  beforeAll(() => {
    try {
      execFileSync(TERRAFORM, ["version"], { stdio: "pipe" });
    } catch (error) {
      throw new Error(`terraform binary "${TERRAFORM}" cannot run (set TERRAFORM_BINARY_NAME to another one): ${(error as Error).message}`);
    }
  });

  afterAll(() => {
    rmSync(app.outdir, { recursive: true, force: true });
    // The run's scratch folder goes when everything passed; failed stacks stay for inspection.
    const scratch = tmpdir();
    if (failures === 0 && scratch.startsWith(path.join(REPOSITORY_ROOT, ".tmp", "vitest-integration"))) {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it.each(stacks.map((stack) => [stack.node.id, stack] as const))("%s: terraform init and validate pass", (name, stack) => {
    const outdir = Testing.fullSynth(stack);
    const result = toBeValidTerraform(outdir);
    if (!result.pass) failures += 1;
    expect(result.pass, `${name} is not valid Terraform (synthesized in ${path.join(outdir, "stacks", name)}):\n${result.message}`).toBe(
      true,
    );
    rmSync(outdir, { recursive: true, force: true });
  });
});
