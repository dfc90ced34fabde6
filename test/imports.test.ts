import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { type LocatedReference, locateModuleReferences, repositoryModuleReferences, typeScriptFiles } from "./support/source-files";

/**
 * Deep imports only (docs/design "Construct style"): the provider barrels load ~1,500 modules, so
 * one `import * as aws from "@cdktf/provider-aws"` anywhere costs seconds and hundreds of MiB on
 * every synth, test run and typecheck. Files are parsed with the TypeScript compiler, so a barrel
 * named in a comment or a plain string (as in the samples below) is not an import.
 */

const ROOT = path.resolve(__dirname, "..");
/** What the guard reads: the app and every folder of TypeScript source. */
const SCANNED = ["main.ts", "bootstrap.ts", "launch.ts", "environments", "stacks", "modules", "scripts", "test"];
/** A provider package's root or its `lib` index: everything but `<package>/lib/<resource>`. */
const PROVIDER_BARREL = /^@cdktf\/provider-(?:aws|kubernetes|helm)(?:\/lib(?:\/index(?:\.js)?)?)?\/?$/;

/** One barrel import, located to the line. */
interface BarrelImport {
  readonly file: string;
  readonly line: number;
  readonly specifier: string;
}

/** Barrel imports among a file's module references; `file` names it in the result. */
function barrelImportsOf(references: readonly LocatedReference[], file: string): BarrelImport[] {
  return references
    .filter((reference) => PROVIDER_BARREL.test(reference.specifier))
    .map((reference) => ({ file, line: reference.line, specifier: reference.specifier }));
}

/** Barrel imports of the provider packages in one file's text; `file` names it in the result. */
function findBarrelImports(text: string, file: string): BarrelImport[] {
  return barrelImportsOf(locateModuleReferences(text, file), file);
}

/** `stacks/network/network-stack.ts:3 "@cdktf/provider-aws"` */
function formatFinding(finding: BarrelImport): string {
  return `${finding.file}:${finding.line} imports the barrel "${finding.specifier}"; import from "${finding.specifier.replace(/\/lib.*$/, "")}/lib/<resource>" instead`;
}

/** The scanned files and the barrel imports in them. */
interface RepositoryScan {
  readonly files: readonly string[];
  readonly findings: readonly BarrelImport[];
}

let scan: RepositoryScan | undefined;

/** Barrel imports in every scanned file of the repository (read once per test file). */
function scanRepository(): RepositoryScan {
  scan ??= readRepository();
  return scan;
}

function readRepository(): RepositoryScan {
  const files = SCANNED.flatMap((entry) => typeScriptFiles(ROOT, entry)).map((file) => file.split(path.sep).join("/"));
  const findings = files.flatMap((file) => barrelImportsOf(repositoryModuleReferences(ROOT, file), file));
  return { files, findings };
}

describe("provider imports", () => {
  it("no TypeScript file of the app, environments, stacks, modules, scripts or tests imports a provider barrel", () => {
    // GIVEN every TypeScript file on disk WHEN scanned THEN none loads a provider package's index
    const { findings } = scanRepository();

    expect(findings.map(formatFinding), "barrel imports (file:line)").toEqual([]);
  });

  it("scans the app entries and the test folder, so an empty scan cannot pass", () => {
    const { files } = scanRepository();

    expect(files).toEqual(expect.arrayContaining(["main.ts", "bootstrap.ts", "launch.ts"]));
    expect(files).toContain("test/imports.test.ts");
  });
});

describe("barrel import detector", () => {
  it.each([
    ['import { Vpc } from "@cdktf/provider-aws";'],
    ['import * as aws from "@cdktf/provider-aws";'],
    ["import type { Vpc } from '@cdktf/provider-aws';"],
    ['const aws = require("@cdktf/provider-aws");'],
    ['import aws = require("@cdktf/provider-aws");'],
    ['const lazy = () => import("@cdktf/provider-aws");'],
    ['export * from "@cdktf/provider-aws";'],
    ['type Aws = typeof import("@cdktf/provider-aws");'],
    ['import { Vpc } from "@cdktf/provider-aws/lib";'],
    ['import { Vpc } from "@cdktf/provider-aws/lib/index";'],
    ['import { Deployment } from "@cdktf/provider-kubernetes";'],
    ['import * as helm from "@cdktf/provider-helm";'],
  ])("flags %s", (sample) => {
    const findings = findBarrelImports(`// sample\n${sample}\n`, "sample.ts");

    expect(findings.map((finding) => `${finding.file}:${finding.line}`)).toEqual(["sample.ts:2"]);
  });

  it("names file and line of each barrel import in its message", () => {
    const sample = [
      'import { App } from "cdktf";',
      "",
      'import * as aws from "@cdktf/provider-aws";',
      'const helm = require("@cdktf/provider-helm");',
    ].join("\n");

    const messages = findBarrelImports(sample, "stacks/sample.ts").map(formatFinding);

    expect(messages).toEqual([
      'stacks/sample.ts:3 imports the barrel "@cdktf/provider-aws"; import from "@cdktf/provider-aws/lib/<resource>" instead',
      'stacks/sample.ts:4 imports the barrel "@cdktf/provider-helm"; import from "@cdktf/provider-helm/lib/<resource>" instead',
    ]);
  });

  it("passes deep imports, and barrels named only in comments or plain strings", () => {
    const sample = [
      'import { Vpc } from "@cdktf/provider-aws/lib/vpc";',
      'import { AwsProvider } from "@cdktf/provider-aws/lib/provider";',
      'import { Deployment } from "@cdktf/provider-kubernetes/lib/deployment";',
      'import { Release } from "@cdktf/provider-helm/lib/release";',
      'const subnet = require("@cdktf/provider-aws/lib/subnet");',
      '// never: import * as aws from "@cdktf/provider-aws";',
      'const benchCommand = `require("@cdktf/provider-aws")`;',
      'const packageName = "@cdktf/provider-aws";',
    ].join("\n");

    expect(findBarrelImports(sample, "sample.ts")).toEqual([]);
  });
});

describe("cdktf.json", () => {
  /** The `app` command of cdktf.json, split into its `&&`-chained commands. */
  function appCommands(): string[] {
    const config = JSON.parse(readFileSync(path.join(ROOT, "cdktf.json"), "utf8")) as { readonly app?: unknown };
    expect(typeof config.app, "cdktf.json app").toBe("string");
    return String(config.app)
      .split(/&&|;/)
      .map((command) => command.trim())
      .filter((command) => command !== "");
  }

  it("runs the compiled app with node, not ts-node", () => {
    const commands = appCommands();

    const last = commands[commands.length - 1] ?? "";
    expect(last).toMatch(/^node\s+dist\/\S+\.js$/);
    expect(commands.join(" && ")).not.toMatch(/ts-node|\btsx\b|--loader|--require\s+ts-node/);
  });

  it("runs the app the way `npm run synth` does (the bundled app through the code-cache launcher)", () => {
    const packageJson = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { readonly scripts: Record<string, string> };
    const synth = (packageJson.scripts["synth"] ?? "").split("&&").map((command) => command.trim());
    expect(synth.at(-1)).toBe(appCommands().at(-1));
    expect(appCommands().at(-1)).toBe("node dist/launch.js");
  });

  it("runs the compiled form of a source file that exists", () => {
    const last = appCommands().at(-1) ?? "";
    const compiled = /^node\s+dist\/(\S+)\.js$/.exec(last)?.[1];

    expect(compiled, `entry of "${last}"`).toBeDefined();
    expect(existsSync(path.join(ROOT, `${compiled ?? ""}.ts`)), `${compiled ?? ""}.ts`).toBe(true);
  });
});

describe("the app never loads the AWS SDK", () => {
  it("no file of the app (main.ts, launch.ts, environments/, stacks/, modules/) references @aws-sdk: the instance types come from the generated table", () => {
    const appFiles = ["main.ts", "launch.ts", "bootstrap.ts", "environments", "stacks", "modules"]
      .flatMap((entry) => typeScriptFiles(ROOT, entry))
      .map((file) => file.split(path.sep).join("/"))
      .filter((file) => !file.endsWith(".test.ts"));
    const sdk = appFiles.flatMap((file) =>
      repositoryModuleReferences(ROOT, file)
        .filter((reference) => reference.specifier.startsWith("@aws-sdk/"))
        .map((reference) => `${file} ${reference.specifier}`),
    );
    expect(appFiles).toContain("modules/core/instance-types.ts");
    expect(sdk).toEqual([]);
  });
});
