import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { VpcFlowLogs } from "../../../modules/network/vpc-flow-logs";
import { TEST_TARGET } from "../../support/target";

const synth = () =>
  Testing.synthScope(
    (scope) =>
      new VpcFlowLogs(scope, "flow-logs", {
        name: "test",
        target: TEST_TARGET,
        vpcId: "vpc-123",
        kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/abc",
        retentionInDays: 30,
      }),
  );

describe("VpcFlowLogs", () => {
  it("records ALL traffic of the VPC into CloudWatch Logs", () => {
    expect(synth()).toHaveResourceWithProperties(FlowLog, {
      vpc_id: "vpc-123",
      traffic_type: "ALL",
      log_destination_type: "cloud-watch-logs",
    });
  });

  it("encrypts the log group with the given key and keeps it for the configured days", () => {
    expect(synth()).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: "/aws/vpc/test/flow-logs",
      kms_key_id: "arn:aws:kms:eu-west-1:123456789012:key/abc",
      retention_in_days: 30,
    });
  });

  it("lets only this account's flow-logs service assume the delivery role", () => {
    expect(synth()).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["vpc-flow-logs.amazonaws.com"] }],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] }],
        },
      ],
    });
  });

  it("lets the delivery role write only to its own log group", () => {
    expect(synth()).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [
        {
          actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          resources: [
            expect.stringMatching(/aws_cloudwatch_log_group\..*\.arn/),
            expect.stringMatching(/aws_cloudwatch_log_group\..*\.arn}:\*$/),
          ],
        },
      ],
    });
  });
});
