import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { environmentsDir, loadEnvironments } from "../environments/load";
import { recipeFields } from "./support/added-environment";
import { ENVIRONMENTS } from "./support/fixtures";
import { ROOT } from "./support/paths";
import { allSynthesizedStacks } from "./support/synthesized";

/**
 * Adding an environment must just work: the README's recipe and nothing else. Every test run runs
 * on the repository's environment files plus one made by that recipe (global setup,
 * test/support/added-environment.ts), so every test about "every environment" (the stacks, the
 * contracts, the policy suite, the docs' quoted errors) also proves the added one passes. These
 * tests prove the run really is that: the real files, plus a copy of staging edited exactly where
 * the README says.
 */

const realFiles = readdirSync(path.join(ROOT, "environments"))
  .filter((entry) => /\.ya?ml$/.test(entry))
  .sort();
const added = process.env["ADDED_ENVIRONMENT"] ?? "";

describe("adding an environment (the run's added one)", () => {
  it("GIVEN the README's recipe WHEN read THEN it names the fields a second environment of staging's account must change, the certificate among them", () => {
    expect(recipeFields()).toEqual([
      "network.vpcCidr",
      "dns.domain",
      "dns.hostedZoneId",
      "workloads.frontendHost",
      "workloads.certificateArn",
    ]);
  });

  it("GIVEN the run's environments folder WHEN listed THEN it is the repository's files plus the added one", () => {
    expect(added).toMatch(/^qa\d?$/);
    expect(
      readdirSync(environmentsDir())
        .filter((entry) => /\.ya?ml$/.test(entry))
        .sort(),
    ).toEqual([...realFiles, `${added}.yaml`].sort());
  });

  it("GIVEN the added file WHEN compared with staging's THEN only the recipe's lines and the header comment differ", () => {
    const staging = readFileSync(path.join(ROOT, "environments/staging.yaml"), "utf8").split("\n");
    const copy = readFileSync(path.join(environmentsDir(), `${added}.yaml`), "utf8").split("\n");
    const body = (lines: readonly string[]) => lines.filter((line) => !line.startsWith("#"));

    const changed = body(copy)
      .map((line, index) => [line, body(staging)[index] ?? ""] as const)
      .filter(([mine, theirs]) => mine !== theirs)
      .map(([mine]) => mine.trim().split(":")[0]);

    expect(changed).toEqual(["vpcCidr", "domain", "hostedZoneId", "frontendHost", "certificateArn"]);
  });

  it("GIVEN the folder WHEN loaded THEN the added environment is one like the others, and the tests' ENVIRONMENTS hold it", () => {
    expect(loadEnvironments(environmentsDir()).map((env) => env.name)).toContain(added);
    expect(ENVIRONMENTS.map((env) => env.name)).toContain(added);
  });

  it("GIVEN the run's shared synth WHEN listed THEN it holds the added environment's three stacks", () => {
    const names = allSynthesizedStacks().map((stack) => stack.name);

    expect(names).toEqual(expect.arrayContaining([`network-${added}`, `platform-${added}`, `workloads-${added}`]));
  });
});
