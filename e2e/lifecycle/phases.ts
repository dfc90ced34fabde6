import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { EnvironmentConfig } from "../../environments/schema";
import { planTeardown } from "../../scripts/teardown";
import { resourceAddresses } from "../scratch";
import { apply, destroy, init, mustTerraform, planJson, prepareStack, terraform, type Lifecycle } from "./terraform";
import { upgradeVerdict, type UpgradeVerdict } from "./upgrade";

/**
 * The phases of an environment's life after its birth, each given folders and emulator endpoints
 * and returning counts and verdicts (e2e/run.ts adds them up):
 * - the account layer, applied before any environment of the account (with import blocks when it
 *   adopts what an older network stack created);
 * - upgrade: today's stack planned on top of the previous release's state;
 * - teardown: the steps of `npm run teardown` (scripts/teardown.ts) on the layers the emulator
 *   applies (network, platform);
 * - re-create: the same stacks applied again after their teardown.
 */

/**
 * Applies an account stack (or a bootstrap synth of it), checks the plan after apply is empty and writes its outputs to `dir/outputs.json`.
 * With `onOutputs`, everything but the S3 lifecycle rules is applied first (their apply is the
 * provider's slowest wait, about a minute of reading the rules back until steady, and no output
 * depends on them), the outputs are written and `onOutputs` is called, so the environments can
 * start while the rules are applied; the outputs after the whole apply must be the same.
 */
export async function applyAccountLayer(
  lifecycle: Lifecycle,
  source: string,
  dir: string,
  onOutputs?: () => void,
): Promise<{ imported: number; leftOut: string[] }> {
  const { stack, importsLeftOut } = prepareStack(source, dir, lifecycle);
  await init(lifecycle, dir, stack);
  const outputsFile = path.join(dir, "outputs.json");
  let early: string | undefined;
  let imported = 0;
  if (onOutputs !== undefined) {
    const first = resourceAddresses(stack).filter((address) => !address.startsWith("aws_s3_bucket_lifecycle_configuration."));
    const applied = await apply(
      lifecycle,
      dir,
      first.map((address) => `-target=${address}`),
      `apply of the account layer but its lifecycle rules (${first.length} resources)`,
    );
    imported += importedBy(applied.stdout);
    early = (await mustTerraform(lifecycle, dir, ["output", "-json"], "account layer outputs")).stdout;
    writeFileSync(outputsFile, early);
    onOutputs();
  }
  const applied = await apply(lifecycle, dir, [], "apply of the account layer");
  imported += importedBy(applied.stdout);
  lifecycle.log(`account layer: ${imported} imported`);
  const after = await planJson(lifecycle, dir);
  if (after.code !== 0) {
    const changed = (after.plan.resource_changes ?? []).filter(
      (change) => !change.change.actions.every((action) => action === "no-op" || action === "read"),
    );
    throw new Error(
      `account layer: the plan after apply is not empty: ${changed.map((change) => `${change.address} (${change.change.actions.join("/")})`).join(", ")}`,
    );
  }
  // The environments read the account layer's outputs through remote state: the wiring check
  // compares them with `<dir>/outputs.json`, as birth writes it for the other layers.
  const outputs = (await mustTerraform(lifecycle, dir, ["output", "-json"], "account layer outputs")).stdout;
  if (early !== undefined && JSON.stringify(JSON.parse(outputs)) !== JSON.stringify(JSON.parse(early)))
    throw new Error(`account layer: its outputs changed when its lifecycle rules were applied, after the environments had read them`);
  writeFileSync(outputsFile, outputs);
  lifecycle.log(
    `account layer applied, plan after apply empty${importsLeftOut.length > 0 ? `; imports left out with their emulator gaps: ${importsLeftOut.length}` : ""}`,
  );
  return { imported, leftOut: importsLeftOut };
}

/**
 * How many resources an apply imported, from its closing line (`Apply complete! Resources: 21
 * imported, 3 added, 0 changed, 0 destroyed.`; terraform leaves the count out when it is 0).
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function importedBy(applyOutput: string): number {
  const match = /Apply complete! Resources: (\d+) imported,/.exec(applyOutput);
  return match === null ? 0 : Number(match[1]);
}

/** Prepares today's stack over the state the previous release left and plans it: the verdict, nothing applied. */
export async function planUpgrade(
  lifecycle: Lifecycle,
  source: string,
  dir: string,
  expectImported: readonly string[] = [],
): Promise<UpgradeVerdict> {
  const { stack } = prepareStack(source, dir, lifecycle);
  await init(lifecycle, dir, stack);
  const { plan } = await planJson(lifecycle, dir);
  const verdict = upgradeVerdict(plan, expectImported);
  lifecycle.log(
    `upgrade plan: ${verdict.changed} changes, ${verdict.deleted.length} deletions, stateful lost: ${verdict.statefulLost.join(", ") || "none"}${
      verdict.importedButCreated.length > 0 ? `, created instead of imported: ${verdict.importedButCreated.join(", ")}` : ""
    }`,
  );
  return verdict;
}

/** Applies a stack from a synth folder (init, apply), as a re-creation after a teardown. */
export async function applyStack(lifecycle: Lifecycle, source: string, dir: string): Promise<void> {
  const { stack } = prepareStack(source, dir, lifecycle);
  await init(lifecycle, dir, stack);
  await apply(lifecycle, dir);
}

/** The emulator each layer's teardown runs against (a platform's EKS API has a moto of its own). */
export type LifecycleOf = (layer: string) => Lifecycle;

/**
 * Runs the terraform steps of `npm run teardown -- --env <env>` on the layers in `layers`, in its
 * order, each in `workDir/<stack>` prepared from the teardown's own synth (guards lifted).
 * @returns the guards the teardown lifted, as it printed them
 */
export async function teardownEnvironment(
  environment: EnvironmentConfig,
  lifecycleOf: LifecycleOf,
  layers: readonly string[],
  workDir: string,
  stamp: string,
): Promise<{ lifted: number; steps: number }> {
  const outdir = path.join(workDir, "teardown-synth");
  const plan = planTeardown(environment, { stamp, outdir });
  let steps = 0;
  const prepared = new Set<string>();
  for (const step of plan.steps) {
    if (step.kind !== "terraform") continue;
    const layer = step.stack.slice(0, step.stack.indexOf("-"));
    if (!layers.includes(layer)) continue;
    const lifecycle = lifecycleOf(layer);
    const dir = path.join(workDir, `teardown-${step.stack}`);
    if (!prepared.has(step.stack)) {
      const { stack } = prepareStack(step.dir, dir, lifecycle);
      await init(lifecycle, dir, stack);
      prepared.add(step.stack);
    }
    if (step.args[0] === "init") continue;
    const present = presentAddresses(dir);
    const targets = step.args.filter((arg) => arg.startsWith("-target="));
    const kept = targets.filter((arg) => present.has(arg.slice("-target=".length)));
    if (targets.length > 0 && kept.length === 0) continue; // every guard of this step left out with an emulator gap
    const others = step.args.slice(1).filter((arg) => !arg.startsWith("-target=") && arg !== "-auto-approve" && arg !== "-input=false");
    const run = step.args[0] === "apply" ? apply : destroy;
    await run(lifecycle, dir, [...others, ...kept], `teardown ${step.stack}: ${step.why}`);
    steps += 1;
  }
  const lifted = Object.values(plan.lifted).flat().length;
  return { lifted, steps };
}

function presentAddresses(dir: string): Set<string> {
  const file = path.join(dir, "cdk.tf.json");
  if (!existsSync(file)) return new Set();
  const doc = JSON.parse(readFileSync(file, "utf8")) as { resource?: Record<string, Record<string, unknown>> };
  return new Set(Object.entries(doc.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`)));
}

/** Resource ids from a stack's state (`terraform state pull`), by address. */
export async function stateIds(lifecycle: Lifecycle, dir: string): Promise<Map<string, string>> {
  const pulled = await terraform(lifecycle, dir, ["state", "pull"]);
  if (pulled.code !== 0) throw new Error(`state pull failed in ${dir}`);
  const state = JSON.parse(pulled.stdout) as {
    resources?: { mode: string; type: string; name: string; instances: { attributes: { id?: string } }[] }[];
  };
  const ids = new Map<string, string>();
  for (const resource of state.resources ?? []) {
    if (resource.mode !== "managed") continue;
    const id = resource.instances[0]?.attributes.id;
    if (id !== undefined) ids.set(`${resource.type}.${resource.name}`, id);
  }
  return ids;
}
