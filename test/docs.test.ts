import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { EnvironmentConfigError, environmentsDir, loadEnvironments } from "../environments/load";
import { COMMANDS } from "../scripts/commands";
import { ROOT, testTmp } from "./support/paths";

/**
 * The README and docs/ name commands, options, files and lines of the environment files; each of
 * those must exist, so that a reader who follows the docs never meets a command that is not
 * there, a link that goes nowhere, or a sample error on the wrong line.
 */

/** Markdown files of the docs, relative to the root: README.md and everything under docs/. */
function markdownFiles(): string[] {
  const found: string[] = ["README.md"];
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith(".md")) found.push(rel);
    }
  };
  walk("docs");
  return found.sort();
}

const DOCS = markdownFiles();
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");
const SCRIPTS = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;

/** GitHub's anchor of a heading: lowercase, punctuation dropped, spaces to hyphens; repeats get -1, -2. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (line.startsWith("```")) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*)$/.exec(line);
    if (heading === null) continue;
    const base = (heading[1] ?? "")
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(base) ?? 0;
    anchors.add(count === 0 ? base : `${base}-${count}`);
    seen.set(base, count + 1);
  }
  return anchors;
}

/** Text outside fenced code blocks, and the code blocks, of a markdown file. */
function split(markdown: string): { prose: string; code: string[] } {
  const prose: string[] = [];
  const code: string[] = [];
  let block: string[] | undefined;
  for (const line of markdown.split("\n")) {
    if (line.startsWith("```")) {
      if (block === undefined) block = [];
      else {
        code.push(block.join("\n"));
        block = undefined;
      }
    } else if (block !== undefined) block.push(line);
    else prose.push(line);
  }
  return { prose: prose.join("\n"), code };
}

/** The repository's files (git's view: no build output, scratch or local files), relative to the root. */
const TRACKED: readonly string[] = (() => {
  const listed = spawnSync("git", ["ls-files", "-z", "--cached"], { cwd: ROOT, encoding: "utf8" });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  return listed.stdout.split("\0").filter((file) => file !== "" && existsSync(path.join(ROOT, file)));
})();

/** Top-level names a backticked repository path may start with. */
const REPOSITORY_ROOTS = [...new Set(TRACKED.map((file) => file.split("/")[0] ?? ""))];

/** Backticked tokens that name a repository file or folder (no placeholders or globs). */
function namedPaths(prose: string): string[] {
  const tokens = [...prose.matchAll(/`([^`\s]+)`/g)].map((match) => match[1] ?? "");
  return tokens.filter(
    (token) =>
      !/[<>*{}$]/.test(token) &&
      REPOSITORY_ROOTS.some((root) => token === root || token.startsWith(`${root}/`)) &&
      (/\.(ts|mts|json|ya?ml|md|sh)$/.test(token) || token.endsWith("/") || token === ".ci/run"),
  );
}

describe("the README", () => {
  const readme = read("README.md");
  const lines = readme.split("\n");

  it("is a front door: under 250 lines", () => {
    expect(lines.length).toBeLessThan(250);
  });

  it("shows the quick start within the first screen (its first command in the first 40 lines)", () => {
    const firstCommand = lines.findIndex((line) => /^npm (ci|test|run)\b/.test(line));
    expect(firstCommand).toBeGreaterThanOrEqual(0);
    expect(firstCommand).toBeLessThan(40);
  });

  it("has one diagram", () => {
    expect(readme.match(/```mermaid/g) ?? []).toHaveLength(1);
  });

  it.each(["Deploy a layer", "Release an app", "Add an environment", "Upgrade Kubernetes"])(
    "has the everyday task %s, with a link to more",
    (task) => {
      const section = readme.split(`### ${task}`)[1]?.split("\n### ")[0] ?? "";
      expect(section, task).not.toBe("");
      expect(section).toMatch(/\]\(docs\/[\w./-]+(#[\w-]+)?\)/);
    },
  );
});

describe.each(DOCS)("%s", (file) => {
  const markdown = read(file);
  const { prose, code } = split(markdown);

  it("links only to files and headings that exist", () => {
    const broken: string[] = [];
    for (const match of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = match[1] ?? "";
      if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
      const [targetPath = "", anchor] = target.split("#");
      const resolved = targetPath === "" ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), targetPath));
      if (!existsSync(path.join(ROOT, resolved))) {
        broken.push(`${target}: no ${resolved}`);
        continue;
      }
      if (anchor !== undefined && resolved.endsWith(".md") && !anchorsOf(read(resolved)).has(anchor))
        broken.push(`${target}: no heading #${anchor} in ${resolved}`);
    }
    expect(broken).toEqual([]);
  });

  it("names only npm scripts that exist, with options their command has", () => {
    const wrong: string[] = [];
    for (const match of markdown.matchAll(/npm run (?:--silent )?([\w:-]*[\w-])((?: -- (?:--?[\w-]+(?:[ =](?!--)[^\s`|)]+)?\s*)+)?)/g)) {
      const script = match[1] ?? "";
      if (SCRIPTS[script] === undefined) {
        wrong.push(`npm run ${script}: no such script`);
        continue;
      }
      const spec = COMMANDS.find((command) => command.name === script);
      const options = [...(match[2] ?? "").matchAll(/--([\w-]+)/g)].map((option) => option[1] ?? "").filter((option) => option !== "");
      for (const option of options) {
        if (spec !== undefined && option !== "help" && spec.options[option] === undefined)
          wrong.push(`npm run ${script} -- --${option}: no such option`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("names only repository files and folders that exist", () => {
    // An environment file that does not exist is an example (environments/qa.yaml, a sandbox).
    const missing = namedPaths(prose).filter((named) => !existsSync(path.join(ROOT, named)) && !/^environments\/[\w-]+\.yaml$/.test(named));
    expect(missing).toEqual([]);
  });

  it("quotes errors of the environment files exactly as the loader reports the mistake the page describes", () => {
    const quoted = code.flatMap((block) => block.split("\n")).filter((line) => QUOTED_ERROR.test(line));
    const reproducible = quoted.filter((line) => REPRODUCED.files.has(QUOTED_ERROR.exec(line)?.[1] ?? ""));
    const wrong = reproducible
      .filter((line) => !REPRODUCED.lines.has(line))
      .map((line) => {
        const [, file = "", at = ""] = QUOTED_ERROR.exec(line) ?? [];
        const near = [...REPRODUCED.lines].filter(
          (candidate) => candidate.startsWith(`environments/${file}:`) && candidate.includes(` ${at}:`),
        );
        return `${line}\n  the loader says: ${near.join("\n  or: ") || "(nothing for that file and path)"}`;
      });
    expect(wrong).toEqual([]);
  });
});

/** A quoted error of an environment file in a code block: `environments/<file>:<line>[:<column>] <path>: <message>`. */
const QUOTED_ERROR = /^environments\/([\w-]+\.ya?ml):\d+(?::\d+)?:? ([\w.[\]]*):? /;

/**
 * The mistakes the docs show, each made on a fresh copy of the environment files it starts from
 * (from `environmentsDir()`, so the added-environment run checks them too). Only the files named
 * here are copied: a file the reader added (their own `qa.yaml`) never takes part, so its layout
 * can never make a documented line wrong. Each `edit` changes whole lines found by their text.
 */
const DOCUMENTED_MISTAKES: readonly {
  readonly what: string;
  readonly from: readonly string[];
  readonly edit: (files: Map<string, string>) => void;
}[] = [
  {
    what: "a misspelt key in dev (network.flowLogs.retentionDay) and a single NAT gateway in prod",
    from: ["dev.yaml", "staging.yaml", "prod.yaml"],
    edit: (files) => {
      files.set("dev.yaml", replaceLine(files.get("dev.yaml"), /^( {2}flowLogs:\n {4})retentionDays:/m, "$1retentionDay:"));
      files.set("prod.yaml", replaceLine(files.get("prod.yaml"), /^ {2}natGateways: perAz$/m, "  natGateways: single"));
    },
  },
  {
    what: "staging's network.vpcCidr indented by 3 spaces (a YAML syntax error)",
    from: ["dev.yaml", "staging.yaml", "prod.yaml"],
    edit: (files) => files.set("staging.yaml", replaceLine(files.get("staging.yaml"), /^ {2}vpcCidr:/m, "   vpcCidr:")),
  },
  {
    what: "an unedited copy: cp environments/staging.yaml environments/qa.yaml",
    from: ["dev.yaml", "staging.yaml", "prod.yaml"],
    edit: (files) => files.set("qa.yaml", files.get("staging.yaml") ?? ""),
  },
];

/** `text` with the first match of `line` replaced; throws when there is none (the mistake must be made). */
function replaceLine(text: string | undefined, line: RegExp, replacement: string): string {
  if (text === undefined || !line.test(text)) throw new Error(`no line ${line} to make the documented mistake with`);
  return text.replace(line, replacement);
}

/**
 * Every line the loader prints for the documented mistakes, with the scratch folder shown as
 * `environments/` (as a reader running the command sees it), and the files those lines may name.
 */
const REPRODUCED: { readonly lines: ReadonlySet<string>; readonly files: ReadonlySet<string> } = (() => {
  const lines = new Set<string>();
  const files = new Set<string>();
  const base = path.join(testTmp(), "docs-examples");
  mkdirSync(base, { recursive: true });
  for (const mistake of DOCUMENTED_MISTAKES) {
    if (!mistake.from.every((file) => existsSync(path.join(environmentsDir(), file)))) continue; // a repository without that file
    const copies = new Map(mistake.from.map((file) => [file, readFileSync(path.join(environmentsDir(), file), "utf8")]));
    mistake.edit(copies);
    const dir = mkdtempSync(path.join(base, "environments-"));
    for (const [file, text] of copies) writeFileSync(path.join(dir, file), text);
    for (const file of copies.keys()) files.add(file);
    let problems: readonly string[] = [];
    try {
      loadEnvironments(dir);
    } catch (error) {
      if (!(error instanceof EnvironmentConfigError)) throw error;
      problems = error.message.split("\n");
    }
    if (problems.length === 0) throw new Error(`the documented mistake "${mistake.what}" loads without an error`);
    const shown = `${path.relative(process.cwd(), dir)}/`;
    for (const problem of problems) lines.add(problem.split(shown).join("environments/"));
  }
  return { lines, files };
})();

/**
 * The GitHub environments the workflows run jobs in, as forms of the environment name: a job's
 * `environment:` is a matrix value or an input that holds an environment's name (`<env>`), with a
 * suffix or not (`${{ matrix.stack.environment }}-plan` is `<env>-plan`).
 */
function workflowEnvironmentForms(): string[] {
  const dir = path.join(ROOT, ".github/workflows");
  const forms = new Set<string>();
  for (const file of readdirSync(dir).filter((name) => /\.ya?ml$/.test(name))) {
    const workflow = parse(read(`.github/workflows/${file}`)) as { jobs?: Record<string, { environment?: string | { name?: string } }> };
    for (const job of Object.values(workflow.jobs ?? {})) {
      const environment = typeof job.environment === "string" ? job.environment : job.environment?.name;
      if (environment !== undefined) forms.add(environment.replace(/\$\{\{\s*[\w.]*environment\s*\}\}/g, "<env>"));
    }
  }
  return [...forms].sort();
}

describe("the GitHub settings (docs/ci-cd.md#github-settings)", () => {
  const section = read("docs/ci-cd.md").split("\n## GitHub settings\n")[1]?.split("\n## ")[0] ?? "";
  const rows = section.split("\n").filter((line) => line.startsWith("| `"));

  it("names every GitHub environment the workflows run jobs in", () => {
    const forms = workflowEnvironmentForms();

    expect(forms.length).toBeGreaterThan(0);
    expect(forms.filter((form) => !rows.some((row) => row.split("|")[1]?.includes(`\`${form}\``)))).toEqual([]);
  });

  it("gives every form of a production environment, <env>-plan included, required reviewers", () => {
    const production = rows.filter((row) => (row.split("|")[1] ?? "").includes("production"));

    expect(production.map((row) => /`<env>(-[\w]+)?`/.exec(row)?.[0]).sort()).toEqual(
      workflowEnvironmentForms()
        .map((form) => `\`${form}\``)
        .sort(),
    );
    for (const row of production) expect(row.split("|")[3]).toMatch(/required reviewers/i);
  });

  it("is the one list: every other page that tells the reader to set GitHub environments links to it", () => {
    const telling = DOCS.filter((file) => file !== "docs/ci-cd.md").filter((file) =>
      /GitHub environments?\b[^.]*(create|protection|required reviewers|Settings)/i.test(read(file)),
    );

    expect(telling.filter((file) => !read(file).includes("ci-cd.md#github-settings"))).toEqual([]);
  });
});

describe("docs/", () => {
  it("has a table of contents (docs/README.md) that links every page", () => {
    const toc = read("docs/README.md");
    const unlisted = DOCS.filter((file) => file.startsWith("docs/") && file !== "docs/README.md").filter(
      (file) => !toc.includes(`](${path.posix.relative("docs", file)})`),
    );
    expect(unlisted).toEqual([]);
  });

  it("lays out every top-level entry, every file of environments/, stacks/ and scripts/ and every folder of modules/ (docs/repository.md)", () => {
    const layout = read("docs/repository.md").split("## Layout")[1]?.split("```text")[1]?.split("```")[0] ?? "";
    const named = new Set<string>();
    let parent = "";
    for (const line of layout.split("\n")) {
      // The first column: names up to two spaces, several separated by commas.
      const match = /^( *)(\S.*?)(?: {2,}|$)/.exec(line);
      if (match === null) continue;
      const [, indent = "", first = ""] = match;
      for (const name of first.split(/,\s*/).filter((part) => part !== "")) {
        if (indent === "") {
          named.add(name.replace(/\/$/, ""));
          if (name.endsWith("/")) parent = name;
        } else named.add(`${parent}${name}`.replace(/\/$/, ""));
      }
    }
    const tracked = (dir: string, filter: (name: string, isDir: boolean) => boolean) =>
      [
        ...new Set(
          TRACKED.filter((file) => dir === "." || file.startsWith(`${dir}/`)).map(
            (file) => (dir === "." ? file : file.slice(dir.length + 1)).split("/")[0] ?? "",
          ),
        ),
      ]
        .filter((name) => filter(name, statSync(path.join(ROOT, dir, name)).isDirectory()))
        .map((name) => (dir === "." ? name : `${dir}/${name}`));
    const expected = [
      ...tracked(
        ".",
        (name) => REPOSITORY_ROOTS.includes(name) && !["package-lock.json", ".gitignore", ".github", "README.md"].includes(name),
      ),
      ".github/workflows",
      ...tracked("environments", (_, isDir) => !isDir),
      ...tracked("stacks", () => true),
      ...tracked("scripts", (name) => name.endsWith(".ts")),
      ...tracked("modules", (_, isDir) => isDir),
    ];
    const missing = expected.filter((entry) => !named.has(entry) && ![...named].some((name) => name.startsWith(`${entry}/`)));
    const absent = [...named].filter((entry) => !existsSync(path.join(ROOT, entry)));
    expect({ missing, absent }).toEqual({ missing: [], absent: [] });
  });
});
