import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogResourcePolicy } from "@cdktf/provider-aws/lib/cloudwatch-log-resource-policy";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { Wafv2WebAcl, type Wafv2WebAclRule } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Wafv2WebAclLoggingConfiguration } from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration";
import { Token } from "cdktf";
import { Construct } from "constructs";
import type { AwsTarget } from "../core/aws-target";
import { CLOUDWATCH_LOG_RETENTION_DAYS, isCloudWatchLogRetention } from "../core/cloudwatch-logs";

/** WAF delivers logs to CloudWatch Logs only into groups whose name starts with this. */
const WAF_LOG_GROUP_PREFIX = "aws-waf-logs-";

/**
 * The AWS managed rule groups every web ACL evaluates, in priority order (after the rate limit):
 * OWASP-style common exploits, known-bad request patterns (Log4j, ...), SQL injection, and
 * addresses Amazon's threat intelligence flags. About 1,125 WCUs together, under the 1,500 a web
 * ACL includes in its base price.
 */
const AWS_MANAGED_RULE_GROUPS = [
  { name: "AWSManagedRulesCommonRuleSet", priority: 10 },
  { name: "AWSManagedRulesKnownBadInputsRuleSet", priority: 20 },
  { name: "AWSManagedRulesSQLiRuleSet", priority: 30 },
  { name: "AWSManagedRulesAmazonIpReputationList", priority: 40 },
] as const;

/** Priority of the rate-based rule: evaluated first, so a flood is cut before the managed groups run. */
const RATE_LIMIT_PRIORITY = 1;

/** Request headers whose values never reach the logs (credentials and sessions). */
const REDACTED_HEADERS = ["authorization", "cookie"] as const;

/** CloudWatch Logs accepts only these retention periods. */
/** Web ACL names: 1-128 letters, digits, `-` and `_`; the log group adds its prefix to it. */
const NAME = /^[A-Za-z0-9_-]{1,115}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;
/** WAF's bounds of a rate-based rule's limit. */
const RATE_LIMIT = { min: 10, max: 2_000_000_000 } as const;

/*
 * The provider types a rule's `statement` as an untyped value (the schema nests too deeply) and
 * passes it through as it is: these interfaces give the statements this construct writes their
 * Terraform (snake_case) shape.
 */

/** Evaluates an AWS managed rule group, its rules' own actions applying. */
export interface ManagedRuleGroupStatement {
  readonly managed_rule_group_statement: { readonly name: string; readonly vendor_name: "AWS" };
}

/** Counts the requests of each client IP over a window of `evaluation_window_sec`. */
export interface RateBasedStatement {
  readonly rate_based_statement: { readonly limit: number; readonly aggregate_key_type: "IP"; readonly evaluation_window_sec: 300 };
}

export interface WebApplicationFirewallProps {
  /** Name of the web ACL and of its metrics; the log group is `aws-waf-logs-<name>`. */
  readonly name: string;
  /** Account and region (the log delivery policy names them). */
  readonly target: AwsTarget;
  /** Requests one client IP may send in any 5 minutes before it is blocked (10 to 2,000,000,000). */
  readonly rateLimitPer5Minutes: number;
  /** KMS key that encrypts the log group; its policy must admit `logs.<region>.amazonaws.com`. */
  readonly logsKmsKeyArn: string;
  /**
   * Days CloudWatch keeps the request logs.
   * @default 90
   */
  readonly logRetentionInDays?: number;
  /**
   * Description of the web ACL.
   * @default "Public entry of <name>"
   */
  readonly description?: string;
}

/**
 * A REGIONAL WAFv2 web ACL for an Application Load Balancer: requests are allowed unless a rule
 * blocks them; a rate-based rule blocks a client IP above its limit per 5 minutes, then the AWS
 * managed rule groups (AWS_MANAGED_RULE_GROUPS) block what they match (override action none: their
 * own actions apply). CloudWatch metrics and sampled requests on the ACL and every rule. Every
 * request is logged to a KMS-encrypted CloudWatch log group with retention, the Authorization and
 * Cookie headers redacted, delivered under a resource policy that admits this web ACL's log
 * delivery only. The ALB names the ACL (`webAclArn`); the AWS Load Balancer Controller associates it.
 */
export class WebApplicationFirewall extends Construct {
  /** ARN of the web ACL, for `alb.ingress.kubernetes.io/wafv2-acl-arn`. */
  readonly webAclArn: string;
  readonly webAclName: string;
  readonly logGroupName: string;
  readonly logGroupArn: string;

  constructor(scope: Construct, id: string, props: WebApplicationFirewallProps) {
    super(scope, id);
    const what = `Web ACL ${props.name}`;
    if (!NAME.test(props.name)) {
      throw new Error(
        `${what}: the name must be 1-115 letters, digits, '-' or '_' (the log group ${WAF_LOG_GROUP_PREFIX}<name> must stay within 128)`,
      );
    }
    const limit = props.rateLimitPer5Minutes;
    if (!Number.isInteger(limit) || limit < RATE_LIMIT.min || limit > RATE_LIMIT.max) {
      throw new Error(`${what}: rateLimitPer5Minutes must be an integer from ${RATE_LIMIT.min} to ${RATE_LIMIT.max} (got ${limit})`);
    }
    const retention = props.logRetentionInDays ?? 90;
    if (!isCloudWatchLogRetention(retention)) {
      throw new Error(
        `${what}: logRetentionInDays ${retention} is not a CloudWatch retention period (${CLOUDWATCH_LOG_RETENTION_DAYS.join(", ")})`,
      );
    }
    if (!Token.isUnresolved(props.logsKmsKeyArn) && !KMS_KEY_ARN.test(props.logsKmsKeyArn)) {
      throw new Error(`${what}: logsKmsKeyArn "${props.logsKmsKeyArn}" is not a KMS key ARN`);
    }
    const { accountId, region, partition } = props.target;

    const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });
    const rateStatement: RateBasedStatement = { rate_based_statement: { limit, aggregate_key_type: "IP", evaluation_window_sec: 300 } };
    const rules: Wafv2WebAclRule[] = [
      {
        name: "rate-limit-per-ip",
        priority: RATE_LIMIT_PRIORITY,
        action: { block: {} },
        statement: rateStatement,
        visibilityConfig: visibility(`${props.name}-rate-limit-per-ip`),
      },
      ...AWS_MANAGED_RULE_GROUPS.map(({ name, priority }): Wafv2WebAclRule => {
        const statement: ManagedRuleGroupStatement = { managed_rule_group_statement: { name, vendor_name: "AWS" } };
        return { name, priority, overrideAction: { none: {} }, statement, visibilityConfig: visibility(`${props.name}-${name}`) };
      }),
    ];

    const acl = new Wafv2WebAcl(this, "web-acl", {
      name: props.name,
      description: props.description ?? `Public entry of ${props.name}`,
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      rule: rules,
      visibilityConfig: visibility(props.name),
    });

    const group = new CloudwatchLogGroup(this, "log-group", {
      name: `${WAF_LOG_GROUP_PREFIX}${props.name}`,
      retentionInDays: retention,
      kmsKeyId: props.logsKmsKeyArn,
    });

    // WAF delivers through CloudWatch Logs' log delivery service; without this policy WAF would
    // try to write an account-wide one itself (10 resource policies per region at most).
    const delivery = new DataAwsIamPolicyDocument(this, "log-delivery", {
      statement: [
        {
          sid: "WafLogDelivery",
          principals: [{ type: "Service", identifiers: ["delivery.logs.amazonaws.com"] }],
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`${group.arn}:*`],
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] },
            { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:${partition}:logs:${region}:${accountId}:*`] },
          ],
        },
      ],
    });
    const policy = new CloudwatchLogResourcePolicy(this, "log-delivery-policy", {
      policyName: `${WAF_LOG_GROUP_PREFIX}${props.name}`,
      policyDocument: delivery.json,
    });

    new Wafv2WebAclLoggingConfiguration(this, "logging", {
      resourceArn: acl.arn,
      logDestinationConfigs: [group.arn],
      redactedFields: REDACTED_HEADERS.map((name) => ({ singleHeader: { name } })),
      dependsOn: [policy],
    });

    this.webAclArn = acl.arn;
    this.webAclName = acl.name;
    this.logGroupName = group.name;
    this.logGroupArn = group.arn;
  }
}
