import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { REGION, allow, expectMatch, regionalArn, stringEquals } from "../../core/iam-statements";

const TOPIC_ARN = regionalArn("sns", "[A-Za-z0-9_-]{1,256}");
const KMS_KEY_ARN = regionalArn("kms", "key/[0-9a-f-]+");

/**
 * Alertmanager's SNS receiver (SigV4): publish to the one alert topic, and use its KMS key only
 * through SNS in the region (an encrypted topic needs the publisher to generate a data key).
 */
export function alertmanagerStatements(params: {
  topicArn: string;
  kmsKeyArn: string;
  region: string;
}): DataAwsIamPolicyDocumentStatement[] {
  const context = "alertmanager policy";
  expectMatch(params.region, REGION, `${context}: "${params.region}" is not an AWS region (e.g. eu-west-1)`);
  expectMatch(params.topicArn, TOPIC_ARN, `${context}: "${params.topicArn}" is not an SNS topic ARN`);
  expectMatch(params.kmsKeyArn, KMS_KEY_ARN, `${context}: "${params.kmsKeyArn}" is not a KMS key ARN (key/<id>)`);
  return [
    allow({ sid: "PublishAlerts", actions: ["sns:Publish"], resources: [params.topicArn] }),
    allow({
      sid: "EncryptThroughSns",
      actions: ["kms:GenerateDataKey", "kms:Decrypt"],
      resources: [params.kmsKeyArn],
      condition: [stringEquals("kms:ViaService", `sns.${params.region}.amazonaws.com`)],
    }),
  ];
}
