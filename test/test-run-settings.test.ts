import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import config from "../vitest.config.mjs";
import { ROOT } from "./support/paths";

/*
 * What makes `npm test` fast is configuration, which no behaviour test notices when it is lost
 * (docs/performance.md, "The test suite"): these hold it.
 */

/** V8's defaults (`node --v8-options`): the interrupt budget of V8 11 (Node 20), the TurboFan invocation count of V8 12 and later (Node 22, 24). */
const V8_DEFAULT_INTERRUPT_BUDGET = 67_584;
const V8_DEFAULT_TURBOFAN_INVOCATIONS = 3_000;

const scripts = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;

/** The launcher of `npm test` (plain JavaScript: it runs before anything is built). */
interface NpmTestLauncher {
  tieringFlags(v8Options: string): string[];
}
const launcherFile = path.join(ROOT, "test/support/npm-test.mjs");
let launcher: NpmTestLauncher;
beforeAll(async () => {
  launcher = (await import(/* @vite-ignore */ pathToFileURL(launcherFile).href)) as NpmTestLauncher;
});

/** A V8 flag as `node --v8-options` lists it. */
const listed = (name: string, fallback: number) => `  --${name} (the description)\n        type: int  default: --${name}=${fallback}\n`;

describe("npm test's speed settings", () => {
  it("runs vitest through the launcher that picks the tiering flag for the running V8", () => {
    expect(scripts["test"]).toBe("node test/support/npm-test.mjs run");
  });

  it("GIVEN V8 11's flags (Node 20) WHEN the flag is picked THEN the interrupt budget, above its default", () => {
    const flags = launcher.tieringFlags(listed("interrupt-budget", V8_DEFAULT_INTERRUPT_BUDGET) + listed("ticks-before-optimization", 3));
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatch(/^--interrupt-budget=\d+$/);
    expect(Number(flags[0]?.split("=")[1])).toBeGreaterThan(V8_DEFAULT_INTERRUPT_BUDGET);
  });

  it("GIVEN V8 12's and later flags (Node 22, 24) WHEN the flag is picked THEN the TurboFan invocation count, above its default", () => {
    const flags = launcher.tieringFlags(
      listed("invocation-count-for-maglev", 400) + listed("invocation-count-for-turbofan", V8_DEFAULT_TURBOFAN_INVOCATIONS),
    );
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatch(/^--invocation-count-for-turbofan=\d+$/);
    expect(Number(flags[0]?.split("=")[1])).toBeGreaterThan(V8_DEFAULT_TURBOFAN_INVOCATIONS);
  });

  it("GIVEN a V8 that lists neither WHEN the flag is picked THEN none: Node would refuse an unknown V8 flag", () => {
    expect(launcher.tieringFlags(listed("interrupt-budget-for-maglev", 40_960))).toEqual([]);
  });

  it("GIVEN the Node running this test WHEN started with the flag picked for it THEN it accepts it (Node 22 and 24 refuse --interrupt-budget)", () => {
    const v8Options = spawnSync(process.execPath, ["--v8-options"], { encoding: "utf8" }).stdout;
    const flags = launcher.tieringFlags(v8Options);
    expect(flags).toHaveLength(1);
    const run = spawnSync(process.execPath, [...flags, "-e", "process.stdout.write('ran')"], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("ran");
  });

  it("keeps transformed modules on disk between runs, with the module cache's effect on global setup handled", () => {
    expect(config.test?.experimental?.fsModuleCache).toBe(true);
    const setup = readFileSync(path.join(ROOT, "test/support/global-setup.ts"), "utf8");
    const body = setup.slice(setup.indexOf("export default async function setup("));
    expect(body.indexOf("tolerateFailingStackFormatter();"), "the first statement of global setup").toBeGreaterThan(0);
    expect(body.indexOf("tolerateFailingStackFormatter();")).toBeLessThan(body.indexOf("environmentsOrStop("));
  });

  it("runs files in threads sharing one module graph per worker, with the large CommonJS packages loaded by require", () => {
    expect(config.test?.pool).toBe("threads");
    expect(config.test?.isolate).toBe(false);
    expect((config.plugins ?? []).map((plugin) => (plugin as { name?: string }).name)).toContain("require-commonjs");
  });
});
