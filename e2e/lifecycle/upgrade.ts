import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
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

/** The previous release: by default the merge base of HEAD with main (E2E_PREVIOUS_REF overrides; `none` skips the upgrade). */
export function previousReleaseRef(root: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env["E2E_PREVIOUS_REF"];
  if (explicit === "none") return undefined;
  const git = (...args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();
  try {
    const ref = explicit ?? git("merge-base", "HEAD", "main");
    const resolved = git("rev-parse", ref);
    return resolved === git("rev-parse", "HEAD") && explicit === undefined ? undefined : resolved;
  } catch {
    return undefined;
  }
}

/**
 * Synthesizes the previous release: `git archive` of `ref` into `workDir/source`, this checkout's
 * node_modules linked in, built with its own tsconfig.build.json, its app run into `workDir/synth`.
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
  return synth;
}
