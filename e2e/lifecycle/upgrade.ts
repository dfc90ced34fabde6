import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import * as path from "node:path";
import { run } from "../processes";
import type { LifecyclePlan } from "./terraform";

/**
 * Upgrade from the previous release: its stacks are applied first, then today's are planned and
 * applied on top. The plan between them must not replace or delete anything that holds data.
 */

/** Resource types whose replacement or deletion loses data or identity (database, cache, buckets, keys, cluster, logs, images, state). */
const STATEFUL_TYPES: readonly string[] = [
  "aws_rds_cluster",
  "aws_rds_cluster_instance",
  "aws_db_subnet_group",
  "aws_elasticache_replication_group",
  "aws_elasticache_user",
  "aws_s3_bucket",
  "aws_kms_key",
  "aws_eks_cluster",
  "aws_cloudwatch_log_group",
  "aws_ecr_repository",
  "aws_guardduty_detector",
  "aws_dynamodb_table",
  "aws_secretsmanager_secret",
];

/** What a plan from the previous release to this one does to what holds data. */
export interface UpgradeVerdict {
  /** Stateful resources the plan deletes or replaces: each is a failure. */
  readonly statefulLost: readonly string[];
  /** Resources an import block adopts that the plan creates instead: each is a failure. */
  readonly importedButCreated: readonly string[];
  /** Anything deleted (stateless included), for the log. */
  readonly deleted: readonly string[];
  readonly imported: number;
  readonly changed: number;
}

/**
 * Reads a saved plan (terraform show -json): what it deletes or replaces among
 * {@link STATEFUL_TYPES}, and which of `expectImported` it creates rather than imports.
 */
export function upgradeVerdict(plan: LifecyclePlan, expectImported: readonly string[] = []): UpgradeVerdict {
  const changes = plan.resource_changes ?? [];
  const deletes = (actions: readonly string[]) => actions.includes("delete");
  const deleted = changes.filter((change) => deletes(change.change.actions)).map((change) => change.address);
  const statefulLost = changes
    .filter((change) => deletes(change.change.actions) && STATEFUL_TYPES.includes(change.type))
    .map((change) => `${change.address} (${change.change.actions.join("/")})`);
  const created = new Set(changes.filter((change) => change.change.actions.includes("create")).map((change) => change.address));
  const importedButCreated = expectImported.filter((address) => created.has(address));
  const imported = changes.filter((change) => change.change.importing !== undefined).length;
  const changed = changes.filter(
    (change) => !(change.change.actions.length === 1 && ["no-op", "read"].includes(change.change.actions[0] ?? "")),
  ).length;
  return { statefulLost, importedButCreated, deleted, imported, changed };
}

/** The previous release to upgrade from, or why the upgrade step is skipped (only ever on request). */
export type PreviousRelease = { readonly ref: string } | { readonly skipped: string };

/**
 * The previous release: by default the merge base of HEAD with main (`main`, else `origin/main`);
 * on main itself, where that merge base is HEAD, the commit before it (HEAD's first parent).
 * `E2E_PREVIOUS_REF=<commit>` names another; `E2E_PREVIOUS_REF=none` skips the step, which the
 * run then reports as skipped. Nothing else skips it: a checkout with no previous commit throws.
 */
export function previousRelease(root: string, env: NodeJS.ProcessEnv = process.env): PreviousRelease {
  const explicit = env["E2E_PREVIOUS_REF"];
  if (explicit === "none") return { skipped: "E2E_PREVIOUS_REF=none" };
  const git = (...args: string[]): string | undefined => {
    try {
      return execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return undefined;
    }
  };
  if (explicit !== undefined) {
    const ref = git("rev-parse", "--verify", `${explicit}^{commit}`);
    if (ref === undefined) throw new Error(`E2E_PREVIOUS_REF=${explicit} is not a commit of ${root}`);
    return { ref };
  }
  const head = git("rev-parse", "HEAD");
  const base = git("merge-base", "HEAD", "main") ?? git("merge-base", "HEAD", "origin/main");
  if (base !== undefined && base !== head) return { ref: base };
  const parent = git("rev-parse", "--verify", "HEAD^1");
  if (parent !== undefined) return { ref: parent };
  throw new Error(
    `no previous release to upgrade from in ${root}: HEAD is not ahead of main and has no parent (a shallow clone?). ` +
      "Clone with history, or set E2E_PREVIOUS_REF=<commit>, or E2E_PREVIOUS_REF=none to skip the upgrade step (reported as skipped)",
  );
}

/**
 * Synthesizes the previous release: `git archive` of `ref` into `workDir/source`, this checkout's
 * node_modules linked in, built with its own tsconfig.build.json, its app run into `workDir/synth`;
 * a release whose bootstrap app has account layers (`account-<id>`) adds their stack folders there.
 * @returns the synth folder (its stacks/ holds the release's stack folders)
 */
export async function synthesizeRelease(root: string, ref: string, workDir: string): Promise<string> {
  const source = path.join(workDir, "source");
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(source, { recursive: true });
  execFileSync("sh", ["-c", `git archive ${ref} | tar -x -C "${source}"`], { cwd: root });
  symlinkSync(path.join(root, "node_modules"), path.join(source, "node_modules"));
  const env = { ...process.env };
  delete env["CDKTF_OUTDIR"];
  delete env["ENVIRONMENTS_DIR"];
  const build = await run(path.join(root, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.build.json"], {
    cwd: source,
    env,
    timeoutSeconds: 300,
  });
  if (build.code !== 0) throw new Error(`build of ${ref.slice(0, 12)} failed:\n${build.stdout.slice(-2000)}`);
  const synth = path.join(workDir, "synth");
  const app = path.join(source, "dist", "main.js");
  if (!existsSync(app)) throw new Error(`${ref.slice(0, 12)} has no dist/main.js after its build`);
  const result = await run(process.execPath, [app], { cwd: source, env: { ...env, CDKTF_OUTDIR: synth }, timeoutSeconds: 300 });
  if (result.code !== 0) throw new Error(`synth of ${ref.slice(0, 12)} failed:\n${result.stderr.slice(-2000)}`);
  // A release with the account layer (the bootstrap app's account-<id> stacks) upgrades it too.
  const bootstrapApp = path.join(source, "dist", "bootstrap.js");
  if (existsSync(bootstrapApp)) {
    const bootstrapSynth = path.join(workDir, "synth-bootstrap");
    const bootstrap = await run(process.execPath, [bootstrapApp], {
      cwd: source,
      env: { ...env, CDKTF_OUTDIR: bootstrapSynth },
      timeoutSeconds: 300,
    });
    if (bootstrap.code !== 0) throw new Error(`bootstrap synth of ${ref.slice(0, 12)} failed:\n${bootstrap.stderr.slice(-2000)}`);
    const stacks = path.join(bootstrapSynth, "stacks");
    for (const stack of readdirSync(stacks).filter((name) => name.startsWith("account-"))) {
      cpSync(path.join(stacks, stack), path.join(synth, "stacks", stack), { recursive: true });
    }
  }
  return synth;
}
