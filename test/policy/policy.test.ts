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
  it("covers the three layers of every environment and the bootstrap stack of every account", () => {
    const names = stacks.map((s) => s.name);
    for (const env of ENVIRONMENTS) {
      expect(names).toEqual(expect.arrayContaining([`network-${env.name}`, `platform-${env.name}`, `workloads-${env.name}`]));
    }
    expect(names).toEqual(expect.arrayContaining(["bootstrap-111111111111", "bootstrap-222222222222"]));
  });

  describe.each([...POLICY_RULES, ...KUBERNETES_POLICY_RULES].map((rule) => [rule.id, rule] as const))("%s", (_id, rule) => {
    it.each(stacks.map((stack) => [stack.name, stack] as const))("holds in %s", (name, stack) => {
      const environment = ENVIRONMENTS.find((env) => name.endsWith(`-${env.name}`));
      const violations = rule.check(stack.doc, { production: environment?.stage === "production" }).map((v) => `${name}: ${v.address}: ${v.message} [${rule.id}]`);
      expect(violations).toEqual([]);
    });
  });
});
