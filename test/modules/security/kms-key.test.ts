import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey as AwsKmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { KmsKey, type KmsKeyProps } from "../../../modules/security/kms-key";
import { TEST_TARGET } from "../../support/target";

const synth = (overrides: Partial<KmsKeyProps> = {}) =>
  Testing.synthScope((scope) => new KmsKey(scope, "key", { target: TEST_TARGET, alias: "dev/logs", description: "logs", ...overrides }));

describe("KmsKey", () => {
  it("rotates the key yearly and waits 30 days before deletion by default", () => {
    expect(synth()).toHaveResourceWithProperties(AwsKmsKey, {
      enable_key_rotation: true,
      rotation_period_in_days: 365,
      deletion_window_in_days: 30,
    });
  });

  it("adds deny statements to the key policy, and refuses an Allow passed as one", () => {
    const deny = {
      sid: "NoCi",
      effect: "Deny",
      principals: [{ type: "AWS", identifiers: ["*"] }],
      actions: ["kms:PutKeyPolicy"],
      resources: ["*"],
    };
    expect(synth({ denyStatements: [deny] })).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [expect.objectContaining({ sid: "AccountIamDelegation" }), expect.objectContaining({ sid: "NoCi", effect: "Deny" })],
    });
    expect(() => synth({ denyStatements: [{ ...deny, effect: "Allow" }] })).toThrow(
      "KMS key dev/logs: denyStatements holds an Allow (NoCi)",
    );
  });

  it("names the key with an alias", () => {
    expect(synth()).toHaveResourceWithProperties(KmsAlias, { name: "alias/dev/logs" });
  });

  it("delegates to the account's IAM through the key policy", () => {
    expect(synth()).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [{ sid: "AccountIamDelegation", principals: [{ type: "AWS", identifiers: ["arn:aws:iam::123456789012:root"] }] }],
    });
  });

  it("GIVEN a service grant WHEN synthesized THEN the service may use the key under the given conditions", () => {
    const condition = {
      test: "ArnLike",
      variable: "kms:EncryptionContext:aws:logs:arn",
      values: ["arn:aws:logs:eu-west-1:123456789012:log-group:*"],
    };
    const json = synth({ services: [{ principal: "logs.eu-west-1.amazonaws.com", conditions: [condition] }] });
    expect(json).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [
        { sid: "AccountIamDelegation" },
        { sid: "ServiceUse0", principals: [{ type: "Service", identifiers: ["logs.eu-west-1.amazonaws.com"] }], condition: [condition] },
      ],
    });
  });

  it("refuses a deletion window outside 7 to 30 days", () => {
    expect(() => synth({ deletionWindowInDays: 3 })).toThrow("KMS key dev/logs: deletion window 3 must be 7 to 30 days");
  });
});
