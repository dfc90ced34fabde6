import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
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
 * `node_modules/.cache/app-code-cache/`, one file per entry, bundle and runtime:
 * `<entry>-<sha256 of the bundle>-<runtime key>.bin`. A rebuilt bundle never meets a stale cache;
 * the runtime key (Node and V8 versions, platform, `execArgv`, `NODE_OPTIONS`) gives each set of
 * flags a cache of its own, so alternating `NODE_OPTIONS` do not overwrite each other's.
 *
 * V8 trusts a code cache's bytes: it checks versions, flags and the source's length, not the
 * payload (release builds skip its checksum), and a damaged payload aborts the process with a
 * fatal error. So every cache file starts with a header holding the SHA-256 of the V8 data; a
 * file whose header or digest does not match is deleted before V8 sees it, the run compiles
 * without it, and a clean exit writes a fresh one. A cache that cannot be read or written only
 * costs speed: the bundle runs the same either way.
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
  /**
   * The runtime whose cache to read and write.
   * @default this process's (currentRuntime())
   */
  readonly runtime?: Runtime;
}

/** A bundle compiled and ready to run, with what became of its code cache. */
export interface PreparedBundle {
  /** The cache file for this bundle's content. */
  readonly cacheFile: string;
  /**
   * "used": V8 accepted the cache; "rejected": V8 refused it (its own version or flag check);
   * "discarded": the file failed the launcher's checksum and was deleted unread by V8; "none": there was none.
   */
  readonly cache: "used" | "rejected" | "discarded" | "none";
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

/** What V8 compiles differently for: its version and the flags the process was started with. */
export interface Runtime {
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  readonly arch: string;
  readonly execArgv: readonly string[];
  readonly nodeOptions: string;
}

/** This process's runtime. */
export function currentRuntime(): Runtime {
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    execArgv: process.execArgv,
    nodeOptions: process.env["NODE_OPTIONS"] ?? "",
  };
}

/** 16 hex digits of the SHA-256 of a runtime: one cache per Node version and set of flags. */
export function runtimeKey(runtime: Runtime): string {
  return createHash("sha256").update(JSON.stringify(runtime)).digest("hex").slice(0, 16);
}

/**
 * The cache file of a bundle: `<entry>-<sha256 of the source>-<runtime key>.bin`. The name carries
 * the whole content hash because V8's own check compares only the source's length.
 */
export function cacheFileFor(file: string, source: string, cacheDir: string, runtime: string = runtimeKey(currentRuntime())): string {
  const digest = createHash("sha256").update(source).digest("hex");
  return path.join(cacheDir, `${path.basename(file, ".js")}-${digest}-${runtime}.bin`);
}

/** First bytes of every cache file the launcher writes (format 2: header, then V8's data). */
const CACHE_MAGIC = Buffer.from("appcc02\n", "latin1");
const DIGEST_BYTES = 32;

/** A cache file's content: the magic, the SHA-256 of V8's data, the data. */
export function sealCodeCache(data: Buffer): Buffer {
  return Buffer.concat([CACHE_MAGIC, createHash("sha256").update(data).digest(), data]);
}

/** V8's data of a cache file, or undefined when the header or the digest does not match (damaged, truncated, foreign). */
export function unsealCodeCache(file: Buffer): Buffer | undefined {
  const headerBytes = CACHE_MAGIC.length + DIGEST_BYTES;
  if (file.length <= headerBytes || !file.subarray(0, CACHE_MAGIC.length).equals(CACHE_MAGIC)) return undefined;
  const data = file.subarray(headerBytes);
  const digest = file.subarray(CACHE_MAGIC.length, headerBytes);
  return createHash("sha256").update(data).digest().equals(digest) ? data : undefined;
}

/** Reads a file, or undefined if it cannot be read. */
function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** `<64 hex: bundle>` (before runtime keys) or `<64 hex: bundle>-<16 hex: runtime>`, then `.bin`. */
const CACHE_NAME = /^([0-9a-f]{64})(?:-[0-9a-f]{16})?\.bin$/;

/** The code cache files of one entry point in `cacheDir` (any build of it, any runtime), as full paths. */
export function codeCacheFilesOf(entry: string, cacheDir: string): string[] {
  if (!existsSync(cacheDir)) return [];
  const prefix = `${entry}-`;
  return readdirSync(cacheDir)
    .filter((file) => file.startsWith(prefix) && CACHE_NAME.test(file.slice(prefix.length)))
    .map((file) => path.join(cacheDir, file));
}

/** Caches of one bundle kept side by side, one per runtime (Node version and flags); the least recently written go first. */
export const RUNTIMES_KEPT = 4;

const bundleDigestOf = (cacheFile: string, entry: string) => CACHE_NAME.exec(path.basename(cacheFile).slice(entry.length + 1))?.[1];

/**
 * Writes a cache file through a temporary file and a rename, then removes the entry's caches of
 * other builds and the oldest runtimes of this build beyond RUNTIMES_KEPT.
 */
function storeCodeCache(script: Script, cacheFile: string, entry: string): void {
  try {
    const dir = path.dirname(cacheFile);
    mkdirSync(dir, { recursive: true });
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(temporary, sealCodeCache(script.createCachedData()));
    renameSync(temporary, cacheFile);
    const build = bundleDigestOf(cacheFile, entry);
    const siblings = codeCacheFilesOf(entry, dir).filter((file) => file !== cacheFile);
    for (const old of siblings.filter((file) => bundleDigestOf(file, entry) !== build)) rmSync(old, { force: true });
    const sameBuild = siblings
      .filter((file) => bundleDigestOf(file, entry) === build)
      .map((file) => ({ file, written: statSync(file).mtimeMs }))
      .sort((a, b) => b.written - a.written);
    for (const { file } of sameBuild.slice(RUNTIMES_KEPT - 1)) rmSync(file, { force: true });
  } catch {
    // The cache only saves time; the program's result does not depend on it.
  }
}

/** The V8 data of a cache file that passes the checksum; a file that fails it is deleted. */
function readCodeCache(cacheFile: string): { readonly data?: Buffer; readonly discarded: boolean } {
  const file = readIfPresent(cacheFile);
  if (file === undefined) return { discarded: false };
  const data = unsealCodeCache(file);
  if (data !== undefined) return { data, discarded: false };
  rmSync(cacheFile, { force: true });
  return { discarded: true };
}

/** Reads a bundle and compiles it, with its code cache when there is one. */
export function prepareBundle(target: LaunchTarget): PreparedBundle {
  const source = readFileSync(target.file, "utf8");
  const cacheFile = cacheFileFor(target.file, source, target.cacheDir, runtimeKey(target.runtime ?? currentRuntime()));
  const { data: cachedData, discarded } = readCodeCache(cacheFile);
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new Script(wrapped, { filename: target.file, ...(cachedData === undefined ? {} : { cachedData }) });
  const cache = cachedData === undefined ? (discarded ? "discarded" : "none") : script.cachedDataRejected === true ? "rejected" : "used";
  const run = () => {
    const bundleModule = { exports: {} as unknown, filename: target.file };
    const wrapper = script.runInThisContext() as (
      exports: unknown,
      require: NodeJS.Require,
      module: unknown,
      filename: string,
      dirname: string,
    ) => void;
    process.argv = [process.argv[0] ?? "node", target.file, ...target.args];
    (globalThis as { [LAUNCHED_BUNDLE_SHA256]?: string })[LAUNCHED_BUNDLE_SHA256] = bundleDigestOf(
      cacheFile,
      path.basename(target.file, ".js"),
    );
    wrapper(bundleModule.exports, createRequire(target.file), bundleModule, target.file, path.dirname(target.file));
  };
  return { cacheFile, cache, run, storeCache: () => storeCodeCache(script, cacheFile, path.basename(target.file, ".js")) };
}

/**
 * Where `run` leaves the SHA-256 of the bundle it runs, on globalThis (the bundle runs in this
 * context): a cache whose validity depends on the whole program keys itself with it
 * (scripts/facts-cache.ts reads it under the same registered symbol).
 */
const LAUNCHED_BUNDLE_SHA256 = Symbol.for("aws-platform-cdktf.launchedBundleSha256");

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
    process.exit(2);
  }
  const bundle = prepareBundle({ file, cacheDir: CODE_CACHE_DIR, args });
  if (process.env["LAUNCH_DEBUG"] === "1") process.stderr.write(`launch: ${entry}: code cache ${bundle.cache} (${bundle.cacheFile})\n`);
  storeCacheOnCleanExit(bundle);
  bundle.run();
}

if (require.main === module) main(process.argv.slice(2));
