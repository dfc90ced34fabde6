import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { Token } from "cdktf";
import { REGION, allow, concatList, expectList, expectMatch, regionalArn, stringEquals, type Statement } from "../core/iam-statements";

/** Names take letters, digits and /_+=.@- ; service-managed secrets add "!" (RDS: `rds!cluster-<id>`). */
const SECRET_ARN = regionalArn("secretsmanager", "secret:[A-Za-z0-9/_+=.@!-]+");
/** A full secret ARN ends in "-" and six random characters; IAM does not match a partial ARN. */
const SECRET_SUFFIX = /-[A-Za-z0-9]{6}$/;
const KMS_KEY_ARN = regionalArn("kms", "key/(?:mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");
const KMS_ALIAS_ARN = regionalArn("kms", "alias/.*");

/**
 * Read exactly these secrets, and decrypt with these keys only when Secrets Manager in `region`
 * asks for one of these secrets (kms:ViaService and the SecretARN encryption context Secrets Manager
 * sets). Secrets under the AWS managed key `aws/secretsmanager` need no key: give `kmsKeyArns: []`.
 */
export function secretReaderStatements(params: {
  secretArns: readonly string[];
  kmsKeyArns: readonly string[];
  region: string;
}): DataAwsIamPolicyDocumentStatement[] {
  const context = "secret reader policy";
  expectMatch(params.region, REGION, `${context}: "${params.region}" is not an AWS region (e.g. eu-west-1)`);
  expectList(params.secretArns, context, "secret ARN", (arn) => {
    if (/[*?]/.test(arn)) throw new Error(`${context}: secret ARN "${arn}" must name one secret, not a pattern`);
    expectMatch(arn, SECRET_ARN, `${context}: "${arn}" is not a Secrets Manager secret ARN`);
    expectMatch(
      arn,
      SECRET_SUFFIX,
      `${context}: "${arn}" is a partial secret ARN; IAM matches the full ARN, which ends in "-" and six random characters`,
    );
  });
  if (!Token.isUnresolved(params.kmsKeyArns)) {
    for (const arn of params.kmsKeyArns) {
      if (KMS_ALIAS_ARN.test(arn)) {
        throw new Error(`${context}: "${arn}" is an alias ARN; kms:Decrypt is authorized on the key ARN (key/<id>)`);
      }
      expectMatch(arn, KMS_KEY_ARN, `${context}: "${arn}" is not a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)`);
    }
  }
  const statements: Statement[] = [
    allow({
      sid: "ReadSecrets",
      actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
      resources: concatList([], params.secretArns),
    }),
  ];
  if (Token.isUnresolved(params.kmsKeyArns) || params.kmsKeyArns.length > 0) {
    statements.push(
      allow({
        sid: "DecryptSecretsThroughSecretsManager",
        actions: ["kms:Decrypt"],
        resources: concatList([], params.kmsKeyArns),
        condition: [
          stringEquals("kms:ViaService", `secretsmanager.${params.region}.amazonaws.com`),
          { test: "StringEquals", variable: "kms:EncryptionContext:SecretARN", values: concatList([], params.secretArns) },
        ],
      }),
    );
  }
  return statements;
}
