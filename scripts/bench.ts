import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { CODE_CACHE_DIR, codeCacheFilesOf } from "../launch";
import { commandLineOrExit } from "./command-line";
import { BENCH_COMMAND } from "./commands";

/**
 * Benchmark (not a test: nothing here asserts, and no timing ever goes into a test).
 *
 * `npm run bench [-- --runs N | --quick]` builds, then runs each command below in a child process:
 * one warm-up round, then N measured rounds (default 5), each round running every command once
 * (interleaved, so drift on the machine touches all rows alike); it reports medians of wall time and of the
 * peak resident set size, prints a table with the performance targets of docs/performance.md and
 * writes everything to `.tmp/bench/results.json`. `--quick` is one round without warm-up, to check
 * that the benchmark itself works.
 *
 * Wall time is taken in this process around the child (it includes Node start-up). Peak memory is
 * GNU time's maximum resident set size (`/usr/bin/time -f %M`): the largest single process of the
 * child's tree, not a sum. Without GNU time the memory column reads "n/a".
 */

/** GNU time, for the peak resident set size of a child process tree. */
const GNU_TIME = "/usr/bin/time";
/** The AWS provider barrel: loaded here only inside a child process, to measure what it costs. */
const AWS_PROVIDER_PACKAGE = "@cdktf/provider-aws";
const KIB_PER_MIB = 1024;
/** Lines of a failing command's output shown in the report. */
const FAILURE_TAIL_LINES = 25;

/** Performance targets (docs/performance.md). */
const TARGETS = {
  /** Full synth wall time at most this fraction of one barrel load. */
  synthOverBarrelMax: 1 / 3,
  synthPeakMiBBelow: 300,
  /** One environment's synth among 100 environment files at most this fraction of one barrel load (issue 22). */
  synthOneOf100OverBarrelMax: 0.4,
  testSuiteMsBelow: 30_000,
  /** `npm test` at most this many barrel loads (issue 22; with the Kubernetes render tests). */
  testSuiteOverBarrelMax: 6,
  typecheckMsBelow: 5_000,
  /** `npm run lint` (formatter check, linter, dead-code check) at most this long (issue 24). */
  lintMsMax: 10_000,
} as const;

/** Command-line options. */
interface BenchOptions {
  /** Measured runs per command (after one warm-up). */
  readonly runs: number;
  /** One run, no warm-up: checks the benchmark works, figures are indicative only. */
  readonly quick: boolean;
}

/** One child process to start. */
interface Invocation {
  readonly command: string;
  readonly args: readonly string[];
  /** Added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
}

/** A command to benchmark; `prepare` runs before every run (warm-up included), `cleanup` after it. */
interface BenchCase {
  /** Stable key in results.json. */
  readonly id: string;
  /** Row label in the table. */
  readonly label: string;
  /** What the figure measures, in one sentence. */
  readonly measures: string;
  /** Builds this run's invocation; `scratch` is an empty folder removed after the run. */
  readonly prepare: (scratch: string) => Invocation;
  /** Undoes what `prepare` changed outside the scratch folder (always runs). */
  readonly cleanup?: () => void;
}

/** One run of one command. */
interface RunSample {
  readonly wallMs: number;
  /** Maximum resident set size in MiB, or null without GNU time. */
  readonly peakRssMiB: number | null;
  readonly exitCode: number;
}

/** Everything measured for one command. */
interface CaseResult {
  readonly id: string;
  readonly label: string;
  readonly measures: string;
  /** The command line of a run, as a reader would type it (scratch paths shown as <tmp>). */
  readonly command: string;
  /** True when every run exited 0. */
  readonly ok: boolean;
  /** Measured runs only (the warm-up is not included). */
  readonly runs: readonly RunSample[];
  readonly medianWallMs: number;
  readonly minWallMs: number;
  readonly maxWallMs: number;
  readonly medianPeakRssMiB: number | null;
  /** Tail of the output of the first failing run. */
  readonly failure?: string;
}

/** One target next to its figure. */
interface TargetCheck {
  readonly id: string;
  /** The case whose figure this target judges. */
  readonly caseId: string;
  readonly description: string;
  readonly measured: number | null;
  readonly limit: number;
  readonly unit: "ms" | "MiB" | "ratio";
  /** PASS, over (target missed) or FAILED (a command failed, so no figure). */
  readonly status: "PASS" | "over" | "FAILED";
}

/** The JSON written to `.tmp/bench/results.json`. */
interface BenchReport {
  readonly generatedAt: string;
  readonly command: string;
  readonly options: BenchOptions & { readonly warmUpRuns: number };
  readonly machine: MachineInfo;
  readonly cases: readonly CaseResult[];
  /** Full synth median wall time divided by the barrel-load median wall time. */
  readonly fullSynthOverBarrelLoad: number | null;
  readonly targets: readonly TargetCheck[];
}

/** Context for reading the figures: they depend on the machine and on what else runs on it. */
interface MachineInfo {
  readonly node: string;
  readonly platform: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly totalMemoryMiB: number;
  /** 1, 5 and 15 minute load averages when the benchmark started. */
  readonly loadAverageAtStart: readonly number[];
  readonly gnuTime: boolean;
}

/** The repository root: the nearest folder above this file holding package.json. */
function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

const ROOT = findRoot(__dirname);
const RESULTS_FILE = path.join(ROOT, ".tmp/bench/results.json");

/** Parses `--runs N` and `--quick` (or prints the help, or refuses a bad command line, and exits). */
function parseOptions(argv: readonly string[]): BenchOptions {
  const commandLine = commandLineOrExit(BENCH_COMMAND, argv);
  const quick = commandLine.flag("quick");
  const runsText = commandLine.value("runs") ?? "5";
  const runs = quick ? 1 : Number(runsText);
  if (!Number.isInteger(runs) || runs < 1) {
    process.stderr.write(`${BENCH_COMMAND.name}: --runs must be a whole number >= 1, got ${runsText}\n`);
    return process.exit(2);
  }
  return { runs, quick };
}

/** Environment names, from `environments/<env>.yaml`. */
function environmentNames(): string[] {
  return readdirSync(path.join(ROOT, "environments"))
    .filter((entry) => /\.ya?ml$/.test(entry))
    .map((entry) => entry.replace(/\.ya?ml$/, ""))
    .sort();
}

/** How many environment files the scaling rows synthesize among. */
const MANY_ENVIRONMENTS = 100;
/** Where the benchmark writes them (removed at the end). */
const MANY_ENVIRONMENTS_DIR = path.join(ROOT, ".tmp/bench/environments-100");

/**
 * A folder of MANY_ENVIRONMENTS valid environment files: the real ones, plus copies of staging,
 * each in an account of its own (so that it owns its singletons and its state bucket) with its
 * own VPC range, domain, hosted zone and host, as the rules across files require.
 */
function writeManyEnvironments(): string {
  rmSync(MANY_ENVIRONMENTS_DIR, { recursive: true, force: true });
  mkdirSync(MANY_ENVIRONMENTS_DIR, { recursive: true });
  const real = environmentNames();
  for (const name of real)
    writeFileSync(path.join(MANY_ENVIRONMENTS_DIR, `${name}.yaml`), readFileSync(path.join(ROOT, "environments", `${name}.yaml`)));
  const staging = readFileSync(path.join(ROOT, "environments/staging.yaml"), "utf8");
  const stagingAccount = /^ {2}id: "(\d{12})"/m.exec(staging)?.[1] ?? "";
  for (let i = 1; i <= MANY_ENVIRONMENTS - real.length; i++) {
    const n = String(i).padStart(3, "0");
    const account = String(300_000_000_000 + i);
    const text = staging
      .split(stagingAccount)
      .join(account)
      .replace(/^ {2}ownsAccountSingletons: .*$/m, "  ownsAccountSingletons: true")
      .replace(/^ {2}bucket: .*$/m, `  bucket: acme-bench-${n}-terraform-state`)
      .replace(/^ {2}vpcCidr: .*$/m, `  vpcCidr: 10.${i}.0.0/16`)
      .replace(/^ {2}domain: .*$/m, `  domain: bench${n}.acme.example`)
      .replace(/^ {2}hostedZoneId: .*$/m, `  hostedZoneId: Z0BENCH${n}ACME00001`)
      .replace(/^ {2}frontendHost: .*$/m, `  frontendHost: app.bench${n}.acme.example`);
    writeFileSync(path.join(MANY_ENVIRONMENTS_DIR, `bench-${n}.yaml`), text);
  }
  return MANY_ENVIRONMENTS_DIR;
}

/** The module the edit-to-synth row changes (a comment line appended, then removed). */
const EDITED_MODULE = path.join(ROOT, "modules/core/cidrs.ts");
const EDIT_MARKER = "// bench: edit-to-synth";

/** Appends a comment that changes the module's content (and so tsc's output and the bundle). */
function editModule(): void {
  writeFileSync(EDITED_MODULE, `${readFileSync(EDITED_MODULE, "utf8")}${EDIT_MARKER} ${Date.now()}\n`);
}

/** Removes exactly the lines `editModule` added, whatever else changed in the file meanwhile. */
function undoModuleEdit(): void {
  const text = readFileSync(EDITED_MODULE, "utf8");
  const kept = text.split("\n").filter((line) => !line.startsWith(EDIT_MARKER));
  if (kept.length !== text.split("\n").length) writeFileSync(EDITED_MODULE, kept.join("\n"));
}

/** The incremental build-info file of `tsconfig.json` (deleted for a cold typecheck), if any. The file is plain JSON. */
function typecheckBuildInfoFile(): string | undefined {
  const configPath = path.join(ROOT, "tsconfig.json");
  const config = JSON.parse(readFileSync(configPath, "utf8")) as { compilerOptions?: { tsBuildInfoFile?: string } };
  const file = config.compilerOptions?.tsBuildInfoFile;
  return file === undefined ? undefined : path.resolve(ROOT, file);
}

/** Deletes the code cache of the app's bundle, leaving other entries' caches alone. */
function removeAppCodeCache(): void {
  for (const file of codeCacheFilesOf("main", CODE_CACHE_DIR)) rmSync(file, { force: true });
}

/** Every command the benchmark measures, in the order it runs them. */
function benchCases(many: string): BenchCase[] {
  const buildInfo = typecheckBuildInfoFile();
  /** The environment the one-environment rows synthesize: the first file of environments/. */
  const one = environmentNames()[0] ?? "dev";
  const tsc: Invocation = { command: "npx", args: ["tsc", "-p", "tsconfig.json", "--noEmit"] };
  return [
    {
      id: "barrel-load",
      label: "AWS provider barrel load",
      measures: `node -e 'require("${AWS_PROVIDER_PACKAGE}")': loading the provider's index once, no synth`,
      prepare: () => ({ command: "node", args: ["-e", `require(${JSON.stringify(AWS_PROVIDER_PACKAGE)})`] }),
    },
    {
      id: "synth-all-no-cache",
      label: "synth, all, no code cache",
      measures: `node dist/launch.js after deleting the app's cache (${path.relative(ROOT, CODE_CACHE_DIR)}/main-*): the first synth after a build changed the bundle (it writes the cache the next row uses)`,
      prepare: (scratch) => {
        removeAppCodeCache();
        return { command: "node", args: ["dist/launch.js"], env: { CDKTF_OUTDIR: scratch } };
      },
    },
    {
      id: "synth-all",
      label: "synth, all environments",
      measures:
        "node dist/launch.js: the bundled app synthesizing every stack of every environment, with the code cache of the previous run (no build)",
      prepare: (scratch) => ({ command: "node", args: ["dist/launch.js"], env: { CDKTF_OUTDIR: scratch } }),
    },
    {
      id: "synth-all-unbundled",
      label: "synth, all, unbundled",
      measures: "node dist/main.js: tsc's output run directly, module by module, no code cache",
      prepare: (scratch) => ({ command: "node", args: ["dist/main.js"], env: { CDKTF_OUTDIR: scratch } }),
    },
    {
      id: "synth-one-of-3",
      label: `synth --env ${one}, 1 of ${environmentNames().length}`,
      measures: `node dist/launch.js main --env ${one}: the stacks of one environment, every file of environments/ validated (alone and across files), with the code cache`,
      prepare: (scratch) => ({ command: "node", args: ["dist/launch.js", "main", "--env", one], env: { CDKTF_OUTDIR: scratch } }),
    },
    {
      id: "synth-one-of-100",
      label: `synth --env ${one}, 1 of ${MANY_ENVIRONMENTS}`,
      measures: `ENVIRONMENTS_DIR=<${MANY_ENVIRONMENTS} files> node dist/launch.js main --env ${one}: the same environment among ${MANY_ENVIRONMENTS} files: its own validated in full, the facts of the others checked across files (reused from the previous run of the same bundle when a file is unchanged: scripts/facts-cache.ts)`,
      prepare: (scratch) => ({
        command: "node",
        args: ["dist/launch.js", "main", "--env", one],
        env: { CDKTF_OUTDIR: scratch, ENVIRONMENTS_DIR: many },
      }),
    },
    {
      id: "synth-all-of-100",
      label: `synth, all ${MANY_ENVIRONMENTS}`,
      measures: `ENVIRONMENTS_DIR=<${MANY_ENVIRONMENTS} files> node dist/launch.js main: every stack of ${MANY_ENVIRONMENTS} environments`,
      prepare: (scratch) => ({ command: "node", args: ["dist/launch.js", "main"], env: { CDKTF_OUTDIR: scratch, ENVIRONMENTS_DIR: many } }),
    },
    {
      id: "edit-to-synth",
      label: `edit a module, synth --env ${one}`,
      measures: `a comment appended to ${path.relative(ROOT, EDITED_MODULE)}, then npm run synth -- --env ${one}: the incremental build (tsc, the bundle) and a synth without a code cache for the new bundle`,
      prepare: (scratch) => {
        editModule();
        return { command: "npm", args: ["run", "synth", "--", "--env", one], env: { CDKTF_OUTDIR: scratch } };
      },
      cleanup: undoModuleEdit,
    },
    {
      id: "npm-run-synth",
      label: "npm run synth",
      measures: "the whole command: npm, the incremental build (tsc, then the esbuild bundle) and the cached launch",
      prepare: (scratch) => ({ command: "npm", args: ["run", "synth"], env: { CDKTF_OUTDIR: scratch } }),
    },
    {
      id: "cdktf-synth",
      label: "npx cdktf synth",
      measures: "the CLI running the cdktf.json app command (incremental build, then node dist/launch.js)",
      prepare: (scratch) => ({ command: "npx", args: ["cdktf", "synth", "--output", scratch] }),
    },
    {
      id: "test-suite",
      label: "npm test",
      measures: "every test file, including the shared synth of global setup and the added-environment run",
      prepare: () => ({ command: "npm", args: ["test"] }),
    },
    {
      id: "typecheck-cold",
      label: "typecheck, cold",
      measures: `npx tsc -p tsconfig.json --noEmit after deleting ${buildInfo === undefined ? "(no build info)" : path.relative(ROOT, buildInfo)}`,
      prepare: () => {
        if (buildInfo !== undefined) rmSync(buildInfo, { force: true });
        return tsc;
      },
    },
    {
      id: "typecheck-warm",
      label: "typecheck, warm",
      measures: "npx tsc -p tsconfig.json --noEmit with the incremental build info of the previous run, no source change",
      prepare: () => tsc,
    },
    {
      id: "lint",
      label: "npm run lint",
      measures: "biome ci, knip and knip --production side by side (node dist/scripts/lint.js, the build already done)",
      prepare: () => ({ command: "node", args: [path.join(ROOT, "dist", "scripts", "lint.js")] }),
    },
  ];
}

/** Shows an invocation as a reader would type it, with the scratch folder as `<tmp>`. */
function describe(invocation: Invocation, scratch: string): string {
  const show = (text: string) => text.split(scratch).join("<tmp>");
  const quote = (arg: string) => (/^[\w@%+=:,./<>-]+$/.test(arg) ? arg : `'${arg}'`);
  const env = Object.entries(invocation.env ?? {}).map(([key, value]) => `${key}=${value}`);
  return [...env, invocation.command, ...invocation.args].map((part) => quote(show(part))).join(" ");
}

/** Runs one invocation in the repository root and measures it. */
function runOnce(invocation: Invocation, scratch: string): RunSample & { readonly output: string } {
  const useGnuTime = existsSync(GNU_TIME);
  const rssFile = path.join(scratch, ".peak-rss");
  const [command, args] = useGnuTime
    ? [GNU_TIME, ["-f", "%M", "-o", rssFile, invocation.command, ...invocation.args]]
    : [invocation.command, [...invocation.args]];
  const started = performance.now();
  const child = spawnSync(command, args, {
    cwd: ROOT,
    env: { ...process.env, CHECKPOINT_DISABLE: "1", FORCE_COLOR: "0", NO_COLOR: "1", ...invocation.env },
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const wallMs = round(performance.now() - started, 1);
  if (child.error !== undefined) throw child.error;
  const peakRssMiB = useGnuTime ? readPeakRssMiB(rssFile) : null;
  return { wallMs, peakRssMiB, exitCode: child.status ?? 1, output: `${child.stdout}\n${child.stderr}` };
}

/** GNU time's `%M` (KiB) in MiB; the last line, since a failing command adds a status line first. */
function readPeakRssMiB(rssFile: string): number | null {
  if (!existsSync(rssFile)) return null;
  const lines = readFileSync(rssFile, "utf8").trim().split("\n");
  const kib = Number(lines[lines.length - 1]);
  return Number.isFinite(kib) ? round(kib / KIB_PER_MIB, 2) : null;
}

/** Rounds to `decimals` places, so results.json holds readable figures. */
function round(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

/** Runs a prepared invocation in a fresh scratch folder, which is removed afterwards. */
function runInScratch(benchCase: BenchCase): RunSample & { readonly output: string; readonly command: string } {
  const scratch = mkdtempSync(path.join(os.tmpdir(), `bench-${benchCase.id}-`));
  try {
    const invocation = benchCase.prepare(scratch);
    return { ...runOnce(invocation, scratch), command: describe(invocation, scratch) };
  } finally {
    benchCase.cleanup?.();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The median of a non-empty list (mean of the middle two for an even count). */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The last lines of a command's output, for a failure report. */
function tail(output: string): string {
  return output.trimEnd().split("\n").slice(-FAILURE_TAIL_LINES).join("\n");
}

/**
 * Warm-up round (unless quick), then `runs` rounds; each round runs every command once, in order.
 * Interleaving spreads whatever else the machine does over all commands alike, so the ratios
 * between them (full synth over barrel load) hold even when the absolute figures drift.
 */
function measureCases(cases: readonly BenchCase[], options: BenchOptions): CaseResult[] {
  const warmUps = options.quick ? 0 : 1;
  const samples = new Map<string, RunSample[]>(cases.map((benchCase) => [benchCase.id, []]));
  const commands = new Map<string, string>();
  const failures = new Map<string, string>();
  for (let round = 1 - warmUps; round <= options.runs; round++) {
    const tag = round < 1 ? "warm-up" : `run ${round}/${options.runs}`;
    for (const benchCase of cases) {
      const { output, command, ...sample } = runInScratch(benchCase);
      commands.set(benchCase.id, command);
      log(
        `${benchCase.label.padEnd(30)} ${tag.padEnd(9)} ${formatMs(sample.wallMs)} ms${sample.exitCode === 0 ? "" : `  (exit ${sample.exitCode})`}`,
      );
      if (sample.exitCode !== 0 && !failures.has(benchCase.id)) failures.set(benchCase.id, tail(output));
      if (round >= 1) samples.get(benchCase.id)?.push(sample);
    }
  }
  return cases.map((benchCase) =>
    summarize(benchCase, commands.get(benchCase.id) ?? "", samples.get(benchCase.id) ?? [], failures.get(benchCase.id)),
  );
}

/** Medians and range of the measured runs. */
function summarize(benchCase: BenchCase, command: string, samples: readonly RunSample[], failure: string | undefined): CaseResult {
  const walls = samples.map((sample) => sample.wallMs);
  const rss = samples.map((sample) => sample.peakRssMiB).filter((value): value is number => value !== null);
  return {
    id: benchCase.id,
    label: benchCase.label,
    measures: benchCase.measures,
    command,
    ok: failure === undefined,
    runs: samples,
    medianWallMs: median(walls),
    minWallMs: Math.min(...walls),
    maxWallMs: Math.max(...walls),
    medianPeakRssMiB: rss.length === samples.length ? median(rss) : null,
    ...(failure === undefined ? {} : { failure }),
  };
}

/** A target before it is compared: which figure, against what. */
type TargetSpec = Omit<TargetCheck, "measured" | "status"> & { readonly inclusive: boolean };

/** Compares a figure with its limit; a failed command yields FAILED. */
function check(spec: TargetSpec, measured: number | null): TargetCheck {
  const { inclusive, ...target } = spec;
  if (measured === null) return { ...target, measured, status: "FAILED" };
  const pass = inclusive ? measured <= spec.limit : measured < spec.limit;
  return { ...target, measured, status: pass ? "PASS" : "over" };
}

/** A case's median wall time, or null if it failed or was not run. */
function wallOf(results: readonly CaseResult[], id: string): number | null {
  const result = results.find((candidate) => candidate.id === id);
  return result?.ok ? result.medianWallMs : null;
}

/** Every target of docs/performance.md against the figures. */
function checkTargets(results: readonly CaseResult[], ratio: number | null): TargetCheck[] {
  const synth = results.find((result) => result.id === "synth-all");
  const synthPeak = synth?.ok ? synth.medianPeakRssMiB : null;
  const typecheckLimit = `< ${TARGETS.typecheckMsBelow / 1000} s`;
  return [
    check(
      {
        id: "synth-vs-barrel",
        caseId: "synth-all",
        description: "<= 1/3 barrel load",
        limit: TARGETS.synthOverBarrelMax,
        unit: "ratio",
        inclusive: true,
      },
      ratio,
    ),
    check(
      {
        id: "synth-peak-rss",
        caseId: "synth-all",
        description: `< ${TARGETS.synthPeakMiBBelow} MiB`,
        limit: TARGETS.synthPeakMiBBelow,
        unit: "MiB",
        inclusive: false,
      },
      synthPeak,
    ),
    check(
      {
        id: "synth-one-of-100-vs-barrel",
        caseId: "synth-one-of-100",
        description: `<= ${TARGETS.synthOneOf100OverBarrelMax} barrel load`,
        limit: TARGETS.synthOneOf100OverBarrelMax,
        unit: "ratio",
        inclusive: true,
      },
      overBarrel(results, "synth-one-of-100"),
    ),
    check(
      {
        id: "test-suite-vs-barrel",
        caseId: "test-suite",
        description: `<= ${TARGETS.testSuiteOverBarrelMax} barrel loads`,
        limit: TARGETS.testSuiteOverBarrelMax,
        unit: "ratio",
        inclusive: true,
      },
      overBarrel(results, "test-suite"),
    ),
    check(
      {
        id: "test-suite",
        caseId: "test-suite",
        description: `< ${TARGETS.testSuiteMsBelow / 1000} s`,
        limit: TARGETS.testSuiteMsBelow,
        unit: "ms",
        inclusive: false,
      },
      wallOf(results, "test-suite"),
    ),
    check(
      {
        id: "typecheck-cold",
        caseId: "typecheck-cold",
        description: typecheckLimit,
        limit: TARGETS.typecheckMsBelow,
        unit: "ms",
        inclusive: false,
      },
      wallOf(results, "typecheck-cold"),
    ),
    check(
      {
        id: "typecheck-warm",
        caseId: "typecheck-warm",
        description: typecheckLimit,
        limit: TARGETS.typecheckMsBelow,
        unit: "ms",
        inclusive: false,
      },
      wallOf(results, "typecheck-warm"),
    ),
    check(
      {
        id: "lint",
        caseId: "lint",
        description: `<= ${TARGETS.lintMsMax / 1000} s`,
        limit: TARGETS.lintMsMax,
        unit: "ms",
        inclusive: true,
      },
      wallOf(results, "lint"),
    ),
  ];
}

/** A case's median over the barrel-load median, when both ran. */
function overBarrel(results: readonly CaseResult[], id: string): number | null {
  const figure = wallOf(results, id);
  const barrel = wallOf(results, "barrel-load");
  return figure === null || barrel === null ? null : round(figure / barrel, 4);
}

/** Full-synth median over barrel-load median, when both ran. */
function synthOverBarrel(results: readonly CaseResult[]): number | null {
  return overBarrel(results, "synth-all");
}

function formatMs(ms: number): string {
  return Math.round(ms).toLocaleString("en-US");
}

function formatMiB(mib: number | null): string {
  return mib === null ? "n/a" : mib.toFixed(1);
}

/** A target as shown in the table; the ratio target shows its ratio too. */
function formatTarget(target: TargetCheck): string {
  if (target.unit !== "ratio") return target.description;
  return `${target.description} (ratio ${target.measured === null ? "-" : target.measured.toFixed(3)})`;
}

/** The target and status cells of one case's row. */
function targetCells(result: CaseResult, targets: readonly TargetCheck[]): [string, string] {
  const own = targets.filter((target) => target.caseId === result.id);
  const status = !result.ok ? "FAILED" : own.length === 0 ? "ok" : own.map((target) => target.status).join(", ");
  return [own.map(formatTarget).join(", "), status];
}

/** Lays out rows as aligned columns; numeric columns (index in `right`) are right-aligned. */
function table(header: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number>): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (right.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((width) => "-".repeat(width)).join("  "), ...rows.map(line)].join("\n");
}

/** The human-readable report. */
function render(report: BenchReport): string {
  const { runs, quick } = report.options;
  const heading = quick
    ? "Benchmark (--quick: 1 run, no warm-up; figures indicative only)"
    : `Benchmark: median of ${runs} run${runs === 1 ? "" : "s"} after 1 warm-up`;
  const figures = table(
    ["measurement", "median ms", "min-max ms", "peak MiB", "target", "status"],
    report.cases.map((result) => [
      result.label,
      formatMs(result.medianWallMs),
      `${formatMs(result.minWallMs)}-${formatMs(result.maxWallMs)}`,
      formatMiB(result.medianPeakRssMiB),
      ...targetCells(result, report.targets),
    ]),
    new Set([1, 2, 3]),
  );
  const ratio = report.fullSynthOverBarrelLoad;
  const ratioLine =
    ratio === null
      ? "full synth / barrel load: n/a (a command failed)"
      : `full synth / barrel load = ${ratio.toFixed(3)} (1 / ${(1 / ratio).toFixed(1)})`;
  const machine = report.machine;
  const context = `node ${machine.node}, ${machine.cpus} x ${machine.cpuModel}, ${machine.totalMemoryMiB} MiB, load average at start ${machine.loadAverageAtStart.map((value) => value.toFixed(2)).join(" ")}`;
  const failures = report.cases
    .filter((result) => !result.ok)
    .map((result) => `--- ${result.label} failed: ${result.command}\n${result.failure ?? ""}`);
  return [
    heading,
    context,
    "",
    figures,
    "",
    ratioLine,
    ...(failures.length > 0 ? ["", ...failures] : []),
    "",
    `results: ${path.relative(ROOT, RESULTS_FILE)}`,
  ].join("\n");
}

function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    totalMemoryMiB: Math.round(os.totalmem() / (KIB_PER_MIB * KIB_PER_MIB)),
    loadAverageAtStart: os.loadavg(),
    gnuTime: existsSync(GNU_TIME),
  };
}

/** Progress goes to stderr so stdout holds only the report. */
function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

function main(argv: readonly string[]): void {
  const options = parseOptions(argv);
  const machine = machineInfo();
  if (!machine.gnuTime) log(`${GNU_TIME} not found: peak memory will read n/a`);
  const many = writeManyEnvironments();
  let results: CaseResult[];
  try {
    results = measureCases(benchCases(many), options);
  } finally {
    undoModuleEdit();
    rmSync(many, { recursive: true, force: true });
  }
  const ratio = synthOverBarrel(results);
  const report: BenchReport = {
    generatedAt: new Date().toISOString(),
    command: ["npm run bench", ...(argv.length > 0 ? ["--", ...argv] : [])].join(" "),
    options: { ...options, warmUpRuns: options.quick ? 0 : 1 },
    machine,
    cases: results,
    fullSynthOverBarrelLoad: ratio,
    targets: checkTargets(results, ratio),
  };
  mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${render(report)}\n`);
  // Missed targets are reported, not enforced; only a command that failed fails the benchmark.
  if (results.some((result) => !result.ok)) process.exitCode = 1;
}

main(process.argv.slice(2));
