import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { Construct } from "constructs";

/**
 * The events Karpenter handles from its interruption queue, as its v1.14.1 CloudFormation template
 * routes them (website/content/en/docs/getting-started/getting-started-with-karpenter/cloudformation.yaml):
 * rule id -> EventBridge pattern.
 */
const INTERRUPTION_EVENTS = {
  "scheduled-change": { source: ["aws.health"], "detail-type": ["AWS Health Event"] },
  "spot-interruption": { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
  rebalance: { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
  "instance-state-change": { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
  "capacity-reservation-interruption": { source: ["aws.ec2"], "detail-type": ["EC2 Capacity Reservation Instance Interruption Warning"] },
} as const;

export interface InterruptionQueueProps {
  /** Queue name: the cluster's name, as Karpenter's guide names it (`settings.interruptionQueue`). */
  readonly queueName: string;
  /** Account of the rules: the only `aws:SourceAccount` the queue admits messages from. */
  readonly accountId: string;
}

/**
 * Karpenter's interruption queue: an SQS queue encrypted with SQS-managed keys (EventBridge cannot
 * send to a queue under the AWS-managed `aws/sqs` KMS key, and SSE-SQS needs no key policy), messages
 * kept 5 minutes (an interruption warning is worthless after 2), TLS required, and EventBridge rules
 * for Spot interruption warnings, rebalance recommendations, instance state changes, AWS Health
 * scheduled changes and capacity reservation interruptions.
 */
export class InterruptionQueue extends Construct {
  readonly queueName: string;
  readonly queueArn: string;
  readonly queue: SqsQueue;

  constructor(scope: Construct, id: string, props: InterruptionQueueProps) {
    super(scope, id);
    const queue = new SqsQueue(this, "queue", {
      name: props.queueName,
      messageRetentionSeconds: 300,
      sqsManagedSseEnabled: true,
    });
    const policy = new DataAwsIamPolicyDocument(this, "policy-document", {
      policyId: "EC2InterruptionPolicy",
      statement: [
        {
          sid: "EventBridgeSends",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["events.amazonaws.com", "sqs.amazonaws.com"] }],
          actions: ["sqs:SendMessage"],
          resources: [queue.arn],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] }],
        },
        {
          sid: "DenyHTTP",
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["sqs:*"],
          resources: [queue.arn],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    new SqsQueuePolicy(this, "policy", { queueUrl: queue.url, policy: policy.json });
    for (const [rule, pattern] of Object.entries(INTERRUPTION_EVENTS)) {
      const eventRule = new CloudwatchEventRule(this, `rule-${rule}`, {
        name: `${props.queueName}-karpenter-${rule}`,
        description: `Karpenter of ${props.queueName}: ${pattern["detail-type"][0]} to the interruption queue`,
        eventPattern: JSON.stringify(pattern),
      });
      new CloudwatchEventTarget(this, `target-${rule}`, {
        rule: eventRule.name,
        targetId: "KarpenterInterruptionQueueTarget",
        arn: queue.arn,
      });
    }
    this.queue = queue;
    this.queueName = queue.name;
    this.queueArn = queue.arn;
  }
}
