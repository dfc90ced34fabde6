import { describe, expect, it } from "vitest";
import { ENVIRONMENTS } from "../support/fixtures";
import { synthesizedStack } from "../support/synthesized";
import { planVariables } from "../support/terraform";

/**
 * A release sets each app's image tag with `-var frontend_image_tag=<tag>` (and backend). The
 * variables' validation is Terraform's to evaluate: these tests run the real terraform on the
 * synthesized variables of every environment's workloads stack.
 */
const NAMES = ["frontend_image_tag", "backend_image_tag"] as const;
const variablesOf = (stack: string) => {
  const variables = synthesizedStack(stack).doc.variable ?? {};
  expect(Object.keys(variables)).toEqual(expect.arrayContaining([...NAMES]));
  return Object.fromEntries(NAMES.map((name) => [name, variables[name]]));
};
const both = (tag: string) => Object.fromEntries(NAMES.map((name) => [name, tag]));

describe.each(ENVIRONMENTS.map((env) => `workloads-${env.name}`))("%s: the image tag variables", (stack) => {
  it("GIVEN the tag latest WHEN a release plans THEN terraform refuses it for each app as not immutable", () => {
    const plan = planVariables(variablesOf(stack), both("latest"));
    expect(plan.ok).toBe(false);
    for (const name of NAMES) expect(plan.output).toContain(`var.${name} is "latest"`);
    expect(plan.output).toContain("The image tag must be a valid, immutable tag (not latest).");
  });

  it("GIVEN a dated release tag WHEN a release plans THEN terraform accepts it", () => {
    const plan = planVariables(variablesOf(stack), both("2026.12.01-3"));
    expect(plan.output).not.toContain("Invalid value for variable");
    expect(plan.ok).toBe(true);
  });

  it("GIVEN a tag with a colon WHEN a release plans THEN terraform refuses it", () => {
    const plan = planVariables(variablesOf(stack), both("v1:2"));
    expect(plan.ok).toBe(false);
    for (const name of NAMES) expect(plan.output).toContain(`var.${name} is "v1:2"`);
  });
});
