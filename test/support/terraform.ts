import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { testTmp } from "./paths";

/** What `terraform plan` said about a configuration: its exit status and what it printed. */
export interface PlanResult {
  readonly ok: boolean;
  readonly output: string;
}

/**
 * Runs terraform in `dir` with no provider to download (configurations of variables or of
 * Terraform's built-in `terraform_data` alone), offline and without a user's CLI configuration.
 */
export function terraformIn(dir: string, args: readonly string[]): PlanResult {
  const cliConfig = path.join(dir, "terraform.rc");
  writeFileSync(cliConfig, "");
  const run = spawnSync(process.env["TERRAFORM_BINARY_NAME"] ?? "terraform", [...args, "-input=false", "-no-color"], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" },
    timeout: 60_000,
  });
  if (run.error !== undefined) throw new Error(`terraform did not run: ${run.error.message}`);
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

/** A fresh folder for a terraform run, under the test run's scratch space. */
export function terraformDir(): string {
  const base = path.join(testTmp(), "terraform");
  mkdirSync(base, { recursive: true });
  return mkdtempSync(path.join(base, "run-"));
}

/**
 * Plans a configuration of variables alone with the real terraform (no provider, no backend, no
 * network), so a variable's `validation` is evaluated by Terraform itself, not re-implemented here.
 */
export function planVariables(variables: Readonly<Record<string, unknown>>, values: Readonly<Record<string, string>>): PlanResult {
  const dir = terraformDir();
  writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify({ variable: variables }));
  return terraformIn(dir, ["plan", "-lock=false", ...Object.entries(values).flatMap(([name, value]) => ["-var", `${name}=${value}`])]);
}
