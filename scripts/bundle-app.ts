import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { BuildOptions } from "esbuild";
import { BUNDLED_ENTRIES, BUNDLE_DIR, ROOT } from "../launch";
import { commandLineOrExit } from "./command-line";
import { BUNDLE_COMMAND } from "./commands";

/**
 * Second step of `npm run build`, after `tsc`: bundles the compiled app into one file per entry
 * point under `dist/bundle/`, which `launch.ts` runs with V8's code cache (docs/performance.md).
 *
 * The input is tsc's output in `dist/`, not the TypeScript sources, so the bundle runs exactly
 * the JavaScript that `node dist/main.js` runs; esbuild only concatenates modules and drops
 * whitespace and comments (identifiers keep their names, so stack traces stay readable).
 *
 * Bundling reads some 20 MB of provider and cdktf code (about 0.9 s here), so it is skipped when
 * nothing it read has changed: `dist/bundle/inputs.json` records every input esbuild reported and
 * a SHA-256 over their contents and the bundling settings. Contents, not modification times:
 * `npm ci` gives every installed file the same fixed time. esbuild itself is loaded only when
 * bundling is needed.
 *
 * Paths: modules that find repository files from `__dirname` (environments, charts) expect to sit
 * two folders below the root, as `dist/<folder>/<file>.js` does; `dist/bundle/<entry>.js` keeps that.
 */

/** What to bundle, and where. */
export interface BundleJob {
  /** Folder the entry and output paths are relative to. */
  readonly root: string;
  /** Output name (without `.js`) to compiled entry file. */
  readonly entries: Readonly<Record<string, string>>;
  /** Output folder. */
  readonly outdir: string;
}

/** The record of the last bundling, kept beside the bundles. */
interface InputsRecord {
  /** Every file esbuild read, relative to the root. */
  readonly inputs: readonly string[];
  /** SHA-256 over the settings and every input's path and content. */
  readonly fingerprint: string;
}

/** Name of the record in the output folder. */
const RECORD_FILE = "inputs.json";

/** esbuild's version, without loading esbuild. */
function esbuildVersion(): string {
  return (require("esbuild/package.json") as { version: string }).version;
}

/** esbuild's settings for a job; everything that shapes the output. */
function buildOptions(job: BundleJob): BuildOptions & { metafile: true } {
  return {
    absWorkingDir: job.root,
    entryPoints: { ...job.entries },
    outdir: job.outdir,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: "warning",
    metafile: true,
  };
}

/** The fingerprint of the settings and the inputs' contents; throws if an input is gone. */
function fingerprintOf(job: BundleJob, inputs: readonly string[]): string {
  const hash = createHash("sha256").update(JSON.stringify({ esbuild: esbuildVersion(), options: buildOptions(job) }));
  for (const input of inputs) hash.update(`\0${input}\0`).update(readFileSync(path.resolve(job.root, input)));
  return hash.digest("hex");
}

/** True when every output exists and nothing recorded has changed since the last bundling. */
function upToDate(job: BundleJob): boolean {
  const recordPath = path.resolve(job.root, job.outdir, RECORD_FILE);
  const outputs = Object.keys(job.entries).map((name) => path.resolve(job.root, job.outdir, `${name}.js`));
  if (!existsSync(recordPath) || !outputs.every((output) => existsSync(output))) return false;
  try {
    const record = JSON.parse(readFileSync(recordPath, "utf8")) as InputsRecord;
    return fingerprintOf(job, record.inputs) === record.fingerprint;
  } catch {
    return false; // an input disappeared, or the record is damaged: bundle again
  }
}

/** Bundles, unless the bundles are up to date; esbuild prints warnings and throws on an error. */
export function bundleApp(job: BundleJob): "bundled" | "up to date" {
  if (upToDate(job)) return "up to date";
  const recordPath = path.resolve(job.root, job.outdir, RECORD_FILE);
  rmSync(recordPath, { force: true });
  const { buildSync } = require("esbuild") as typeof import("esbuild");
  const result = buildSync(buildOptions(job));
  const inputs = Object.keys(result.metafile.inputs).sort();
  const record: InputsRecord = { inputs, fingerprint: fingerprintOf(job, inputs) };
  writeFileSync(recordPath, `${JSON.stringify(record, null, 2)}\n`);
  return "bundled";
}

if (require.main === module) {
  commandLineOrExit(BUNDLE_COMMAND, process.argv.slice(2));
  bundleApp({ root: ROOT, entries: BUNDLED_ENTRIES, outdir: BUNDLE_DIR });
}
