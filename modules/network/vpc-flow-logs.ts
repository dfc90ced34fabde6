import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import type { AwsTarget } from "../core/aws-target";

export interface VpcFlowLogsProps {
  /** Prefix of names: the log group is `/aws/vpc/<name>/flow-logs`, the role `<name>-vpc-flow-logs`. */
  readonly name: string;
  readonly target: AwsTarget;
  readonly vpcId: string;
  /** KMS key that encrypts the log group; its policy must admit `logs.<region>.amazonaws.com`. */
  readonly kmsKeyArn: string;
  /** Days CloudWatch keeps the records. */
  readonly retentionInDays: number;
  /**
   * Seconds over which records are aggregated: 60 or 600.
   * @default 60
   */
  readonly maxAggregationInterval?: 60 | 600;
}

/**
 * Flow logs of ALL traffic (accepted and rejected) of a VPC to a KMS-encrypted CloudWatch log
 * group with retention, delivered by a role only the flow-logs service of this account can
 * assume and that may write only to that group.
 */
export class VpcFlowLogs extends Construct {
  readonly logGroupName: string;
  readonly logGroupArn: string;

  constructor(scope: Construct, id: string, props: VpcFlowLogsProps) {
    super(scope, id);
    const { accountId } = props.target;

    const group = new CloudwatchLogGroup(this, "log-group", {
      name: `/aws/vpc/${props.name}/flow-logs`,
      retentionInDays: props.retentionInDays,
      kmsKeyId: props.kmsKeyArn,
    });

    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["vpc-flow-logs.amazonaws.com"] }],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] }],
        },
      ],
    });
    const role = new IamRole(this, "role", {
      name: `${props.name}-vpc-flow-logs`,
      assumeRolePolicy: trust.json,
    });
    const write = new DataAwsIamPolicyDocument(this, "write", {
      statement: [
        {
          sid: "WriteFlowLogRecords",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          resources: [group.arn, `${group.arn}:*`],
        },
      ],
    });
    new IamRolePolicy(this, "write-policy", { name: "write-flow-logs", role: role.id, policy: write.json });

    new FlowLog(this, "flow-log", {
      vpcId: props.vpcId,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: group.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: props.maxAggregationInterval ?? 60,
      tags: { Name: `${props.name}-flow-logs` },
    });
    this.logGroupName = group.name;
    this.logGroupArn = group.arn;
  }
}
