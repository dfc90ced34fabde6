import { AccessanalyzerAnalyzer } from "@cdktf/provider-aws/lib/accessanalyzer-analyzer";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import type { Construct } from "constructs";

/** Lowest GuardDuty severity that alerts: 4 is MEDIUM (LOW findings stay in the console). */
const GUARDDUTY_ALERT_SEVERITY = 4;

/** The EventBridge patterns of the findings that alert, by rule suffix. */
const SECURITY_FINDING_PATTERNS: Readonly<Record<string, Record<string, unknown>>> = {
  guardduty: {
    source: ["aws.guardduty"],
    "detail-type": ["GuardDuty Finding"],
    detail: { severity: [{ numeric: [">=", GUARDDUTY_ALERT_SEVERITY] }] },
  },
  config: {
    source: ["aws.config"],
    "detail-type": ["Config Rules Compliance Change"],
    detail: { newEvaluationResult: { complianceType: ["NON_COMPLIANT"] } },
  },
  "access-analyzer": {
    source: ["aws.access-analyzer"],
    "detail-type": ["Access Analyzer Finding"],
    detail: { status: ["ACTIVE"] },
  },
};

/** The finding sources, one rule (`<name>-security-<source>`) and target (id `alerts`) each. */
export const SECURITY_FINDING_SOURCES = Object.keys(SECURITY_FINDING_PATTERNS);

export interface SecurityFindingsProps {
  /** Prefix of the names: analyzer `<name>-external-access`, rules `<name>-security-<source>`. */
  readonly name: string;
  /** The SNS topic the findings go to; its policy and key admit `events.amazonaws.com`. */
  readonly topicArn: string;
}

/**
 * Adds to `scope` (the account baseline, whose addresses they keep) an IAM Access Analyzer with
 * the account as its zone of trust (external access: a role trusting an outside account, a bucket
 * or key shared outside), and one EventBridge rule per finding source (GuardDuty from MEDIUM up,
 * Config rules turned NON_COMPLIANT, active Access Analyzer findings) that sends each finding to
 * the alert topic. No CI role may disable, delete or re-target these rules (modules/ci/ci-guardrails.ts).
 * @returns the analyzer's ARN
 */
export function addSecurityFindings(scope: Construct, props: SecurityFindingsProps): string {
  const analyzer = new AccessanalyzerAnalyzer(scope, "access-analyzer", { analyzerName: `${props.name}-external-access`, type: "ACCOUNT" });
  for (const [source, pattern] of Object.entries(SECURITY_FINDING_PATTERNS)) {
    const rule = new CloudwatchEventRule(scope, `security-${source}-rule`, {
      name: `${props.name}-security-${source}`,
      description: `${source} findings to the alert topic`,
      eventPattern: JSON.stringify(pattern),
    });
    new CloudwatchEventTarget(scope, `security-${source}-target`, { rule: rule.name, targetId: "alerts", arn: props.topicArn });
  }
  return analyzer.arn;
}
