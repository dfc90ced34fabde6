import { describe, expect, it } from "vitest";
import { iamSize, quotaViolations, type RoleQuotaFacts } from "../../e2e/iam-quotas";

/** IAM's quotas, which moto does not enforce, judged on what the account holds (e2e/iam-quotas.ts). */

/** A document of exactly `size` characters as IAM counts them: `{"Statement":"xxx…"}` is 16 + the x's. */
const sized = (size: number) => ({ Statement: "x".repeat(size - 16) });
const role = (overrides: Partial<RoleQuotaFacts>): RoleQuotaFacts => ({
  name: "dev-github-deploy",
  trust: sized(500),
  inline: [],
  attached: [],
  ...overrides,
});

describe("iamSize", () => {
  it("GIVEN a policy WHEN measured THEN its JSON length without whitespace, as IAM counts it", () => {
    expect(
      iamSize({ Version: "2012-10-17", Statement: [{ Sid: "Read objects", Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] }),
    ).toBe('{"Version":"2012-10-17","Statement":[{"Sid":"Readobjects","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'.length);
  });
});

describe("quotaViolations", () => {
  it("GIVEN a role whose inline policies add up to 10,241 characters WHEN judged THEN the role is named with each policy's size and the total", () => {
    const violations = quotaViolations([
      role({
        inline: [
          { name: "ci-guardrails", policy: sized(5120) },
          { name: "environment-iam", policy: sized(5121) },
        ],
      }),
    ]);

    expect(violations).toEqual([
      "role dev-github-deploy: inline policies ci-guardrails 5120 + environment-iam 5121 = 10241 characters, over AWS's 10240",
    ]);
  });

  it("GIVEN inline policies of exactly 10,240 characters WHEN judged THEN within the quota", () => {
    expect(
      quotaViolations([
        role({
          inline: [
            { name: "a", policy: sized(5120) },
            { name: "b", policy: sized(5120) },
          ],
        }),
      ]),
    ).toEqual([]);
  });

  it("GIVEN a customer managed policy of 6,145 characters WHEN judged THEN it is named with the role it is attached to", () => {
    const arn = "arn:aws:iam::111111111111:policy/dev-environment-iam";

    expect(quotaViolations([role({ attached: [{ arn, policy: sized(6145) }] })])).toEqual([
      `managed policy ${arn} (attached to dev-github-deploy): 6145 characters, over AWS's 6144`,
    ]);
  });

  it("GIVEN a large AWS managed policy attached WHEN judged THEN its size is AWS's business, not ours", () => {
    expect(quotaViolations([role({ attached: [{ arn: "arn:aws:iam::aws:policy/ReadOnlyAccess", policy: sized(20000) }] })])).toEqual([]);
  });

  it("GIVEN a trust policy of 2,049 characters WHEN judged THEN the role is named", () => {
    expect(quotaViolations([role({ trust: sized(2049) })])).toEqual([
      "role dev-github-deploy: trust policy 2049 characters, over AWS's 2048",
    ]);
  });

  it("GIVEN 11 managed policies attached to one role WHEN judged THEN the count is named", () => {
    const attached = Array.from({ length: 11 }, (_, index) => ({ arn: `arn:aws:iam::aws:policy/P${index}`, policy: sized(100) }));

    expect(quotaViolations([role({ attached })])).toEqual(["role dev-github-deploy: 11 managed policies attached, over AWS's 10"]);
  });
});
