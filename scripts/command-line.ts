/**
 * The command line every script of this repository shares: `--help` prints the options, and an
 * unknown option, a missing value or a stray argument is refused in one line (exit 2).
 */

/** One option of a command. */
export interface OptionSpec {
  /** A flag (`--quick`) or an option with a value (`--env dev`). */
  readonly type: "flag" | "value";
  /** May be given several times (values only); they are collected in order. */
  readonly multiple?: boolean;
  /** What the value is, for `--help`: `<name>`. */
  readonly placeholder?: string;
  readonly description: string;
}

/** A command as `--help` describes it. */
export interface CommandSpec {
  /** Short name that prefixes its error lines: `synth`. */
  readonly name: string;
  /** How the user runs it: `npm run synth --`. */
  readonly usage: string;
  /** What it does, in a sentence or two. */
  readonly summary: string;
  /** Options by long name (without `--`). `--help` is always there. */
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Arguments that are not options (`npm run bootstrap -- bootstrap-<account id>`). @default none: any is refused */
  readonly arguments?: ArgumentsSpec;
  /** Lines shown after the options (examples, where to read more). */
  readonly notes?: readonly string[];
}

/** The arguments of a command that are not options. */
interface ArgumentsSpec {
  /** What one is, for `--help`: `<git ref>`. */
  readonly placeholder: string;
  readonly description: string;
  /** At most this many. @default no limit */
  readonly max?: number;
}

/** The parsed command line. */
export interface CommandLine {
  /** True when the flag was given. */
  readonly flag: (name: string) => boolean;
  /** The last value of an option, or undefined. */
  readonly value: (name: string) => string | undefined;
  /** Every value of a repeatable option, in order. */
  readonly values: (name: string) => readonly string[];
  /** The arguments that are not options, in order (only a spec with `arguments` has any). */
  readonly arguments: readonly string[];
}

/** A command line that cannot be run; its message is one line. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The text `--help` prints. */
export function helpText(spec: CommandSpec): string {
  const rows = [
    ...Object.entries(spec.options).map(([name, option]) => [
      `--${name}${option.type === "value" ? ` ${option.placeholder ?? "<value>"}` : ""}`,
      `${option.description}${option.multiple === true ? " (may be repeated)" : ""}`,
    ]),
    ["--help", "Print this help and exit."],
  ];
  const positional = spec.arguments;
  const argumentRow =
    positional === undefined
      ? []
      : [[positional.placeholder, `${positional.description}${positional.max === 1 ? "" : "; several may be given"}`]];
  const width = Math.max(...[...rows, ...argumentRow].map(([left = ""]) => left.length));
  const row = ([left = "", right = ""]: readonly string[]) => `  ${left.padEnd(width)}  ${right}`;
  const argumentsUsage =
    positional === undefined ? "" : positional.max === 1 ? ` [${positional.placeholder}]` : ` ${positional.placeholder}...`;
  const usage = `${spec.usage} ${Object.keys(spec.options).length > 0 ? "[options]" : ""}${argumentsUsage}`.replace(/ +/g, " ").trimEnd();
  return [
    `Usage: ${usage}`,
    "",
    spec.summary,
    "",
    ...(argumentRow.length > 0 ? ["Arguments:", ...argumentRow.map(row), ""] : []),
    "Options:",
    ...rows.map(row),
    ...(spec.notes === undefined ? [] : ["", ...spec.notes]),
    "",
  ].join("\n");
}

/**
 * Parses `argv` against the spec.
 * @returns "help" when `--help` (or `-h`) was given.
 * @throws UsageError naming the unknown option, the missing value or the stray argument.
 */
export function parseCommandLine(spec: CommandSpec, argv: readonly string[]): CommandLine | "help" {
  const flags = new Set<string>();
  const values = new Map<string, string[]>();
  const positional: string[] = [];
  const see = `see ${spec.usage} --help`;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] ?? "";
    if (arg === "--help" || arg === "-h") return "help";
    if (!arg.startsWith("--")) {
      if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg} (${see})`);
      const max = spec.arguments?.max ?? Number.POSITIVE_INFINITY;
      if (spec.arguments === undefined || positional.length >= max) throw new UsageError(`unexpected argument "${arg}" (${see})`);
      positional.push(arg);
      continue;
    }
    const [name = "", inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const option = spec.options[name];
    if (option === undefined) throw new UsageError(`unknown option --${name} (${see})`);
    if (option.type === "flag") {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value (${see})`);
      flags.add(name);
      continue;
    }
    const value = inline ?? argv[index + 1];
    if (value === undefined || (inline === undefined && value.startsWith("--"))) {
      throw new UsageError(`--${name} needs a value: --${name} ${option.placeholder ?? "<value>"} (${see})`);
    }
    if (inline === undefined) index++;
    if (option.multiple !== true && values.has(name)) throw new UsageError(`--${name} may be given once (${see})`);
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  return {
    flag: (name) => flags.has(name),
    value: (name) => values.get(name)?.at(-1),
    values: (name) => values.get(name) ?? [],
    arguments: positional,
  };
}

/**
 * The command line, or the end of the process: `--help` prints the help and exits 0; a usage
 * error prints one line (`<command>: <problem>`) and exits 2.
 */
export function commandLineOrExit(spec: CommandSpec, argv: readonly string[]): CommandLine {
  let parsed: CommandLine | "help";
  try {
    parsed = parseCommandLine(spec, argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${spec.name}: ${error.message}\n`);
    return process.exit(2);
  }
  if (parsed === "help") {
    process.stdout.write(helpText(spec));
    return process.exit(0);
  }
  return parsed;
}
