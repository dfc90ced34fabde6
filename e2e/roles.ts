import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import type { IamRequest } from "./calls";
import type { Moto } from "./processes";

/** An IAM policy document as JSON. */
export type PolicyDocument = { readonly Version?: string; readonly Statement: unknown };

/** A role's identity policies and boundary, read back from the emulator after the apply. */
export interface RolePolicies {
  readonly roleArn: string;
  readonly policies: readonly { readonly name: string; readonly policy: PolicyDocument }[];
  readonly permissionsBoundary?: PolicyDocument;
}

export function xmlValues(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((match) => match[1] ?? "");
}

function decodeXml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

export function parseDocument(text: string): PolicyDocument {
  const decoded = decodeXml(text.trim());
  return JSON.parse(decoded.startsWith("%7B") || decoded.startsWith("%7b") ? decodeURIComponent(decoded) : decoded) as PolicyDocument;
}

async function managedPolicy(moto: Moto, arn: string): Promise<PolicyDocument> {
  const policy = await moto.query("iam", { Action: "GetPolicy", PolicyArn: arn, Version: "2010-05-08" });
  const version = xmlValues(policy, "DefaultVersionId")[0] ?? "v1";
  const document = await moto.query("iam", { Action: "GetPolicyVersion", PolicyArn: arn, VersionId: version, Version: "2010-05-08" });
  return parseDocument(xmlValues(document, "Document")[0] ?? "{}");
}

/** Reads a role's attached and inline policies and its permissions boundary from the emulator. */
export async function readRolePolicies(moto: Moto, roleName: string): Promise<RolePolicies> {
  const role = await moto.query("iam", { Action: "GetRole", RoleName: roleName, Version: "2010-05-08" });
  const roleArn = xmlValues(role, "Arn")[0] ?? "";
  const boundaryArn = xmlValues(xmlValues(role, "PermissionsBoundary")[0] ?? "", "PermissionsBoundaryArn")[0];
  const policies: { name: string; policy: PolicyDocument }[] = [];
  const attached = await moto.query("iam", { Action: "ListAttachedRolePolicies", RoleName: roleName, Version: "2010-05-08" });
  for (const arn of xmlValues(attached, "PolicyArn")) policies.push({ name: arn, policy: await managedPolicy(moto, arn) });
  const inline = await moto.query("iam", { Action: "ListRolePolicies", RoleName: roleName, Version: "2010-05-08" });
  for (const name of xmlValues(xmlValues(inline, "PolicyNames")[0] ?? "", "member")) {
    const document = await moto.query("iam", { Action: "GetRolePolicy", RoleName: roleName, PolicyName: name, Version: "2010-05-08" });
    policies.push({ name: `inline ${name}`, policy: parseDocument(xmlValues(document, "PolicyDocument")[0] ?? "{}") });
  }
  return { roleArn, policies, ...(boundaryArn === undefined ? {} : { permissionsBoundary: await managedPolicy(moto, boundaryArn) }) };
}

/** A request the role may not make. */
export interface Violation {
  readonly stack: string;
  readonly role: string;
  readonly action: string;
  readonly resource: string;
  readonly call: string;
  readonly result: string;
}

/**
 * The resource as iam-simulate is given it. AWS's public SSM parameters (the AMI ids) live in no
 * account: `arn:aws:ssm:<region>::parameter/aws/service/...`. iam-simulate matches a resource to its
 * type only with an account segment (an empty one is the error `no.resource.types`), so they are
 * evaluated as owned by `aws`: like in AWS, a statement scoped to our account's parameters does not
 * match them, and a policy that allows only our account's parameters does not allow them.
 */
function simulatedResource(arn: string): string {
  return arn.replace(/^(arn:[^:]+:ssm:[^:]*:)(:parameter\/aws\/service\/)/, "$1aws$2");
}

/** Evaluates each distinct request against the role's policies with iam-simulate. */
export async function evaluate(
  stack: string,
  role: RolePolicies,
  account: string,
  requests: readonly IamRequest[],
  /** The resource policy of a resource, when the service needs it to trust the account (KMS key policies). */
  resourcePolicyOf: (arn: string) => PolicyDocument | undefined = () => undefined,
): Promise<Violation[]> {
  const seen = new Set<string>();
  const violations: Violation[] = [];
  for (const request of requests) {
    const key = `${request.action} ${request.resource} ${JSON.stringify(request.context)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const simulation: Simulation = {
      request: {
        principal: role.roleArn,
        action: request.action,
        resource: { resource: simulatedResource(request.resource), accountId: account },
        contextVariables: Object.fromEntries(
          Object.entries(request.context).map(([key, value]) => [key, typeof value === "string" ? value : [...value]]),
        ),
      },
      identityPolicies: role.policies.map((policy) => ({ name: policy.name, policy: policy.policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicyOf(request.resource) === undefined ? {} : { resourcePolicy: resourcePolicyOf(request.resource) }),
      ...(role.permissionsBoundary === undefined
        ? {}
        : { permissionBoundaryPolicies: [{ name: "boundary", policy: role.permissionsBoundary }] }),
    };
    const result = await runSimulation(simulation, {});
    const outcome = result.resultType === "error" ? `simulation error: ${JSON.stringify(result.errors)}` : result.overallResult;
    if (outcome !== "Allowed") {
      violations.push({
        stack,
        role: role.roleArn,
        action: request.action,
        resource: request.resource,
        call: request.because === undefined ? request.call : `${request.call}, ${request.because}`,
        result: outcome,
      });
    }
  }
  return violations;
}

/**
 * Actions a role's policies grant explicitly (no wildcards) that no recorded request used: the
 * start of least privilege. Wildcard grants (managed policies) are summarised by count only.
 */
export function unusedGrants(role: RolePolicies, requests: readonly IamRequest[]): string[] {
  const used = new Set(requests.map((request) => request.action.toLowerCase()));
  const granted = new Set<string>();
  for (const { name, policy } of role.policies) {
    if (name.startsWith("arn:aws:iam::aws:policy/")) continue;
    const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
    for (const statement of statements as { Effect?: string; Action?: string | string[] }[]) {
      if (statement.Effect !== "Allow") continue;
      for (const action of ([] as string[]).concat(statement.Action ?? [])) if (!action.includes("*")) granted.add(action);
    }
  }
  return [...granted].filter((action) => !used.has(action.toLowerCase())).sort();
}

/** Actions whose `iam:PermissionsBoundary` context is the boundary the role already has. */
const BOUNDARY_OF_EXISTING_ROLE = new Set([
  "iam:DeleteRole",
  "iam:UpdateRole",
  "iam:UpdateRoleDescription",
  "iam:UpdateAssumeRolePolicy",
  "iam:PutRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:AttachRolePolicy",
  "iam:DetachRolePolicy",
  "iam:GetRole",
  "iam:DeleteRolePermissionsBoundary",
]);

/**
 * Adds the context IAM evaluates from the resource itself, read back from the emulator: the
 * boundary of an existing role (`iam:PermissionsBoundary`) and the tags of an OIDC provider
 * (`aws:ResourceTag/...`).
 */
export async function withResourceContext(moto: Moto, requests: readonly IamRequest[]): Promise<IamRequest[]> {
  const boundaries = new Map<string, string | undefined>();
  const tags = new Map<string, Record<string, string>>();
  const enriched: IamRequest[] = [];
  for (const request of requests) {
    const context: Record<string, string | readonly string[]> = { ...request.context };
    const role = /^arn:[^:]+:iam::\d+:role\/(.+)$/.exec(request.resource)?.[1];
    if (role !== undefined && BOUNDARY_OF_EXISTING_ROLE.has(request.action) && context["iam:PermissionsBoundary"] === undefined) {
      if (!boundaries.has(role)) {
        try {
          const xml = await moto.query("iam", { Action: "GetRole", RoleName: role, Version: "2010-05-08" });
          boundaries.set(role, xmlValues(xmlValues(xml, "PermissionsBoundary")[0] ?? "", "PermissionsBoundaryArn")[0]);
        } catch {
          boundaries.set(role, undefined);
        }
      }
      const boundary = boundaries.get(role);
      if (boundary !== undefined) context["iam:PermissionsBoundary"] = boundary;
    }
    if (/:oidc-provider\//.test(request.resource) && request.action !== "iam:CreateOpenIDConnectProvider") {
      if (!tags.has(request.resource)) {
        const found: Record<string, string> = {};
        try {
          const xml = await moto.query("iam", {
            Action: "ListOpenIDConnectProviderTags",
            OpenIDConnectProviderArn: request.resource,
            Version: "2010-05-08",
          });
          for (const member of xmlValues(xmlValues(xml, "Tags")[0] ?? "", "member")) {
            const key = xmlValues(member, "Key")[0];
            if (key !== undefined) found[`aws:ResourceTag/${key}`] = xmlValues(member, "Value")[0] ?? "";
          }
        } catch {
          // deleted since: no tags to add
        }
        tags.set(request.resource, found);
      }
      Object.assign(context, tags.get(request.resource));
    }
    enriched.push({ ...request, context });
  }
  return enriched;
}
