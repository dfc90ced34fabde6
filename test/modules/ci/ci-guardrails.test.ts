import { describe, expect, it } from "vitest";
import { ciEnvironmentKeyStatements, ciGuardrailStatements, ciStatePrefixStatements } from "../../../modules/ci/ci-guardrails";
import { TEST_TARGET } from "../../support/target";

/** The shape of the guardrails; what they deny in practice is proven by test/attack/. */
describe("ciGuardrailStatements", () => {
  const sids = (ownsAccountSingletons: boolean, extra: { stateBucket?: string; stateKmsKeyArn?: string } = {}) =>
    ciGuardrailStatements({ name: "dev", target: TEST_TARGET, ownsAccountSingletons, ...extra }).map((statement) => statement.sid);

  it("GIVEN an environment that does not own the account's singletons THEN it may not set up the audit services either", () => {
    expect(sids(false)).toContain("NeverSetUpTheAuditServices");
    expect(sids(true)).not.toContain("NeverSetUpTheAuditServices");
  });

  it("GIVEN the singleton owner THEN its deploy role keeps the audit bucket's set-up, not its deletion", () => {
    const owner = ciGuardrailStatements({ name: "dev", target: TEST_TARGET, ownsAccountSingletons: true });
    expect(owner.find((statement) => statement.sid === "NeverTheAuditBucketControls")?.actions).toEqual([
      "s3:DeleteBucketPolicy",
      "s3:DeleteBucket",
    ]);
  });

  it("GIVEN S3 state THEN the bucket's controls and history are denied; a named key is denied by ARN too", () => {
    expect(sids(false)).not.toContain("NeverTheStateBucketControls");
    expect(sids(false, { stateBucket: "b" })).toEqual(expect.arrayContaining(["NeverTheStateBucketControls", "NeverStateHistory"]));
    expect(sids(false, { stateBucket: "b", stateKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k" })).toContain(
      "NeverTheNamedStateKey",
    );
  });

  it("denies every CI role any trust-policy change", () => {
    const trust = ciGuardrailStatements({ name: "dev", target: TEST_TARGET, ownsAccountSingletons: true }).find(
      (statement) => statement.sid === "NeverChangeATrustPolicy",
    );
    expect(trust).toEqual({ sid: "NeverChangeATrustPolicy", effect: "Deny", actions: ["iam:UpdateAssumeRolePolicy"], resources: ["*"] });
  });
});

describe("resource statements of a shared state bucket", () => {
  it("keeps each environment's roles in its own prefix", () => {
    expect(ciStatePrefixStatements(TEST_TARGET, "arn:aws:s3:::b", ["dev"])).toEqual([
      {
        sid: "OnlyOwnPrefixdev",
        effect: "Deny",
        principals: [{ type: "*", identifiers: ["*"] }],
        actions: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject"],
        notResources: ["arn:aws:s3:::b/dev/*"],
        condition: [{ test: "ArnLike", variable: "aws:PrincipalArn", values: ["arn:aws:iam::123456789012:role/dev-*"] }],
      },
    ]);
  });

  it("GIVEN a shared read key (the account layer's state) WHEN built THEN the roles may read it but still write only their own prefix", () => {
    const statements = ciStatePrefixStatements(TEST_TARGET, "arn:aws:s3:::b", ["dev"], ["account/123456789012.tfstate"]);
    expect(statements.map((statement) => [statement.sid, statement.actions, statement.notResources])).toEqual([
      ["OnlyOwnPrefixdev", ["s3:PutObject", "s3:DeleteObject"], ["arn:aws:s3:::b/dev/*"]],
      [
        "OnlyOwnPrefixOrShareddev",
        ["s3:GetObject", "s3:GetObjectVersion"],
        ["arn:aws:s3:::b/dev/*", "arn:aws:s3:::b/account/123456789012.tfstate"],
      ],
    ]);
  });

  it("denies an environment's key to the roles of the other environments of the bucket, and to nobody when it is alone", () => {
    const sharing = ciEnvironmentKeyStatements(TEST_TARGET, "dev", ["dev", "staging"]);
    expect(sharing.find((statement) => statement.sid === "NotOtherEnvironments")?.condition).toEqual([
      { test: "ArnLike", variable: "aws:PrincipalArn", values: ["arn:aws:iam::123456789012:role/staging-*"] },
    ]);
    expect(ciEnvironmentKeyStatements(TEST_TARGET, "dev", ["dev"]).map((statement) => statement.sid)).toEqual(["NoCiKeyControls"]);
  });
});
