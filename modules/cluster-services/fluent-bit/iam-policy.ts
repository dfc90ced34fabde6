import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { Token } from "cdktf";
import { allow, expectMatch, regionalArn } from "../../core/iam-statements";

const LOG_GROUP_ARN = regionalArn("logs", String.raw`log-group:[A-Za-z0-9_\-/.#]{1,512}`);

/**
 * fluent-bit shipping to one existing log group (the platform creates it, with retention and KMS).
 *
 * No logs:DescribeLogGroups: neither output plugin calls it. fluent-bit's `cloudwatch_logs` (C)
 * calls CreateLogStream and PutLogEvents (CreateLogGroup/PutRetentionPolicy only with
 * `auto_create_group`); with `auto_create_group` off it learns a missing group from CreateLogStream's
 * ResourceNotFoundException. DescribeLogStreams is for the older Go `cloudwatch` plugin, which lists it
 * among its required permissions. No CreateLogGroup: keep `auto_create_group` off.
 */
export function fluentBitStatements(params: { logGroupArn: string }): DataAwsIamPolicyDocumentStatement[] {
  const context = "fluent-bit policy";
  const arn = params.logGroupArn;
  if (!Token.isUnresolved(arn) && arn.endsWith(":*")) {
    throw new Error(`${context}: log group ARN "${arn}" must not end in ":*" (the policy adds the streams itself)`);
  }
  expectMatch(
    arn,
    LOG_GROUP_ARN,
    `${context}: "${arn}" is not a CloudWatch Logs log group ARN (arn:<partition>:logs:<region>:<account>:log-group:<name>)`,
  );
  return [
    allow({
      sid: "WriteContainerLogs",
      actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      resources: [arn, `${arn}:*`],
    }),
  ];
}
