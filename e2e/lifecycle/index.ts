import { existsSync } from "node:fs";
import * as path from "node:path";
import { logger } from "../context";
import { RESIDUE_GAPS } from "../emulator-gaps";
import { planRunnerProjectName, runnerProjectName } from "../../modules/ci/codebuild-github-runner";
import type { EnvironmentConfig } from "../../environments/schema";
import { Moto, type Tools } from "../processes";
import type { Emulator } from "../scratch";
import { detectDrift } from "./drift";
import { applyAccountLayer, applyStack, planUpgrade, stateIds, teardownEnvironment, type LifecycleOf } from "./phases";
import { DECLARED_SURVIVORS, inventory, json, residue, type Inventory } from "./residue";
import { applySaved, ProviderSlots, type Lifecycle } from "./terraform";

/**
 * The lifecycle of an account's environments on the emulator, for e2e/run.ts: the account layer
 * before any environment; after the birth of each non-production environment, a drift check, the
 * teardown command's steps, a residue check, a re-creation, a second teardown and residue check.
 * (Production refuses the teardown command; run.ts proves its guards refuse a destroy.)
 */

/** The inventory of each account right after its account layer, before any environment (phases/birth.ts records it). */
export const BASELINES = new Map<string, Inventory>();

export interface LifecycleCounts {
  upgrades: number;
  teardowns: number;
  recreates: number;
  driftDetections: number;
  statefulReplacements: string[];
  residue: string[];
  failedRecreates: string[];
  missedDrift: string[];
  failures: string[];
}

export function newCounts(): LifecycleCounts {
  return {
    upgrades: 0,
    teardowns: 0,
    recreates: 0,
    driftDetections: 0,
    statefulReplacements: [],
    residue: [],
    failedRecreates: [],
    missedDrift: [],
    failures: [],
  };
}

/** The last line of the run: the lifecycle's counts, and what failed. */
export function lifecycleLine(counts: LifecycleCounts): string {
  return (
    `e2e lifecycle: ${counts.upgrades} upgrades, ${counts.teardowns} teardowns, ${counts.recreates} re-creates, ${counts.driftDetections} drift detections; ` +
    `${counts.statefulReplacements.length} stateful replacements, ${counts.residue.length} residue, ${counts.failedRecreates.length} failed re-creates, ${counts.missedDrift.length} missed drift, ${counts.failures.length} other failures`
  );
}

/** Whether any lifecycle count is a failure. @internal (the phase reports verdicts per check; tests read the counts through this) */
export function lifecycleFailed(counts: LifecycleCounts): boolean {
  return (
    counts.statefulReplacements.length +
      counts.residue.length +
      counts.failedRecreates.length +
      counts.missedDrift.length +
      counts.failures.length >
    0
  );
}

export interface AccountContext {
  readonly tools: Tools;
  readonly cliConfig: string;
  readonly account: string;
  readonly accountDir: string;
  readonly emulator: Emulator;
  readonly moto: Moto;
  /** The region of the account's environments (listings and changes are made there). */
  readonly region: string;
  readonly counts: LifecycleCounts;
}

const lifecycleFor = (
  context: Pick<AccountContext, "tools" | "cliConfig" | "emulator">,
  name: string,
  emulator: Emulator = context.emulator,
  providers?: ProviderSlots,
): Lifecycle => ({
  tools: context.tools,
  cliConfig: context.cliConfig,
  emulator,
  log: logger(name),
  // One provider process per stack and emulator, for the commands of the chain, one after the other.
  ...(providers === undefined ? {} : { provider: providers.for(`${name}@${emulator.endpoint} ${emulator.eksEndpoint ?? ""}`) }),
});

/** One applied non-production environment, as run.ts applied it. */
export interface AppliedEnvironment {
  readonly environment: EnvironmentConfig;
  readonly networkDir: string;
  /** The emulator of its platform stack (EKS served by a moto of its own). */
  readonly platformEmulator: Emulator;
}

/**
 * After the birth of the account's non-production environments: drift, teardown, residue,
 * re-create, teardown, residue. Environments run in parallel; `baseline` is the inventory before any was born.
 */
export async function afterBirth(
  context: AccountContext,
  environments: readonly AppliedEnvironment[],
  baseline: Inventory,
  synthDir: string,
): Promise<void> {
  const providers = new ProviderSlots(context.tools);
  try {
    await lifeOf(context, environments, baseline, synthDir, providers);
  } finally {
    providers.stopAll();
  }
}

async function lifeOf(
  context: AccountContext,
  environments: readonly AppliedEnvironment[],
  baseline: Inventory,
  synthDir: string,
  providers: ProviderSlots,
): Promise<void> {
  const { counts } = context;
  const stamp = (round: number) => `e2e-${round}`;
  const lifecycleOf =
    (applied: AppliedEnvironment): LifecycleOf =>
    (layer) =>
      lifecycleFor(
        context,
        `${layer}-${applied.environment.name}`,
        layer === "platform" ? applied.platformEmulator : context.emulator,
        providers,
      );

  // Drift: behind Terraform's back, a tag on the VPC and an ingress rule on the endpoints' group.
  await Promise.all(
    environments.map(async (applied) => {
      const name = `network-${applied.environment.name}`;
      const lifecycle = lifecycleFor(context, name, context.emulator, providers);
      try {
        const ids = await stateIds(lifecycle, applied.networkDir);
        const find = (type: string, match: (address: string) => boolean) => {
          const entry = [...ids].find(([address]) => address.startsWith(`${type}.`) && match(address));
          if (entry === undefined) throw new Error(`${name}: no ${type} in state`);
          return { address: entry[0], id: entry[1] };
        };
        const verdict = await detectDrift(lifecycle, applied.environment.account.region, applied.networkDir, {
          vpc: find("aws_vpc", (address) => address.startsWith("aws_vpc.vpc_")),
          securityGroup: find("aws_security_group", (address) => address.includes("endpoints")),
        });
        const missed = verdict.made.filter((address) => !verdict.reported.includes(address));
        if (verdict.exitCodeBefore !== 0 || verdict.exitCode !== 2 || missed.length > 0)
          counts.missedDrift.push(
            `${name}: exit ${verdict.exitCodeBefore} before, ${verdict.exitCode} after the changes, not reported: ${missed.join(", ") || "none"}`,
          );
        else counts.driftDetections += verdict.reported.length;
      } catch (error) {
        counts.failures.push(`${name} drift: ${(error as Error).message.split("\n")[0]}`);
      }
    }),
  );

  const round = async (number: number): Promise<boolean> => {
    const results = await Promise.all(
      environments.map(async (applied) => {
        const name = applied.environment.name;
        try {
          const done = await teardownEnvironment(
            applied.environment,
            lifecycleOf(applied),
            ["platform", "network"],
            path.join(context.accountDir, `lifecycle-${name}-${number}`),
            stamp(number),
          );
          logger(name)(`teardown ${number}: ${done.steps} steps, ${done.lifted} guards lifted by name`);
          // Emulator gap: the provider deletes a CodeBuild project by its ARN (its id), and moto
          // pops projects by name only (moto/codebuild/models.py delete_project:
          // `self.codebuild_projects.pop(project_name, None)`), so the runner project survives a
          // successful destroy (observed: residue codebuild:project dev-github-runner, then the
          // re-create failing on it). Deleted here by name, and said so: both runner projects
          // (the deploy runner and, since issue 20, the plan runner).
          for (const project of [runnerProjectName(name), planRunnerProjectName(name)]) {
            await json(context.emulator.endpoint, context.region, "codebuild", "CodeBuild_20161006.DeleteProject", { name: project });
            console.log(
              `[${name}] emulator gap: CodeBuild project ${project} deleted by name after the teardown (moto ignores DeleteProject by ARN)`,
            );
          }
          counts.teardowns += 1;
          return true;
        } catch (error) {
          counts.failures.push(`${name} teardown ${number}: ${(error as Error).message.split("\n")[0]}`);
          logger(name)(`teardown ${number} FAILED: ${(error as Error).message}`);
          return false;
        }
      }),
    );
    return results.every(Boolean);
  };

  const checkResidue = async (number: number) => {
    const leftovers: Record<string, string[]> = {};
    const left = residue(baseline, await inventory(context.moto.endpoint, context.region, leftovers));
    const entries = Object.entries(left).map(([kind, ids]) => `${kind} x${ids.length} (${ids.join(", ")})`);
    const byEmulator = RESIDUE_GAPS.filter((gap) => (leftovers[gap.kind] ?? []).length > 0).map(
      (gap) => `${gap.kind} x${(leftovers[gap.kind] ?? []).length} (${gap.condition})`,
    );
    console.log(
      `[${context.account}] residue after teardown ${number}: ${entries.length === 0 ? "none" : entries.join("; ")}. Declared survivors: ${DECLARED_SURVIVORS.join("; ")}. Left out as emulator gaps (e2e/emulator-gaps.ts RESIDUE_GAPS): ${byEmulator.length === 0 ? "none" : byEmulator.join(", ")}`,
    );
    counts.residue.push(...entries.map((entry) => `account ${context.account} after teardown ${number}: ${entry}`));
  };

  if (!(await round(1))) return;
  await checkResidue(1);

  // Re-create: names must be free again (KMS aliases, log groups, buckets, roles).
  const recreated = await Promise.all(
    environments.map(async (applied) => {
      const name = applied.environment.name;
      try {
        for (const layer of ["network", "platform"]) {
          const stack = `${layer}-${name}`;
          await applyStack(
            lifecycleOf(applied)(layer),
            path.join(synthDir, "stacks", stack),
            path.join(context.accountDir, `recreate-${stack}`),
          );
        }
        counts.recreates += 1;
        return true;
      } catch (error) {
        counts.failedRecreates.push(`${name}: ${(error as Error).message.split("\n")[0]}`);
        logger(name)(`re-create FAILED: ${(error as Error).message}`);
        return false;
      }
    }),
  );
  if (!recreated.every(Boolean)) return;
  if (!(await round(2))) return;
  await checkResidue(2);
}

/**
 * Upgrade from the previous release, in a moto of its own: the bootstrap, the previous release's
 * network and platform of every environment of the account, the account layer adopting their
 * singletons (import blocks), then today's stacks planned (no stateful deletion or replacement, no
 * creation of an imported singleton) and applied on top.
 *
 * What is independent runs at the same time: the EKS emulators start with the bootstrap; the
 * previous account layer needs only the state bucket (`bootstrapApply` says when it is up); each
 * environment's platform follows its own network. With the account layer in the previous release
 * the networks of different environments are independent too (each reads the account layer); a
 * release without it applies them in promotion order (a later one looks up the owner's OIDC
 * provider), and adopts the singletons once every environment is up. Today's stacks are then
 * planned and applied per environment, network before platform, the environments at the same time.
 */
export async function upgradeAccount(
  context: Omit<AccountContext, "moto" | "emulator" | "counts" | "region"> & { readonly counts: LifecycleCounts },
  /** The previous release's synth folder: a promise, since its build and synth run while the bootstrap applies. */
  previous: Promise<string>,
  bootstrapSynth: { readonly today: string; readonly importing: Promise<string> },
  synthDir: string,
  environments: readonly EnvironmentConfig[],
  bootstrapApply: (emulator: Emulator, dir: string, onBucketReady: () => void) => Promise<void>,
): Promise<void> {
  const dir = path.join(context.accountDir, "upgrade");
  const providers = new ProviderSlots(context.tools);
  const startMoto = (log: string) => Moto.start(context.tools, context.account, path.join(context.accountDir, log));
  // Every emulator at once (each takes seconds to answer); a failed start is reported when awaited.
  const motos = [
    startMoto("moto-upgrade.log"),
    ...environments.map((environment) => startMoto(`moto-upgrade-eks-${environment.name}.log`)),
  ];
  for (const moto of motos) moto.catch(() => undefined);
  let bootstrapped: Promise<void> = Promise.resolve();
  try {
    const moto = await (motos[0] as Promise<Moto>);
    const emulator: Emulator = { endpoint: moto.endpoint, accessKey: "test", secretKey: "test" };
    const scoped = { ...context, moto, emulator, region: environments[0]?.account.region ?? "eu-west-1" };
    let bucketReady: () => void = () => undefined;
    const bucket = new Promise<void>((resolve) => (bucketReady = resolve));
    bootstrapped = bootstrapApply(emulator, path.join(dir, `bootstrap-${context.account}`), () => bucketReady());
    await Promise.race([bucket, bootstrapped]);
    const eks = new Map<string, Emulator>();
    for (const [index, environment] of environments.entries()) {
      const eksMoto = await (motos[index + 1] as Promise<Moto>);
      eks.set(environment.name, { ...emulator, eksEndpoint: eksMoto.endpoint });
    }
    const emulatorOf = (layer: string, environment: string) => (layer === "platform" ? (eks.get(environment) ?? emulator) : emulator);
    const accountStack = `account-${context.account}`;
    const previousSynthDir = await previous;
    const previousAccountLayer = existsSync(path.join(previousSynthDir, "stacks", accountStack));
    if (previousAccountLayer) {
      await applyAccountLayer(
        lifecycleFor(scoped, `previous ${accountStack}`, emulator, providers),
        path.join(previousSynthDir, "stacks", accountStack),
        path.join(dir, accountStack),
      );
    }
    const applyPrevious = (layer: string, environment: string): Promise<void> =>
      applyStack(
        lifecycleFor(scoped, `previous ${layer}-${environment}`, emulatorOf(layer, environment), providers),
        path.join(previousSynthDir, "stacks", `${layer}-${environment}`),
        path.join(dir, `${layer}-${environment}`),
      );
    // The previous release: each environment's network, then its platform. Without the account
    // layer the networks go in promotion order (a later one looks up the owner's OIDC provider).
    await perEnvironment(
      environments.map((environment) => environment.name),
      previousAccountLayer,
      applyPrevious,
    );
    if (previousAccountLayer) {
      // The previous release has the account layer: today's is planned and applied on top of it, like the environments.
      const lifecycle = lifecycleFor(scoped, `upgrade ${accountStack}`, emulator, providers);
      const verdict = await planUpgrade(lifecycle, path.join(bootstrapSynth.today, "stacks", accountStack), path.join(dir, accountStack));
      context.counts.statefulReplacements.push(...verdict.statefulLost.map((address) => `${accountStack}: ${address}`));
      await applyAccountLayer(lifecycle, path.join(bootstrapSynth.today, "stacks", accountStack), path.join(dir, accountStack));
      context.counts.upgrades += 1;
    } else {
      const adopted = await applyAccountLayer(
        lifecycleFor(scoped, `${accountStack} (import)`, emulator, providers),
        path.join(await bootstrapSynth.importing, "stacks", accountStack),
        path.join(dir, accountStack),
      );
      logger(accountStack)(`adopted ${adopted.imported} singletons of the previous release with import blocks`);
    }
    const upgrade = async (layer: string, environment: string): Promise<void> => {
      const stack = `${layer}-${environment}`;
      const lifecycle = lifecycleFor(scoped, `upgrade ${stack}`, emulatorOf(layer, environment), providers);
      const verdict = await planUpgrade(lifecycle, path.join(synthDir, "stacks", stack), path.join(dir, stack));
      context.counts.statefulReplacements.push(...verdict.statefulLost.map((address) => `${stack}: ${address}`));
      context.counts.statefulReplacements.push(
        ...verdict.importedButCreated.map((address) => `${stack}: ${address} created, not imported`),
      );
      // The plan the verdict was made on, as CI applies the plan it showed (no second validation and plan).
      await applySaved(lifecycle, path.join(dir, stack), "apply of the upgrade plan");
      context.counts.upgrades += 1;
    };
    // Today's stacks on top, in the same order.
    await perEnvironment(
      environments.map((environment) => environment.name),
      previousAccountLayer,
      upgrade,
    );
    await bootstrapped;
  } catch (error) {
    context.counts.failures.push(`upgrade of account ${context.account}: ${(error as Error).message.split("\n")[0]}`);
    logger(`upgrade ${context.account}`)(`FAILED: ${(error as Error).message}`);
  } finally {
    await bootstrapped.catch(() => undefined);
    providers.stopAll();
    await Promise.all(motos.map((moto) => moto.then((started) => started.stop()).catch(() => undefined)));
  }
}

/**
 * Runs `step` for the network then the platform of each environment, the environments at the
 * same time; when `networksIndependent` is false (a release without the account layer), each
 * network waits for the one before it in the list (promotion order). Waits until nothing runs,
 * then throws the first failure in the list's order; a network that failed stops its platform,
 * and in promotion order the later networks.
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export async function perEnvironment(
  environments: readonly string[],
  networksIndependent: boolean,
  step: (layer: "network" | "platform", environment: string) => Promise<void>,
): Promise<void> {
  let previousNetwork: Promise<void> = Promise.resolve();
  const chains = environments.map((environment) => {
    const network = networksIndependent ? step("network", environment) : previousNetwork.then(() => step("network", environment));
    previousNetwork = network;
    return network.then(() => step("platform", environment));
  });
  const results = await Promise.allSettled(chains);
  const failure = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failure !== undefined) throw failure.reason;
}
