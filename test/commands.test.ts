import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { UsageError, helpText, parseCommandLine, type CommandLine } from "../scripts/command-line";
import { BOOTSTRAP_COMMAND, BOOTSTRAP_DEPLOY_COMMAND, COMMANDS, SYNTH_COMMAND, SYNTH_COMPARE_COMMAND } from "../scripts/commands";
import { synthApp } from "../scripts/synth-app";
import { bootstrapSummary, planPlaceholderWarning, removeStaleStackOutput, synthSummary } from "../scripts/synth-output";
import { ENVIRONMENTS } from "./support/fixtures";
import { testTmp } from "./support/paths";

/** A scratch folder of this run. */
function scratch(prefix: string): string {
  const base = path.join(testTmp(), "commands");
  mkdirSync(base, { recursive: true });
  return mkdtempSync(path.join(base, prefix));
}

/** The parsed command line, or the test fails. */
function parsed(argv: readonly string[]): CommandLine {
  const result = parseCommandLine(SYNTH_COMMAND, argv);
  if (result === "help") throw new Error("expected options, got --help");
  return result;
}

/** The one-line message a command line is refused with. */
function refusal(argv: readonly string[], spec = SYNTH_COMMAND): string {
  try {
    parseCommandLine(spec, argv);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`${argv.join(" ")} was accepted`);
}

describe("the command line of npm run synth", () => {
  it("GIVEN --env twice, once with = WHEN parsed THEN both names are kept in order", () => {
    expect(parsed(["--env", "dev", "--env=staging"]).values("env")).toEqual(["dev", "staging"]);
  });

  it("GIVEN nothing WHEN parsed THEN no environment is named and placeholders are off", () => {
    const commandLine = parsed([]);
    expect(commandLine.values("env")).toEqual([]);
    expect(commandLine.flag("plan-placeholders")).toBe(false);
  });

  it("GIVEN --help (or -h) anywhere WHEN parsed THEN it asks for the help", () => {
    expect(parseCommandLine(SYNTH_COMMAND, ["--env", "dev", "--help"])).toBe("help");
    expect(parseCommandLine(SYNTH_COMMAND, ["-h"])).toBe("help");
  });

  it.each([
    [["--nope"], "unknown option --nope (see npm run synth -- --help)"],
    [["-x"], "unknown option -x (see npm run synth -- --help)"],
    [["prod"], 'unexpected argument "prod" (see npm run synth -- --help)'],
    [["--env"], "--env needs a value: --env <name> (see npm run synth -- --help)"],
    [["--env", "--plan-placeholders"], "--env needs a value: --env <name> (see npm run synth -- --help)"],
    [["--plan-placeholders=yes"], "--plan-placeholders takes no value (see npm run synth -- --help)"],
  ])("GIVEN %j WHEN parsed THEN it is refused in one line: %s", (argv, message) => {
    expect(refusal(argv)).toBe(message);
  });
});

describe.each(COMMANDS.map((spec) => [spec.name, spec] as const))("the %s command", (_, spec) => {
  it("answers --help with its usage, every option and --help itself", () => {
    const help = helpText(spec);
    expect(help.startsWith(`Usage: ${spec.usage}`)).toBe(true);
    for (const option of [...Object.keys(spec.options), "help"]) expect(help).toContain(`  --${option}`);
  });

  it("refuses an unknown option and a stray argument (one too many, for a command that takes arguments), each in one line", () => {
    const stray = [...Array.from({ length: spec.arguments?.max ?? 0 }, () => "ok"), "stray"];
    const messages = [
      refusal(["--bogus"], spec),
      ...(spec.arguments !== undefined && spec.arguments.max === undefined ? [] : [refusal(stray, spec)]),
    ];
    for (const message of messages) {
      expect(message).not.toContain("\n");
      expect(message).toContain(`see ${spec.usage} --help`);
    }
  });
});

describe("commands that take arguments besides options", () => {
  it("GIVEN synth:compare with one git ref WHEN parsed THEN the ref is its argument", () => {
    const result = parseCommandLine(SYNTH_COMPARE_COMMAND, ["main"]);

    expect(result === "help" ? "help" : result.arguments).toEqual(["main"]);
  });

  it("GIVEN synth:compare with two refs WHEN parsed THEN the second is refused in one line", () => {
    expect(refusal(["main", "HEAD~1"], SYNTH_COMPARE_COMMAND)).toBe('unexpected argument "HEAD~1" (see npm run synth:compare -- --help)');
  });

  it("GIVEN synth, which takes no argument, WHEN given one THEN it is refused", () => {
    expect(refusal(["dev"])).toBe('unexpected argument "dev" (see npm run synth -- --help)');
  });

  it("GIVEN synth:compare --help WHEN printed THEN it has the shared layout: usage, summary, the argument, the options", () => {
    const help = helpText(SYNTH_COMPARE_COMMAND).split("\n");

    expect(help[0]).toBe("Usage: npm run synth:compare -- [<git ref>]");
    expect(help).toContain("Arguments:");
    expect(help).toContain("  <git ref>  The commit to compare with (default HEAD: what the working tree changes).");
    expect(help.indexOf("Options:")).toBeGreaterThan(help.indexOf("Arguments:"));
    expect(help).toContain("  --help     Print this help and exit.");
  });

  it("GIVEN npm run bootstrap --help WHEN printed THEN it describes this repository's command (the stacks, --auto-approve), not cdktf's", () => {
    const help = helpText(BOOTSTRAP_DEPLOY_COMMAND);

    expect(help.split("\n")[0]).toBe("Usage: npm run bootstrap -- [options] bootstrap-<account id>...");
    expect(help).toContain("--auto-approve");
    expect(help).toContain('cdktf deploy --app "node dist/bootstrap.js" --output cdktf.out.bootstrap');
  });

  it("GIVEN the help of synth:bootstrap and bootstrap WHEN they point at a docs section THEN that heading exists", () => {
    const pointers = [BOOTSTRAP_COMMAND, BOOTSTRAP_DEPLOY_COMMAND].flatMap((spec) =>
      [...helpText(spec).matchAll(/(docs\/[\w-]+\.md)#([\w-]+)/g)].map((match) => [match[1] ?? "", match[2] ?? ""] as const),
    );

    expect(pointers.length).toBeGreaterThan(0);
    for (const [file, anchor] of pointers) {
      const headings = readFileSync(path.join(__dirname, "..", file), "utf8")
        .split("\n")
        .filter((line) => line.startsWith("#"))
        .map((line) =>
          line
            .replace(/^#+\s+/, "")
            .toLowerCase()
            .replace(/[^\p{L}\p{N}\s_-]/gu, "")
            .replace(/\s/g, "-"),
        );
      expect(headings, `${file}#${anchor}`).toContain(anchor);
    }
  });

  it("GIVEN two bootstrap stacks WHEN synth:bootstrap is done THEN it says what each creates and how to deploy one", () => {
    const lines = bootstrapSummary(
      [
        { stack: "bootstrap-111111111111", buckets: [{ bucket: "acme-nonprod-terraform-state", environments: ["dev", "staging"] }] },
        { stack: "bootstrap-222222222222", buckets: [{ bucket: "acme-prod-terraform-state", environments: ["prod"] }] },
      ],
      "cdktf.out.bootstrap/stacks",
    );

    expect(lines).toEqual([
      "synth:bootstrap: bootstrap-111111111111  state bucket acme-nonprod-terraform-state (dev, staging)",
      "synth:bootstrap: bootstrap-222222222222  state bucket acme-prod-terraform-state (prod)",
      "synth:bootstrap: wrote 2 stacks to cdktf.out.bootstrap/stacks/; deploy one with npm run bootstrap -- <stack>",
    ]);
  });
});

describe("what synth does with stack folders that no longer exist", () => {
  it("GIVEN folders of stacks that exist, of one that does not, and a folder that is not stack output WHEN cleaned THEN only the stale stack goes", () => {
    const dir = scratch("stacks-");
    for (const name of ["network-dev", "network-gone"]) {
      mkdirSync(path.join(dir, name));
      writeFileSync(path.join(dir, name, "cdk.tf.json"), "{}");
    }
    mkdirSync(path.join(dir, "notes"));

    const removed = removeStaleStackOutput(dir, new Set(["network-dev"]));

    expect(removed).toEqual(["network-gone"]);
    expect(readdirSync(dir).sort()).toEqual(["network-dev", "notes"]);
  });

  it("GIVEN no stacks folder yet WHEN cleaned THEN nothing happens", () => {
    expect(removeStaleStackOutput(path.join(scratch("none-"), "stacks"), new Set())).toEqual([]);
  });
});

describe("what synth prints", () => {
  it("GIVEN one environment of three synthesized and a stale stack removed WHEN summarized THEN it says what it wrote, what it removed, where, how long and what it left alone", () => {
    const lines = synthSummary({
      written: [{ environment: "dev", stacks: ["network-dev", "platform-dev", "workloads-dev"] }],
      removed: ["network-old"],
      where: "cdktf.out/stacks",
      skipped: 2,
      only: ["dev"],
      seconds: 1.234,
      planPlaceholders: false,
    });

    expect(lines).toEqual([
      "synth: dev  network-dev, platform-dev, workloads-dev",
      "synth: removed cdktf.out/stacks/network-old: no environment file or layer makes it any more",
      "synth: wrote 3 stacks of 1 environment to cdktf.out/stacks/ in 1.2 s (only --env dev: the output of the 2 other environments was left as it was)",
    ]);
  });

  it("GIVEN plan placeholders WHEN summarized THEN the last line repeats the warning, and the warning says never to apply", () => {
    const lines = synthSummary({ written: [], removed: [], where: "out", skipped: 0, only: [], seconds: 0, planPlaceholders: true });

    expect(lines.at(-1)).toBe("synth: PLAN PLACEHOLDERS ARE ON (see the warning above): never apply a plan made from this output");
    expect(planPlaceholderWarning()).toContain("NEVER APPLY IT");
  });
});

/**
 * The app's command (scripts/synth-app.ts, all that main.ts runs), called in-process with its
 * arguments (process.exit becomes an exception). Imported once: no re-import of the module graph per run.
 */
describe("npm run synth", () => {
  class ExitCalled extends Error {
    constructor(readonly code: string | number | null | undefined) {
      super(`process.exit(${String(code)})`);
    }
  }
  const saved = process.env["CDKTF_OUTDIR"];

  afterEach(() => {
    if (saved === undefined) delete process.env["CDKTF_OUTDIR"];
    else process.env["CDKTF_OUTDIR"] = saved;
    vi.restoreAllMocks();
  });

  /** Runs the app with these arguments; returns what it printed and its exit code (0 when it returned). */
  async function runMain(args: readonly string[], outdir: string): Promise<{ code: unknown; stdout: string; stderr: string }> {
    process.env["CDKTF_OUTDIR"] = outdir;
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => out.push(String(chunk)) > 0);
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => err.push(String(chunk)) > 0);
    vi.spyOn(process, "exit").mockImplementation((code) => {
      throw new ExitCalled(code);
    });
    let code: unknown = 0;
    try {
      synthApp(args);
    } catch (error) {
      if (!(error instanceof ExitCalled)) throw error;
      code = error.code;
    }
    vi.restoreAllMocks();
    return { code, stdout: out.join(""), stderr: err.join("") };
  }

  it("GIVEN an unknown option WHEN run THEN one line on stderr, exit 2, nothing written", async () => {
    const outdir = scratch("synth-");

    const result = await runMain(["--nope"], outdir);

    expect(result).toEqual({ code: 2, stdout: "", stderr: "synth: unknown option --nope (see npm run synth -- --help)\n" });
    expect(readdirSync(outdir)).toEqual([]);
  });

  it("GIVEN --env with a name that has no file WHEN run THEN it names the known environments, exits 1 and writes nothing", async () => {
    const outdir = scratch("synth-");

    const result = await runMain(["--env", "no-such-env"], outdir);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `no environment named no-such-env; known: ${ENVIRONMENTS.map((env) => env.name).join(", ")} (environments/<name>.yaml)\n`,
    );
    expect(readdirSync(outdir)).toEqual([]);
  });

  /** The stacks cdktf's manifest.json lists, by name, with their dependencies. */
  const manifestStacks = (outdir: string) => {
    const manifest = JSON.parse(readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
      stacks: Record<string, { dependencies: string[]; synthesizedStackPath: string }>;
    };
    return Object.fromEntries(Object.entries(manifest.stacks).map(([name, stack]) => [name, stack.dependencies]));
  };

  /** The first two environment files: the one synthesized, and the other whose output is already there. */
  const twoEnvironments = () => {
    const [one, other] = ENVIRONMENTS;
    if (one === undefined || other === undefined) throw new Error("these tests need two environment files");
    return { one: one.name, other: other.name };
  };

  // One synth per scenario, shared by the tests of what it does (each synth of an environment costs ~0.4 s).
  describe("GIVEN the stack folders of another environment (no manifest entry) and of a deleted one WHEN --env <one> runs", () => {
    const { one, other } = twoEnvironments();
    let outdir = "";
    let result: { code: unknown; stdout: string; stderr: string } = { code: undefined, stdout: "", stderr: "" };
    beforeAll(async () => {
      outdir = scratch("synth-");
      for (const name of [`network-${other}`, `workloads-${other}`, "network-deleted-env"]) {
        mkdirSync(path.join(outdir, "stacks", name), { recursive: true });
        writeFileSync(path.join(outdir, "stacks", name, "cdk.tf.json"), "{}");
      }
      result = await runMain(["--env", one], outdir);
    });

    it("THEN it writes that environment's stacks, keeps the other's, removes the deleted one's and says so", () => {
      expect(result.code).toBe(0);
      const written = readdirSync(path.join(outdir, "stacks")).sort();
      expect(written).toEqual([`network-${one}`, `network-${other}`, `platform-${one}`, `workloads-${one}`, `workloads-${other}`].sort());
      expect(existsSync(path.join(outdir, "stacks", `platform-${one}`, "cdk.tf.json"))).toBe(true);
      const lines = result.stdout.trimEnd().split("\n");
      expect(lines[0]).toBe(`synth: ${one}  network-${one}, platform-${one}, workloads-${one}`);
      expect(lines[1]).toBe(
        `synth: removed ${path.relative(process.cwd(), path.join(outdir, "stacks"))}/network-deleted-env: no environment file or layer makes it any more`,
      );
      expect(lines[2]).toMatch(
        new RegExp(
          `^synth: wrote 3 stacks of 1 environment to .+ in \\d+\\.\\d s \\(only --env ${one}: the output of the ${ENVIRONMENTS.length - 1} other environments? was left as it was\\)$`,
        ),
      );
      expect(result.stderr).toBe("");
    });

    it("THEN manifest.json lists the other's stacks with their upstream stacks, and not the deleted environment's", () => {
      const stacks = manifestStacks(outdir);
      expect(stacks[`workloads-${other}`]).toEqual([`network-${other}`, `platform-${other}`]);
      expect(Object.keys(stacks).sort()).toEqual(
        [`network-${one}`, `platform-${one}`, `workloads-${one}`, `network-${other}`, `workloads-${other}`].sort(),
      );
    });
  });

  describe("GIVEN --env <other> --plan-placeholders", () => {
    const { one, other } = twoEnvironments();
    let outdir = "";
    let first: { code: unknown; stdout: string; stderr: string } = { code: undefined, stdout: "", stderr: "" };
    beforeAll(async () => {
      outdir = scratch("synth-manifest-");
      first = await runMain(["--env", other, "--plan-placeholders"], outdir);
    });

    it("WHEN run THEN the warning comes first, on stderr, and the last line repeats it", () => {
      expect(first.code).toBe(0);
      expect(first.stderr).toContain("PLAN PLACEHOLDERS ARE ON");
      expect(first.stdout.trimEnd().split("\n").at(-1)).toContain("PLAN PLACEHOLDERS ARE ON");
    });

    it("WHEN --env <one> runs after it THEN manifest.json lists the stacks of both (cdktf diff --skip-synth finds them)", async () => {
      const result = await runMain(["--env", one], outdir);

      expect(result.code).toBe(0);
      expect(manifestStacks(outdir)).toEqual({
        [`network-${one}`]: [],
        [`platform-${one}`]: [`network-${one}`],
        [`workloads-${one}`]: [`network-${one}`, `platform-${one}`],
        [`network-${other}`]: [],
        [`platform-${other}`]: [`network-${other}`],
        [`workloads-${other}`]: [`network-${other}`, `platform-${other}`],
      });
    });
  });
});
