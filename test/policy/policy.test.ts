import { describe, expect, it } from "vitest";
import { ENVIRONMENTS } from "../support/fixtures";
import { allSynthesizedStacks } from "../support/synthesized";
import { KUBERNETES_POLICY_RULES } from "./kubernetes-rules";
import { POLICY_RULES, type StackContext } from "./rules";

/**
 * The policy suite: every rule over every synthesized stack of every environment. A failure names
 * the stack, the resource address and the rule it breaks. A rule that finds nothing of its kind in
 * a stack has not passed there: no test is made for that pair (it is neither a pass nor a skip),
 * it is counted as "not applicable" in the table every run prints, and every rule must apply
 * somewhere.
 */
const stacks = allSynthesizedStacks();
const rules = [...POLICY_RULES, ...KUBERNETES_POLICY_RULES];

const contextOf = (stackName: string): StackContext => {
  const environment = ENVIRONMENTS.find((env) => stackName.endsWith(`-${env.name}`));
  return { production: environment?.stage === "production", identityCutOver: environment?.platform.identity.mode === "both" };
};

/** How many things each rule inspects in each stack: rule id -> stack name -> count. */
const applicability = new Map(
  rules.map((rule) => [rule.id, new Map(stacks.map((stack) => [stack.name, rule.subjects(stack.doc, contextOf(stack.name)).length]))]),
);
const inspectedIn = (ruleId: string, stackName: string) => applicability.get(ruleId)?.get(stackName) ?? 0;

describe("policy suite", () => {
  it("covers the three layers of every environment and the bootstrap stack of every account", () => {
    const names = stacks.map((s) => s.name);
    for (const env of ENVIRONMENTS) {
      expect(names).toEqual(expect.arrayContaining([`network-${env.name}`, `platform-${env.name}`, `workloads-${env.name}`]));
    }
    const s3Accounts = new Set(ENVIRONMENTS.filter((env) => env.state.backend === "s3").map((env) => env.account.id));
    expect(s3Accounts.size).toBeGreaterThan(0);
    expect(names).toEqual(expect.arrayContaining([...s3Accounts].map((account) => `bootstrap-${account}`)));
  });

  describe.each(rules.map((rule) => [rule.id, rule] as const))("%s", (id, rule) => {
    it("GIVEN every synthesized stack WHEN the rule looks for its kind of resource THEN it finds some to inspect somewhere", () => {
      expect(
        stacks.filter((stack) => inspectedIn(id, stack.name) > 0).map((stack) => stack.name),
        `${id} inspected nothing in any stack`,
      ).not.toEqual([]);
    });

    for (const stack of stacks) {
      const inspected = inspectedIn(id, stack.name);
      if (inspected === 0) continue; // not applicable: in the table, not a test
      it(`holds in ${stack.name} (${inspected} inspected)`, () => {
        const violations = rule.check(stack.doc, contextOf(stack.name)).map((v) => `${stack.name}: ${v.address}: ${v.message} [${id}]`);
        expect(violations).toEqual([]);
      });
    }
  });

  it("GIVEN each rule and stack WHEN a rule reports a violation THEN the offender is among what it says it inspects", () => {
    const strays = rules.flatMap((rule) =>
      stacks.flatMap((stack) => {
        const subjects = new Set(rule.subjects(stack.doc, contextOf(stack.name)));
        return rule
          .check(stack.doc, contextOf(stack.name))
          .filter((violation) => !subjects.has(violation.address))
          .map((violation) => `${rule.id} in ${stack.name}: ${violation.address}`);
      }),
    );
    expect(strays).toEqual([]);
  });

  it("prints the applicability table: rule/stack pairs inspected and not applicable", () => {
    const lines = rules.map((rule) => {
      const counts = stacks.map((stack) => inspectedIn(rule.id, stack.name));
      return `${rule.id.padEnd(40)} ${String(counts.filter((count) => count > 0).length).padStart(3)} inspected ${String(counts.filter((count) => count === 0).length).padStart(3)} not applicable  ${counts.map((count) => (count === 0 ? "-" : String(count))).join(" ")}`;
    });
    const pairs = [...applicability.values()].flatMap((byStack) => [...byStack.values()]);
    const inspected = pairs.filter((count) => count > 0).length;
    console.log(
      [
        `policy applicability over ${stacks.length} stacks (${stacks.map((stack) => stack.name).join(" ")}):`,
        ...lines,
        `total: ${pairs.length} rule/stack pairs, ${inspected} inspected, ${pairs.length - inspected} not applicable (no test: neither passed nor skipped)`,
      ].join("\n"),
    );
    expect(pairs).toHaveLength(rules.length * stacks.length);
  });
});
