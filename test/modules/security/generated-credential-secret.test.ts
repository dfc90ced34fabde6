import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { EphemeralRandomPassword } from "../../../modules/security/ephemeral-random-password";
import { GeneratedCredentialSecret, type GeneratedCredentialSecretProps } from "../../../modules/security/generated-credential-secret";
import type { TerraformJson } from "../../support/synthesized";

const KEY = "arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555";
const props: GeneratedCredentialSecretProps = {
  name: "dev/grafana/admin",
  description: "Grafana admin",
  kmsKeyArn: KEY,
  username: "admin",
};
type Doc = TerraformJson & { ephemeral?: Record<string, Record<string, Record<string, unknown>>> };
const synth = (overrides: Partial<GeneratedCredentialSecretProps> = {}): Doc =>
  JSON.parse(Testing.synthScope((scope) => new GeneratedCredentialSecret(scope, "grafana-admin", { ...props, ...overrides }))) as Doc;
const only = (doc: Doc, type: string) => {
  const all = Object.values(doc.resource?.[type] ?? {});
  expect(all).toHaveLength(1);
  return all[0]!;
};

describe("GeneratedCredentialSecret", () => {
  it("GIVEN a KMS key WHEN synthesized THEN the secret is encrypted with it and recoverable for 30 days by default", () => {
    expect(only(synth(), "aws_secretsmanager_secret")).toMatchObject({
      name: "dev/grafana/admin",
      kms_key_id: KEY,
      recovery_window_in_days: 30,
    });
  });

  it("GIVEN no password anywhere in the props WHEN synthesized THEN the version has no secret_string, only the write-only attribute and its version", () => {
    const version = only(synth(), "aws_secretsmanager_secret_version");
    expect(
      Object.keys(version)
        .filter((key) => key.startsWith("secret_string"))
        .sort(),
    ).toEqual(["secret_string_wo", "secret_string_wo_version"]);
    expect(version["secret_string_wo"]).toMatch(
      /^\$\{jsonencode\(\{"username" = "admin", "password" = ephemeral\.aws_secretsmanager_random_password\.[^.]+\.random_password\}\)\}$/,
    );
  });

  it("GIVEN a raised passwordVersion WHEN synthesized THEN secret_string_wo_version carries it (the next apply writes a new password)", () => {
    expect(only(synth({ passwordVersion: 2 }), "aws_secretsmanager_secret_version")["secret_string_wo_version"]).toBe(2);
  });

  it("GIVEN the password WHEN synthesized THEN it is an ephemeral resource (no resource, no data source holds it)", () => {
    const doc = synth();
    expect(Object.keys(doc.ephemeral ?? {})).toEqual(["aws_secretsmanager_random_password"]);
    expect(Object.keys(doc.resource ?? {}).sort()).toEqual(["aws_secretsmanager_secret", "aws_secretsmanager_secret_version"]);
    expect(doc.data).toBeUndefined();
  });

  it("GIVEN a recovery window outside 7 to 30 days WHEN built THEN it is refused", () => {
    expect(() => synth({ recoveryWindowInDays: 0 })).toThrow("Secret dev/grafana/admin: recovery window 0 must be 7 to 30 days");
  });

  it("GIVEN an alias ARN instead of a key ARN WHEN built THEN it is refused (the secret would silently use what the alias points at)", () => {
    expect(() => synth({ kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:alias/dev/data" })).toThrow(
      'Secret dev/grafana/admin: kmsKeyArn "arn:aws:kms:eu-west-1:111122223333:alias/dev/data" is not a KMS key ARN (key/<id>)',
    );
  });

  it("GIVEN a passwordVersion of 0 WHEN built THEN it is refused", () => {
    expect(() => synth({ passwordVersion: 0 })).toThrow("Secret dev/grafana/admin: passwordVersion 0 must be a positive integer");
  });
});

describe("EphemeralRandomPassword", () => {
  const ephemeral = (build: Parameters<typeof Testing.synthScope>[0]) =>
    (JSON.parse(Testing.synthScope(build)) as Doc).ephemeral?.["aws_secretsmanager_random_password"] ?? {};

  it("GIVEN a length WHEN synthesized THEN the ephemeral block asks Secrets Manager for it, each character type, no punctuation", () => {
    expect(Object.values(ephemeral((scope) => new EphemeralRandomPassword(scope, "p", { length: 40 })))).toEqual([
      { password_length: 40, exclude_punctuation: true, require_each_included_type: true },
    ]);
  });

  it("GIVEN a length under 20 WHEN built THEN it is refused", () => {
    expect(() => Testing.synthScope((scope) => new EphemeralRandomPassword(scope, "p", { length: 12 }))).toThrow(
      "length 12 must be an integer from 20 to 4096",
    );
  });
});
