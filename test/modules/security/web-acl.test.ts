import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogResourcePolicy } from "@cdktf/provider-aws/lib/cloudwatch-log-resource-policy";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { Wafv2WebAcl } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Wafv2WebAclLoggingConfiguration } from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration";
import { TerraformOutput, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { WebApplicationFirewall, type WebApplicationFirewallProps } from "../../../modules/security/web-acl";
import { resourcesOf, type TerraformJson } from "../../support/synthesized";
import { TEST_TARGET } from "../../support/target";

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/0b5c2a4e-7f1d-4c3b-9a8e-2d6f1e0c9b7a";
const props: WebApplicationFirewallProps = { name: "test-frontend", target: TEST_TARGET, rateLimitPer5Minutes: 1500, logsKmsKeyArn: KEY };
const synth = (overrides: Partial<WebApplicationFirewallProps> = {}) =>
  Testing.synthScope((scope) => new WebApplicationFirewall(scope, "waf", { ...props, ...overrides }));

type Body = Record<string, unknown>;
/** The one web ACL's rules, by name. */
function rulesOf(json: string): Map<string, Body> {
  const acls = Object.values(resourcesOf(JSON.parse(json) as TerraformJson, "aws_wafv2_web_acl"));
  expect(acls).toHaveLength(1);
  return new Map((acls[0]!["rule"] as Body[]).map((rule) => [String(rule["name"]), rule]));
}
const visible = (metricName: string) => ({ cloudwatch_metrics_enabled: true, sampled_requests_enabled: true, metric_name: metricName });

describe("WebApplicationFirewall", () => {
  it("is a REGIONAL web ACL (an ALB's) that allows what no rule blocks", () => {
    expect(synth()).toHaveResourceWithProperties(Wafv2WebAcl, { name: "test-frontend", scope: "REGIONAL", default_action: { allow: {} } });
  });

  it("evaluates the four AWS managed rule groups at priorities 10 to 40, their own actions applying (override none)", () => {
    const rules = rulesOf(synth());
    const managed = [...rules.values()].filter(
      (rule) => (rule["statement"] as Body | undefined)?.["managed_rule_group_statement"] !== undefined,
    );
    expect(managed.map((rule) => [rule["name"], rule["priority"]])).toEqual([
      ["AWSManagedRulesCommonRuleSet", 10],
      ["AWSManagedRulesKnownBadInputsRuleSet", 20],
      ["AWSManagedRulesSQLiRuleSet", 30],
      ["AWSManagedRulesAmazonIpReputationList", 40],
    ]);
    for (const rule of managed) {
      expect(rule).toMatchObject({
        override_action: { none: {} },
        statement: { managed_rule_group_statement: { name: rule["name"], vendor_name: "AWS" } },
      });
      expect(rule["action"]).toBeUndefined();
    }
  });

  it("blocks a client IP above the rate limit per 5 minutes, first of all rules", () => {
    const rule = rulesOf(synth()).get("rate-limit-per-ip");
    expect(rule).toMatchObject({
      priority: 1,
      action: { block: {} },
      statement: { rate_based_statement: { limit: 1500, aggregate_key_type: "IP", evaluation_window_sec: 300 } },
    });
    expect(rule?.["override_action"]).toBeUndefined();
  });

  it("publishes CloudWatch metrics and sampled requests for the ACL and every rule", () => {
    const json = synth();
    expect(json).toHaveResourceWithProperties(Wafv2WebAcl, { visibility_config: visible("test-frontend") });
    const rules = rulesOf(json);
    expect(rules.size).toBe(5);
    for (const [name, rule] of rules) expect(rule["visibility_config"]).toEqual(visible(`test-frontend-${name}`));
  });

  it("logs to a log group named with WAF's required prefix, encrypted with the given key, kept 90 days by default", () => {
    expect(synth()).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: "aws-waf-logs-test-frontend",
      kms_key_id: KEY,
      retention_in_days: 90,
    });
    expect(synth({ logRetentionInDays: 365 })).toHaveResourceWithProperties(CloudwatchLogGroup, { retention_in_days: 365 });
  });

  it("logs the ACL's requests to that group with the authorization and cookie headers redacted", () => {
    expect(synth()).toHaveResourceWithProperties(Wafv2WebAclLoggingConfiguration, {
      resource_arn: expect.stringMatching(/^\$\{aws_wafv2_web_acl\..+\.arn\}$/),
      log_destination_configs: [expect.stringMatching(/^\$\{aws_cloudwatch_log_group\..+\.arn\}$/)],
      redacted_fields: [{ single_header: { name: "authorization" } }, { single_header: { name: "cookie" } }],
    });
  });

  it("lets only this account's log delivery write to the group, under a resource policy the logging waits for", () => {
    const json = synth();
    expect(json).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [
        {
          principals: [{ type: "Service", identifiers: ["delivery.logs.amazonaws.com"] }],
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [expect.stringMatching(/^\$\{aws_cloudwatch_log_group\..+\.arn\}:\*$/)],
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] },
            { test: "ArnLike", variable: "aws:SourceArn", values: ["arn:aws:logs:eu-west-1:123456789012:*"] },
          ],
        },
      ],
    });
    expect(json).toHaveResourceWithProperties(CloudwatchLogResourcePolicy, { policy_name: "aws-waf-logs-test-frontend" });
    expect(json).toHaveResourceWithProperties(Wafv2WebAclLoggingConfiguration, {
      depends_on: [expect.stringMatching(/^aws_cloudwatch_log_resource_policy\./)],
    });
  });

  it("exposes the web ACL's ARN for the ALB's annotation", () => {
    const json = Testing.synthScope((scope) => {
      new TerraformOutput(scope, "arn", { value: new WebApplicationFirewall(scope, "waf", props).webAclArn });
    });
    expect((JSON.parse(json) as TerraformJson).output?.["arn"]?.value).toMatch(/^\$\{aws_wafv2_web_acl\..+\.arn\}$/);
  });

  it.each([9, 2_000_000_001, 150.5])("refuses the rate limit %s", (limit) => {
    expect(() => synth({ rateLimitPer5Minutes: limit })).toThrow(
      `Web ACL test-frontend: rateLimitPer5Minutes must be an integer from 10 to 2000000000 (got ${limit})`,
    );
  });

  it("refuses a retention CloudWatch does not offer, a name with a space and a key that is not a KMS key", () => {
    expect(() => synth({ logRetentionInDays: 45 })).toThrow(
      "Web ACL test-frontend: logRetentionInDays 45 is not a CloudWatch retention period",
    );
    expect(() => synth({ name: "test frontend" })).toThrow("Web ACL test frontend: the name must be 1-115 letters, digits, '-' or '_'");
    expect(() => synth({ logsKmsKeyArn: "alias/logs" })).toThrow('Web ACL test-frontend: logsKmsKeyArn "alias/logs" is not a KMS key ARN');
  });
});
