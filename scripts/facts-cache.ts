import { createHash } from "node:crypto";
import { readFileSync, readdirSync, rmSync } from "node:fs";
import * as path from "node:path";
import type { FactsCache } from "../environments/load";
import type { EnvironmentFacts } from "../environments/schema";
import { writeFileAtomically } from "./atomic-file";

/**
 * `npm run synth -- --env dev` validates in full only dev's file, and of every other file the
 * facts the rules across files compare. Parsing those files' YAML is most of what one environment
 * among a hundred files costs (about 6 ms a file), so the launched app keeps the facts it validated,
 * by the file's name and content, in `node_modules/.cache/environment-facts/<program>.json`.
 *
 * `<program>` is the SHA-256 of the bundle being run (the launcher hands it over): the bundle holds
 * the whole program (the schemas, their refinements, zod, yaml), so any change to how facts are
 * validated is another program with an empty cache; nothing is kept across builds, and a file whose
 * content changed is another key. A file that fails validation is never stored. The rules across
 * files still run over every file on every run; only the parse of an unchanged file is skipped,
 * and its lines are found (by parsing it then) only when a rule reports a problem in it. Without
 * the launcher (`node dist/main.js`, the tests) there is no digest and no cache. A cache that
 * cannot be read or written only costs speed.
 */

/** `node_modules/.cache/environment-facts/` of the repository, from the source (scripts/), tsc's output or the bundle (both two folders below the root). */
export const FACTS_CACHE_DIR = path.join(
  path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? "../.." : ".."),
  "node_modules",
  ".cache",
  "environment-facts",
);

/** Where launch.ts leaves the running bundle's SHA-256 (LAUNCHED_BUNDLE_SHA256 there: one registered symbol, no import of the launcher). */
const PROGRAM_DIGEST = Symbol.for("aws-platform-cdktf.launchedBundleSha256");

/** The SHA-256 of the bundle launch.ts is running, or undefined when the program was not launched from a bundle. */
export function launchedProgramDigest(): string | undefined {
  return (globalThis as { [PROGRAM_DIGEST]?: string })[PROGRAM_DIGEST];
}

/** A facts cache kept in `dir` for one program; `save` writes it (only when something was added) and removes other programs' files. */
export function fileFactsCache(dir: string, program: string): FactsCache & { readonly save: () => void } {
  const file = path.join(dir, `${program}.json`);
  let entries: Record<string, EnvironmentFacts> = {};
  try {
    entries = JSON.parse(readFileSync(file, "utf8")) as Record<string, EnvironmentFacts>;
  } catch {
    // none yet, or unreadable: every file is parsed, and the cache is written afresh
  }
  const used: Record<string, EnvironmentFacts> = {};
  let added = false;
  const key = (name: string, text: string) => createHash("sha256").update(name).update("\0").update(text).digest("hex");
  return {
    get: (name, text) => {
      const k = key(name, text);
      const facts = entries[k];
      if (facts !== undefined) used[k] = facts;
      return facts;
    },
    set: (name, text, facts) => {
      used[key(name, text)] = facts;
      added = true;
    },
    save: () => {
      if (!added) return;
      try {
        // Only the entries of this run: files deleted or changed since drop out.
        writeFileAtomically(file, JSON.stringify(used));
        for (const other of readdirSync(dir).filter((name) => name.endsWith(".json") && name !== path.basename(file)))
          rmSync(path.join(dir, other), { force: true });
      } catch {
        // The cache only saves time.
      }
    },
  };
}
