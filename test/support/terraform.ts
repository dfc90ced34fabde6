import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { onPath } from "../../e2e/processes";
import { writeFileAtomically } from "../../scripts/atomic-file";
import { ROOT, testTmp } from "./paths";

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

/** Earlier runs' verdicts of planVariables, by the hash of the terraform binary and the plan (git-ignored, gone with node_modules). */
const PLAN_CACHE = path.join(ROOT, "node_modules", ".cache", "terraform-variable-plans");

/** The terraform binary the tests run: its path, size and modification time (a new terraform is another key). */
function terraformIdentity(): string {
  const name = process.env["TERRAFORM_BINARY_NAME"] ?? "terraform";
  const binary = path.isAbsolute(name) ? name : onPath(name, process.env);
  if (binary === undefined || !existsSync(binary)) throw new Error(`terraform did not run: ${name} is not on the PATH`);
  const { size, mtimeMs } = statSync(binary);
  return `${binary}:${size}:${mtimeMs}`;
}

/**
 * Plans a configuration of variables alone with the real terraform (no provider, no backend, no
 * network), so a variable's `validation` is evaluated by Terraform itself, not re-implemented here.
 * The verdict is kept under the hash of the terraform binary, the variables and the values: the same
 * plan (every environment declares the same image tag variables) runs once, and again only when one
 * of them changes.
 */
export function planVariables(variables: Readonly<Record<string, unknown>>, values: Readonly<Record<string, string>>): PlanResult {
  const config = JSON.stringify({ variable: variables });
  const args = ["plan", "-lock=false", ...Object.entries(values).flatMap(([name, value]) => ["-var", `${name}=${value}`])];
  const key = createHash("sha256")
    .update(terraformIdentity())
    .update("\0")
    .update(config)
    .update("\0")
    .update(JSON.stringify(args))
    .digest("hex");
  const cached = path.join(PLAN_CACHE, `${key}.json`);
  if (existsSync(cached)) return JSON.parse(readFileSync(cached, "utf8")) as PlanResult;
  const dir = terraformDir();
  writeFileSync(path.join(dir, "main.tf.json"), config);
  const result = terraformIn(dir, args);
  writeFileAtomically(cached, JSON.stringify(result));
  return result;
}
