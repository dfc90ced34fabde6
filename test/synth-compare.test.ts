import { describe, expect, it } from "vitest";
import { compareSynth, formatComparison, isIdentical, type TerraformJson } from "../scripts/synth-compare";

/** `npm run synth:compare`: what a refactor or a change does to the synthesized stacks, per address. */
describe("compareSynth", () => {
  const bucket = (name: string) => ({ bucket: name });
  const stack = (resources: Record<string, Record<string, unknown>>, outputs: Record<string, unknown> = {}): TerraformJson => ({
    terraform: { backend: { s3: { key: "dev/network.tfstate" } } },
    resource: resources,
    output: outputs,
  });

  it("reports identical output as identical", () => {
    const synth = new Map([["network-dev", stack({ aws_s3_bucket: { logs: bucket("a") } })]]);
    const comparison = compareSynth(synth, new Map(synth));
    expect(isIdentical(comparison)).toBe(true);
    expect(formatComparison(comparison, "HEAD")).toEqual(["synth: identical to HEAD (every stack, every address)"]);
  });

  it("names a renamed resource as one address removed and one added (what a moved construct does to state)", () => {
    const before = new Map([["network-dev", stack({ aws_s3_bucket: { logs: bucket("a") } })]]);
    const after = new Map([["network-dev", stack({ aws_s3_bucket: { audit_logs: bucket("a") } })]]);
    expect(compareSynth(before, after).changedStacks).toEqual([
      { stack: "network-dev", added: ["aws_s3_bucket.audit_logs"], removed: ["aws_s3_bucket.logs"], changed: [] },
    ]);
  });

  it("names a changed argument by the resource's address, and data sources and outputs by theirs", () => {
    const before = new Map([
      [
        "platform-dev",
        {
          ...stack({ aws_s3_bucket: { logs: bucket("a") } }, { vpc_id: { value: "1" } }),
          data: { aws_iam_policy_document: { p: { a: 1 } } },
        },
      ],
    ]);
    const after = new Map([
      [
        "platform-dev",
        {
          ...stack({ aws_s3_bucket: { logs: bucket("b") } }, { vpc_id: { value: "2" } }),
          data: { aws_iam_policy_document: { p: { a: 2 } } },
        },
      ],
    ]);
    expect(compareSynth(before, after).changedStacks[0]?.changed).toEqual([
      "aws_s3_bucket.logs",
      "data.aws_iam_policy_document.p",
      "output.vpc_id",
    ]);
  });

  it("names stacks added and removed, and a changed backend as its block", () => {
    const before = new Map([
      ["network-dev", stack({})],
      ["network-qa", stack({})],
    ]);
    const after = new Map<string, TerraformJson>([
      ["network-dev", { ...stack({}), terraform: { backend: { s3: { key: "dev/other.tfstate" } } } }],
      ["network-prod", stack({})],
    ]);
    const comparison = compareSynth(before, after);
    expect(comparison.addedStacks).toEqual(["network-prod"]);
    expect(comparison.removedStacks).toEqual(["network-qa"]);
    expect(comparison.changedStacks).toEqual([{ stack: "network-dev", added: [], removed: [], changed: ["terraform"] }]);
    expect(formatComparison(comparison, "main")).toEqual([
      "synth differs from main:",
      "  + stack network-prod",
      "  - stack network-qa",
      "  ~ stack network-dev",
      "      ~ terraform",
    ]);
  });
});
