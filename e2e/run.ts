/**
 * `npm run e2e`: every AWS stack applied by real Terraform against an emulated AWS (moto), layer
 * after layer, with state in the emulated S3 through the stacks' own S3 backend and outputs
 * through remote state; then the phases of e2e/phases/ in order per account (birth: apply, empty
 * plan, role check, wiring, service roles; teardown: destroy in reverse), the AWS part of each
 * workloads stack validated beside them. Every check records a verdict (verdicts.ts); the summary
 * line, last, counts per phase the stacks attempted, failed and passed. See docs/testing.md.
 *
 * To add a lifecycle phase (upgrade, re-create, drift): write e2e/phases/<name>.ts exporting an
 * AccountPhase and put it in ACCOUNT_PHASES at its place.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { helpText } from "../scripts/command-line";
import { parseE2eCommandLine } from "./command";
import { E2E_COMMAND } from "../scripts/commands";
import {
  logger,
  terraformCliConfig,
  terraformEnvironment,
  type AccountPhase,
  type AccountRun,
  type Figures,
  type RunContext,
  type StackEntry,
} from "./context";
import { describeDefaults, EMULATOR_DEFAULTS, EMULATOR_GAPS } from "./emulator-gaps";
import { birth } from "./phases/birth";
import { lifecycle } from "./phases/lifecycle";
import { teardown } from "./phases/teardown";
import { validateWorkloads } from "./phases/workloads";
import { findTools, Moto, offCriticalPath, ProviderServer, run, SetupError, stopEverything, type Tools } from "./processes";
import { plantingsNamed } from "./plantings";
import { leastPrivilegeReport } from "./report";
import { UNDERIVED_THRESHOLD } from "./role-check";
import { summaryLine, Verdicts } from "./verdicts";

const ROOT = path.resolve(__dirname, "..", "..");
const WORK = path.join(ROOT, ".tmp", "e2e");

/** The phases every account goes through, in order. */
export const ACCOUNT_PHASES: readonly AccountPhase[] = [birth, lifecycle, teardown];

/** Environment names from environments/<name>.yaml. */
function environmentNames(): string[] {
  return readdirSync(path.join(ROOT, "environments"))
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => file.replace(/\.ya?ml$/, ""))
    .sort();
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

/** `terraform init` of a configuration that needs only the mirrored AWS provider: it lands in the plugin cache. */
async function warmPluginCache(tools: Tools, cliConfig: string): Promise<void> {
  const dir = path.join(WORK, "plugin-cache-warm-up");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, "main.tf.json"),
    JSON.stringify({ terraform: { required_providers: { aws: { source: "hashicorp/aws", version: tools.providerVersion } } } }),
  );
  const result = await run(tools.terraform, ["init", "-input=false", "-no-color", "-backend=false"], {
    cwd: dir,
    env: terraformEnvironment(cliConfig),
    timeoutSeconds: 300,
  });
  if (result.code !== 0) throw new Error(`terraform init of the plugin cache failed:\n${`${result.stdout}\n${result.stderr}`.trim()}`);
}

async function runAccount(context: RunContext, account: string, stacks: readonly StackEntry[]): Promise<void> {
  const dir = path.join(context.work, account);
  mkdirSync(dir, { recursive: true });
  const moto = await Moto.start(context.tools, account, path.join(dir, "moto.log"));
  context.running.push(moto);
  logger(account)(`moto_server on ${moto.endpoint} (MOTO_ACCOUNT_ID=${account})`);
  const accountRun: AccountRun = {
    account,
    dir,
    stacks,
    moto,
    emulator: { endpoint: moto.endpoint, accessKey: "test", secretKey: "test" },
    applied: [],
    resources: new Map(),
    tornDown: new Set(),
  };
  const failed = (phase: AccountPhase) => (error: unknown) => {
    context.verdicts.fail(phase.name, `account ${account}`, phase.name, (error as Error).message.split("\n")[0] ?? String(error));
  };
  // What a phase can do before the phases ahead of it (the upgrade, in its own emulator) starts now.
  const started = ACCOUNT_PHASES.map((phase) => phase.start?.(context, accountRun).catch(failed(phase)));
  try {
    for (const phase of ACCOUNT_PHASES) {
      // A phase records its own verdicts per stack; only an error escaping it is the account's.
      await phase.run(context, accountRun).catch(failed(phase));
    }
  } finally {
    for (const phase of ACCOUNT_PHASES) await phase.finish?.(context, accountRun).catch(failed(phase));
    await Promise.all(started);
    moto.stop();
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const started = Date.now();
  // The provider relays run on this event loop: a long synchronous check (a role check parsing a
  // provider log) holds every terraform command's calls meanwhile. Reported at the end.
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  const request = parseE2eCommandLine(argv, environmentNames());
  if (request === "help") {
    process.stdout.write(helpText(E2E_COMMAND));
    return 0;
  }
  if ("refusal" in request) {
    process.stderr.write(`${request.refusal}\n`);
    return request.exitCode;
  }
  const only = request.only;
  const tools: Tools = findTools();
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const motoVersion = await motoVersionOf();
  console.log(
    `e2e: terraform ${tools.terraformVersion}, AWS provider ${tools.providerVersion} from ${tools.mirror} (the stacks pin their own version; this run overrides the constraint to the mirrored one), moto ${motoVersion}`,
  );
  console.log(`e2e: ${EMULATOR_GAPS.length} emulator gaps listed in e2e/emulator-gaps.ts; each block they drop or patch is named below`);
  console.log(
    `e2e: ${EMULATOR_DEFAULTS.length} emulator default${EMULATOR_DEFAULTS.length === 1 ? "" : "s"} set to AWS's in every moto_server (e2e/emulator-gaps.ts EMULATOR_DEFAULTS): ${describeDefaults().join("; ")}`,
  );

  const cliConfig = path.join(WORK, "terraformrc");
  mkdirSync(path.join(WORK, "plugin-cache"), { recursive: true });
  writeFileSync(cliConfig, terraformCliConfig(tools.mirror, path.join(WORK, "plugin-cache")));
  // The plugin cache filled once, beside the synths: terraform's plugin cache is not safe for
  // concurrent installs, and the accounts' first inits (birth's and the upgrade's) start together.
  const warmed = warmPluginCache(tools, cliConfig);
  const synthDir = path.join(WORK, "synth");
  const bootstrapDir = path.join(WORK, "synth-bootstrap");
  const synths = await Promise.all(
    (
      [
        ["main.js", synthDir, only.flatMap((name) => ["--env", name])],
        ["bootstrap.js", bootstrapDir, []],
      ] as const
    ).map(([script, outdir, args]) =>
      run(process.execPath, [path.join(ROOT, "dist", script), ...args], {
        cwd: ROOT,
        env: { ...process.env, CDKTF_OUTDIR: outdir },
        timeoutSeconds: 300,
      }).then((result) => ({ script, result })),
    ),
  );
  await warmed;
  for (const { script, result } of synths) {
    if (result.code !== 0)
      throw new Error(`synth (dist/${script}) failed:\n${`${result.stdout}\n${result.stderr}`.trim().split("\n").slice(-20).join("\n")}`);
  }
  const listed = await run(process.execPath, [path.join(ROOT, "dist", "scripts", "stacks.js"), "--json"], {
    cwd: ROOT,
    env: process.env,
    timeoutSeconds: 120,
  });
  let listedStacks = JSON.parse(listed.stdout) as StackEntry[];
  for (const [index, planting] of plantingsNamed(request.plant).entries()) {
    console.log(`e2e: PLANTED ${request.plant[index]}: ${planting.defect} (this run must fail, naming it)`);
    if (planting.selection !== undefined) listedStacks = planting.selection(listedStacks);
  }
  const stacks = listedStacks.filter((stack) => only.length === 0 || only.includes(stack.environment));

  const figures: Figures = {
    resourcesCreated: 0,
    leftOutForGaps: 0,
    perpetualDiffs: 0,
    violations: 0,
    calls: { concrete: 0, wildcardOnly: 0, underived: 0 },
    underivedByService: new Map(),
  };
  const context: RunContext = {
    root: ROOT,
    work: WORK,
    tools,
    cliConfig,
    synthDir,
    bootstrapDir,
    verdicts: new Verdicts(),
    figures,
    models: new Map(),
    usage: new Map(),
    running,
    recheckGaps: request.recheckGaps,
    plant: request.plant,
  };
  if (stacks.filter((stack) => stack.layer !== "workloads").length === 0) {
    context.verdicts.fail(
      "selection",
      "stacks",
      "selection",
      `no AWS stack selected (${only.length > 0 ? `--env ${only.join(" --env ")}` : "every environment"}): nothing would be proven`,
    );
  }
  const accounts = [...new Set(stacks.map((stack) => stack.accountId))];
  // The lifecycle tears down and re-creates non-production environments: an account holding only
  // production ones (birth, the upgrade, the guards and one destroy) ends well before, and runs off
  // the critical path when another account has that chain.
  const lifecycleAccounts = new Set(stacks.filter((stack) => stack.stage !== "production").map((stack) => stack.accountId));
  // The workloads validation needs nothing the applies make: it runs beside them.
  await Promise.all([
    validateWorkloads(context, stacks).catch((error: unknown) =>
      context.verdicts.fail("workloads", "workloads", "validate", (error as Error).message.split("\n")[0] ?? ""),
    ),
    ...accounts.map((account) => {
      const work = () =>
        runAccount(
          context,
          account,
          stacks.filter((stack) => stack.accountId === account),
        );
      const offPath = !lifecycleAccounts.has(account) && lifecycleAccounts.size > 0;
      return (offPath ? offCriticalPath(work) : work()).catch((error: unknown) =>
        context.verdicts.fail("birth", `account ${account}`, "emulator", (error as Error).message.split("\n")[0] ?? ""),
      );
    }),
  ]);
  for (const process_ of running) process_.stop();

  const reportFile = path.join(WORK, "least-privilege.txt");
  writeFileSync(reportFile, leastPrivilegeReport(context.usage));
  const failures = context.verdicts.failures();
  const silent = context.verdicts.silent();
  const seconds = (Date.now() - started) / 1000;
  console.log("");
  console.log(
    `Least-privilege report (actions granted and never used, per CI role): ${path.relative(process.cwd(), reportFile) || reportFile}`,
  );
  const answered = ProviderServer.answered;
  console.log(
    `Provider schema and validation calls (e2e/provider-answers.ts): ${answered.fromCache} answered from the relay's cache, ${answered.fromProvider} by a provider`,
  );
  loopDelay.disable();
  console.log(
    `The runner's event loop (it relays every provider call): held up to ${(loopDelay.max / 1e6).toFixed(0)} ms at once, ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms at the 99th percentile`,
  );
  if (figures.underivedByService.size > 0) {
    console.log(
      `Requests checked on * because their ARN was not derived, per service (threshold ${UNDERIVED_THRESHOLD * 100}% of a stack's requests): ${[
        ...figures.underivedByService,
      ]
        .sort((a, b) => b[1] - a[1])
        .map(([service, count]) => `${service} ${count}`)
        .join(", ")}`,
    );
  }
  if (failures.length > 0 || silent.length > 0) {
    console.log("Failures:");
    for (const failure of failures) console.log(`  - ${failure.phase} ${failure.subject}: ${failure.check}: ${failure.message}`);
    for (const entry of silent) console.log(`  - ${entry.phase} ${entry.subject}: attempted without any verdict`);
  }
  console.log(
    summaryLine(
      context.verdicts.counts(),
      figures.calls,
      { ...figures, seconds },
      context.verdicts.green(),
      path.relative(process.cwd(), reportFile) || reportFile,
    ),
  );
  return context.verdicts.green() ? 0 : 1;
}

const running: { stop(): void }[] = [];
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    for (const process_ of running) process_.stop();
    stopEverything();
    process.exit(130);
  });
}

main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    for (const process_ of running) process_.stop();
    if (error instanceof SetupError) {
      console.error(error.message);
      process.exitCode = 2;
    } else {
      console.error(`e2e: ${(error as Error).stack ?? String(error)}`);
      process.exitCode = 1;
    }
  });
