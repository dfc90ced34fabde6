import * as path from "node:path";

/** Repository root. */
export const ROOT = path.resolve(__dirname, "../..");

/** Scratch space of this test run alone (vitest.config.mts points TMPDIR at it). */
export function testTmp(): string {
  const dir = process.env["TMPDIR"];
  if (dir === undefined || !dir.startsWith(path.join(ROOT, ".tmp"))) {
    throw new Error(`TMPDIR (${dir ?? "unset"}) is not this run's folder under .tmp/: run the tests through vitest.config.mts`);
  }
  return dir;
}

/** Where global setup synthesizes every stack of every environment once per run. */
export function sharedSynthDir(): string {
  return path.join(testTmp(), "synth");
}
