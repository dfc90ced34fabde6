import { describe, expect, it } from "vitest";
import type { AccountRun, Applied, RunContext } from "../../e2e/context";
import { teardown } from "../../e2e/phases/teardown";
import { Verdicts } from "../../e2e/verdicts";

/** The teardown phase after the lifecycle: what the teardown command already destroyed is not destroyed again. */

const applied = (name: string, environment: string, layer: string, stopped: string[]): Applied =>
  ({
    stack: { name, environment, layer, stage: "staging" },
    dir: `/nonexistent/${name}`,
    preventDestroy: [],
    provider: { stop: () => stopped.push(name) },
  }) as unknown as Applied;

describe("teardown phase", () => {
  it("GIVEN staging torn down by the lifecycle WHEN the teardown phase runs THEN its stacks pass as torn down there, nothing runs, their providers stop", async () => {
    const verdicts = new Verdicts();
    const stopped: string[] = [];
    const account = {
      account: "111111111111",
      stacks: [],
      applied: [applied("platform-staging", "staging", "platform", stopped), applied("network-staging", "staging", "network", stopped)],
      tornDown: new Set(["staging"]),
    } as unknown as AccountRun;

    await teardown.run({ verdicts } as unknown as RunContext, account);

    expect(verdicts.all().map((verdict) => [verdict.subject, verdict.check, verdict.passed, verdict.message])).toEqual([
      ["platform-staging", "destroy", true, "torn down by the lifecycle's teardown command (residue checked there)"],
      ["network-staging", "destroy", true, "torn down by the lifecycle's teardown command (residue checked there)"],
    ]);
    expect(stopped).toEqual(["platform-staging", "network-staging"]);
  });
});
