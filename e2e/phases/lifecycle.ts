/**
 * Lifecycle, after the birth of an account's environments (e2e/lifecycle): upgrade from the
 * previous release in an emulator of its own (the account layer adopting the singletons with
 * import blocks; no stateful deletion or replacement, no imported singleton created); for each
 * non-production environment a drift check, the teardown command's steps, a residue check against
 * the inventory taken before the birth, a re-creation, a second teardown and residue check.
 * Production refuses the teardown command: the teardown phase proves its guards.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { loadEnvironments } from "../../environments/load";
import type { AccountPhase, AccountRun, RunContext } from "../context";
import {
  afterBirth,
  BASELINES,
  lifecycleLine,
  newCounts,
  upgradeAccount,
  type AppliedEnvironment,
  type LifecycleCounts,
} from "../lifecycle";
import { apply, mustTerraform, prepareStack } from "../lifecycle/terraform";
import { previousRelease, synthesizeRelease } from "../lifecycle/upgrade";
import { refuseDestroy } from "./teardown";
import { run } from "../processes";

const PHASE = "lifecycle";

/** The EKS endpoint birth gave a platform stack (its own moto), read from the stack's provider override. */
function eksEndpointOf(dir: string): string | undefined {
  const file = path.join(dir, "e2e_provider_override.tf.json");
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, "utf8");
  return /"eks":\s*"([^"]+)"/.exec(text)?.[1];
}

let previous: Promise<{ synthDir?: string; skipped?: string; importingDir: string }> | undefined;

/** The previous release's synth and the bootstrap app's synth with import blocks, once per run. */
function releases(context: RunContext): Promise<{ synthDir?: string; skipped?: string; importingDir: string }> {
  previous ??= (async () => {
    const importingDir = path.join(context.work, "synth-bootstrap-import");
    const synth = await run(process.execPath, [path.join(context.root, "dist", "bootstrap.js"), "--import-existing"], {
      cwd: context.root,
      env: { ...process.env, CDKTF_OUTDIR: importingDir },
      timeoutSeconds: 300,
    });
    if (synth.code !== 0) throw new Error(`bootstrap synth with --import-existing failed: ${synth.stderr.slice(-500)}`);
    const release = previousRelease(context.root);
    if ("skipped" in release) return { skipped: release.skipped, importingDir };
    console.log(`[lifecycle] upgrading from the previous release ${release.ref.slice(0, 12)}`);
    return { synthDir: await synthesizeRelease(context.root, release.ref, path.join(context.work, "previous")), importingDir };
  })();
  return previous;
}

function record(context: RunContext, account: string, counts: LifecycleCounts, upgradeSkipped: string | undefined): void {
  const verdicts = context.verdicts;
  const subject = `account ${account}`;
  const check = (name: string, failures: readonly string[], passed: string) => {
    if (failures.length === 0) verdicts.pass(PHASE, subject, name, passed);
    for (const failure of failures) verdicts.fail(PHASE, subject, name, failure);
  };
  if (upgradeSkipped !== undefined)
    verdicts.pass(PHASE, subject, "upgrade without stateful replacement", `SKIPPED on request (${upgradeSkipped})`);
  else if (counts.upgrades === 0)
    verdicts.fail(PHASE, subject, "upgrade without stateful replacement", "no stack was upgraded from the previous release");
  else check("upgrade without stateful replacement", counts.statefulReplacements, `${counts.upgrades} stacks upgraded`);
  check("teardown without residue", counts.residue, `${counts.teardowns} teardowns`);
  check("re-create after teardown", counts.failedRecreates, `${counts.recreates} re-created`);
  check("drift reported", counts.missedDrift, `${counts.driftDetections} drift detections`);
  check("lifecycle steps", counts.failures, "every step ran");
  console.log(`[${account}] ${lifecycleLine(counts)}`);
  const total = context.figures.lifecycle;
  context.figures.lifecycle = {
    upgrades: (total?.upgrades ?? 0) + counts.upgrades,
    teardowns: (total?.teardowns ?? 0) + counts.teardowns,
    recreates: (total?.recreates ?? 0) + counts.recreates,
    driftDetections: (total?.driftDetections ?? 0) + counts.driftDetections,
    statefulReplacements: (total?.statefulReplacements ?? 0) + counts.statefulReplacements.length,
    residue: (total?.residue ?? 0) + counts.residue.length,
    failedRecreates: (total?.failedRecreates ?? 0) + counts.failedRecreates.length,
    missedDrift: (total?.missedDrift ?? 0) + counts.missedDrift.length,
  };
}

export const lifecycle: AccountPhase = {
  name: PHASE,
  async run(context: RunContext, account: AccountRun): Promise<void> {
    const counts = newCounts();
    const region = account.stacks[0]?.region ?? "eu-west-1";
    const environments = loadEnvironments().filter((environment) => account.stacks.some((stack) => stack.environment === environment.name));
    const { synthDir: previousSynthDir, skipped: upgradeSkipped, importingDir } = await releases(context);
    const upgrade =
      previousSynthDir === undefined
        ? Promise.resolve()
        : upgradeAccount(
            { tools: context.tools, cliConfig: context.cliConfig, account: account.account, accountDir: account.dir, counts },
            previousSynthDir,
            { today: context.bootstrapDir, importing: importingDir },
            context.synthDir,
            environments,
            async (emulator, dir) => {
              const lifecycle = {
                tools: context.tools,
                cliConfig: context.cliConfig,
                emulator,
                log: (m: string) => console.log(`[upgrade bootstrap-${account.account}] ${m}`),
              };
              prepareStack(path.join(context.bootstrapDir, "stacks", `bootstrap-${account.account}`), dir, lifecycle);
              await mustTerraform(
                lifecycle,
                dir,
                ["init", "-input=false", "-no-color", `-backend-config=path=${path.join(dir, "bootstrap.tfstate")}`],
                "init",
              );
              await apply(lifecycle, dir);
            },
          );
    const baseline = BASELINES.get(account.account);
    const living: AppliedEnvironment[] = environments
      .filter((environment) => environment.stage !== "production")
      .filter((environment) =>
        ["network", "platform"].every((layer) => account.applied.some((entry) => entry.stack.name === `${layer}-${environment.name}`)),
      )
      .map((environment) => ({
        environment,
        networkDir: path.join(account.dir, `network-${environment.name}`),
        platformEmulator: {
          ...account.emulator,
          eksEndpoint: eksEndpointOf(path.join(account.dir, `platform-${environment.name}`)) ?? account.emulator.endpoint,
        },
      }));
    const tearsDown = baseline !== undefined && living.length > 0;
    // The guards must refuse a plain destroy before the teardown command lifts them (the teardown
    // phase would find these environments gone).
    if (tearsDown) {
      const names = new Set(living.map((entry) => entry.environment.name));
      for (const applied of account.applied.filter((entry) => names.has(entry.stack.environment))) await refuseDestroy(context, applied);
    }
    const lived = !tearsDown
      ? Promise.resolve()
      : afterBirth(
          {
            tools: context.tools,
            cliConfig: context.cliConfig,
            account: account.account,
            accountDir: account.dir,
            emulator: account.emulator,
            moto: account.moto,
            region,
            counts,
          },
          living,
          baseline,
          context.synthDir,
        );
    await Promise.all([upgrade, lived]);
    if (tearsDown) for (const entry of living) account.tornDown.add(entry.environment.name);
    record(context, account.account, counts, upgradeSkipped);
  },
};
