import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from "yaml";
import type { core } from "zod";
import { crossEnvironmentProblems } from "./cross-environment-rules";
import { environmentFactsSchema, environmentSchema, type EnvironmentConfig, type EnvironmentFacts } from "./schema";
import { planSubnets } from "./subnet-plan";
import { locateSyntaxError } from "./yaml-syntax";

/** The folder holding `<env>.yaml`, resolved from the source or the compiled file alike. */
export const ENVIRONMENTS_DIR = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? "../../environments" : ".");

/**
 * The folder the app, the scripts and the tests read environment files from: `environments/`, or
 * the folder named by the `ENVIRONMENTS_DIR` variable (relative to the working directory). The
 * variable exists for the test that adds an environment and for the benchmark's 100 files.
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function environmentsDir(): string {
  const override = process.env["ENVIRONMENTS_DIR"];
  return override === undefined || override === "" ? ENVIRONMENTS_DIR : path.resolve(override);
}

/** Environment names become stack names (`network-<env>`), state keys and resource names. */
const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{1,15}$/;

/** One thing wrong with an environment file, located to the line. */
export interface ConfigProblem {
  /** The file as the user names it, relative to the working directory. */
  readonly file: string;
  /** 1-based line of the offending value (or of the nearest enclosing value that exists). */
  readonly line: number;
  /** 1-based column, for YAML syntax errors only. */
  readonly column?: number;
  /** Dotted path with indexes, `network.subnets.public.cidrs[1]`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
}

/** Raised for any invalid environment file; the message lists every problem, one a line. */
export class EnvironmentConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "EnvironmentConfigError";
  }
}

/** `environments/prod.yaml:23 network.azCount: must be >= 3 in production`; a syntax error adds its column (`:23:5`). */
function formatProblem(problem: ConfigProblem): string {
  const where = problem.path === "" ? "" : ` ${problem.path}`;
  const column = problem.column === undefined ? "" : `:${problem.column}`;
  return `${problem.file}:${problem.line}${column}${where}: ${problem.message}`;
}

/** Formats a path the way users read it: `a.b[0].c`. */
function formatPath(segments: readonly PropertyKey[]): string {
  return segments
    .map((segment, index) => (typeof segment === "number" ? `[${segment}]` : `${index === 0 ? "" : "."}${String(segment)}`))
    .join("");
}

/** A validated environment (in full, or its facts only) with a way back to its file's lines. */
interface Located<T> {
  readonly config: T;
  readonly file: string;
  /** Line of the value at `segments` (or of its nearest ancestor in the file); 1 for the whole file. */
  readonly lineOf: (segments: readonly PropertyKey[]) => number;
}
type ParsedEnvironment = Located<EnvironmentConfig>;

/** A file that is valid YAML holding a mapping, with its line lookup. */
interface YamlFile {
  readonly doc: Document;
  readonly at: (offset: number) => number;
  readonly lineOf: (segments: readonly PropertyKey[]) => number;
}

/**
 * Parses and validates one environment file's text. `file` is the name used in messages and
 * `name` the environment's name (the file's base name).
 * @throws EnvironmentConfigError naming file, path and line of every problem.
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function parseEnvironment(text: string, file: string, name: string): EnvironmentConfig {
  return parseLocated(text, file, name).config;
}

/**
 * What every file must be before any schema judges it: named like an environment, valid YAML,
 * not empty, a mapping.
 * @throws EnvironmentConfigError
 */
function readYaml(text: string, file: string, name: string): YamlFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const at = (offset: number) => lineCounter.linePos(offset).line;

  if (!ENVIRONMENT_NAME.test(name)) {
    throw new EnvironmentConfigError([
      { file, line: 1, path: "", message: `environment name "${name}" (the file name) must match ${ENVIRONMENT_NAME.source}` },
    ]);
  }
  const [firstError] = doc.errors;
  if (firstError !== undefined) {
    // Only the first: what follows a syntax error is mostly its echo.
    const { line, column, message } = locateSyntaxError(text, firstError, lineCounter);
    throw new EnvironmentConfigError([{ file, line, column, path: "", message: `YAML syntax: ${message}` }]);
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    throw new EnvironmentConfigError([
      {
        file,
        line: 1,
        path: "",
        message: "the file is empty: an environment needs stage, account, state, tags, network, dns, platform and github",
      },
    ]);
  }
  if (!isMap(doc.contents)) {
    throw new EnvironmentConfigError([
      { file, line: at(doc.contents.range?.[0] ?? 0), path: "", message: "must be a mapping of keys (stage, account, ...)" },
    ]);
  }
  return { doc, at, lineOf: (segments) => (segments.length === 0 ? 1 : lineOf(doc, segments, at)) };
}

function parseLocated(text: string, file: string, name: string): ParsedEnvironment {
  const { doc, at, lineOf: lineOfPath } = readYaml(text, file, name);
  const result = environmentSchema.safeParse(doc.toJS());
  if (!result.success) {
    throw new EnvironmentConfigError(result.error.issues.flatMap((issue) => locateIssue(issue, doc, file, at)));
  }
  const settings = result.data;

  if (name.startsWith("prod") && settings.stage !== "production") {
    throw new EnvironmentConfigError([
      {
        file,
        line: lineOf(doc, ["stage"], at),
        path: "stage",
        message: `must be production in an environment named ${name}: its guarantees cannot be switched off`,
      },
    ]);
  }

  const plan = planSubnets(
    settings.network.vpcCidr,
    settings.network.azCount,
    settings.account.availabilityZones.length,
    settings.network.subnets,
  );
  if (!plan.ok) {
    // The schema already refused an unplannable network; this guards the two from drifting apart.
    throw new Error(`${file}: subnet plan failed after validation: ${plan.problems.map((p) => p.message).join("; ")}`);
  }
  return { config: { ...settings, name, subnetPlan: plan.plan }, file, lineOf: lineOfPath };
}

/** Only what the rules across files read (environmentFactsSchema), validated. */
function parseFacts(text: string, file: string, name: string): Located<EnvironmentFacts> {
  const { doc, at, lineOf: lineOfPath } = readYaml(text, file, name);
  const result = environmentFactsSchema.safeParse(doc.toJS());
  if (!result.success) {
    throw new EnvironmentConfigError(result.error.issues.flatMap((issue) => locateIssue(issue, doc, file, at)));
  }
  return { config: { ...result.data, name }, file, lineOf: lineOfPath };
}

/** Reads a file and hands its text to `parse`; an unreadable file is a problem of its own. */
function readFile<T>(filePath: string, parse: (text: string, file: string, name: string) => T): T {
  const file = path.relative(process.cwd(), filePath) || filePath;
  let text: string;
  try {
    text = readFileSync(filePath, "utf8");
  } catch (error) {
    throw new EnvironmentConfigError([{ file, line: 1, path: "", message: `cannot be read: ${(error as Error).message}` }]);
  }
  return parse(text, file, environmentNameOf(filePath));
}

/**
 * Facts of environment files validated before by the same program, by file name and content
 * (scripts/facts-cache.ts keeps them for the launched app). A hit skips the parse; the file's
 * lines are found by parsing it only if a rule across files reports a problem in it.
 */
export interface FactsCache {
  /** The facts validated before for a file of this name (the environment's) and text, if any. */
  get(name: string, text: string): EnvironmentFacts | undefined;
  /** Keeps the facts just validated for this name and text. */
  set(name: string, text: string, facts: EnvironmentFacts): void;
}

/** parseFacts through a cache: a file seen before with the same content is not parsed again. */
function cachedFacts(cache: FactsCache): (text: string, file: string, name: string) => Located<EnvironmentFacts> {
  return (text, file, name) => {
    const hit = cache.get(name, text);
    if (hit === undefined) {
      const parsed = parseFacts(text, file, name);
      cache.set(name, text, parsed.config);
      return parsed;
    }
    let lines: ((segments: readonly PropertyKey[]) => number) | undefined;
    return {
      config: { ...hit, name },
      file,
      lineOf: (segments) => {
        lines ??= readYaml(text, file, name).lineOf;
        return lines(segments);
      },
    };
  };
}

/** `dev` for `environments/dev.yaml`. */
function environmentNameOf(filePath: string): string {
  return path.basename(filePath).replace(/\.ya?ml$/, "");
}

/**
 * Loads one environment file from disk, on its own (the rules across files need them all: see
 * `loadEnvironments`).
 * @throws EnvironmentConfigError
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function loadEnvironmentFile(filePath: string): EnvironmentConfig {
  return readLocated(filePath).config;
}

function readLocated(filePath: string): ParsedEnvironment {
  return readFile(filePath, parseLocated);
}

const STAGE_ORDER = { development: 0, staging: 1, production: 2 } as const;

/**
 * Loads every `<env>.yaml` of a folder, in promotion order (development, staging, production,
 * then by name). Every file is checked, then the rules across files (cross-environment-rules.ts)
 * run over all of them, before anything is returned: one bad file stops all.
 * @throws EnvironmentConfigError with the problems of every bad file.
 */
export function loadEnvironments(dir: string = environmentsDir()): EnvironmentConfig[] {
  return loadSelectedEnvironments([], dir).environments;
}

/** Environments loaded for a command, and the names of every environment file. */
export interface EnvironmentSelection {
  /** The environments asked for (all when none was named), validated in full, in promotion order. */
  readonly environments: EnvironmentConfig[];
  /** Every environment of the folder, in promotion order. */
  readonly names: readonly string[];
}

/**
 * Loads the environments named (every one when `names` is empty) in full, and of every other
 * file the facts the rules across files read (environmentFactsSchema); then runs those rules
 * over all of them. So one environment among a hundred files costs a hundred small YAML reads,
 * not a hundred full validations; the others are validated in full when they are synthesized.
 * With a `factsCache`, an unchanged other file is not even parsed (scripts/facts-cache.ts).
 * @throws UnknownEnvironmentError for a name without a file (listing the known ones).
 * @throws EnvironmentConfigError with every problem found, file by file.
 */
export function loadSelectedEnvironments(
  names: readonly string[],
  dir: string = environmentsDir(),
  factsCache?: FactsCache,
): EnvironmentSelection {
  const readFacts = factsCache === undefined ? parseFacts : cachedFacts(factsCache);
  const files = readdirSync(dir)
    .filter((entry) => /\.ya?ml$/.test(entry))
    .sort();
  if (files.length === 0) {
    throw new EnvironmentConfigError([
      { file: path.relative(process.cwd(), dir) || dir, line: 1, path: "", message: "holds no <env>.yaml file" },
    ]);
  }
  const wanted = (file: string) => names.length === 0 || names.includes(environmentNameOf(file));
  const problems: ConfigProblem[] = [];
  const full: ParsedEnvironment[] = [];
  /** Every file that loaded, in file order (the rules across files see them in that order, --env or not). */
  const loaded: Located<EnvironmentFacts>[] = [];
  for (const entry of files) {
    try {
      if (wanted(entry)) {
        const parsed = readLocated(path.join(dir, entry));
        full.push(parsed);
        loaded.push(parsed);
      } else loaded.push(readFile(path.join(dir, entry), readFacts));
    } catch (error) {
      if (!(error instanceof EnvironmentConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  const byPromotion = (a: EnvironmentFacts, b: EnvironmentFacts) =>
    STAGE_ORDER[a.stage] - STAGE_ORDER[b.stage] || a.name.localeCompare(b.name);
  const known = loaded.map((entry) => entry.config).sort(byPromotion);
  const unknown = [...new Set(names.filter((name) => !files.some((file) => environmentNameOf(file) === name)))];
  if (unknown.length > 0)
    throw new UnknownEnvironmentError(unknown, problems.length > 0 ? files.map(environmentNameOf) : known.map((env) => env.name));
  if (problems.length > 0) throw new EnvironmentConfigError(problems);

  const located = new Map<EnvironmentFacts, Located<EnvironmentFacts>>(loaded.map((entry) => [entry.config, entry]));
  const where = (config: EnvironmentFacts) => {
    const entry = located.get(config);
    if (entry === undefined) throw new Error(`environment ${config.name} was not loaded from a file`);
    return entry;
  };
  const crossProblems = crossEnvironmentProblems(
    [...located.keys()],
    (config, segments) => `${where(config).file}:${where(config).lineOf(segments)}`,
  );
  if (crossProblems.length > 0) {
    throw new EnvironmentConfigError(
      crossProblems
        .map((problem) => ({
          file: where(problem.environment).file,
          line: where(problem.environment).lineOf(problem.path),
          path: formatPath(problem.path),
          message: problem.message,
        }))
        .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line),
    );
  }
  return { environments: full.map((entry) => entry.config).sort(byPromotion), names: known.map((env) => env.name) };
}

/** Raised when asked for environments that have no file. */
export class UnknownEnvironmentError extends Error {
  constructor(
    readonly unknown: readonly string[],
    readonly known: readonly string[],
  ) {
    super(
      `${unknown.length === 1 ? "no environment named" : "no environments named"} ${unknown.join(", ")}; known: ${known.join(", ")} (environments/<name>.yaml)`,
    );
    this.name = "UnknownEnvironmentError";
  }
}

/**
 * The environments named, in the order loaded (promotion order); all of them when `names` is empty.
 * @throws UnknownEnvironmentError listing the names that have no file and the known ones.
 */
export function selectEnvironments(environments: readonly EnvironmentConfig[], names: readonly string[]): EnvironmentConfig[] {
  if (names.length === 0) return [...environments];
  const known = environments.map((env) => env.name);
  const unknown = [...new Set(names.filter((name) => !known.includes(name)))];
  if (unknown.length > 0) throw new UnknownEnvironmentError(unknown, known);
  return environments.filter((env) => names.includes(env.name));
}

/**
 * Line of the value at `segments`, or of the nearest ancestor that exists in the file. A value
 * held by a mapping is located by its key, so a block value (`account:` then its keys on the
 * next lines) and a missing key (`account.id`) are reported on the `account:` line, not on the
 * line of the first key below it.
 */
function lineOf(doc: Document, segments: readonly PropertyKey[], at: (offset: number) => number): number {
  if (segments.length === 0) {
    const root = doc.contents as Node | null;
    return root?.range ? at(root.range[0]) : 1;
  }
  const parent = segments.slice(0, -1);
  const last = segments[segments.length - 1];
  const container = parent.length === 0 ? doc.contents : doc.getIn(parent, true);
  if (isMap(container)) {
    const pair = container.items.find((item) => isScalar(item.key) && item.key.value === last);
    if (pair !== undefined && isScalar(pair.key) && pair.key.range) return at(pair.key.range[0]);
  } else if (isSeq(container) && typeof last === "number") {
    const item = container.items[last] as Node | undefined;
    if (item?.range) return at(item.range[0]);
  }
  return lineOf(doc, parent, at);
}

/** Line of the key `key` inside the mapping at `parent` (for unknown keys). */
function lineOfKey(doc: Document, parent: readonly PropertyKey[], key: string, at: (offset: number) => number): number {
  const node = parent.length === 0 ? doc.contents : doc.getIn(parent, true);
  if (isMap(node)) {
    const pair = node.items.find((item) => isScalar(item.key) && item.key.value === key);
    if (pair !== undefined && isScalar(pair.key) && pair.key.range) return at(pair.key.range[0]);
  }
  return lineOf(doc, parent, at);
}

function locateIssue(issue: core.$ZodIssue, doc: Document, file: string, at: (offset: number) => number): ConfigProblem[] {
  const segments = issue.path;
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({
      file,
      line: lineOfKey(doc, segments, key, at),
      path: formatPath([...segments, key]),
      message: "unknown key (check the spelling against environments/environment.schema.json)",
    }));
  }
  const exists = doc.hasIn(segments);
  const message = !exists && issue.code === "invalid_type" ? "is required" : issue.message;
  return [{ file, line: lineOf(doc, segments, at), path: formatPath(segments), message }];
}
