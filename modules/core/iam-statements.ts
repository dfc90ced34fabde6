import type {
  DataAwsIamPolicyDocumentStatement,
  DataAwsIamPolicyDocumentStatementCondition,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { Fn, Token } from "cdktf";

/*
 * Building blocks of the IAM statements that modules write as pure functions (a cluster service's
 * role policy, the backend's secret and cache access). The caller puts the statements in a
 * `DataAwsIamPolicyDocument` (IrsaRole does).
 *
 * Rules every statement function keeps:
 * - every action spelled out (no `ec2:Describe*`);
 * - `"*"` as a resource only for actions that have no resource-level permissions in the Service
 *   Authorization Reference, each such statement saying so;
 * - the conditions AWS's (or the project's) own recommended policy uses, tightened where a value
 *   is known (the cluster name instead of "tag present");
 * - inputs validated unless they are tokens resolved at plan time (`Token.isUnresolved`).
 */

export type Statement = DataAwsIamPolicyDocumentStatement;
type Condition = DataAwsIamPolicyDocumentStatementCondition;

const PARTITION = /^aws(-[a-z]+)*$/;
export const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
/** EKS: 1-100 characters, letters, digits, hyphens and underscores, starting with a letter or digit. */
const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
const ARN_PREFIX = "arn:aws(?:-[a-z]+)*";
const ACCOUNT_REGION = String.raw`[a-z]{2}(?:-[a-z]+)+-\d+:\d{12}`;

/** An ARN pattern `arn:<partition>:<service>:<region>:<account>:<rest>`, `rest` a regular expression source. */
export function regionalArn(service: string, rest: string): RegExp {
  return new RegExp(`^${ARN_PREFIX}:${service}:${ACCOUNT_REGION}:${rest}$`);
}

/** Throws `message` when a known (non-token) value does not match. */
export function expectMatch(value: string, pattern: RegExp, message: string): void {
  if (Token.isUnresolved(value)) return;
  if (!pattern.test(value)) throw new Error(message);
}

/** A non-empty list, unless it is a list token; `each` checks the known elements. */
export function expectList(values: readonly string[], context: string, what: string, each: (value: string) => void): void {
  if (Token.isUnresolved(values)) return;
  if (values.length === 0) throw new Error(`${context}: at least one ${what} is required`);
  const seen = new Set<string>();
  for (const value of values) {
    if (Token.isUnresolved(value)) continue;
    if (seen.has(value)) throw new Error(`${context}: ${what} "${value}" is listed twice`);
    seen.add(value);
    each(value);
  }
}

export function expectPartition(partition: string, context: string): void {
  expectMatch(partition, PARTITION, `${context}: partition "${partition}" is not an AWS partition (aws, aws-cn, aws-us-gov, ...)`);
}

export function expectClusterName(clusterName: string, context: string): void {
  expectMatch(
    clusterName,
    EKS_CLUSTER_NAME,
    `${context}: cluster name "${clusterName}" is not a valid EKS cluster name (1-100 letters, digits, "-" or "_", starting with a letter or digit)`,
  );
}

/**
 * `fixed` followed by `list`. A list token cannot take extra elements in a literal array (cdktf
 * throws at synth), so a tokenized list is joined with Terraform's concat().
 */
export function concatList(fixed: readonly string[], list: readonly string[]): string[] {
  if (!Token.isUnresolved(list) || fixed.length === 0) return [...fixed, ...list];
  return Token.asList(Fn.concat([[...fixed], list]));
}

export const allow = (statement: Omit<Statement, "effect">): Statement => ({ effect: "Allow", ...statement });
export const stringEquals = (variable: string, ...values: string[]): Condition => ({ test: "StringEquals", variable, values });
/** `Null` test: `true` means the key is absent from the request, `false` that it is present. */
export const isNull = (variable: string, absent: boolean): Condition => ({ test: "Null", variable, values: [String(absent)] });
