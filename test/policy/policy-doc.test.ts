import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/paths";
import { KUBERNETES_POLICY_RULES } from "./kubernetes-rules";
import { POLICY_RULES, type PolicyRule } from "./rules";

/**
 * docs/policy-rules.md documents every policy rule. These tests keep it from drifting: a rule added,
 * renamed or removed without its row fails here.
 */
const DOC = "docs/policy-rules.md";
const text = readFileSync(path.join(ROOT, DOC), "utf8");

/** Rows of the table under the `## ` heading that starts with `heading`, as [rule id (first cell, in backticks), whole row]. */
function tableRows(heading: string): [string, string][] {
  const section = text.split(/^## /m).find((part) => part.startsWith(heading));
  if (section === undefined) throw new Error(`${DOC} has no section "## ${heading}"`);
  return section
    .split("\n")
    .filter((line) => /^\|\s*`[^`]+`\s*\|/.test(line))
    .map((line) => [/^\|\s*`([^`]+)`/.exec(line)![1]!, line]);
}

const SECTIONS: readonly { readonly heading: string; readonly rules: readonly PolicyRule[] }[] = [
  { heading: "AWS rules", rules: POLICY_RULES },
  { heading: "Kubernetes and Helm rules", rules: KUBERNETES_POLICY_RULES },
];

/** Security Hub control ids (`S3.5`, `EC2.170`, `CloudTrail.2`, `ElastiCache.4`) a rationale names. */
const securityHubIds = (rationale: string) => [...rationale.matchAll(/\b[A-Z][A-Za-z0-9]*\.\d+\b/g)].map((match) => match[0]);

describe(`${DOC} lists every policy rule`, () => {
  it("rule ids are unique across both rule sets", () => {
    const ids = SECTIONS.flatMap((section) => section.rules.map((rule) => rule.id));
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
  });

  describe.each(SECTIONS.map((section) => [section.heading, section] as const))("%s", (heading, section) => {
    const rows = tableRows(heading);
    const documented = rows.map(([id]) => id);

    it("has one row per rule, and no row for a rule that does not exist", () => {
      const ids = section.rules.map((rule) => rule.id);
      expect({ missing: ids.filter((id) => !documented.includes(id)), unknown: documented.filter((id) => !ids.includes(id)) }).toEqual({
        missing: [],
        unknown: [],
      });
      expect(documented.filter((id, index) => documented.indexOf(id) !== index)).toEqual([]);
    });

    it("each row has what, why and controls filled in", () => {
      for (const [, row] of rows) {
        const cells = row
          .split("|")
          .slice(1, -1)
          .map((cell) => cell.trim());
        expect(cells, row).toHaveLength(4);
        expect(
          cells.every((cell) => cell !== ""),
          row,
        ).toBe(true);
      }
    });

    it.each(section.rules.map((rule) => [rule.id, rule] as const))(
      "the row of %s names the Security Hub controls its rationale names",
      (id, rule) => {
        const row = rows.find(([documentedId]) => documentedId === id)?.[1] ?? "";
        expect(securityHubIds(rule.rationale).filter((control) => !new RegExp(`\\b${control.replace(".", "\\.")}\\b`).test(row))).toEqual(
          [],
        );
      },
    );
  });
});
