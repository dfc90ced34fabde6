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
import { logger, type AccountPhase, type AccountRun, type RunContext } from "../context";
import { resourceAddresses, type Emulator } from "../scratch";
import {
  afterBirth,
  BASELINES,
  lifecycleLine,
  newCounts,
  upgradeAccount,
  type AppliedEnvironment,
  type LifecycleCounts,
} from "../lifecycle";
import { apply, mustTerraform, prepareStack, ProviderSlot } from "../lifecycle/terraform";
import { previousRelease, synthesizeRelease } from "../lifecycle/upgrade";
import { refuseDestroy } from "./teardown";
import { offCriticalPath, run } from "../processes";

const PHASE = "lifecycle";

/** The EKS endpoint birth gave a platform stack (its own moto), read from the stack's provider override. */
function eksEndpointOf(dir: string): string | undefined {
  const file = path.join(dir, "e2e_provider_override.tf.json");
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, "utf8");
  return /"eks":\s*"([^"]+)"/.exec(text)?.[1];
}

/** The releases the upgrade needs, once per run: the previous release's synth and the bootstrap app's synth with import blocks, both still running when returned. */
interface Releases {
  /** Why the upgrade is skipped (only on request), or the two synths. */
  readonly skipped?: string;
  readonly previousSynthDir: Promise<string>;
  readonly importingDir: Promise<string>;
}

let releasesOfRun: Releases | undefined;

function releases(context: RunContext): Releases {
  if (releasesOfRun !== undefined) return releasesOfRun;
  const importingDir = path.join(context.work, "synth-bootstrap-import");
  const importing = run(process.execPath, [path.join(context.root, "dist", "bootstrap.js"), "--import-existing"], {
    cwd: context.root,
    env: { ...process.env, CDKTF_OUTDIR: importingDir },
    timeoutSeconds: 300,
  }).then((synth) => {
    if (synth.code !== 0) throw new Error(`bootstrap synth with --import-existing failed: ${synth.stderr.slice(-500)}`);
    return importingDir;
  });
  const release = previousRelease(context.root);
  const previousSynthDir =
    "skipped" in release
      ? Promise.reject(new Error(`upgrade skipped: ${release.skipped}`))
      : synthesizeRelease(context.root, release.ref, path.join(context.work, "previous"));
  if (!("skipped" in release)) console.log(`[lifecycle] upgrading from the previous release ${release.ref.slice(0, 12)}`);
  for (const pending of [importing, previousSynthDir]) pending.catch(() => undefined);
  releasesOfRun = { ...("skipped" in release ? { skipped: release.skipped } : {}), previousSynthDir, importingDir: importing };
  return releasesOfRun;
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

/** Per account: the lifecycle's verdicts, recorded once its upgrade has ended too (`finish` awaits it). */
const recorded = new WeakMap<AccountRun, Promise<void>>();

/** Per account: the lifecycle's counts and its upgrade, started with the account (`start`). */
const upgrades = new WeakMap<AccountRun, { counts: LifecycleCounts; upgrade: Promise<{ skipped?: string }> }>();

function environmentsOf(account: AccountRun) {
  return loadEnvironments().filter((environment) => account.stacks.some((stack) => stack.environment === environment.name));
}

/**
 * The upgrade from the previous release needs nothing birth makes (an emulator of its own, the
 * previous release's synth): it runs beside birth, from the start of the account's run.
 */
function startUpgrade(context: RunContext, account: AccountRun): { counts: LifecycleCounts; upgrade: Promise<{ skipped?: string }> } {
  const existing = upgrades.get(account);
  if (existing !== undefined) return existing;
  const counts = newCounts();
  const upgrade = offCriticalPath(async () => {
    const { skipped, previousSynthDir, importingDir } = releases(context);
    if (skipped !== undefined) return { skipped };
    await upgradeAccount(
      { tools: context.tools, cliConfig: context.cliConfig, account: account.account, accountDir: account.dir, counts },
      previousSynthDir,
      { today: context.bootstrapDir, importing: importingDir },
      context.synthDir,
      environmentsOf(account),
      (emulator, dir, onBucketReady) => applyUpgradeBootstrap(context, account.account, emulator, dir, onBucketReady),
    );
    return {};
  }).catch((error: unknown) => {
    counts.failures.push(`upgrade of account ${account.account}: ${(error as Error).message.split("\n")[0]}`);
    logger(`upgrade ${account.account}`)(`FAILED: ${(error as Error).message}`);
    return {};
  });
  const started = { counts, upgrade };
  upgrades.set(account, started);
  return started;
}

/**
 * The upgrade emulator's bootstrap stack, as birth applies it: the state bucket first
 * (`onBucketReady`: the previous account layer needs only the bucket), then the rest (the
 * lifecycle rules, the provider's slowest wait) beside what follows.
 */
async function applyUpgradeBootstrap(
  context: RunContext,
  accountId: string,
  emulator: Emulator,
  dir: string,
  onBucketReady: () => void,
): Promise<void> {
  const name = `bootstrap-${accountId}`;
  const provider = new ProviderSlot(context.tools);
  const lifecycle = { tools: context.tools, cliConfig: context.cliConfig, emulator, log: logger(`upgrade ${name}`), provider };
  try {
    const { stack } = prepareStack(path.join(context.bootstrapDir, "stacks", name), dir, lifecycle);
    await mustTerraform(
      lifecycle,
      dir,
      ["init", "-input=false", "-no-color", `-backend-config=path=${path.join(dir, "bootstrap.tfstate")}`],
      "init",
    );
    const first = resourceAddresses(stack).filter((address) => !address.startsWith("aws_s3_bucket_lifecycle_configuration."));
    await apply(
      lifecycle,
      dir,
      first.map((address) => `-target=${address}`),
      `apply of the state bucket (${first.length} resources, the lifecycle rules next)`,
    );
    onBucketReady();
    await apply(lifecycle, dir);
  } finally {
    provider.stop();
  }
}

export const lifecycle: AccountPhase = {
  name: PHASE,
  async start(context: RunContext, account: AccountRun): Promise<void> {
    await startUpgrade(context, account).upgrade;
  },
  async run(context: RunContext, account: AccountRun): Promise<void> {
    const { counts, upgrade } = startUpgrade(context, account);
    const region = account.stacks[0]?.region ?? "eu-west-1";
    const environments = environmentsOf(account);
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
      // Each stack with its own provider process: the refusals run at the same time.
      await Promise.all(
        account.applied.filter((entry) => names.has(entry.stack.environment)).map((applied) => refuseDestroy(context, applied)),
      );
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
    await lived;
    if (tearsDown) for (const entry of living) account.tornDown.add(entry.environment.name);
    // The teardown phase needs nothing from the upgrade (its own emulators): the upgrade goes on
    // beside it, and the lifecycle's verdicts are recorded when both have ended (finish).
    recorded.set(
      account,
      upgrade.then(({ skipped }) => record(context, account.account, counts, skipped)),
    );
  },
  async finish(_context: RunContext, account: AccountRun): Promise<void> {
    await recorded.get(account);
  },
};
