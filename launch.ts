import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { Script } from "node:vm";

/**
 * Runs a bundled entry point (`dist/bundle/<entry>.js`, made by `npm run build`) with V8's code
 * cache. This is how `npm run synth` and the cdktf CLI (`cdktf.json`) run the app:
 *
 *   node dist/launch.js [entry] [args...]      entry: "main" (the default, and the only one today)
 *
 * An argument that names no entry is the default entry's (`npm run synth -- --env dev` runs
 * `node dist/launch.js --env dev`), which then judges it.
 *
 * Most of a synth's fixed cost is V8 parsing and compiling some 20 MB of provider and cdktf
 * JavaScript, again on every run. After a successful run the launcher stores V8's code cache for
 * the bundle, which then holds every function the run compiled; the next run of the same bundle
 * skips that work (docs/performance.md has the figures). The cache lives in
 * `node_modules/.cache/app-code-cache/`, one file per entry named by the SHA-256 of the bundle, so a
 * rebuilt bundle never meets a stale cache; V8 itself also rejects a cache made by another Node
 * version or with other V8 flags, and the launcher then writes a fresh one. A cache that cannot
 * be read or written only costs speed: the bundle runs the same either way.
 *
 * What runs is the same program as `node dist/main.js`: the bundle is tsc's output concatenated
 * by esbuild (`scripts/bundle-app.ts`), and `.ci/run` compares the output of both.
 */

/** The repository root: the parent of `dist/` when compiled, this folder when run from source (tests). */
export const ROOT = path.resolve(__dirname, path.basename(__dirname) === "dist" ? ".." : ".");

/** Where `scripts/bundle-app.ts` writes the bundles, relative to the root. */
export const BUNDLE_DIR = "dist/bundle";

/** Entry point name (the launcher's first argument) to its compiled file, relative to the root. */
export const BUNDLED_ENTRIES: Readonly<Record<string, string>> = {
  /** The app: the stacks of every environment, or of those named with `--env` (`main.ts`). */
  main: "dist/main.js",
};

/** The default entry point. */
const DEFAULT_ENTRY = "main";

/** Where code caches are kept. */
export const CODE_CACHE_DIR = path.join(ROOT, "node_modules", ".cache", "app-code-cache");

/** A bundle to run and where its code cache belongs. */
export interface LaunchTarget {
  /** Absolute path of the bundle. */
  readonly file: string;
  /** Folder holding the code caches. */
  readonly cacheDir: string;
  /** Arguments the bundle sees as `process.argv.slice(2)`. */
  readonly args: readonly string[];
}

/** A bundle compiled and ready to run, with what became of its code cache. */
export interface PreparedBundle {
  /** The cache file for this bundle's content. */
  readonly cacheFile: string;
  /** "used": V8 accepted the cache; "rejected": it did not (another Node or flags); "none": there was none. */
  readonly cache: "used" | "rejected" | "none";
  /**
   * Runs the bundle as Node runs a main module: CommonJS wrapper, its own `require` (relative to
   * the bundle), `__filename`, `__dirname` and `process.argv`. Exceptions propagate.
   */
  readonly run: () => void;
  /**
   * Writes V8's code cache for everything compiled so far, through a temporary file and a rename
   * (a parallel launch never reads half a cache), and removes the caches of earlier builds of the
   * same entry. Failures (read-only or full disk) are ignored: the next run compiles again.
   */
  readonly storeCache: () => void;
}

/**
 * The cache file of a bundle: `<entry>-<sha256 of the source>.bin`. The name carries the whole
 * content hash because V8's own check compares only the source's length.
 */
export function cacheFileFor(file: string, source: string, cacheDir: string): string {
  const digest = createHash("sha256").update(source).digest("hex");
  return path.join(cacheDir, `${path.basename(file, ".js")}-${digest}.bin`);
}

/** Reads a file, or undefined if it cannot be read. */
function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** The code cache files of one entry point in `cacheDir` (any build of it), as full paths. */
export function codeCacheFilesOf(entry: string, cacheDir: string): string[] {
  if (!existsSync(cacheDir)) return [];
  const prefix = `${entry}-`;
  return readdirSync(cacheDir)
    .filter((file) => file.startsWith(prefix) && /^[0-9a-f]{64}\.bin$/.test(file.slice(prefix.length)))
    .map((file) => path.join(cacheDir, file));
}

function storeCodeCache(script: Script, cacheFile: string, entry: string): void {
  try {
    const dir = path.dirname(cacheFile);
    mkdirSync(dir, { recursive: true });
    for (const old of codeCacheFilesOf(entry, dir)) {
      if (old !== cacheFile) rmSync(old, { force: true });
    }
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(temporary, script.createCachedData());
    renameSync(temporary, cacheFile);
  } catch {
    // The cache only saves time; the program's result does not depend on it.
  }
}

/** Reads a bundle and compiles it, with its code cache when there is one. */
export function prepareBundle(target: LaunchTarget): PreparedBundle {
  const source = readFileSync(target.file, "utf8");
  const cacheFile = cacheFileFor(target.file, source, target.cacheDir);
  const cachedData = readIfPresent(cacheFile);
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new Script(wrapped, { filename: target.file, ...(cachedData === undefined ? {} : { cachedData }) });
  const cache = cachedData === undefined ? "none" : script.cachedDataRejected === true ? "rejected" : "used";
  const run = () => {
    const bundleModule = { exports: {} as unknown, filename: target.file };
    const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
    process.argv = [process.argv[0] ?? "node", target.file, ...target.args];
    wrapper(bundleModule.exports, createRequire(target.file), bundleModule, target.file, path.dirname(target.file));
  };
  return { cacheFile, cache, run, storeCache: () => storeCodeCache(script, cacheFile, path.basename(target.file, ".js")) };
}

/** A launcher argument that names no bundle, or a bundle not built yet. */
export class LaunchError extends Error {}

/** The bundle file of an entry point, checked to exist. */
export function bundleFileFor(entry: string, root: string = ROOT): string {
  if (BUNDLED_ENTRIES[entry] === undefined) {
    throw new LaunchError(`unknown entry "${entry}"; one of: ${Object.keys(BUNDLED_ENTRIES).join(", ")}`);
  }
  const file = path.join(root, BUNDLE_DIR, `${entry}.js`);
  if (!existsSync(file)) throw new LaunchError(`${path.relative(root, file)} does not exist; run \`npm run build\` first`);
  return file;
}

/** What `storeCacheOnCleanExit` listens to: the process, or a stand-in in tests. */
export interface ExitEvents {
  once(event: "exit", listener: (code: number) => void): unknown;
}

/**
 * Stores the bundle's code cache when the process exits 0, unless V8 accepted the cache already.
 * A failed run (a bad environment file, an exception) stores nothing.
 */
export function storeCacheOnCleanExit(bundle: PreparedBundle, events: ExitEvents = process): void {
  if (bundle.cache === "used") return;
  events.once("exit", (code) => {
    if (code === 0) bundle.storeCache();
  });
}

/** The entry and its arguments: the first argument when it names an entry, else the default entry with every argument. */
export function entryAndArguments(argv: readonly string[]): { readonly entry: string; readonly args: readonly string[] } {
  const [first, ...rest] = argv;
  return first !== undefined && Object.hasOwn(BUNDLED_ENTRIES, first) ? { entry: first, args: rest } : { entry: DEFAULT_ENTRY, args: argv };
}

/** `node dist/launch.js [entry] [args...]`; `LAUNCH_DEBUG=1` prints what happened to the code cache. */
function main(argv: readonly string[]): void {
  const { entry, args } = entryAndArguments(argv);
  let file: string;
  try {
    file = bundleFileFor(entry);
  } catch (error) {
    if (!(error instanceof LaunchError)) throw error;
    process.stderr.write(`launch: ${error.message}\n`);
    return process.exit(2);
  }
  const bundle = prepareBundle({ file, cacheDir: CODE_CACHE_DIR, args });
  if (process.env["LAUNCH_DEBUG"] === "1") process.stderr.write(`launch: ${entry}: code cache ${bundle.cache} (${bundle.cacheFile})\n`);
  storeCacheOnCleanExit(bundle);
  bundle.run();
}

if (require.main === module) main(process.argv.slice(2));
