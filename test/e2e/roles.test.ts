import { describe, expect, it } from "vitest";
import type { IamRequest } from "../../e2e/calls";
import { evaluate, type RolePolicies } from "../../e2e/roles";

/**
 * AWS's public SSM parameters (the AMI ids the operator host and Karpenter read) have no account in
 * their ARN. The role check must evaluate them, not fail on them, and keep our account-scoped
 * statements from matching them.
 */

const PUBLIC_AMI = "arn:aws:ssm:eu-west-1::parameter/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64";

const request = (resource: string): IamRequest => ({
  action: "ssm:GetParameter",
  resource,
  context: {},
  call: "SSM GetParameter",
});

const role = (statements: unknown[]): RolePolicies => ({
  roleArn: "arn:aws:iam::222222222222:role/prod-github-plan",
  policies: [{ name: "plan", policy: { Version: "2012-10-17", Statement: statements } }],
});

describe("the role check on AWS's public SSM parameters", () => {
  it("GIVEN a role that reads everything but its own account's parameters WHEN it reads a public AMI parameter THEN it is allowed", async () => {
    const plan = role([
      { Effect: "Allow", Action: "ssm:GetParameter", Resource: "*" },
      { Effect: "Deny", Action: "ssm:GetParameter", Resource: "arn:aws:ssm:*:222222222222:parameter/*" },
    ]);

    expect(await evaluate("network-prod", plan, "222222222222", [request(PUBLIC_AMI)])).toEqual([]);
  });

  it("GIVEN a role allowed only its own account's parameters WHEN it reads a public AMI parameter THEN it is a violation", async () => {
    const plan = role([{ Effect: "Allow", Action: "ssm:GetParameter", Resource: "arn:aws:ssm:*:222222222222:parameter/*" }]);

    const violations = await evaluate("network-prod", plan, "222222222222", [request(PUBLIC_AMI)]);

    expect(violations.map((violation) => `${violation.resource} ${violation.result}`)).toEqual([`${PUBLIC_AMI} ImplicitlyDenied`]);
  });

  it("GIVEN the same deny WHEN the role reads its own account's parameter THEN it is still denied", async () => {
    const plan = role([
      { Effect: "Allow", Action: "ssm:GetParameter", Resource: "*" },
      { Effect: "Deny", Action: "ssm:GetParameter", Resource: "arn:aws:ssm:*:222222222222:parameter/*" },
    ]);

    const violations = await evaluate("network-prod", plan, "222222222222", [
      request("arn:aws:ssm:eu-west-1:222222222222:parameter/prod/db"),
    ]);

    expect(violations.map((violation) => violation.result)).toEqual(["ExplicitlyDenied"]);
  });
});
