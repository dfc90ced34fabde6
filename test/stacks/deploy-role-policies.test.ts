import { describe, expect, it } from "vitest";
import { ENVIRONMENTS } from "../support/fixtures";
import { managedPolicyByName, synthesizedRole } from "../support/policy-documents";
import { resourcesOf, synthesizedStack } from "../support/synthesized";

/**
 * The deploy role's IAM permissions in two documents (IAM's 10,240-character quota on a role's
 * inline policies; test/policy/iam-quotas.test.ts): the allows in the customer-managed policy
 * `<env>-github-deploy-iam`, the denies inline in `environment-iam`, which held both in the previous
 * release. The upgrade replaces nothing: the inline policy keeps its address and name (an in-place
 * PutRolePolicy, so the denies never leave the role), and the new policy is attached only once the
 * denies are there (depends_on).
 */

/** The inline policy's address in the previous release (network-<env>, before the split). */
const INLINE_ADDRESS = "ci_deploy-iam-policy_711F6695";
const GUARDRAILS_ADDRESS = "ci_deploy-guardrails-policy_AA72EBBB";

/** What environment-iam held in the previous release, by Sid (one deny on runner attachments is now one per runner). */
const ALLOWS = [
  "ReadEnvironmentRoles",
  "ManageEnvironmentRolesWithinBoundary",
  "TagEnvironmentRoles",
  "PassEnvironmentRolesToServices",
  "ManageEnvironmentPolicies",
  "ReadEnvironmentGroups",
  "ManageEnvironmentGroups",
  "AttachEnvironmentPoliciesToGroups",
  "ManageEnvironmentInstanceProfiles",
  "ReadGithubOidcProvider",
  "CreateClusterOidcProvidersOfEnvironment",
  "TagClusterOidcProvidersOfEnvironment",
  "TagNewClusterOidcProviders",
  "ReadClusterOidcProviders",
  "ManageClusterOidcProvidersOfEnvironment",
];
const DENIES = [
  "NeverTheCiIdentity",
  "RunnersOnlyAsCreated",
  "RunnerOnlyItsOwnPolicy",
  "PlanRunnerOnlyItsOwnPolicy",
  "RunnerPoliciesOnlyAsCreated",
  "NeverRemoveABoundary",
];

describe.each(ENVIRONMENTS.map((env) => [env.name] as const))("the deploy role's IAM policies in %s", (name) => {
  const doc = synthesizedStack(`network-${name}`).doc;
  const role = synthesizedRole(doc, `${name}-github-deploy`);

  it("GIVEN the deploy role WHEN read THEN environment-iam holds the IAM denies, and only denies, at the address of the previous release", () => {
    expect(resourcesOf(doc, "aws_iam_role_policy")[INLINE_ADDRESS]?.["name"]).toBe("environment-iam");
    const statements = role.inline.get("environment-iam")?.Statement ?? [];
    expect(statements.map((statement) => statement["Sid"])).toEqual(DENIES);
    expect(new Set(statements.map((statement) => statement["Effect"]))).toEqual(new Set(["Deny"]));
  });

  it(`GIVEN the deploy role WHEN read THEN the managed policy ${name}-github-deploy-iam holds the IAM allows, and only allows, and is attached`, () => {
    const statements = managedPolicyByName(doc, `${name}-github-deploy-iam`).Statement;
    expect(statements.map((statement) => statement["Sid"])).toEqual(ALLOWS);
    expect(new Set(statements.map((statement) => statement["Effect"]))).toEqual(new Set(["Allow"]));
    const [key] = Object.entries(resourcesOf(doc, "aws_iam_policy")).find(([, body]) => body["name"] === `${name}-github-deploy-iam`)!;
    expect(role.attachedArns).toContain(`\${aws_iam_policy.${key}.arn}`);
  });

  it("GIVEN the attachment of the managed IAM policy WHEN applied THEN it waits for the inline denies and guardrails", () => {
    const attachment = Object.values(resourcesOf(doc, "aws_iam_role_policy_attachment")).find((body) =>
      String(body["policy_arn"]).startsWith("${aws_iam_policy.ci_deploy-iam-managed-policy_"),
    );
    expect(attachment?.["depends_on"]).toEqual(
      expect.arrayContaining([`aws_iam_role_policy.${INLINE_ADDRESS}`, `aws_iam_role_policy.${GUARDRAILS_ADDRESS}`]),
    );
  });

  it("GIVEN PowerUserAccess WHEN attached THEN it waits for the guardrails", () => {
    const attachment = Object.values(resourcesOf(doc, "aws_iam_role_policy_attachment")).find((body) =>
      String(body["policy_arn"]).endsWith(":iam::aws:policy/PowerUserAccess"),
    );
    expect(attachment?.["depends_on"]).toEqual([`aws_iam_role_policy.${GUARDRAILS_ADDRESS}`]);
  });
});
