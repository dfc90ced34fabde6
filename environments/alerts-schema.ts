import { z } from "zod";

/** SNS protocols the alert topic delivers to, and what their endpoint must look like. */
const ENDPOINT_PATTERNS = {
  email: { pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, what: "an email address" },
  https: { pattern: /^https:\/\/[^\s]+$/, what: "an https:// URL (a paging service's SNS integration)" },
  sqs: { pattern: /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+(\.fifo)?$/, what: "an SQS queue ARN" },
  lambda: {
    pattern: /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/,
    what: "a Lambda function ARN",
  },
} as const;

const subscription = z
  .strictObject({
    protocol: z.enum(["email", "https", "sqs", "lambda"]).describe("SNS protocol of the subscription."),
    endpoint: z
      .string()
      .describe("Where alerts go: an email address, an https:// URL, an SQS queue ARN or a Lambda function ARN, matching protocol."),
  })
  .superRefine((entry, ctx) => {
    const expected = ENDPOINT_PATTERNS[entry.protocol];
    if (!expected.pattern.test(entry.endpoint)) {
      ctx.addIssue({ code: "custom", path: ["endpoint"], message: `must be ${expected.what} for protocol ${entry.protocol}` });
    }
  });

/** `alerts` of an environment file: who is told when something pages a human. */
export const alertsSchema = z
  .strictObject({
    subscriptions: z
      .array(subscription)
      .default([])
      .describe(
        "Subscriptions of the environment's alert topic `<env>-alerts` (SNS, KMS-encrypted), which the CloudWatch alarms and Alertmanager publish to. Email subscriptions must be confirmed from the message SNS sends. @default [] (alerts are published; nobody receives them)",
      ),
  })
  .default({ subscriptions: [] })
  .describe("Alerting: the SNS topic's subscriptions (docs/operations.md, Alerts).");
