import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import * as path from "node:path";

/**
 * What the shared synth of global setup is a function of, besides the environment files it
 * synthesizes: the stacks and modules (tests beside them excepted), the environment schema and
 * loader, the vendored charts, the stubs, the installed packages (the lock file) and the setup that
 * runs the synth. A change to any of them is another key, so a cached synth is never stale; an edit
 * to a test or a doc keeps the key.
 */
const SYNTH_INPUTS: readonly string[] = [
  "stacks",
  "modules",
  "environments",
  "charts",
  "stubs",
  "package.json",
  "package-lock.json",
  "test/support/global-setup.ts",
  "test/support/shared-synth-cache.ts",
];

/** Every file under `entry` (a file or a folder) of `root`, as paths relative to `root`, sorted. */
function filesUnder(root: string, entry: string): string[] {
  const full = path.join(root, entry);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [entry];
  return readdirSync(full, { recursive: true, encoding: "utf8" })
    .map((name) => path.join(entry, name))
    .filter((name) => !name.endsWith(".test.ts") && statSync(path.join(root, name)).isFile())
    .sort();
}

/**
 * The SHA-256 of every input of the shared synth under `root` (path and content), of the
 * environment files in `environmentsDir` (the real ones plus the one the run adds) and of Node's
 * version.
 */
export function sharedSynthKey(root: string, environmentsDir: string, inputs: readonly string[] = SYNTH_INPUTS): string {
  const hash = createHash("sha256").update(process.version);
  const add = (base: string, files: readonly string[], label: string) => {
    for (const file of files) hash.update(`\0${label}:${file}\0`).update(readFileSync(path.join(base, file)));
  };
  add(
    root,
    inputs.flatMap((entry) => filesUnder(root, entry)),
    "source",
  );
  add(environmentsDir, filesUnder(environmentsDir, "."), "environment");
  return hash.digest("hex");
}

/**
 * The synth output in `outdir`: copied from `cacheDir/<key>` when an earlier run synthesized the
 * same inputs, otherwise made by `synth` and kept there (the newest `keep` entries stay).
 * Returns whether it came from the cache.
 */
export async function cachedSynth(cacheDir: string, key: string, outdir: string, synth: () => Promise<void>, keep = 3): Promise<boolean> {
  const entry = path.join(cacheDir, key);
  if (existsSync(entry)) {
    cpSync(entry, outdir, { recursive: true });
    return true;
  }
  await synth();
  mkdirSync(cacheDir, { recursive: true });
  const temporary = `${entry}.${process.pid}.tmp`;
  cpSync(outdir, temporary, { recursive: true });
  rmSync(entry, { recursive: true, force: true });
  renameSync(temporary, entry);
  const entries = readdirSync(cacheDir)
    .filter((name) => !name.endsWith(".tmp"))
    .map((name) => ({ name, time: statSync(path.join(cacheDir, name)).mtimeMs }))
    .sort((a, b) => b.time - a.time);
  for (const old of entries.slice(keep)) rmSync(path.join(cacheDir, old.name), { recursive: true, force: true });
  return false;
}
