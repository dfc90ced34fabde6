import { mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { requireCommonJs } from "./test/support/require-commonjs.mjs";

/**
 * Testing.app() leaves a temp folder per call, and global setup synthesizes every stack once per
 * run: both go below a folder of this run alone (TMPDIR), which the run removes when it ends.
 * One folder per run keeps two concurrent runs (a benchmark and an editor, say) apart.
 */
const runTmp = fileURLToPath(new URL(`.tmp/vitest/run-${process.pid}`, import.meta.url));
mkdirSync(runTmp, { recursive: true });
process.env["TMPDIR"] = runTmp;

export default defineConfig({
  // cdktf, constructs, the providers and typescript-5 load with require, not import(): Node's ES module
  // loader reads a CommonJS file twice more before running it (test/support/require-commonjs.ts).
  plugins: [requireCommonJs()],
  test: {
    // Transformed modules kept on disk between runs (node_modules/.experimental-vitest-cache, keyed by
    // each file's content, this config and the lockfile): a run transforms only what changed. Global
    // setup tolerates what this does to vite's stack mapping there (test/support/tolerant-stack-formatting.ts).
    experimental: { fsModuleCache: true },
    include: ["test/**/*.test.ts", "modules/**/*.test.ts"],
    // Needs terraform with downloadable providers: `npm run test:integration` (CI only).
    exclude: ["test/integration/**", "node_modules/**"],
    setupFiles: ["test/support/matchers.ts", "test/support/token-stacks.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    env: { TMPDIR: runTmp, CHECKPOINT_DISABLE: "1" },
    // Worker threads, not child processes: they start faster and answer vitest's main process
    // without a pipe (npm test 16.4 s against 17.3 s, four interleaved pairs, docs/performance.md).
    // No test changes directory; a test's process.env is its thread's copy; the caches write through a
    // temporary file named by process and thread (two threads share a pid).
    pool: "threads",
    // One module graph per worker: cdktf and the providers load once, not once per test file.
    isolate: false,
    // One worker per core: vitest's default for `run` leaves a core to its main process (one worker
    // on a 2-core machine), which after global setup is nearly idle (docs/performance.md, issue 22).
    maxWorkers: availableParallelism(),
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
