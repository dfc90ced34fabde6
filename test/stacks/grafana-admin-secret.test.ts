import { describe, expect, it } from "vitest";
import { ENVIRONMENTS, environment } from "../support/fixtures";
import { resourcesOf, synthesizedStack, type TerraformJson } from "../support/synthesized";

/*
 * Grafana's admin credential (issue 18): a Secrets Manager secret of the platform layer, generated
 * by Secrets Manager and written through a write-only attribute, encrypted with the environment's
 * data key, read by Grafana's role alone, published to the workloads layer. Every environment file.
 */

interface Statement {
  sid?: string;
  effect?: string;
  actions?: string[];
  resources?: string[];
  condition?: { test: string; variable: string; values: string[] }[];
}

const one = (doc: TerraformJson, type: string, where: (body: Record<string, unknown>) => boolean = () => true) => {
  const found = Object.entries(resourcesOf(doc, type)).filter(([, body]) => where(body));
  expect(found, `${type}`).toHaveLength(1);
  return found[0]!;
};
const ephemeralOf = (doc: TerraformJson) =>
  (doc as TerraformJson & { ephemeral?: Record<string, Record<string, Record<string, unknown>>> }).ephemeral ?? {};
/** The statements of the inline policy of the role named `name`. */
function roleStatements(doc: TerraformJson, name: string): Statement[] {
  const [roleId] = one(doc, "aws_iam_role", (body) => body["name"] === name);
  const [, policy] = one(doc, "aws_iam_role_policy", (body) => body["role"] === `\${aws_iam_role.${roleId}.id}`);
  const documentId = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(String(policy["policy"]))?.[1] ?? "";
  return (doc.data?.["aws_iam_policy_document"]?.[documentId]?.["statement"] as Statement[] | undefined) ?? [];
}

describe.each(ENVIRONMENTS.map((config) => config.name))("platform-%s: Grafana's admin credential", (env) => {
  const doc = () => synthesizedStack(`platform-${env}`).doc;
  const secret = () => one(doc(), "aws_secretsmanager_secret", (body) => body["name"] === `${env}/grafana/admin`);
  const secretArn = () => `\${aws_secretsmanager_secret.${secret()[0]}.arn}`;
  const dataKeyArn = () => {
    const [id] = one(doc(), "aws_kms_alias", (body) => body["name"] === `alias/${env}/data`);
    const alias = resourcesOf(doc(), "aws_kms_alias")[id]!;
    return String(alias["target_key_id"]).replace(/\.key_id\}$/, ".arn}");
  };

  it("GIVEN the environment WHEN synthesized THEN the secret is <env>/grafana/admin, encrypted with the data key, recoverable for 30 days", () => {
    expect(secret()[1]).toMatchObject({ name: `${env}/grafana/admin`, kms_key_id: dataKeyArn(), recovery_window_in_days: 30 });
  });

  it("GIVEN the environment WHEN synthesized THEN the secret carries the environment tag the CI guardrails' ABAC reads (provider default tags)", () => {
    const provider = (doc().provider?.["aws"] as { default_tags?: { tags?: Record<string, string> }[] }[] | undefined)?.[0];
    expect(provider?.default_tags?.[0]?.tags?.["environment"]).toBe(env);
    expect(secret()[1]["tags"]).toBeUndefined(); // no tag of its own that could override it
  });

  it("GIVEN the environment WHEN synthesized THEN the password is written only through the write-only attribute, from an ephemeral Secrets Manager password", () => {
    const [, version] = one(
      doc(),
      "aws_secretsmanager_secret_version",
      (body) => body["secret_id"] === `\${aws_secretsmanager_secret.${secret()[0]}.id}`,
    );
    expect(version["secret_string"]).toBeUndefined();
    expect(version["secret_string_wo_version"]).toBe(1);
    const passwords = ephemeralOf(doc())["aws_secretsmanager_random_password"] ?? {};
    expect(Object.values(passwords)).toEqual([{ password_length: 32, exclude_punctuation: true, require_each_included_type: true }]);
    const [passwordId] = Object.keys(passwords);
    expect(version["secret_string_wo"]).toBe(
      `\${jsonencode({"username" = "admin", "password" = ephemeral.aws_secretsmanager_random_password.${passwordId}.random_password})}`,
    );
  });

  it("GIVEN Grafana's role WHEN its policy is read THEN it reads that one secret and decrypts only through Secrets Manager for it", () => {
    expect(roleStatements(doc(), `${env}-grafana`)).toEqual([
      {
        sid: "ReadSecrets",
        effect: "Allow",
        actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        resources: [secretArn()],
      },
      {
        sid: "DecryptSecretsThroughSecretsManager",
        effect: "Allow",
        actions: ["kms:Decrypt"],
        resources: [dataKeyArn()],
        condition: [
          { test: "StringEquals", variable: "kms:ViaService", values: [`secretsmanager.${environment(env).account.region}.amazonaws.com`] },
          { test: "StringEquals", variable: "kms:EncryptionContext:SecretARN", values: [secretArn()] },
        ],
      },
    ]);
  });

  it("GIVEN Grafana's role WHEN bound THEN a Pod Identity association binds it to monitoring/grafana", () => {
    const [roleId] = one(doc(), "aws_iam_role", (body) => body["name"] === `${env}-grafana`);
    const [, association] = one(doc(), "aws_eks_pod_identity_association", (body) => body["role_arn"] === `\${aws_iam_role.${roleId}.arn}`);
    expect([association["namespace"], association["service_account"]]).toEqual(["monitoring", "grafana"]);
  });

  it("GIVEN the contract WHEN published THEN the workloads layer can read Grafana's role and secret", () => {
    const [roleId] = one(doc(), "aws_iam_role", (body) => body["name"] === `${env}-grafana`);
    expect(doc().output?.["grafana_role_arn"]?.value).toBe(`\${aws_iam_role.${roleId}.arn}`);
    expect(doc().output?.["grafana_admin_secret_arn"]?.value).toBe(secretArn());
  });
});
