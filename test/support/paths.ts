import * as path from "node:path";

/** Repository root. */
export const ROOT = path.resolve(__dirname, "../..");
/** Scratch space of one test run (TMPDIR points here); global setup empties it. */
export const TEST_TMP = path.join(ROOT, ".tmp/vitest");
/** Where global setup synthesizes every stack of every environment once per run. */
export const SHARED_SYNTH_DIR = path.join(ROOT, ".tmp/vitest-synth");
