/**
 * `npm run e2e -- --recheck-gaps`, resource gaps: after a stack's birth, each resource gap of
 * e2e/emulator-gaps.ts that left blocks out of it is applied as written, in a copy of the stack's
 * scratch folder with a local copy of its state (so nothing the run goes on with is touched): the
 * blocks the gap selected (and, where they need one, the other left-out blocks they refer to),
 * targeted; then a plan of them, which must be empty; then their destroy. A gap whose blocks apply,
 * plan empty and destroy has been closed by moto: the run fails naming it (remove it from the
 * list). The selection and the report are pure (unit-tested); the terraform steps are below them.
 */
import { cpSync, existsSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { readJson, writeJson, Terraform, type RunContext } from "./context";
import type { LeftOut, TerraformJson } from "./scratch";

/** One resource gap to recheck in one stack. */
export interface GapRecheck {
  /** The gap, as the left-out list names it (`emulator gap: aws_eks_addon`). */
  readonly gap: string;
  /** The blocks the gap itself selected in this stack. */
  readonly addresses: readonly string[];
  /** Every block to put back: the gap's, and the left-out blocks they need (resources and data sources), transitively. */
  readonly restore: readonly string[];
  /** Other gaps whose blocks must be put back with these (empty: the gap is rechecked in isolation). */
  readonly alsoGaps: readonly string[];
}

/** `type.name` or `data.type.name` addresses a block refers to, in `${...}` expressions and in `depends_on`. */
function referencesOf(block: Readonly<Record<string, unknown>>): Set<string> {
  const found = new Set<string>();
  for (const interpolation of JSON.stringify(block).matchAll(/\$\{([^}]*)\}/g)) {
    for (const match of (interpolation[1] ?? "").matchAll(/\b(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)/g)) {
      found.add(`${match[1] ?? ""}${match[2]}.${match[3]}`);
    }
  }
  const dependsOn = block["depends_on"];
  if (Array.isArray(dependsOn)) for (const entry of dependsOn) if (typeof entry === "string") found.add(entry);
  return found;
}

function blockAt(stack: TerraformJson, address: string): Record<string, unknown> | undefined {
  const parts = address.split(".");
  return address.startsWith("data.") ? stack.data?.[parts[1] ?? ""]?.[parts[2] ?? ""] : stack.resource?.[parts[0] ?? ""]?.[parts[1] ?? ""];
}

/**
 * The resource gaps to recheck in a stack, from what the run left out of it: one entry per gap (the
 * blocks left out for the gap itself), in the order the gaps first appear, each with the left-out
 * blocks its blocks need. Attribute gaps and blocks left out only because they refer to a gap's are
 * not gaps of their own.
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function resourceGapRechecks(synthesized: TerraformJson, leftOut: readonly LeftOut[]): GapRecheck[] {
  const reasonOf = new Map(leftOut.map((entry) => [entry.address, entry.because]));
  const isGapReason = (because: string) => because.startsWith("emulator gap:");
  const groups = new Map<string, string[]>();
  for (const entry of leftOut) {
    if (!isGapReason(entry.because) || entry.address.startsWith("output.")) continue;
    groups.set(entry.because, [...(groups.get(entry.because) ?? []), entry.address]);
  }
  return [...groups].map(([gap, addresses]) => {
    const restore: string[] = [];
    const pending = [...addresses];
    while (pending.length > 0) {
      const address = pending.shift() ?? "";
      if (restore.includes(address)) continue;
      restore.push(address);
      const block = blockAt(synthesized, address);
      if (block === undefined) continue;
      for (const reference of referencesOf(block)) if (reasonOf.has(reference) && !restore.includes(reference)) pending.push(reference);
    }
    const alsoGaps = [
      ...new Set(restore.map((address) => reasonOf.get(address) ?? "").filter((because) => isGapReason(because) && because !== gap)),
    ];
    return { gap, addresses, restore, alsoGaps };
  });
}

/**
 * The prepared stack with these blocks of the synthesized one put back (the input is not modified).
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function withBlocksRestored(prepared: TerraformJson, synthesized: TerraformJson, addresses: readonly string[]): TerraformJson {
  const copy = structuredClone(prepared);
  for (const address of addresses) {
    const block = blockAt(synthesized, address);
    if (block === undefined) throw new Error(`${address} is not in the synthesized stack`);
    const isData = address.startsWith("data.");
    const [type = "", name = ""] = address.split(".").slice(isData ? 1 : 0);
    const section = { ...((isData ? copy.data : copy.resource) ?? {}) };
    section[type] = { ...(section[type] ?? {}), [name]: structuredClone(block) };
    if (isData) copy.data = section;
    else copy.resource = section;
  }
  return copy;
}

/** What one recheck found. */
export interface GapRecheckResult {
  readonly recheck: GapRecheck;
  /** The step that failed (`apply`, `plan`, `destroy`), or undefined when all passed: the gap has closed. */
  readonly failedAt?: string;
  /** The first error line of the failed step. */
  readonly detail?: string;
}

/**
 * One line per gap, and the gaps moto has closed (apply, empty plan and destroy all passed).
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function recheckReport(results: readonly GapRecheckResult[]): {
  readonly lines: readonly string[];
  readonly closed: readonly string[];
} {
  const lines = results.map(({ recheck, failedAt, detail }) => {
    const together = recheck.alsoGaps.length === 0 ? "" : ` (not in isolation: with ${recheck.alsoGaps.join(", ")})`;
    const what = `${recheck.gap}, ${recheck.addresses.length} block${recheck.addresses.length === 1 ? "" : "s"}${together}`;
    return failedAt === undefined
      ? `${what}: CLOSED (applied, plan empty, destroyed: moto does it now)`
      : `${what}: still open (${failedAt} failed${detail === undefined ? "" : `: ${detail}`})`;
  });
  return { lines, closed: results.filter((result) => result.failedAt === undefined).map((result) => result.recheck.gap) };
}

/** Seconds each terraform step of a recheck may take (a gap that makes the provider retry for minutes counts as open). */
const STEP_TIMEOUT_SECONDS = 150;

/** The first line of terraform's output that names an error. */
function firstError(output: string): string {
  const lines = output.split("\n").map((line) => line.replace(/^[│╷╵\s]+/, "").trim());
  return (lines.find((line) => /^Error:|killed after/.test(line)) ?? lines.filter((line) => line !== "").pop() ?? "").slice(0, 200);
}

/**
 * Rechecks the resource gaps of a stack that was applied in `dir` (its state in the emulated S3):
 * one verdict, failed when a gap has closed. The stack's own folder and state are not changed.
 */
export async function recheckResourceGaps(
  context: RunContext,
  phase: string,
  stackName: string,
  dir: string,
  synthesized: TerraformJson,
  leftOut: readonly LeftOut[],
  log: (message: string) => void,
): Promise<void> {
  const rechecks = resourceGapRechecks(synthesized, leftOut);
  if (rechecks.length === 0) return;
  await context.verdicts.check(phase, stackName, "recheck resource gaps", async () => {
    const copy = `${dir}-recheck`;
    rmSync(copy, { recursive: true, force: true });
    cpSync(dir, copy, { recursive: true });
    const own = new Terraform(context, log);
    const pulled = await own.must(dir, ["state", "pull"], "state pull (for the recheck copy)");
    writeFileSync(path.join(copy, "recheck.tfstate"), pulled.stdout);
    writeJson(path.join(copy, "e2e_backend_override.tf.json"), { terraform: { backend: { local: { path: "recheck.tfstate" } } } });
    // A fresh provider per command (no reattach): a step killed on its timeout must not stop the stack's provider.
    const terraform = new Terraform(context, log);
    await terraform.must(copy, ["init", "-reconfigure", "-input=false", "-no-color"], "init of the recheck copy (local state)");
    const prepared = readJson<TerraformJson>(path.join(copy, "cdk.tf.json"));
    const results: GapRecheckResult[] = [];
    for (const recheck of rechecks) {
      writeJson(path.join(copy, "cdk.tf.json"), withBlocksRestored(prepared, synthesized, recheck.restore));
      const targets = recheck.restore.filter((address) => !address.startsWith("data.")).map((address) => `-target=${address}`);
      let failedAt: string | undefined;
      let detail: string | undefined;
      for (const [step, args] of [
        ["apply", ["apply", "-auto-approve", "-input=false", "-no-color", ...targets]],
        ["plan", ["plan", "-detailed-exitcode", "-input=false", "-no-color", ...targets]],
        ["destroy", ["destroy", "-auto-approve", "-input=false", "-no-color", ...targets]],
      ] as const) {
        const result = await terraform.exec(copy, args, undefined, { timeoutSeconds: STEP_TIMEOUT_SECONDS });
        if (result.code !== 0) {
          failedAt = step === "plan" && result.code === 2 ? "plan (not empty)" : step;
          detail = firstError(`${result.stdout}\n${result.stderr}`);
          break;
        }
      }
      if (failedAt !== undefined && failedAt !== "destroy") {
        // Whatever the apply made before it failed: destroyed, so the account's residue stays as the run left it.
        await terraform.exec(copy, ["destroy", "-auto-approve", "-input=false", "-no-color", ...targets], undefined, {
          timeoutSeconds: STEP_TIMEOUT_SECONDS,
        });
      }
      results.push({ recheck, ...(failedAt === undefined ? {} : { failedAt }), ...(detail === undefined ? {} : { detail }) });
    }
    writeJson(path.join(copy, "cdk.tf.json"), prepared);
    const report = recheckReport(results);
    for (const line of report.lines) log(`  resource gap ${line}`);
    if (existsSync(copy)) rmSync(path.join(copy, ".terraform"), { recursive: true, force: true });
    if (report.closed.length > 0)
      throw new Error(`resource gaps moto has closed (remove them from e2e/emulator-gaps.ts): ${report.closed.join(", ")}`);
    context.verdicts.pass(phase, stackName, "recheck resource gaps", `${results.length} resource gaps still open`);
  });
}
