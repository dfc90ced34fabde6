import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, testTmp } from "./support/paths";

/**
 * `npm test` with a bad environment file: the run's global setup validates the files before any
 * test, prints their problems the way `npm run synth` does and stops. Proven on a child vitest
 * whose ENVIRONMENTS_DIR holds the real files with one mistake.
 */

/** The real environment files in a fresh folder, prod.yaml with a single NAT gateway. */
function environmentsWithBadProd(): string {
  const base = path.join(testTmp(), "stops-npm-test");
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(path.join(base, "environments-"));
  const real = path.join(ROOT, "environments");
  for (const entry of readdirSync(real).filter((name) => /\.ya?ml$/.test(name)))
    writeFileSync(path.join(dir, entry), readFileSync(path.join(real, entry)));
  const prod = readFileSync(path.join(dir, "prod.yaml"), "utf8");
  if (!/^ {2}natGateways: perAz$/m.test(prod))
    throw new Error("prod.yaml has no line `  natGateways: perAz`: this test needs another mistake");
  writeFileSync(path.join(dir, "prod.yaml"), prod.replace(/^ {2}natGateways: perAz$/m, "  natGateways: single"));
  return dir;
}

describe("npm test with a bad environment file", () => {
  it("GIVEN prod.yaml with a single NAT gateway WHEN vitest runs THEN it leads with file:line path: message, runs no test and exits 1", () => {
    const dir = environmentsWithBadProd();
    const natLine = readFileSync(path.join(dir, "prod.yaml"), "utf8").split("\n").indexOf("  natGateways: single") + 1;

    const run = spawnSync(process.execPath, [path.join(ROOT, "node_modules/vitest/vitest.mjs"), "run", "test/layers.test.ts"], {
      cwd: ROOT,
      env: { ...process.env, ENVIRONMENTS_DIR: dir, FORCE_COLOR: "0", NO_COLOR: "1" },
      encoding: "utf8",
    });

    expect(run.status).toBe(1);
    const problems = run.stderr.trim().split("\n");
    expect(problems[0]).toBe("Invalid environment configuration:");
    expect(problems[1]).toBe(
      `${path.relative(ROOT, path.join(dir, "prod.yaml"))}:${natLine} network.natGateways: must be perAz in production: a single NAT gateway is a single point of failure`,
    );
    const output = `${run.stdout}\n${run.stderr}`;
    expect(output).not.toContain("No test files found");
    expect(output).not.toContain("EnvironmentConfigError");
    expect(output).not.toMatch(/Test Files|passed|failed/);
  }, 60_000);
});
