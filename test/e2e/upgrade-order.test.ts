import { describe, expect, it } from "vitest";
import { prefixed } from "../../e2e/context";
import { cpuSecondsOfStat } from "../../e2e/processes";
import { perEnvironment } from "../../e2e/lifecycle";
import { importedBy } from "../../e2e/lifecycle/phases";

/**
 * The order of the upgrade chain's stacks (e2e/lifecycle/index.ts perEnvironment): what may run
 * at the same time, over steps that only record when they start and end.
 */

function recorder(failing: readonly string[] = []) {
  const events: string[] = [];
  const step = async (layer: string, environment: string) => {
    events.push(`start ${layer}-${environment}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    events.push(`end ${layer}-${environment}`);
    if (failing.includes(`${layer}-${environment}`)) throw new Error(`${layer}-${environment} failed`);
  };
  return { events, step };
}

describe("the upgrade chain's order", () => {
  it("GIVEN a release with the account layer WHEN its stacks run THEN staging's network starts before dev's ends", async () => {
    const { events, step } = recorder();

    await perEnvironment(["dev", "staging"], true, step);

    expect(events.indexOf("start network-staging")).toBeLessThan(events.indexOf("end network-dev"));
  });

  it("GIVEN a release without the account layer WHEN its stacks run THEN staging's network starts after dev's ends (promotion order)", async () => {
    const { events, step } = recorder();

    await perEnvironment(["dev", "staging"], false, step);

    expect(events.indexOf("start network-staging")).toBeGreaterThan(events.indexOf("end network-dev"));
  });

  it("GIVEN either release WHEN its stacks run THEN each platform starts after its own network ends", async () => {
    for (const independent of [true, false]) {
      const { events, step } = recorder();

      await perEnvironment(["dev", "staging"], independent, step);

      expect(events.indexOf("start platform-dev")).toBeGreaterThan(events.indexOf("end network-dev"));
      expect(events.indexOf("start platform-staging")).toBeGreaterThan(events.indexOf("end network-staging"));
    }
  });

  it("GIVEN dev's network fails WHEN the stacks run THEN dev's platform is not applied, staging's stacks end, and dev's failure is thrown", async () => {
    const { events, step } = recorder(["network-dev"]);

    await expect(perEnvironment(["dev", "staging"], true, step)).rejects.toThrow("network-dev failed");

    expect(events).not.toContain("start platform-dev");
    expect(events).toContain("end platform-staging");
  });

  it("GIVEN dev's network fails in promotion order WHEN the stacks run THEN no later network is applied", async () => {
    const { events, step } = recorder(["network-dev"]);

    await expect(perEnvironment(["dev", "staging"], false, step)).rejects.toThrow("network-dev failed");

    expect(events).toEqual(["start network-dev", "end network-dev"]);
  });
});

describe("progress lines of stacks that run at the same time", () => {
  it("GIVEN a message of several lines (a failed command's output) WHEN printed THEN every line carries the stack's prefix", () => {
    expect(prefixed("upgrade platform-dev", "apply failed (exit 1):\nError: x\n  on cdk.tf.json")).toBe(
      "[upgrade platform-dev] apply failed (exit 1):\n[upgrade platform-dev] Error: x\n[upgrade platform-dev]   on cdk.tf.json",
    );
  });

  it("GIVEN the seconds since the run started WHEN printed THEN every line starts with them, so the log reads as a timeline", () => {
    expect(prefixed("network-dev", "apply: 31.6 s\nsecond line", 123.9)).toBe(
      " 123 s [network-dev] apply: 31.6 s\n 123 s [network-dev] second line",
    );
  });
});

describe("the account layer's imports, counted from its apply", () => {
  it("GIVEN an apply that adopted singletons WHEN its output is read THEN the count is terraform's", () => {
    const output =
      "aws_iam_openid_connect_provider.x: Import complete\n\nApply complete! Resources: 21 imported, 3 added, 1 changed, 0 destroyed.\n";

    expect(importedBy(output)).toBe(21);
  });

  it("GIVEN an apply without imports (terraform leaves the count out) WHEN its output is read THEN none", () => {
    expect(importedBy("Apply complete! Resources: 24 added, 0 changed, 0 destroyed.\n")).toBe(0);
  });
});

describe("the provider's CPU time, read from /proc", () => {
  it("GIVEN a stat line whose command name holds spaces and parentheses WHEN read THEN utime + stime are taken after the name, in seconds", () => {
    const stat = "4242 (terraform-prov (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 56 0 0 20 0 12 0 100 0 0";

    expect(cpuSecondsOfStat(stat)).toBe(12.9);
  });
});
