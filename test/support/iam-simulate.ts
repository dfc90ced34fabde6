import { runSimulation } from "@cloud-copilot/iam-simulate";

/**
 * Evaluating synthesized IAM policy documents (`data.aws_iam_policy_document` statements) with
 * iam-simulate, the offline IAM policy evaluator.
 */

interface HclStatement {
  sid?: string;
  effect?: string;
  actions?: string[];
  not_actions?: string[];
  resources?: string[];
  not_resources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  not_principals?: { type: string; identifiers: string[] }[];
  condition?: { test: string; variable: string; values: string[] }[];
}

/** `principals` blocks as IAM JSON: `*` for the anonymous wildcard, else `{ AWS: [...], Service: [...] }`. */
function principalJson(principals: { type: string; identifiers: string[] }[]): string | Record<string, string[]> {
  if (principals.some((principal) => principal.type === "*")) return "*";
  const byType: Record<string, string[]> = {};
  for (const principal of principals) byType[principal.type] = [...(byType[principal.type] ?? []), ...principal.identifiers];
  return byType;
}

export interface IamPolicyJson {
  readonly Version: string;
  readonly Statement: readonly Record<string, unknown>[];
}

/** IAM JSON of one synthesized `aws_iam_policy_document` (as Terraform would render it). */
export function policyJson(document: Record<string, unknown>): IamPolicyJson {
  const statements = (document["statement"] as HclStatement[] | undefined) ?? [];
  return {
    Version: "2012-10-17",
    Statement: statements.map((statement) => {
      const conditions: Record<string, Record<string, string[]>> = {};
      for (const condition of statement.condition ?? []) {
        conditions[condition.test] = { ...(conditions[condition.test] ?? {}), [condition.variable]: condition.values };
      }
      return {
        ...(statement.sid === undefined ? {} : { Sid: statement.sid }),
        Effect: statement.effect ?? "Allow",
        ...(statement.actions === undefined ? {} : { Action: statement.actions }),
        ...(statement.not_actions === undefined ? {} : { NotAction: statement.not_actions }),
        ...(statement.resources === undefined ? {} : { Resource: statement.resources }),
        ...(statement.not_resources === undefined ? {} : { NotResource: statement.not_resources }),
        ...(statement.principals === undefined ? {} : { Principal: principalJson(statement.principals) }),
        ...(statement.not_principals === undefined ? {} : { NotPrincipal: principalJson(statement.not_principals) }),
        ...(Object.keys(conditions).length === 0 ? {} : { Condition: conditions }),
      };
    }),
  };
}

/** AWS's PowerUserAccess managed policy, as AWS publishes it (an oracle written here, not read from our code). */
export const POWER_USER_ACCESS: IamPolicyJson = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", NotAction: ["iam:*", "organizations:*", "account:*"], Resource: "*" },
    {
      Effect: "Allow",
      Action: [
        "account:GetAccountInformation",
        "account:GetPrimaryEmail",
        "account:ListRegions",
        "iam:CreateServiceLinkedRole",
        "iam:DeleteServiceLinkedRole",
        "iam:ListRoles",
        "organizations:DescribeOrganization",
      ],
      Resource: "*",
    },
  ],
};

/**
 * A generous read policy standing in for ReadOnlyAccess, deliberately granting secret values too:
 * the plan role's explicit deny must hold whatever a managed policy grants.
 */
export const READ_ONLY_ACCESS: IamPolicyJson = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Action: ["ec2:Describe*", "ssm:Get*", "ssm:Describe*", "secretsmanager:Describe*", "secretsmanager:GetSecretValue"],
      Resource: "*",
    },
  ],
};

/** Allowed, ImplicitlyDenied or ExplicitlyDenied: what IAM decides for one request. */
export async function decide(
  policies: readonly IamPolicyJson[],
  request: { action: string; resource: string; context?: Record<string, string | string[]>; boundary?: IamPolicyJson },
  principal = "arn:aws:iam::123456789012:role/dev-github-deploy",
): Promise<string> {
  const result = await runSimulation(
    {
      request: {
        principal,
        action: request.action,
        resource: { resource: request.resource, accountId: "123456789012" },
        contextVariables: request.context ?? {},
      },
      identityPolicies: policies.map((policy, index) => ({ name: `policy-${index}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(request.boundary === undefined ? {} : { permissionBoundaryPolicies: [{ name: "boundary", policy: request.boundary }] }),
    },
    {},
  );
  if (result.resultType === "error") throw new Error(`simulation error: ${JSON.stringify(result.errors)}`);
  return result.overallResult;
}
