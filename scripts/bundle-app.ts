import * as path from "node:path";
import { buildSync } from "esbuild";
import { BUNDLED_ENTRIES, BUNDLE_DIR } from "../launch";

/**
 * Second step of `npm run build`, after `tsc`: bundles the compiled app into one file per entry
 * point under `dist/bundle/`, which `launch.ts` runs with V8's code cache (docs/performance.md).
 *
 * The input is tsc's output in `dist/`, not the TypeScript sources, so the bundle runs exactly
 * the JavaScript that `node dist/main.js` runs; esbuild only concatenates modules and drops
 * whitespace and comments (identifiers keep their names, so stack traces stay readable).
 *
 * Paths: modules that find repository files from `__dirname` (environments, charts) expect to sit
 * two folders below the root, as `dist/<folder>/<file>.js` does; `dist/bundle/<entry>.js` keeps that.
 */

/** The repository root, from `dist/scripts/bundle-app.js`. */
const ROOT = path.resolve(__dirname, "../..");

/** Writes the bundles; esbuild prints warnings, and throws (exit 1) on an error. */
function main(): void {
  buildSync({
    absWorkingDir: ROOT,
    entryPoints: BUNDLED_ENTRIES,
    outdir: BUNDLE_DIR,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: "warning",
  });
}

if (require.main === module) main();
