import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { terraformEnvironment } from "../context";
import { gapOf, ignoredAttributesOf } from "../emulator-gaps";
import { ProviderServer, providerBinary, run, type CommandResult, type Tools } from "../processes";
import {
  backendConfigFile,
  ignoreChangesOverride,
  leaveOutGaps,
  withoutNewerArguments,
  providerOverride,
  remoteStateOverride,
  type Emulator,
  type TerraformJson,
} from "../scratch";

/**
 * The little the lifecycle phases need of Terraform against the emulator, apart from e2e/run.ts:
 * a stack folder prepared as run.ts prepares it (emulator gaps left out, provider, backend and
 * remote state pointed at moto) and terraform run in it. Each phase gets a {@link Lifecycle}.
 */
export interface Lifecycle {
  readonly tools: Tools;
  /** TF_CLI_CONFIG_FILE: the provider mirror and plugin cache. */
  readonly cliConfig: string;
  readonly emulator: Emulator;
  readonly log: (message: string) => void;
  /**
   * One provider process for the stack's commands (TF_REATTACH_PROVIDERS), as birth runs its
   * stacks: terraform otherwise starts the large provider binary several times per command.
   * @default none: terraform starts its own
   */
  readonly provider?: ProviderSlot;
}

/**
 * A provider process for the commands of one stack, one after the other (never two at once: each
 * command configures it), started at the first command that needs it; its owner stops it.
 */
export class ProviderSlot {
  private server: Promise<ProviderServer> | undefined;

  constructor(private readonly tools: Tools) {}

  get(): Promise<ProviderServer> {
    this.server ??= ProviderServer.start(providerBinary(this.tools));
    return this.server;
  }

  stop(): void {
    void this.server?.then(
      (server) => server.stop(),
      () => undefined,
    );
  }
}

/** Provider slots by stack (and emulator), stopped together when their chain of steps ends. */
export class ProviderSlots {
  private readonly slots = new Map<string, ProviderSlot>();

  constructor(private readonly tools: Tools) {}

  for(key: string): ProviderSlot {
    const existing = this.slots.get(key);
    if (existing !== undefined) return existing;
    const slot = new ProviderSlot(this.tools);
    this.slots.set(key, slot);
    return slot;
  }

  stopAll(): void {
    for (const slot of this.slots.values()) slot.stop();
    this.slots.clear();
  }
}

const TIMEOUT_SECONDS = 8 * 60;
/** The plan file planJson writes in a stack's folder, and applySaved applies. */
const SAVED_PLAN = "lifecycle.tfplan";
const PARALLELISM = 30;

export type StackJson = TerraformJson & { import?: { to: string; id: string }[]; removed?: unknown[] };

/**
 * Copies a synthesized stack into `dir` (emptied first) as the emulator needs it. Import blocks
 * whose resource an emulator gap leaves out go too (an import needs its resource in the
 * configuration); they are returned.
 */
export function prepareStack(source: string, dir: string, lifecycle: Lifecycle): { stack: StackJson; importsLeftOut: string[] } {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(source, dir, { recursive: true, filter: (file) => !file.includes(`${path.sep}.terraform`) });
  const synthesized = JSON.parse(readFileSync(path.join(dir, "cdk.tf.json"), "utf8")) as StackJson;
  const { stack } = leaveOutGaps(withoutNewerArguments(synthesized, lifecycle.tools.providerVersion).stack, (type, _name, block) =>
    gapOf(type, block),
  );
  const kept = stack as StackJson;
  const present = (address: string) => {
    const [type, name] = address.split(".") as [string, string];
    return kept.resource?.[type]?.[name] !== undefined;
  };
  const importsLeftOut = (kept.import ?? []).filter((block) => !present(block.to)).map((block) => block.to);
  if (kept.import !== undefined) kept.import = kept.import.filter((block) => present(block.to));
  const write = (file: string, value: unknown) => writeFileSync(path.join(dir, file), `${JSON.stringify(value, null, 2)}\n`);
  write("cdk.tf.json", kept);
  write("e2e_provider_override.tf.json", providerOverride(kept, lifecycle.emulator, lifecycle.tools.providerVersion));
  const remote = remoteStateOverride(kept, lifecycle.emulator);
  if (remote !== undefined) write("e2e_remote_state_override.tf.json", remote);
  writeFileSync(path.join(dir, "e2e.s3.tfbackend"), backendConfigFile(lifecycle.emulator));
  const ignore = ignoreChangesOverride(kept, (type, block) => ignoredAttributesOf(type, block));
  if (ignore.override !== undefined) write("e2e_ignore_changes_override.tf.json", ignore.override);
  return { stack: kept, importsLeftOut };
}

export async function terraform(lifecycle: Lifecycle, dir: string, args: readonly string[]): Promise<CommandResult> {
  const env = terraformEnvironment(lifecycle.cliConfig);
  // init installs and never starts the provider; every other command attaches to the stack's.
  const provider = args[0] === "init" ? undefined : await lifecycle.provider?.get();
  if (provider !== undefined) env["TF_REATTACH_PROVIDERS"] = provider.reattach;
  const mark = provider?.mark() ?? 0;
  const cpuBefore = provider?.cpuSeconds();
  try {
    return await run(lifecycle.tools.terraform, [...args], { cwd: dir, env, timeoutSeconds: TIMEOUT_SECONDS });
  } finally {
    const cpuAfter = provider?.cpuSeconds();
    if (cpuBefore !== undefined && cpuAfter !== undefined) lifecycle.log(`${args[0]}: provider CPU ${(cpuAfter - cpuBefore).toFixed(1)} s`);
    // The provider's log of each apply and destroy (its requests, with times), as birth keeps its stacks'.
    if (provider !== undefined && (args[0] === "apply" || args[0] === "destroy"))
      writeFileSync(path.join(dir, `${args[0]}.provider.log`), provider.since(mark));
    provider?.clear();
  }
}

/** Runs terraform and throws with the output's tail when it fails. */
export async function mustTerraform(lifecycle: Lifecycle, dir: string, args: readonly string[], what: string): Promise<CommandResult> {
  const result = await terraform(lifecycle, dir, args);
  if (result.code !== 0) {
    const tail = `${result.stdout}\n${result.stderr}`.trim().split("\n").slice(-25).join("\n");
    throw new Error(`${what} failed (exit ${result.code}):\n${tail}`);
  }
  lifecycle.log(`${what}: ${result.seconds.toFixed(1)} s`);
  return result;
}

/** `terraform init` against the stack's S3 state in the emulator (or its local state). */
export function init(lifecycle: Lifecycle, dir: string, stack: StackJson): Promise<CommandResult> {
  const s3 = (stack.terraform as { backend?: Record<string, unknown> } | undefined)?.backend?.["s3"] !== undefined;
  return mustTerraform(
    lifecycle,
    dir,
    ["init", "-input=false", "-no-color", ...(s3 ? [`-backend-config=${path.join(dir, "e2e.s3.tfbackend")}`] : [])],
    "init",
  );
}

export function apply(lifecycle: Lifecycle, dir: string, extra: readonly string[] = [], what = "apply"): Promise<CommandResult> {
  return mustTerraform(
    lifecycle,
    dir,
    ["apply", "-auto-approve", "-input=false", "-no-color", `-parallelism=${PARALLELISM}`, ...extra],
    what,
  );
}

/**
 * Applies the plan `planJson` saved in `dir` (lifecycle.tfplan): exactly the changes a verdict was
 * made on, as CI applies the plan it showed, without a second init, validation and plan.
 */
export function applySaved(lifecycle: Lifecycle, dir: string, what = "apply of the saved plan"): Promise<CommandResult> {
  return mustTerraform(lifecycle, dir, ["apply", "-input=false", "-no-color", `-parallelism=${PARALLELISM}`, SAVED_PLAN], what);
}

export function destroy(lifecycle: Lifecycle, dir: string, extra: readonly string[] = [], what = "destroy"): Promise<CommandResult> {
  return mustTerraform(
    lifecycle,
    dir,
    ["destroy", "-auto-approve", "-input=false", "-no-color", `-parallelism=${PARALLELISM}`, ...extra],
    what,
  );
}

/** A saved plan as JSON, and terraform's -detailed-exitcode (0 nothing to do, 2 changes). */
export async function planJson(
  lifecycle: Lifecycle,
  dir: string,
  extra: readonly string[] = [],
): Promise<{ code: number; plan: LifecyclePlan }> {
  const planned = await terraform(lifecycle, dir, [
    "plan",
    "-detailed-exitcode",
    "-input=false",
    "-no-color",
    `-parallelism=${PARALLELISM}`,
    `-out=${SAVED_PLAN}`,
    ...extra,
  ]);
  if (planned.code !== 0 && planned.code !== 2) {
    throw new Error(
      `plan failed (exit ${planned.code}):\n${`${planned.stdout}\n${planned.stderr}`.trim().split("\n").slice(-25).join("\n")}`,
    );
  }
  const shown = await mustTerraform(lifecycle, dir, ["show", "-json", SAVED_PLAN], "show plan");
  return { code: planned.code, plan: JSON.parse(shown.stdout) as LifecyclePlan };
}

/** What the lifecycle phases read of `terraform show -json` besides PlanJson. */
export interface LifecyclePlan {
  readonly resource_changes?: readonly PlannedChange[];
  readonly resource_drift?: readonly PlannedChange[];
}

export interface PlannedChange {
  readonly address: string;
  readonly type: string;
  readonly change: { readonly actions: readonly string[]; readonly after?: unknown; readonly importing?: { readonly id: string } };
}
