// @ts-check
/**
 * `npm test`: vitest run under Node with V8's optimizing compiler (TurboFan) started later than by
 * default, so that the suite's short-lived code is not optimized on V8's background threads only to
 * run a few more times. Per-thread CPU of one run on Node 20: those threads were a third of it
 * (docs/performance.md, "The test suite").
 *
 * V8 names the threshold differently by version, and Node refuses a V8 flag its V8 does not know
 * ("bad option"), so the flag is chosen from what the running V8 lists (`node --v8-options`):
 * - `--interrupt-budget` (V8 11, Node 20): bytecode a function runs before it is considered,
 *   67,584 by default;
 * - `--invocation-count-for-turbofan` (V8 12 and later, Node 22 and 24): 3,000 calls by default.
 * Each is raised to 8 times its default (4 and 16 times were slower than 8 on Node 20). Neither listed:
 * no flag. V8 flags cannot go through NODE_OPTIONS, hence a second process.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

/** What to raise, as V8 lists the flag, and to what. */
const TIERING_FLAGS = [
  { name: "--invocation-count-for-turbofan", value: 24_000 },
  { name: "--interrupt-budget", value: 540_672 },
];

/**
 * The tiering flag for a V8 whose `--v8-options` text is given: the first of TIERING_FLAGS it lists.
 * @param {string} v8Options
 * @returns {string[]}
 */
export function tieringFlags(v8Options) {
  const known = TIERING_FLAGS.find(({ name }) => new RegExp(`^\\s*${name} `, "m").test(v8Options));
  return known === undefined ? [] : [`${known.name}=${known.value}`];
}

/** Runs vitest with the arguments npm passed on, and exits as it did. */
function main() {
  const v8Options = spawnSync(process.execPath, ["--v8-options"], { encoding: "utf8" }).stdout ?? "";
  // vitest's command (its package's `bin`), which its exports do not name.
  const vitest = path.join(path.dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs");
  const run = spawnSync(process.execPath, [...tieringFlags(v8Options), vitest, ...process.argv.slice(2)], { stdio: "inherit" });
  if (run.error !== undefined) throw run.error;
  if (run.signal !== null) process.kill(process.pid, run.signal);
  process.exit(run.status ?? 1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
