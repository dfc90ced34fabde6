import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import * as path from "node:path";
import { ROOT } from "../launch";
import { commandLineOrExit } from "./command-line";
import { SYNTH_COMPARE_COMMAND } from "./commands";

/**
 * `npm run synth:compare -- [<git ref>]`: synthesizes every stack at `<ref>` (default `HEAD`) and in
 * the working tree, and says what changed, per stack and per Terraform address. A refactor
 * (moving files, splitting a module) must report "identical"; a change on purpose shows exactly
 * which resources it adds, removes or changes, before anyone runs a plan.
 *
 * The ref is checked out as a detached git worktree under `.tmp/synth-compare/` sharing this
 * checkout's node_modules, built with its own `npm run build` and run as `node dist/main.js`.
 * Exit 0 when the output is identical, 1 when it differs, 2 on bad usage.
 */

/** Synthesized Terraform JSON of every stack: stack name to its parsed `cdk.tf.json`. */
export type SynthOutput = ReadonlyMap<string, TerraformJson>;

/** The parts of a synthesized stack whose entries have Terraform addresses. */
export interface TerraformJson {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly data?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly output?: Readonly<Record<string, unknown>>;
  readonly [block: string]: unknown;
}

/** What changed in one stack. */
export interface StackChanges {
  readonly stack: string;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
}

/** The comparison of two synths. */
export interface SynthComparison {
  readonly addedStacks: readonly string[];
  readonly removedStacks: readonly string[];
  readonly changedStacks: readonly StackChanges[];
}

/** Every addressed entry of a stack: `aws_s3_bucket.state`, `data.aws_iam_policy_document.x`, `output.vpc_id`, and one entry per other block. */
function addressedEntries(json: TerraformJson): Map<string, string> {
  const entries = new Map<string, string>();
  for (const [block, value] of Object.entries(json)) {
    if (block === "resource" || block === "data") {
      const prefix = block === "data" ? "data." : "";
      for (const [type, byName] of Object.entries(value as Record<string, Record<string, unknown>>)) {
        for (const [name, body] of Object.entries(byName)) entries.set(`${prefix}${type}.${name}`, JSON.stringify(body));
      }
    } else if (block === "output" || block === "variable") {
      for (const [name, body] of Object.entries(value as Record<string, unknown>)) entries.set(`${block}.${name}`, JSON.stringify(body));
    } else {
      entries.set(block === "//" ? "// (cdktf metadata)" : block, JSON.stringify(value));
    }
  }
  return entries;
}

/** What differs between two synths, address by address. */
export function compareSynth(before: SynthOutput, after: SynthOutput): SynthComparison {
  const addedStacks = [...after.keys()].filter((stack) => !before.has(stack)).sort();
  const removedStacks = [...before.keys()].filter((stack) => !after.has(stack)).sort();
  const changedStacks: StackChanges[] = [];
  for (const stack of [...after.keys()].filter((name) => before.has(name)).sort()) {
    const old = addressedEntries(before.get(stack) as TerraformJson);
    const now = addressedEntries(after.get(stack) as TerraformJson);
    const added = [...now.keys()].filter((key) => !old.has(key)).sort();
    const removed = [...old.keys()].filter((key) => !now.has(key)).sort();
    const changed = [...now.keys()].filter((key) => old.has(key) && old.get(key) !== now.get(key)).sort();
    if (added.length + removed.length + changed.length > 0) changedStacks.push({ stack, added, removed, changed });
  }
  return { addedStacks, removedStacks, changedStacks };
}

/** Whether nothing changed. */
export function isIdentical(comparison: SynthComparison): boolean {
  return comparison.addedStacks.length + comparison.removedStacks.length + comparison.changedStacks.length === 0;
}

/** The comparison as the lines a reader gets. */
export function formatComparison(comparison: SynthComparison, ref: string): string[] {
  if (isIdentical(comparison)) return [`synth: identical to ${ref} (every stack, every address)`];
  const lines = [`synth differs from ${ref}:`];
  for (const stack of comparison.addedStacks) lines.push(`  + stack ${stack}`);
  for (const stack of comparison.removedStacks) lines.push(`  - stack ${stack}`);
  for (const { stack, added, removed, changed } of comparison.changedStacks) {
    lines.push(`  ~ stack ${stack}`);
    for (const address of added) lines.push(`      + ${address}`);
    for (const address of removed) lines.push(`      - ${address}`);
    for (const address of changed) lines.push(`      ~ ${address}`);
  }
  return lines;
}

/** Reads `<outdir>/stacks/<stack>/cdk.tf.json` of every stack. */
function readSynth(outdir: string): Map<string, TerraformJson> {
  const stacksDir = path.join(outdir, "stacks");
  const output = new Map<string, TerraformJson>();
  for (const stack of readdirSync(stacksDir)) {
    output.set(stack, JSON.parse(readFileSync(path.join(stacksDir, stack, "cdk.tf.json"), "utf8")) as TerraformJson);
  }
  return output;
}

/** Builds the checkout at `dir` with its own build script and synthesizes its app into `outdir`. */
function synthesize(dir: string, outdir: string): void {
  rmSync(outdir, { recursive: true, force: true });
  execFileSync("npm", ["run", "--silent", "build"], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
  execFileSync(process.execPath, ["dist/main.js"], {
    cwd: dir,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, CDKTF_OUTDIR: outdir },
  });
}

function main(argv: readonly string[]): number {
  const ref = commandLineOrExit(SYNTH_COMPARE_COMMAND, argv).arguments[0] ?? "HEAD";
  const commit = execFileSync("git", ["rev-parse", "--verify", `${ref}^{commit}`], { cwd: ROOT, encoding: "utf8" }).trim();
  const scratch = path.join(ROOT, ".tmp", "synth-compare");
  const worktree = path.join(scratch, commit.slice(0, 12));
  mkdirSync(scratch, { recursive: true });
  if (!existsSync(worktree)) {
    execFileSync("git", ["worktree", "add", "--detach", worktree, commit], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
    symlinkSync(path.join(ROOT, "node_modules"), path.join(worktree, "node_modules"), "dir");
  }
  synthesize(worktree, path.join(scratch, "before"));
  synthesize(ROOT, path.join(scratch, "after"));
  const comparison = compareSynth(readSynth(path.join(scratch, "before")), readSynth(path.join(scratch, "after")));
  process.stdout.write(`${formatComparison(comparison, `${ref} (${commit.slice(0, 12)})`).join("\n")}\n`);
  return isIdentical(comparison) ? 0 : 1;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
