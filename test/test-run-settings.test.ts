import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import config from "../vitest.config.mjs";
import { ROOT } from "./support/paths";

/*
 * What makes `npm test` fast is configuration, which no behaviour test notices when it is lost
 * (docs/performance.md, "The test suite"): these hold it.
 */

/** V8's default interrupt budget (node --v8-options, Node 20 to 24): the bytecode a function runs before it is considered for optimization. */
const V8_DEFAULT_INTERRUPT_BUDGET = 67_584;

const scripts = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;

describe("npm test's speed settings", () => {
  it("runs vitest under node with a raised interrupt budget: the suite's short-lived code is optimized less eagerly", () => {
    const match = /^node --interrupt-budget=(\d+) node_modules\/vitest\/vitest\.mjs run$/.exec(scripts["test"] ?? "");
    expect(match, `package.json scripts.test: ${scripts["test"]}`).not.toBeNull();
    expect(Number(match?.[1])).toBeGreaterThan(V8_DEFAULT_INTERRUPT_BUDGET);
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
