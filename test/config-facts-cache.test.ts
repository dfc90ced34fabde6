import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvironmentConfigError, type FactsCache, loadSelectedEnvironments } from "../environments/load";
import type { EnvironmentFacts } from "../environments/schema";
import { prepareBundle } from "../launch";
import { fileFactsCache, launchedProgramDigest } from "../scripts/facts-cache";
import { testTmp } from "./support/paths";

/**
 * `synth --env dev` among many files: the facts of the other files, validated by an earlier run of
 * the same program, are reused by name and content (scripts/facts-cache.ts). A changed file is
 * validated again, and a problem in a file that was not parsed still names its line.
 */

const MINIMAL = readFileSync(path.join(__dirname, "fixtures/environments/valid/minimal.yaml"), "utf8");

/** The minimal fixture as a second environment of its account: own VPC, domain, zone, host, certificate; no singletons. */
function second(n: number): string {
  return MINIMAL.replace(/^ {2}ownsAccountSingletons: .*$/m, "  ownsAccountSingletons: false")
    .replace(/^ {2}vpcCidr: .*$/m, `  vpcCidr: 10.${n}.0.0/16`)
    .replace(/^ {2}domain: .*$/m, `  domain: env${n}.acme.example`)
    .replace(/^ {2}hostedZoneId: .*$/m, `  hostedZoneId: Z0ENV${n}ACME000000001`)
    .replace(/^ {2}frontendHost: .*$/m, `  frontendHost: app.env${n}.acme.example`)
    .replace(/certificate\/00000000-0000-4000-8000-000000000000/, `certificate/00000000-0000-4000-8000-${String(n).padStart(12, "0")}`);
}

function scratch(prefix: string): string {
  const base = path.join(testTmp(), "facts-cache");
  mkdirSync(base, { recursive: true });
  return mkdtempSync(path.join(base, prefix));
}

/** A folder with dev (the minimal file) and qa (a second environment of the account). */
function folder(): string {
  const dir = scratch("environments-");
  writeFileSync(path.join(dir, "dev.yaml"), MINIMAL);
  writeFileSync(path.join(dir, "qa.yaml"), second(1));
  return dir;
}

/** An in-memory cache that counts its hits. */
function memoryCache(): FactsCache & { hits: number } {
  const entries = new Map<string, EnvironmentFacts>();
  const cache = {
    hits: 0,
    get: (name: string, text: string) => {
      const facts = entries.get(`${name}\0${text}`);
      if (facts !== undefined) cache.hits++;
      return facts;
    },
    set: (name: string, text: string, facts: EnvironmentFacts) => void entries.set(`${name}\0${text}`, structuredClone(facts)),
  };
  return cache;
}

const lineOf = (text: string, pattern: RegExp) => text.split("\n").findIndex((line) => pattern.test(line)) + 1;

describe("the facts of other files, reused", () => {
  it("GIVEN qa's facts cached by an earlier run WHEN dev is loaded again THEN qa is not parsed but still checked across files", () => {
    const dir = folder();
    const cache = memoryCache();
    loadSelectedEnvironments(["dev"], dir, cache);

    const selection = loadSelectedEnvironments(["dev"], dir, cache);

    expect(cache.hits).toBe(1);
    expect(selection.names).toEqual(["dev", "qa"]);
  });

  it("GIVEN qa cached and dev edited to take qa's hosted zone WHEN dev is loaded THEN both files are blamed on their own lines", () => {
    const dir = folder();
    const cache = memoryCache();
    loadSelectedEnvironments(["dev"], dir, cache);
    writeFileSync(path.join(dir, "dev.yaml"), MINIMAL.replace(/^ {2}hostedZoneId: .*$/m, "  hostedZoneId: Z0ENV1ACME000000001"));

    let problems: readonly { file: string; line: number; path: string }[] = [];
    try {
      loadSelectedEnvironments(["dev"], dir, cache);
    } catch (error) {
      if (!(error instanceof EnvironmentConfigError)) throw error;
      problems = error.problems;
    }

    expect(cache.hits).toBe(1);
    const line = lineOf(MINIMAL, /^ {2}hostedZoneId:/);
    const relative = path.relative(process.cwd(), dir);
    expect(problems.map((problem) => [problem.file, problem.line, problem.path])).toEqual([
      [`${relative}/dev.yaml`, line, "dns.hostedZoneId"],
      [`${relative}/qa.yaml`, line, "dns.hostedZoneId"],
    ]);
  });

  it("GIVEN qa cached, then edited to an unquoted account id WHEN dev is loaded THEN qa is validated again and refused", () => {
    const dir = folder();
    const cache = memoryCache();
    loadSelectedEnvironments(["dev"], dir, cache);
    writeFileSync(path.join(dir, "qa.yaml"), second(1).replace(/^ {2}id: .*$/m, "  id: 123456789012"));

    expect(() => loadSelectedEnvironments(["dev"], dir, cache)).toThrow(/qa\.yaml:\d+ account\.id: must be a quoted string of 12 digits/);
    expect(cache.hits).toBe(0);
  });
});

describe("the facts cache file", () => {
  it("GIVEN facts saved by one program WHEN another program (another bundle) reads the folder THEN it finds nothing, and its save removes the first's file", () => {
    const dir = scratch("cache-");
    const first = fileFactsCache(dir, "a".repeat(64));
    const facts = { name: "qa" } as unknown as EnvironmentFacts;
    first.set("qa", "text", facts);
    first.save();

    const again = fileFactsCache(dir, "a".repeat(64));
    const other = fileFactsCache(dir, "b".repeat(64));

    expect(again.get("qa", "text")).toEqual(facts);
    expect(again.get("qa", "other text")).toBeUndefined();
    expect(other.get("qa", "text")).toBeUndefined();
    other.set("dev", "text", facts);
    other.save();
    expect(readdirSync(dir)).toEqual([`${"b".repeat(64)}.json`]);
  });

  it("GIVEN a run that only read the cache WHEN saved THEN nothing is written", () => {
    const dir = scratch("cache-");

    fileFactsCache(dir, "c".repeat(64)).save();

    expect(existsSync(path.join(dir, `${"c".repeat(64)}.json`))).toBe(false);
  });
});

describe("the program a cache belongs to", () => {
  it("GIVEN a bundle run by the launcher WHEN it asks which program it is THEN it gets the SHA-256 of its own source", () => {
    const dir = scratch("bundle-");
    const file = path.join(dir, "app.js");
    const source = `module.exports = 1;\n`;
    writeFileSync(file, source);

    prepareBundle({ file, cacheDir: path.join(dir, "cache"), args: [] }).run();

    expect(launchedProgramDigest()).toBe(createHash("sha256").update(source).digest("hex"));
  });
});
