import { describe, expect, it } from "vitest";
import { summaryLine, Verdicts } from "../../e2e/verdicts";

/** The verdicts of a run (e2e/verdicts.ts): a failure never hides another, and a silent subject has not passed. */

const CALLS = { concrete: 0, wildcardOnly: 0, underived: 0 };
const FIGURES = { resourcesCreated: 0, leftOutForGaps: 0, perpetualDiffs: 0, violations: 0, seconds: 1 };

describe("Verdicts", () => {
  it("GIVEN a check that throws WHEN the next check of the same stack runs THEN both verdicts are kept and the stack counts as failed once", async () => {
    const verdicts = new Verdicts();

    await verdicts.check("birth", "platform-dev", "wiring", async () => {
      throw new Error("the cluster is on the wrong subnets\nmore detail");
    });
    verdicts.pass("birth", "platform-dev", "role check (apply)", "allowed");

    expect(verdicts.failures()).toEqual([
      { phase: "birth", subject: "platform-dev", check: "wiring", passed: false, message: "the cluster is on the wrong subnets" },
    ]);
    expect(verdicts.all()).toHaveLength(2);
    expect(verdicts.counts()).toEqual([{ phase: "birth", attempted: 1, failed: 1, passed: 0 }]);
  });

  it("GIVEN a stack attempted without any verdict WHEN counted THEN it has not passed and the run is not green", () => {
    const verdicts = new Verdicts();
    verdicts.attempt("birth", "network-dev");
    verdicts.pass("birth", "platform-dev", "apply", "applied");

    expect(verdicts.counts()).toEqual([{ phase: "birth", attempted: 2, failed: 1, passed: 1 }]);
    expect(verdicts.silent()).toEqual([{ phase: "birth", subject: "network-dev" }]);
    expect(verdicts.green()).toBe(false);
  });

  it("GIVEN nothing attempted WHEN judged THEN the run is not green", () => {
    expect(new Verdicts().green()).toBe(false);
  });

  it("GIVEN only passing verdicts in two phases WHEN judged THEN green, counted per phase", () => {
    const verdicts = new Verdicts();
    verdicts.pass("birth", "network-dev", "apply", "applied");
    verdicts.pass("teardown", "network-dev", "destroy", "destroyed");

    expect(verdicts.green()).toBe(true);
    expect(verdicts.counts().map((count) => count.phase)).toEqual(["birth", "teardown"]);
  });
});

describe("summaryLine", () => {
  it("GIVEN counts per phase and how calls were checked WHEN printed THEN the verdict, each phase and the concrete-versus-* split", () => {
    const line = summaryLine(
      [
        { phase: "birth", attempted: 3, failed: 1, passed: 2 },
        { phase: "teardown", attempted: 2, failed: 0, passed: 2 },
      ],
      { concrete: 900, wildcardOnly: 250, underived: 20 },
      { resourcesCreated: 167, leftOutForGaps: 27, perpetualDiffs: 0, violations: 2, seconds: 600.4 },
      false,
      ".tmp/e2e/least-privilege.txt",
    );

    expect(line).toBe(
      "e2e: FAILED: birth 3 attempted, 1 failed, 2 passed; teardown 2 attempted, 0 failed, 2 passed; 1170 requests checked: 900 on a concrete ARN, 270 on * (250 actions without a resource, 20 ARNs not derived); 167 resources created, 27 left out for emulator gaps, 0 perpetual diffs, 2 role violations (600 s); least-privilege report: .tmp/e2e/least-privilege.txt",
    );
  });

  it("GIVEN nothing attempted WHEN printed THEN it says so", () => {
    expect(summaryLine([], CALLS, FIGURES, false)).toContain("e2e: FAILED: nothing attempted;");
  });

  it("GIVEN the lifecycle ran WHEN printed THEN the last line counts upgrades, teardowns, re-creates and drift detections, and their failures", () => {
    const lifecycle = {
      upgrades: 4,
      teardowns: 2,
      recreates: 1,
      driftDetections: 2,
      statefulReplacements: 1,
      residue: 0,
      failedRecreates: 0,
      missedDrift: 0,
    };

    const line = summaryLine([{ phase: "lifecycle", attempted: 1, failed: 1, passed: 0 }], CALLS, { ...FIGURES, lifecycle }, false);

    expect(line).toContain(
      "lifecycle 1 attempted, 1 failed, 0 passed; lifecycle: 4 upgrades, 2 teardowns, 1 re-creates, 2 drift detections (1 stateful replacements, 0 residue, 0 failed re-creates, 0 missed drift); 0 requests checked",
    );
  });

  it("GIVEN no lifecycle ran WHEN printed THEN the line claims no lifecycle counts", () => {
    expect(summaryLine([{ phase: "birth", attempted: 1, failed: 0, passed: 1 }], CALLS, FIGURES, true)).not.toContain("upgrades");
  });
});
