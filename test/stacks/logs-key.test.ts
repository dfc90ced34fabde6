import { describe, expect, it } from "vitest";
import { ENVIRONMENTS } from "../support/fixtures";
import { synthesizedStack } from "../support/synthesized";

type Body = Record<string, unknown>;
interface Statement {
  readonly sid?: string;
  readonly principals?: readonly { readonly type: string; readonly identifiers: readonly string[] }[];
  readonly condition?: readonly Body[];
}

/** The key policy document of the network stack's logs key (construct `logs-key/policy`). */
function logsKeyPolicy(envName: string): readonly Statement[] {
  const stack = `network-${envName}`;
  const documents = Object.values(synthesizedStack(stack).doc.data?.["aws_iam_policy_document"] ?? {});
  const found = documents.filter(
    (document) => ((document["//"] as Body | undefined)?.["metadata"] as Body | undefined)?.["path"] === `${stack}/logs-key/policy`,
  );
  expect(found, `${stack}: the logs key's policy document`).toHaveLength(1);
  return found[0]!["statement"] as Statement[];
}

const grantsTo = (statement: Statement, principal: string) =>
  (statement.principals ?? []).some((p) => p.type === "Service" && p.identifiers.includes(principal));

describe.each(ENVIRONMENTS.map((env) => [env.name, env] as const))("network-%s: the logs KMS key", (name, env) => {
  const { id: account, region } = env.account;

  it("GIVEN the CloudWatch Logs service WHEN it uses the key THEN only for log groups of this account and region (encryption context)", () => {
    const grants = logsKeyPolicy(name).filter((statement) => grantsTo(statement, `logs.${region}.amazonaws.com`));
    expect(grants).toHaveLength(1);
    expect(grants[0]!.condition).toEqual([
      { test: "ArnLike", variable: "kms:EncryptionContext:aws:logs:arn", values: [`arn:aws:logs:${region}:${account}:log-group:*`] },
    ]);
  });

  it("GIVEN any AWS service principal in the key policy WHEN granted THEN the grant carries a condition", () => {
    const serviceGrants = logsKeyPolicy(name).filter((statement) => (statement.principals ?? []).some((p) => p.type === "Service"));
    expect(serviceGrants.filter((statement) => (statement.condition ?? []).length === 0).map((statement) => statement.sid)).toEqual([]);
  });
});
