import { describe, expect, it } from "vitest";
import { allSynthesizedStacks, resourcesOf } from "../support/synthesized";

/**
 * Issue 13, item 3: the CI deploy role may only create or change roles that carry the
 * environment's permissions boundary, so every role of every stack the deploy role applies must
 * carry it (the CI roles alone, applied by an administrator, do not).
 */
const stacks = allSynthesizedStacks().filter((stack) => /^(network|platform|workloads)-/.test(stack.name));

describe("permissions boundary on every role the deploy role applies", () => {
  it("finds roles to inspect (a rule that inspects nothing has not passed)", () => {
    const roles = stacks.flatMap((stack) => Object.keys(resourcesOf(stack.doc, "aws_iam_role")));
    expect(roles.length).toBeGreaterThan(20);
  });

  for (const stack of stacks) {
    const environment = stack.name.replace(/^[a-z]+-/, "");
    const roles = Object.entries(resourcesOf(stack.doc, "aws_iam_role"));
    if (roles.length === 0) continue;
    it(`${stack.name}: every role but the CI roles has ${environment}-permissions-boundary`, () => {
      const boundaryPolicies = Object.entries(resourcesOf(stack.doc, "aws_iam_policy")).filter(
        ([, policy]) => policy["name"] === `${environment}-permissions-boundary`,
      );
      for (const [name, role] of roles) {
        if (role["name"] === `${environment}-github-plan` || role["name"] === `${environment}-github-deploy`) {
          expect(role["permissions_boundary"], name).toBeUndefined();
          continue;
        }
        const boundary = String(role["permissions_boundary"]);
        if (boundaryPolicies.length === 1) {
          // Created in this stack: the role refers to it, so Terraform creates the boundary first.
          expect(boundary, name).toBe(`\${aws_iam_policy.${boundaryPolicies[0]![0]}.arn}`);
        } else {
          expect(boundary, name).toMatch(new RegExp(`^arn:aws:iam::\\d{12}:policy/${environment}-permissions-boundary$`));
        }
      }
    });
  }
});
