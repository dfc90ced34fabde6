import { describe, expect, it } from "vitest";
import { judgePlantedRun } from "../../e2e/mutations";

/** The judge of the live mutation test (e2e/mutations.sh): a planted run must exit 1 and print every expected line. */

const planting = { expect: [/role check \(apply\): .*iam:TagRole/, /^e2e: FAILED: /] };
const output = [
  "[network-dev] apply: 12.0 s",
  "  - birth network-dev: role check (apply): 2 requests dev-github-deploy may not make: iam:TagRole on arn:aws:iam::111111111111:role/dev-x",
  "e2e: FAILED: birth 3 attempted, 1 failed, 2 passed; ...",
].join("\n");

describe("judgePlantedRun", () => {
  it("GIVEN exit 1 and every expected line WHEN judged THEN caught", () => {
    expect(judgePlantedRun(planting, 1, output)).toEqual({ caught: true, missing: [] });
  });

  it("GIVEN a run that passed (exit 0) WHEN judged THEN missed, naming the exit code", () => {
    expect(judgePlantedRun(planting, 0, output).missing).toEqual(["exit code 0, not 1 (a run that fails its verdicts)"]);
  });

  it("GIVEN a refused command line (exit 2) with the lines WHEN judged THEN missed", () => {
    expect(judgePlantedRun(planting, 2, output).caught).toBe(false);
  });

  it("GIVEN exit 1 without one expected line WHEN judged THEN missed, naming the fragment", () => {
    const judgement = judgePlantedRun(planting, 1, output.replace("iam:TagRole", "iam:CreateRole"));

    expect(judgement).toEqual({ caught: false, missing: ["no line matches /role check \\(apply\\): .*iam:TagRole/"] });
  });

  it("GIVEN fragments found only across two lines WHEN judged THEN missed (each fragment is one line)", () => {
    const judgement = judgePlantedRun({ expect: [/apply: 12\.0 s.*birth network-dev/] }, 1, output);

    expect(judgement.caught).toBe(false);
  });
});
