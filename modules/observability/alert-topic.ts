import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";
import type { AwsTarget } from "../core/aws-target";

/** One receiver of the environment's alerts. */
/** The name of the alert topic of environment `name`: `<name>-alerts`. */
export function alertTopicName(name: string): string {
  return `${name}-alerts`;
}

export interface AlertSubscription {
  readonly protocol: "email" | "https" | "sqs" | "lambda";
  readonly endpoint: string;
}

export interface AlertTopicProps {
  /** Environment name: the topic is `<name>-alerts`. */
  readonly name: string;
  readonly target: AwsTarget;
  /** KMS key of the topic; its policy must let `cloudwatch.amazonaws.com` use it (alarms publish through it). */
  readonly kmsKeyArn: string;
  /**
   * Who receives the alerts.
   * @default none: alerts are published and kept nowhere
   */
  readonly subscriptions?: readonly AlertSubscription[];
}

/**
 * The environment's alert topic: KMS-encrypted, TLS only, published to by this account's CloudWatch
 * alarms (and by IAM principals granted `sns:Publish`, such as Alertmanager's role), delivered to
 * the subscriptions of the environment file. Email subscriptions stay pending until confirmed.
 */
export class AlertTopic extends Construct {
  readonly topicArn: string;
  readonly topicName: string;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    const subscriptions = props.subscriptions ?? [];
    const seen = new Set<string>();
    for (const subscription of subscriptions) {
      const key = `${subscription.protocol}:${subscription.endpoint}`;
      if (seen.has(key)) throw new Error(`Alert topic ${props.name}: ${key} is subscribed twice`);
      seen.add(key);
    }
    const { accountId } = props.target;
    const name = alertTopicName(props.name);

    const topic = new SnsTopic(this, "topic", {
      name,
      displayName: `${props.name} alerts`,
      kmsMasterKeyId: props.kmsKeyArn,
      tags: { Name: name },
    });
    const policy = new DataAwsIamPolicyDocument(this, "policy", {
      statement: [
        {
          sid: "CloudWatchAlarmsOfThisAccount",
          principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
          actions: ["sns:Publish"],
          resources: [topic.arn],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] }],
        },
        {
          // The account's security findings (GuardDuty, Config, Access Analyzer) through EventBridge rules.
          sid: "EventBridgeRulesOfThisAccount",
          principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
          actions: ["sns:Publish"],
          resources: [topic.arn],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] }],
        },
        {
          sid: "TlsOnly",
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["sns:Publish"],
          resources: [topic.arn],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    new SnsTopicPolicy(this, "topic-policy", { arn: topic.arn, policy: policy.json });

    subscriptions.forEach((subscription, index) => {
      new SnsTopicSubscription(this, `subscription-${index}`, {
        topicArn: topic.arn,
        protocol: subscription.protocol,
        endpoint: subscription.endpoint,
        ...(subscription.protocol === "https" ? { endpointAutoConfirms: true } : {}),
      });
    });

    this.topicArn = topic.arn;
    this.topicName = name;
  }
}
