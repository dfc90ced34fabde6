import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { ROOT } from "./paths";
import { writeFileAtomically } from "../../scripts/atomic-file";

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
  const result = await simulatedDecision({
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
  });
  if (result.resultType === "error") throw new Error(`simulation error: ${JSON.stringify(result.errors)}`);
  return result.overallResult;
}

/** What the suites read of a simulation: the simulator's errors, or IAM's overall decision. */
type Decision =
  | { readonly resultType: "error"; readonly errors: unknown }
  | { readonly resultType: "single" | "wildcard"; readonly overallResult: string };

/** The simulation of one request, as `runSimulation` takes it. */
type Simulation = Parameters<typeof runSimulation>[0];

/** Decisions already simulated, by the hash of the simulator's version and the simulation (git-ignored, gone with node_modules). */
const DECISION_CACHE = path.join(ROOT, "node_modules", ".cache", "iam-simulate");

let simulator: string | undefined;
/** Every installed @cloud-copilot package (the simulator, its policy parser, utilities and IAM data) with its version. */
function simulatorVersions(): string {
  if (simulator !== undefined) return simulator;
  const scope = path.join(ROOT, "node_modules", "@cloud-copilot");
  simulator = readdirSync(scope)
    .sort()
    .map((name) => `${name}@${(JSON.parse(readFileSync(path.join(scope, name, "package.json"), "utf8")) as { version: string }).version}`)
    .join(",");
  return simulator;
}

/**
 * IAM's decision on one simulation by iam-simulate, a pure function of the simulation and the
 * simulator's code and data: kept on disk under the SHA-256 of both, so a run decides again only
 * what changed (a policy, an attempt, a simulator version) and the attack suites cost a fraction of
 * a second instead of seconds.
 */
export async function simulatedDecision(simulation: Simulation): Promise<Decision> {
  const key = createHash("sha256").update(simulatorVersions()).update("\0").update(JSON.stringify(simulation)).digest("hex");
  const file = path.join(DECISION_CACHE, `${key}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as Decision;
  const result = await runSimulation(simulation, {});
  const decision: Decision =
    result.resultType === "error"
      ? { resultType: "error", errors: result.errors }
      : { resultType: result.resultType, overallResult: result.overallResult };
  writeFileAtomically(file, JSON.stringify(decision));
  return decision;
}
