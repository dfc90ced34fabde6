import { describe, expect, it } from "vitest";
import { ENVIRONMENTS } from "../support/fixtures";
import { allSynthesizedStacks } from "../support/synthesized";
import { KUBERNETES_POLICY_RULES } from "./kubernetes-rules";
import { POLICY_RULES } from "./rules";

/**
 * The policy suite: every rule over every synthesized stack of every environment. A failure names
 * the stack, the resource address and the rule it breaks.
 */
const stacks = allSynthesizedStacks();

describe("policy suite", () => {
  it("covers the three layers of every environment", () => {
    expect(stacks.map((s) => s.name)).toEqual(
      expect.arrayContaining(["network-dev", "platform-dev", "workloads-dev", "network-staging", "network-prod", "workloads-prod"]),
    );
    expect(stacks.length % 3).toBe(0);
  });

  describe.each([...POLICY_RULES, ...KUBERNETES_POLICY_RULES].map((rule) => [rule.id, rule] as const))("%s", (_id, rule) => {
    it.each(stacks.map((stack) => [stack.name, stack] as const))("holds in %s", (name, stack) => {
      const environment = ENVIRONMENTS.find((env) => name.endsWith(`-${env.name}`));
      const violations = rule.check(stack.doc, { production: environment?.stage === "production" }).map((v) => `${name}: ${v.address}: ${v.message} [${rule.id}]`);
      expect(violations).toEqual([]);
    });
  });
});
