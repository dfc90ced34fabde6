/**
 * What every phase of an end-to-end run shares: the tools, the verdicts, the figures, terraform
 * run against one provider process, and the scratch copy of a synthesized stack.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { IamRequest } from "./calls";
import { gapOf, ignoredAttributesOf } from "./emulator-gaps";
import { run, type CommandResult, type Moto, type ProviderServer, type Tools } from "./processes";
import { plantingsNamed } from "./plantings";
import { summariseLeftOut } from "./report";
import type { PolicyDocument, RolePolicies } from "./roles";
import {
  backendConfigFile,
  countResources,
  ignoreChangesOverride,
  leaveOutGaps,
  withoutNewerArguments,
  providerOverride,
  remoteStateOverride,
  type Emulator,
  type LeftOut,
  type TerraformJson,
} from "./scratch";
import type { Verdicts } from "./verdicts";

export const PARALLELISM = 30;
const APPLY_TIMEOUT_SECONDS = 8 * 60;

/** A stack as `npm run stacks -- --json` lists it. */
export interface StackEntry {
  readonly name: string;
  readonly layer: string;
  readonly stage: string;
  readonly environment: string;
  readonly accountId: string;
  readonly region: string;
  readonly planRoleArn: string;
  readonly deployRoleArn: string;
}

/** Counts of the run, for the summary line. */
export interface Figures {
  resourcesCreated: number;
  leftOutForGaps: number;
  perpetualDiffs: number;
  violations: number;
  calls: { concrete: number; wildcardOnly: number; underived: number };
  /** Underived requests per service prefix. */
  underivedByService: Map<string, number>;
  /** The lifecycle phase's totals over every account, once it has run. */
  lifecycle?: import("./verdicts").LifecycleTotals;
}

/** The state of one run, shared by the phases. */
export interface RunContext {
  readonly root: string;
  readonly work: string;
  readonly tools: Tools;
  readonly cliConfig: string;
  readonly synthDir: string;
  readonly bootstrapDir: string;
  readonly verdicts: Verdicts;
  readonly figures: Figures;
  /** IAM action models (iam-data), filled as calls are checked. */
  readonly models: Map<string, import("./arns").ActionModel>;
  /** Requests made as each CI role (least-privilege report). */
  readonly usage: Map<string, { role: RolePolicies; requests: IamRequest[] }>;
  /** Every process started, stopped at the end or on a signal. */
  readonly running: { stop(): void }[];
  /** `--recheck-gaps`: also plan without the attribute gaps' ignore_changes. */
  readonly recheckGaps: boolean;
  /** `--plant <defect>` (repeatable): known defects planted in what the run works on (plantings.ts). */
  readonly plant: readonly string[];
}

/** One account's stacks and emulator, passed from phase to phase. */
export interface AccountRun {
  readonly account: string;
  readonly dir: string;
  readonly stacks: readonly StackEntry[];
  readonly moto: Moto;
  readonly emulator: Emulator;
  /** Stacks applied so far, with their scratch folder and provider process. */
  readonly applied: Applied[];
  /** What the states applied so far say about each resource ARN: its tags and (KMS keys) its resource policy. */
  readonly resources: Map<string, ResourceFacts>;
  /** Environments the lifecycle phase has already torn down with the teardown command (the teardown phase leaves them). */
  readonly tornDown: Set<string>;
}

/** What IAM sees of an existing resource: its tags (`aws:ResourceTag/...`) and its resource policy. */
export interface ResourceFacts {
  readonly tags: Readonly<Record<string, string>>;
  readonly policy?: PolicyDocument;
}

/**
 * Records the tags of every resource with an ARN in a state, and the key policy of each KMS key
 * (KMS authorizes a key only when its policy trusts the account: the simulation needs it).
 */
export function recordResourceFacts(
  into: Map<string, ResourceFacts>,
  state: readonly { type: string; values: Record<string, unknown> }[],
): void {
  for (const resource of state) {
    const arn = resource.values["arn"];
    if (typeof arn !== "string" || !arn.startsWith("arn:")) continue;
    const tagsAll = resource.values["tags_all"];
    const tags = typeof tagsAll === "object" && tagsAll !== null ? (tagsAll as Record<string, string>) : {};
    const policyText = resource.type === "aws_kms_key" ? resource.values["policy"] : undefined;
    let policy: PolicyDocument | undefined;
    if (typeof policyText === "string" && policyText !== "") {
      try {
        policy = JSON.parse(policyText) as PolicyDocument;
      } catch {
        policy = undefined;
      }
    }
    into.set(arn, { tags, ...(policy === undefined ? {} : { policy }) });
  }
}

/** A stack applied by the birth phase. */
export interface Applied {
  readonly stack: StackEntry;
  readonly dir: string;
  readonly preventDestroy: readonly string[];
  readonly provider: ProviderServer;
}

/** A phase of the suite (one file of e2e/phases/): birth, teardown, ... run in order per account. */
export interface AccountPhase {
  readonly name: string;
  /**
   * The part of the phase that needs nothing the phases before it make (the lifecycle's upgrade,
   * in an emulator of its own): started with the account, beside the phases before it; `run`
   * awaits it. An error escaping it is the phase's.
   */
  start?(context: RunContext, account: AccountRun): Promise<void>;
  run(context: RunContext, account: AccountRun): Promise<void>;
  /**
   * Awaited once every phase of the account has run: what `run` left going beside the phases
   * after it (the upgrade, when `run` needs nothing more from it) ends and records its verdicts.
   */
  finish?(context: RunContext, account: AccountRun): Promise<void>;
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

export function writeJson(file: string, value: unknown): void {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

export function tail(result: CommandResult, lines = 40): string {
  return `${result.stdout}\n${result.stderr}`.trim().split("\n").slice(-lines).join("\n");
}

/**
 * A line of progress, prefixed with the seconds since the run started and what it is about; every
 * line of a longer message (a failed command's output) carries the prefix too, since stacks and
 * accounts print at the same time. The seconds make the log a timeline (docs/performance.md).
 */
export function logger(subject: string): (message: string) => void {
  return (message: string) => console.log(prefixed(subject, message, process.uptime()));
}

/**
 * `message` with `[subject] ` before each of its lines, and `<seconds> s ` before that when given.
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function prefixed(subject: string, message: string, seconds?: number): string {
  const stamp = seconds === undefined ? "" : `${Math.floor(seconds).toString().padStart(4)} s `;
  return message
    .split("\n")
    .map((line) => `${stamp}[${subject}] ${line}`)
    .join("\n");
}

/**
 * Progress of a long terraform command, from its streamed output: `Creating...` and
 * `Creation complete` lines, printed at most every `everySeconds` as `12/87 created, creating: aws_x.y, ...`.
 */
export function progressReporter(log: (message: string) => void, verb: string, total: number, everySeconds = 20): (chunk: string) => void {
  const started = new Set<string>();
  const done = new Set<string>();
  let last = Date.now();
  let buffer = "";
  return (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    for (const line of lines) {
      const match =
        /^([\w.[\]"-]+): (Creating|Destroying|Modifying)\.\.\.|^([\w.[\]"-]+): (Creation|Destruction|Modifications) complete/.exec(
          line.trim(),
        );
      if (match === null) continue;
      if (match[1] !== undefined) started.add(match[1]);
      if (match[3] !== undefined) done.add(match[3]);
    }
    if (Date.now() - last >= everySeconds * 1000) {
      last = Date.now();
      const pending = [...started].filter((address) => !done.has(address));
      log(
        `${verb}: ${done.size}/${total} done${pending.length > 0 ? `, in progress: ${pending.slice(0, 4).join(", ")}${pending.length > 4 ? ` and ${pending.length - 4} more` : ""}` : ""}`,
      );
    }
  };
}

/**
 * The suite's terraform CLI configuration: the AWS provider from this machine's mirror only, and one
 * plugin cache for every init. Without a lock file (the suite's configurations have none) terraform
 * 1.4+ would not read the cache: each init would copy the provider (about 700 MB) from the mirror
 * and rewrite the cache entry, and two inits at once race on it ("failed to create directory ...
 * file exists"). `plugin_cache_may_break_dependency_lock_file` makes every init after the warm-up
 * link the cached provider instead, which only reads the cache.
 */
export function terraformCliConfig(mirror: string, pluginCache: string): string {
  return [
    `plugin_cache_dir = ${JSON.stringify(pluginCache)}`,
    "plugin_cache_may_break_dependency_lock_file = true",
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirror)}`,
    '    include = ["registry.terraform.io/hashicorp/aws"]',
    "  }",
    "  direct {",
    '    exclude = ["registry.terraform.io/*/*"]',
    "  }",
    "}",
    "",
  ].join("\n");
}

/**
 * The environment every terraform command of the suite runs with: this machine's CLI config (the
 * provider mirror), no prompts, no checkpoint call, the emulator's dummy credentials, and nothing
 * of the caller's AWS profile, CA bundle, log settings or provider reattachment.
 */
export function terraformEnvironment(cliConfig: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TF_CLI_CONFIG_FILE: cliConfig,
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_EC2_METADATA_DISABLED: "true",
    NO_COLOR: "1",
  };
  for (const name of ["AWS_PROFILE", "AWS_CA_BUNDLE", "TF_LOG", "TF_LOG_PATH", "TF_REATTACH_PROVIDERS"]) delete env[name];
  return env;
}

export class Terraform {
  constructor(
    private readonly context: RunContext,
    private readonly log: (message: string) => void,
    /** The stack's own provider process (every command but init attaches to it). */
    private readonly provider?: ProviderServer,
  ) {}

  async exec(
    dir: string,
    args: readonly string[],
    logFile?: string,
    options: { readonly timeoutSeconds?: number; readonly onOutput?: (chunk: string) => void } = {},
  ): Promise<CommandResult> {
    const env = terraformEnvironment(this.context.cliConfig);
    if (logFile !== undefined) {
      env["TF_LOG"] = "debug";
      env["TF_LOG_PATH"] = logFile;
    }
    const provider = args[0] === "init" ? undefined : this.provider;
    if (provider !== undefined) env["TF_REATTACH_PROVIDERS"] = provider.reattach;
    const mark = this.provider?.mark() ?? 0;
    const cpuBefore = provider?.cpuSeconds();
    const result = await run(this.context.tools.terraform, [...args], {
      cwd: dir,
      env,
      timeoutSeconds: options.timeoutSeconds ?? APPLY_TIMEOUT_SECONDS,
      ...(options.onOutput === undefined ? {} : { onOutput: options.onOutput }),
    });
    const cpuAfter = provider?.cpuSeconds();
    if (cpuBefore !== undefined && cpuAfter !== undefined) this.log(`${args[0]}: provider CPU ${(cpuAfter - cpuBefore).toFixed(1)} s`);
    if (provider !== undefined && logFile !== undefined) writeFileSync(logFile.replace(/\.log$/, ".provider.log"), provider.since(mark));
    if (provider !== undefined && logFile === undefined) provider.clear();
    return result;
  }

  async must(
    dir: string,
    args: readonly string[],
    what: string,
    logFile?: string,
    options: { readonly onOutput?: (chunk: string) => void } = {},
  ): Promise<CommandResult> {
    const result = await this.exec(dir, args, logFile, options);
    if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}, ${result.seconds.toFixed(0)} s):\n${tail(result)}`);
    this.log(`${what}: ${result.seconds.toFixed(1)} s`);
    return result;
  }
}

export interface Prepared {
  readonly dir: string;
  readonly stack: TerraformJson;
  /** Resources left out (count). */
  readonly leftOut: number;
  /** Every block left out, with its reason (the resource gaps `--recheck-gaps` applies). */
  readonly leftOutBlocks: readonly LeftOut[];
  /** The stack as synthesized (and planted), before the gaps were left out. */
  readonly synthesized: TerraformJson;
}

/** Copies a synthesized stack to the scratch folder, leaves out the emulator gaps, writes the overrides. */
export function prepare(
  source: string,
  dir: string,
  emulator: Emulator,
  tools: Tools,
  log: (message: string) => void,
  options: { readonly plant?: readonly string[]; readonly layer?: string } = {},
): Prepared {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(source, dir, { recursive: true, filter: (file) => !file.includes(`${path.sep}.terraform`) });
  const synthesized = readJson<TerraformJson>(path.join(dir, "cdk.tf.json"));
  for (const [index, planting] of plantingsNamed(options.plant ?? []).entries()) {
    const plant = options.layer === "network" || options.layer === "platform" ? planting.stacks?.[options.layer] : undefined;
    if (plant === undefined) continue;
    plant(synthesized);
    log(`PLANTED ${options.plant?.[index]}: ${planting.defect}`);
  }
  const supported = withoutNewerArguments(synthesized, tools.providerVersion);
  for (const entry of supported.dropped) log(`  provider ${tools.providerVersion} lacks ${entry}: dropped from the scratch copy`);
  const { stack, leftOut, patched } = leaveOutGaps(supported.stack, (type, name, block) => gapOf(type, block, undefined, name));
  writeJson(path.join(dir, "cdk.tf.json"), stack);
  writeJson(path.join(dir, "e2e_provider_override.tf.json"), providerOverride(stack, emulator, tools.providerVersion));
  const remote = remoteStateOverride(stack, emulator);
  if (remote !== undefined) writeJson(path.join(dir, "e2e_remote_state_override.tf.json"), remote);
  writeFileSync(path.join(dir, "e2e.s3.tfbackend"), backendConfigFile(emulator));
  const ignore = ignoreChangesOverride(stack, (type, block, name) => ignoredAttributesOf(type, block, undefined, name));
  if (ignore.override !== undefined) {
    writeJson(path.join(dir, "e2e_ignore_changes_override.tf.json"), ignore.override);
    log(`attribute gaps: ignore_changes added to ${ignore.blocks} resources (${ignore.summary.join(", ")})`);
  }
  const resources = countResources(leftOut);
  if (leftOut.length > 0) {
    log(`left out for emulator gaps: ${resources} resources (${summariseLeftOut(leftOut)})`);
    for (const entry of leftOut) log(`  dropped ${entry.address}: ${entry.because}`);
  }
  for (const entry of patched) log(`  kept ${entry.address}: ${entry.because}`);
  return { dir, stack, leftOut: resources, leftOutBlocks: leftOut, synthesized };
}

/** Managed resources in the stack's state (`terraform state pull`: no provider schemas to load). */
export async function stateResources(
  terraform: Terraform,
  dir: string,
  /** Data sources too, at `data.<type>.<name>` (the wiring check reads them). */
  includeData = false,
): Promise<{ address: string; type: string; values: Record<string, unknown> }[]> {
  const pulled = await terraform.must(dir, ["state", "pull"], "state pull");
  const state = JSON.parse(pulled.stdout) as {
    resources?: { mode: string; type: string; name: string; instances: { attributes: Record<string, unknown> }[] }[];
  };
  return (state.resources ?? [])
    .filter((resource) => resource.mode === "managed" || (includeData && resource.mode === "data"))
    .flatMap((resource) =>
      resource.instances.map((instance) => ({
        address: `${resource.mode === "data" ? "data." : ""}${resource.type}.${resource.name}`,
        type: resource.type,
        values: instance.attributes,
      })),
    );
}
