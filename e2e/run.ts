/**
 * `npm run e2e`: every AWS stack applied by real Terraform against an emulated AWS (moto), layer
 * after layer, with state in the emulated S3 through the stacks' own S3 backend and outputs
 * through remote state; an empty plan after each apply; every API call checked against the CI
 * role that makes it in production; destroy in reverse (prod's prevent_destroy must refuse);
 * the AWS part of each workloads stack validated. See docs/testing.md.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseApiCalls, iamRequestsOf, type IamRequest } from "./calls";
import { EMULATOR_GAPS, gapOf, ignoredAttributesOf } from "./emulator-gaps";
import { findTools, Moto, ProviderServer, providerBinary, run, SetupError, type CommandResult, type Tools } from "./processes";
import { evaluate, readRolePolicies, unusedGrants, withResourceContext, type RolePolicies, type Violation } from "./roles";
import {
  awsPartOf,
  ciIdentityAddresses,
  backendConfigFile,
  countResources,
  deletionProtectedAddresses,
  ignoreChangesOverride,
  leaveOutGaps,
  preventDestroyAddresses,
  providerOverride,
  remoteStateOverride,
  type Emulator,
  type TerraformJson,
} from "./scratch";
import { changedAddresses, finalLine, summariseLeftOut, type PlanJson } from "./report";

const ROOT = path.resolve(__dirname, "..", "..");
const WORK = path.join(ROOT, ".tmp", "e2e");
const PARALLELISM = 30;
const APPLY_TIMEOUT_SECONDS = 8 * 60;

interface StackEntry {
  readonly name: string;
  readonly layer: string;
  readonly stage: string;
  readonly environment: string;
  readonly accountId: string;
  readonly region: string;
  readonly planRoleArn: string;
  readonly deployRoleArn: string;
}

interface Totals {
  stacksApplied: number;
  resourcesCreated: number;
  leftOutForGaps: number;
  perpetualDiffs: number;
  violations: Violation[];
  failures: string[];
}

const totals: Totals = { stacksApplied: 0, resourcesCreated: 0, leftOutForGaps: 0, perpetualDiffs: 0, violations: [], failures: [] };

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

function writeJson(file: string, value: unknown): void {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

function tail(result: CommandResult, lines = 40): string {
  return `${result.stdout}\n${result.stderr}`.trim().split("\n").slice(-lines).join("\n");
}

class Terraform {
  constructor(
    private readonly tools: Tools,
    private readonly cliConfig: string,
    private readonly log: (message: string) => void,
    /** The stack's own provider process (every command but init attaches to it). */
    private readonly provider?: ProviderServer,
  ) {}

  async exec(dir: string, args: readonly string[], logFile?: string, timeoutSeconds = APPLY_TIMEOUT_SECONDS): Promise<CommandResult> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TF_CLI_CONFIG_FILE: this.cliConfig,
      CHECKPOINT_DISABLE: "1",
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_EC2_METADATA_DISABLED: "true",
      NO_COLOR: "1",
    };
    delete env["AWS_PROFILE"];
    delete env["AWS_CA_BUNDLE"];
    if (logFile !== undefined) {
      env["TF_LOG"] = "debug";
      env["TF_LOG_PATH"] = logFile;
    } else {
      delete env["TF_LOG"];
    }
    const attach = this.provider !== undefined && args[0] !== "init";
    if (attach) env["TF_REATTACH_PROVIDERS"] = this.provider!.reattach;
    const mark = this.provider?.mark() ?? 0;
    const result = await run(this.tools.terraform, [...args], { cwd: dir, env, timeoutSeconds });
    if (attach && logFile !== undefined) writeFileSync(logFile.replace(/\.log$/, ".provider.log"), this.provider!.since(mark));
    if (attach && logFile === undefined) this.provider!.clear();
    return result;
  }

  async must(dir: string, args: readonly string[], what: string, logFile?: string): Promise<CommandResult> {
    const result = await this.exec(dir, args, logFile);
    if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}, ${result.seconds.toFixed(0)} s):\n${tail(result)}`);
    this.log(`${what}: ${result.seconds.toFixed(1)} s`);
    return result;
  }
}

interface Prepared {
  readonly dir: string;
  readonly stack: TerraformJson;
  readonly leftOut: number;
}

/** Copies a synthesized stack to the scratch folder, leaves out the emulator gaps, writes the overrides. */
function prepare(source: string, dir: string, emulator: Emulator, tools: Tools, log: (message: string) => void): Prepared {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(source, dir, { recursive: true, filter: (file) => !file.includes(`${path.sep}.terraform`) });
  const synthesized = readJson<TerraformJson>(path.join(dir, "cdk.tf.json"));
  const { stack, leftOut } = leaveOutGaps(synthesized, (type, _name, block) => gapOf(type, block));
  writeJson(path.join(dir, "cdk.tf.json"), stack);
  writeJson(path.join(dir, "e2e_provider_override.tf.json"), providerOverride(stack, emulator, tools.providerVersion));
  const remote = remoteStateOverride(stack, emulator);
  if (remote !== undefined) writeJson(path.join(dir, "e2e_remote_state_override.tf.json"), remote);
  writeFileSync(path.join(dir, "e2e.s3.tfbackend"), backendConfigFile(emulator));
  const ignore = ignoreChangesOverride(stack, (type, block) => ignoredAttributesOf(type, block));
  if (ignore.override !== undefined) {
    writeJson(path.join(dir, "e2e_ignore_changes_override.tf.json"), ignore.override);
    log(`attribute gaps: ignore_changes added to ${ignore.blocks} resources (${ignore.summary.join(", ")})`);
  }
  const resources = countResources(leftOut);
  if (leftOut.length > 0) {
    log(`left out for emulator gaps: ${resources} resources (${summariseLeftOut(leftOut)})`);
  }
  return { dir, stack, leftOut: resources };
}

/** Managed resources in the stack's state (`terraform state pull`: no provider schemas to load). */
async function stateResources(
  terraform: Terraform,
  dir: string,
): Promise<{ address: string; type: string; values: Record<string, unknown> }[]> {
  const pulled = await terraform.must(dir, ["state", "pull"], "state pull");
  const state = JSON.parse(pulled.stdout) as {
    resources?: { mode: string; type: string; name: string; instances: { attributes: Record<string, unknown> }[] }[];
  };
  return (state.resources ?? [])
    .filter((resource) => resource.mode === "managed")
    .flatMap((resource) =>
      resource.instances.map((instance) => ({
        address: `${resource.type}.${resource.name}`,
        type: resource.type,
        values: instance.attributes,
      })),
    );
}

function sameSet(a: readonly unknown[], b: readonly unknown[]): boolean {
  return JSON.stringify([...a].map(String).sort()) === JSON.stringify([...b].map(String).sort());
}

/** The platform stack consumed the network stack's real values, read back from both states. */
async function checkConsumed(terraform: Terraform, networkDir: string, platformDir: string, log: (message: string) => void): Promise<void> {
  const outputs = readJson<Record<string, { value: unknown }>>(path.join(networkDir, "outputs.json"));
  const value = (name: string) => {
    const output = outputs[name];
    if (output === undefined) throw new Error(`network state has no output ${name}`);
    return output.value;
  };
  const resources = await stateResources(terraform, platformDir);
  const cluster = resources.find((resource) => resource.type === "aws_eks_cluster");
  if (cluster === undefined) throw new Error("platform state has no aws_eks_cluster");
  // (The emulated cluster reports no vpc_id: its security groups prove the VPC instead.)
  const vpcConfig = (cluster.values["vpc_config"] as { subnet_ids: string[] }[])[0]!;
  const checks: [string, boolean][] = [
    ["EKS cluster subnets = network private_app_subnet_ids", sameSet(vpcConfig.subnet_ids, value("private_app_subnet_ids") as string[])],
    [
      "every security group in the network's VPC",
      resources.filter((resource) => resource.type === "aws_security_group").every((group) => group.values["vpc_id"] === value("vpc_id")),
    ],
    [
      "database subnet group = network private_data_subnet_ids",
      resources
        .filter((resource) => resource.type === "aws_db_subnet_group")
        .every((group) => sameSet(group.values["subnet_ids"] as string[], value("private_data_subnet_ids") as string[])),
    ],
  ];
  const failed = checks.filter(([, ok]) => !ok).map(([name]) => name);
  if (failed.length > 0) throw new Error(`the platform did not consume the network's values: ${failed.join("; ")}`);
  log(`consumed upstream values: ${checks.map(([name]) => name).join("; ")}`);
}

interface Applied {
  readonly stack: StackEntry;
  readonly dir: string;
  readonly preventDestroy: readonly string[];
  readonly provider: ProviderServer;
}

async function checkRoles(
  moto: Moto,
  stack: StackEntry,
  dir: string,
  log: (message: string) => void,
  usage: Map<string, { role: RolePolicies; requests: IamRequest[] }>,
): Promise<void> {
  const roleName = (arn: string) => arn.split("/").pop()!;
  for (const [phase, roleArn, logFile] of [
    ["apply", stack.deployRoleArn, "apply.log"],
    ["plan", stack.planRoleArn, "plan.log"],
  ] as const) {
    const role = await readRolePolicies(moto, roleName(roleArn));
    const providerLog = path.join(dir, logFile.replace(/\.log$/, ".provider.log"));
    const calls = [
      ...parseApiCalls(readFileSync(path.join(dir, logFile), "utf8")),
      ...(existsSync(providerLog) ? parseApiCalls(readFileSync(providerLog, "utf8")) : []),
    ];
    const requests = await withResourceContext(
      moto,
      calls.flatMap((call) => iamRequestsOf(call, stack.accountId, stack.region)),
    );
    const violations = await evaluate(stack.name, role, stack.accountId, requests);
    const entry = usage.get(roleArn) ?? { role, requests: [] };
    entry.role = role;
    entry.requests.push(...requests);
    usage.set(roleArn, entry);
    log(
      `as ${roleName(roleArn)} (${phase}): ${calls.length} API calls, ${new Set(requests.map((request) => request.action)).size} distinct actions, ${violations.length} violations`,
    );
    for (const violation of violations) {
      log(
        `  ROLE VIOLATION: ${violation.stack}: ${violation.role} may not ${violation.action} on ${violation.resource} (${violation.call}: ${violation.result})`,
      );
    }
    totals.violations.push(...violations);
  }
}

async function applyStack(
  terraform: Terraform,
  stack: StackEntry,
  source: string,
  dir: string,
  emulator: Emulator,
  tools: Tools,
  log: (message: string) => void,
  onIdentityApplied: () => void = () => undefined,
): Promise<Prepared> {
  const prepared = prepare(source, dir, emulator, tools, log);
  await terraform.must(dir, ["init", "-input=false", "-no-color", `-backend-config=${path.join(dir, "e2e.s3.tfbackend")}`], "init");
  const identity = ciIdentityAddresses(prepared.stack, stack.name);
  if (identity.length > 0) {
    // The first deploy of an environment's CI identity is an administrator's (docs/operations.md):
    // the deploy role may not create or change itself. Everything else is applied as the deploy role.
    await terraform.must(
      dir,
      [
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        `-parallelism=${PARALLELISM}`,
        ...identity.map((address) => `-target=${address}`),
      ],
      `apply of the CI identity (${identity.length} resources) as an administrator`,
      path.join(dir, "apply-admin.log"),
    );
  }
  onIdentityApplied();
  await terraform.must(
    dir,
    ["apply", "-auto-approve", "-input=false", "-no-color", `-parallelism=${PARALLELISM}`],
    "apply",
    path.join(dir, "apply.log"),
  );
  const plan = await terraform.exec(
    dir,
    ["plan", "-detailed-exitcode", "-input=false", "-no-color", `-parallelism=${PARALLELISM}`, "-out=after-apply.tfplan"],
    path.join(dir, "plan.log"),
  );
  if (plan.code === 2) {
    const shown = await terraform.must(dir, ["show", "-json", "after-apply.tfplan"], "show plan");
    const changes = changedAddresses(JSON.parse(shown.stdout) as PlanJson);
    totals.perpetualDiffs += changes.length;
    log(
      `PERPETUAL DIFF: the plan right after apply is not empty: ${changes.map((change) => `${change.address} (${change.actions.join("/")}: ${change.attributes.join(", ")})`).join("; ")}`,
    );
    totals.failures.push(`${stack.name}: perpetual diff in ${changes.map((change) => change.address).join(", ")}`);
  } else if (plan.code !== 0) {
    throw new Error(`plan after apply failed (exit ${plan.code}):\n${tail(plan)}`);
  } else {
    log(`plan after apply: empty (${plan.seconds.toFixed(1)} s)`);
  }
  const outputs = await terraform.must(dir, ["output", "-json"], "output");
  writeFileSync(path.join(dir, "outputs.json"), outputs.stdout);
  const resources = (await stateResources(terraform, dir)).length;
  totals.resourcesCreated += resources;
  totals.leftOutForGaps += prepared.leftOut;
  totals.stacksApplied += 1;
  log(`applied: ${resources} resources in state${prepared.leftOut > 0 ? `, ${prepared.leftOut} left out for emulator gaps` : ""}`);
  return prepared;
}

async function destroyStack(terraform: Terraform, applied: Applied, log: (message: string) => void): Promise<void> {
  const { dir, preventDestroy } = applied;
  if (preventDestroy.length > 0) {
    const refused = await terraform.exec(dir, [
      "destroy",
      "-auto-approve",
      "-input=false",
      "-no-color",
      "-refresh=false",
      `-parallelism=${PARALLELISM}`,
    ]);
    const text = `${refused.stdout}\n${refused.stderr}`;
    const notNamed = preventDestroy.filter((address) => !text.includes(address));
    if (refused.code === 0 || !text.includes("Instance cannot be destroyed") || notNamed.length > 0) {
      throw new Error(
        `destroy of ${applied.stack.name} was not refused for its prevent_destroy resources (${preventDestroy.join(", ")}): exit ${refused.code}\n${tail(refused, 20)}`,
      );
    }
    log(`destroy refused as it must: prevent_destroy on ${preventDestroy.join(", ")}`);
  }
  // Tear down the emulated copy all the same: lift the guards in an override file (scratch only),
  // as an operator destroying a sandbox does: prevent_destroy, and deletion protection, which the
  // API enforces (staging's database has it without prevent_destroy).
  const stack = readJson<TerraformJson>(path.join(dir, "cdk.tf.json"));
  const guarded = [...new Set([...preventDestroy, ...deletionProtectedAddresses(stack)])];
  if (guarded.length > 0) {
    const lifted: Record<string, Record<string, Record<string, unknown>>> = {};
    for (const address of guarded) {
      const [type, name] = address.split(".") as [string, string];
      const block = stack.resource![type]![name]!;
      lifted[type] = {
        ...(lifted[type] ?? {}),
        [name]: {
          ...(preventDestroy.includes(address) ? { lifecycle: { prevent_destroy: false } } : {}),
          ...(block["deletion_protection"] === true ? { deletion_protection: false } : {}),
        },
      };
    }
    writeJson(path.join(dir, "e2e_teardown_override.tf.json"), { resource: lifted });
    await terraform.must(
      dir,
      [
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        `-parallelism=${PARALLELISM}`,
        ...guarded.map((address) => `-target=${address}`),
      ],
      `apply (guards lifted for teardown: ${guarded.join(", ")})`,
    );
  }
  await terraform.must(
    dir,
    ["destroy", "-auto-approve", "-input=false", "-no-color", "-refresh=false", `-parallelism=${PARALLELISM}`],
    "destroy",
  );
}

async function runAccount(
  tools: Tools,
  cliConfig: string,
  account: string,
  stacks: readonly StackEntry[],
  synthDir: string,
  bootstrapDir: string,
  usage: Map<string, { role: RolePolicies; requests: IamRequest[] }>,
): Promise<void> {
  const accountDir = path.join(WORK, account);
  mkdirSync(accountDir, { recursive: true });
  const moto = await Moto.start(tools, account, path.join(accountDir, "moto.log"));
  running.push(moto);
  const applied: Applied[] = [];
  const providers: ProviderServer[] = [];
  // moto gives every EKS cluster of one process the same OIDC issuer (emulator-gaps.ts): each
  // environment's EKS API is served by a moto of its own, with the same account id.
  const startEks = async (environment: string) => {
    const eks = await Moto.start(tools, account, path.join(accountDir, `moto-eks-${environment}.log`));
    running.push(eks);
    return eks;
  };
  try {
    const emulator: Emulator = { endpoint: moto.endpoint, accessKey: "test", secretKey: "test" };
    const accountLog = (message: string) => console.log(`[${account}] ${message}`);
    accountLog(`moto_server on ${moto.endpoint} (MOTO_ACCOUNT_ID=${account})`);

    // 1. The account's bootstrap stack: the state bucket (local state, administrative credentials).
    const bootName = `bootstrap-${account}`;
    const bootLog = (message: string) => console.log(`[${bootName}] ${message}`);
    const bootDir = path.join(accountDir, bootName);
    prepare(path.join(bootstrapDir, "stacks", bootName), bootDir, emulator, tools, bootLog);
    const bootProvider = await ProviderServer.start(providerBinary(tools));
    providers.push(bootProvider);
    const terraform = new Terraform(tools, cliConfig, bootLog, bootProvider);
    await terraform.must(
      bootDir,
      ["init", "-input=false", "-no-color", `-backend-config=path=${path.join(bootDir, "bootstrap.tfstate")}`],
      "init",
    );
    await terraform.must(bootDir, ["apply", "-auto-approve", "-input=false", "-no-color", `-parallelism=${PARALLELISM}`], "apply");
    const bootPlan = await terraform.exec(bootDir, ["plan", "-detailed-exitcode", "-input=false", "-no-color"]);
    if (bootPlan.code !== 0) {
      totals.perpetualDiffs += bootPlan.code === 2 ? 1 : 0;
      totals.failures.push(`${bootName}: plan after apply exit ${bootPlan.code}`);
      bootLog(`PERPETUAL DIFF or plan failure (exit ${bootPlan.code}):\n${tail(bootPlan)}`);
    } else bootLog("plan after apply: empty");
    totals.stacksApplied += 1;
    totals.resourcesCreated += (await stateResources(terraform, bootDir)).length;

    // 2. network then platform of each environment of the account: the networks in promotion order
    //    (a later environment looks up the singletons of the one that owns the account), each
    //    platform as soon as its own network is up.
    const done = new Map<string, Promise<boolean>>();
    let previousNetwork: Promise<boolean> = Promise.resolve(true);
    const applyOne = async (
      stack: StackEntry,
      after: readonly Promise<boolean>[],
      onIdentityApplied: () => void = () => undefined,
    ): Promise<boolean> => {
      const upstreamOk = (await Promise.all(after)).every(Boolean);
      const log = (message: string) => console.log(`[${stack.name}] ${message}`);
      if (!upstreamOk) {
        log("not applied: an upstream stack failed");
        totals.failures.push(`${stack.name}: not applied (upstream failed)`);
        return false;
      }
      const provider = await ProviderServer.start(providerBinary(tools));
      providers.push(provider);
      const stackTerraform = new Terraform(tools, cliConfig, log, provider);
      const dir = path.join(accountDir, stack.name);
      try {
        const stackEmulator =
          stack.layer === "platform" ? { ...emulator, eksEndpoint: (await startEks(stack.environment)).endpoint } : emulator;
        const prepared = await applyStack(
          stackTerraform,
          stack,
          path.join(synthDir, "stacks", stack.name),
          dir,
          stackEmulator,
          tools,
          log,
          onIdentityApplied,
        );
        applied.push({ stack, dir, preventDestroy: preventDestroyAddresses(prepared.stack), provider });
        if (stack.layer === "platform")
          await checkConsumed(stackTerraform, path.join(accountDir, `network-${stack.environment}`), dir, log);
        await checkRoles(moto, stack, dir, log, usage);
        return true;
      } catch (error) {
        totals.failures.push(`${stack.name}: ${(error as Error).message.split("\n")[0]}`);
        log(`FAILED: ${(error as Error).message}`);
        return false;
      }
    };
    // A later environment's network needs only what the earlier one's CI identity creates (the
    // account's GitHub OIDC provider, looked up): it starts once that identity is applied.
    for (const stack of stacks.filter((entry) => entry.layer === "network")) {
      let identityApplied: (ok: boolean) => void = () => undefined;
      const identity = new Promise<boolean>((resolve) => (identityApplied = resolve));
      const network = applyOne(stack, [previousNetwork], () => identityApplied(true));
      void network.then((ok) => identityApplied(ok));
      done.set(stack.name, network);
      previousNetwork = identity;
    }
    for (const stack of stacks.filter((entry) => entry.layer === "platform")) {
      done.set(stack.name, applyOne(stack, [done.get(`network-${stack.environment}`) ?? Promise.resolve(false)]));
    }
    await Promise.all(done.values());

    // 3. Destroy in reverse: every platform, then the networks (without refresh: what was just
    //    applied and planned is the state, and a later environment's lookup of the account's
    //    OIDC provider must not need the earlier network). The state bucket stays (it holds every
    //    environment's state; bootstrap is never destroyed by CI).
    const destroy = async (entry: Applied) => {
      const log = (message: string) => console.log(`[${entry.stack.name}] ${message}`);
      try {
        await destroyStack(new Terraform(tools, cliConfig, log, entry.provider), entry, log);
      } catch (error) {
        totals.failures.push(`${entry.stack.name} destroy: ${(error as Error).message.split("\n")[0]}`);
        log(`FAILED: ${(error as Error).message}`);
      }
    };
    // Production keeps its data: at least its database must be guarded by prevent_destroy.
    for (const environment of new Set(stacks.filter((entry) => entry.stage === "production").map((entry) => entry.environment))) {
      const platform = applied.find((entry) => entry.stack.name === `platform-${environment}`);
      if (platform !== undefined && platform.preventDestroy.length === 0) {
        totals.failures.push(`platform-${environment}: a production stack without any prevent_destroy resource`);
      }
    }
    await Promise.all(applied.filter((entry) => entry.stack.layer === "platform").map(destroy));
    await Promise.all(applied.filter((entry) => entry.stack.layer === "network").map(destroy));
  } finally {
    moto.stop();
    for (const provider of providers) provider.stop();
  }
}

async function validateWorkloads(tools: Tools, cliConfig: string, stacks: readonly StackEntry[], synthDir: string): Promise<void> {
  const provider = await ProviderServer.start(providerBinary(tools));
  try {
    await validateEach(tools, cliConfig, stacks, synthDir, provider);
  } finally {
    provider.stop();
  }
}

async function validateEach(
  tools: Tools,
  cliConfig: string,
  stacks: readonly StackEntry[],
  synthDir: string,
  provider: ProviderServer,
): Promise<void> {
  for (const stack of stacks.filter((entry) => entry.layer === "workloads")) {
    const log = (message: string) => console.log(`[${stack.name}] ${message}`);
    const dir = path.join(WORK, "workloads", stack.name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const synthesized = readJson<TerraformJson>(path.join(synthDir, "stacks", stack.name, "cdk.tf.json"));
    const { stack: awsPart, removed } = awsPartOf(synthesized);
    delete awsPart.terraform!.backend;
    writeJson(path.join(dir, "cdk.tf.json"), awsPart);
    writeJson(path.join(dir, "e2e_provider_override.tf.json"), {
      terraform: { required_providers: { aws: { source: "aws", version: tools.providerVersion } } },
    });
    const terraform = new Terraform(tools, cliConfig, log, provider);
    try {
      await terraform.must(dir, ["init", "-backend=false", "-input=false", "-no-color"], "init");
      const validated = await terraform.exec(dir, ["validate", "-json", "-no-color"]);
      const result = JSON.parse(validated.stdout) as { valid: boolean; diagnostics: { summary: string; detail?: string }[] };
      const kept = Object.values(awsPart.resource ?? {}).reduce((sum, blocks) => sum + Object.keys(blocks).length, 0);
      const removedResources = countResources(removed);
      if (!result.valid)
        throw new Error(result.diagnostics.map((diagnostic) => `${diagnostic.summary}: ${diagnostic.detail ?? ""}`).join("; "));
      log(
        `terraform validate of the AWS part: valid (${kept} AWS resources); removed ${removed.length} kubernetes/helm blocks (${removedResources} resources, the rest providers, data sources and outputs). ` +
          "The Kubernetes and Helm part is NOT applied here: no kubernetes or helm provider and no Kubernetes API on this machine.",
      );
    } catch (error) {
      totals.failures.push(`${stack.name} validate: ${(error as Error).message.split("\n")[0]}`);
      log(`FAILED: ${(error as Error).message}`);
    }
  }
}

/** moto's version, from the Python that runs moto_server (best effort, for the log only). */
async function motoVersionOf(): Promise<string> {
  for (const python of ["python3", "python"]) {
    try {
      const result = await run(python, ["-c", "import moto; print(moto.__version__)"], { cwd: WORK, env: process.env, timeoutSeconds: 60 });
      if (result.code === 0) return result.stdout.trim();
    } catch {
      // try the next name
    }
  }
  return "(version unknown)";
}

const running: Moto[] = [];
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    for (const moto of running) moto.stop();
    process.exit(130);
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const tools = findTools();
  const only = process.argv.includes("--env") ? process.argv[process.argv.indexOf("--env") + 1]!.split(",") : undefined;
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const motoVersion = await motoVersionOf();
  console.log(
    `e2e: terraform ${tools.terraformVersion}, AWS provider ${tools.providerVersion} from ${tools.mirror} (the stacks pin their own version; this run overrides the constraint to the mirrored one), moto ${motoVersion}`,
  );
  console.log(`e2e: ${EMULATOR_GAPS.length} emulator gaps listed in e2e/emulator-gaps.ts; their resources are left out and counted`);

  const synthDir = path.join(WORK, "synth");
  const bootstrapDir = path.join(WORK, "synth-bootstrap");
  for (const [script, outdir] of [
    ["main.js", synthDir],
    ["bootstrap.js", bootstrapDir],
  ] as const) {
    const synth = await run(process.execPath, [path.join(ROOT, "dist", script)], {
      cwd: ROOT,
      env: { ...process.env, CDKTF_OUTDIR: outdir },
      timeoutSeconds: 300,
    });
    if (synth.code !== 0) throw new Error(`synth (dist/${script}) failed:\n${tail(synth)}`);
  }
  const listed = await run(process.execPath, [path.join(ROOT, "dist", "scripts", "stacks.js"), "--json"], {
    cwd: ROOT,
    env: process.env,
    timeoutSeconds: 120,
  });
  const stacks = (JSON.parse(listed.stdout) as StackEntry[]).filter((stack) => only === undefined || only.includes(stack.environment));

  const cliConfig = path.join(WORK, "terraformrc");
  mkdirSync(path.join(WORK, "plugin-cache"), { recursive: true });
  writeFileSync(
    cliConfig,
    `plugin_cache_dir = "${path.join(WORK, "plugin-cache")}"\nprovider_installation {\n  filesystem_mirror {\n    path    = "${tools.mirror}"\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }\n}\n`,
  );

  const accounts = [...new Set(stacks.map((stack) => stack.accountId))];
  const usage = new Map<string, { role: RolePolicies; requests: IamRequest[] }>();
  await Promise.all(
    accounts.map((account) =>
      runAccount(
        tools,
        cliConfig,
        account,
        stacks.filter((stack) => stack.accountId === account),
        synthDir,
        bootstrapDir,
        usage,
      ).catch((error: unknown) => {
        totals.failures.push(`account ${account}: ${(error as Error).message.split("\n")[0]}`);
        console.log(`[${account}] FAILED: ${(error as Error).message}`);
      }),
    ),
  );
  for (const moto of running) moto.stop();
  await validateWorkloads(tools, cliConfig, stacks, synthDir);

  console.log("\nGranted but never used (explicit actions of the roles' own policies; managed policies not listed):");
  for (const [roleArn, { role, requests }] of usage) {
    const unused = unusedGrants(role, requests);
    console.log(`  ${roleArn}: ${unused.length === 0 ? "none" : unused.join(", ")}`);
  }
  if (totals.failures.length > 0) {
    console.log("\nFailures:");
    for (const failure of totals.failures) console.log(`  - ${failure}`);
  }
  console.log(finalLine({ ...totals, violations: totals.violations.length, seconds: (Date.now() - started) / 1000 }));
  process.exitCode = totals.failures.length > 0 || totals.violations.length > 0 || totals.perpetualDiffs > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  if (error instanceof SetupError) {
    console.error(error.message);
    process.exitCode = 2;
  } else {
    console.error(`e2e: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 1;
  }
});
