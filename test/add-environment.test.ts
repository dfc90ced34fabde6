import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadEnvironments } from "../environments/load";
import { ROOT, testTmp } from "./support/paths";

/**
 * Adding an environment must just work: the README's recipe (copy staging, give the copy its own
 * VPC range, domain, hosted zone and host) and nothing else. This test makes such a file beside
 * the real ones in a folder of its own, then runs the suite's environment-wide test files with
 * ENVIRONMENTS_DIR pointing there: they must pass, and must have run for the new environment too.
 */

/** Test files that are about every environment (they read the environment files, through support/fixtures.ts or the shared synth). */
const ENVIRONMENT_WIDE_TESTS = [
  "test/docs.test.ts",
  "test/config-loading.test.ts",
  "test/config-schema.test.ts",
  "test/stack-order.test.ts",
  "test/layers.test.ts",
  "test/bootstrap.test.ts",
  "test/contracts.test.ts",
  "test/policy/policy.test.ts",
  "test/stacks/network-stack.test.ts",
  "test/stacks/platform-stack.test.ts",
  "test/stacks/workloads-stack.test.ts",
  "test/stacks/stateful-addresses.test.ts",
  "test/stacks/network-acls.test.ts",
  "test/stacks/ci-cluster-path.test.ts",
];

/** The new environment: staging's file with the lines the README's recipe says a second environment of that account must change. */
function qaFromStaging(): string {
  const staging = readFileSync(path.join(ROOT, "environments/staging.yaml"), "utf8");
  const edits: readonly [RegExp, string][] = [
    [/^ {2}vpcCidr: .*$/m, "  vpcCidr: 10.40.0.0/16"],
    [/^ {2}domain: .*$/m, "  domain: qa.acme.example"],
    [/^ {2}hostedZoneId: .*$/m, "  hostedZoneId: Z0QAACME00000000001"],
    [/^ {2}frontendHost: .*$/m, "  frontendHost: app.qa.acme.example"],
    [
      /^ {2}certificateArn: (arn:aws:acm:[^:]+:\d{12}):certificate\/.*$/m,
      "  certificateArn: $1:certificate/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
    ],
  ];
  return edits.reduce((text, [line, replacement]) => {
    if (!line.test(text)) throw new Error(`staging.yaml has no line ${line}: the recipe in the README needs updating`);
    return text.replace(line, replacement);
  }, staging);
}

/** The real environment files plus qa.yaml, in a fresh folder of this run. */
function environmentsWithQa(): string {
  const base = path.join(testTmp(), "add-environment");
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(path.join(base, "environments-"));
  const real = path.join(ROOT, "environments");
  for (const entry of readdirSync(real).filter((name) => /\.ya?ml$/.test(name)))
    writeFileSync(path.join(dir, entry), readFileSync(path.join(real, entry)));
  writeFileSync(path.join(dir, "qa.yaml"), qaFromStaging());
  return dir;
}

interface JsonReport {
  readonly success: boolean;
  readonly numFailedTests: number;
  readonly numPassedTests: number;
  readonly testResults: readonly {
    readonly name: string;
    readonly assertionResults: readonly {
      readonly fullName: string;
      readonly status: string;
      readonly failureMessages: readonly string[];
    }[];
  }[];
}

describe("adding an environment", () => {
  const dir = environmentsWithQa();

  it("GIVEN a copy of staging with its own range, domain, zone and host WHEN the folder is loaded THEN qa is an environment like the others", () => {
    expect(loadEnvironments(dir).map((env) => env.name)).toContain("qa");
  });

  it("GIVEN that extra file WHEN the environment-wide tests run on the folder THEN they pass, and they ran for qa", () => {
    const report = path.join(dir, "report.json");
    const run = spawnSync(
      process.execPath,
      [path.join(ROOT, "node_modules/vitest/vitest.mjs"), "run", ...ENVIRONMENT_WIDE_TESTS, "--reporter=json", `--outputFile=${report}`],
      {
        cwd: ROOT,
        env: { ...process.env, ENVIRONMENTS_DIR: dir, FORCE_COLOR: "0" },
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const result = JSON.parse(readFileSync(report, "utf8")) as JsonReport;
    const failures = result.testResults.flatMap((file) =>
      file.assertionResults
        .filter((test) => test.status === "failed")
        .map((test) => `${path.relative(ROOT, file.name)}: ${test.fullName}\n${test.failureMessages.join("\n").slice(0, 600)}`),
    );

    expect(failures, run.stderr.slice(-2000)).toEqual([]);
    expect(result.numPassedTests).toBeGreaterThan(0);
    const names = result.testResults.flatMap((file) => file.assertionResults.map((test) => test.fullName));
    for (const stack of ["network-qa", "platform-qa", "workloads-qa"]) {
      expect(names.filter((name) => name.includes(stack)).length, `tests that ran for ${stack}`).toBeGreaterThan(0);
    }
  }, 300_000);
});
