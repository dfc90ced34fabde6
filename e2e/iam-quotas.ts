/**
 * IAM's size and count quotas, which moto does not enforce (moto 5.2.1's IAM backend stores a
 * policy of any size: moto/iam/models.py put_role_policy and create_policy check no length), so
 * a role AWS would refuse with LimitExceeded applies here. Checked on what the account holds after
 * the birth of its stacks: a role over a quota fails the run, not the first real deploy.
 */
import type { Moto } from "./processes";
import { parseDocument, readRolePolicies, xmlValues, type PolicyDocument } from "./roles";

/** AWS's default IAM quotas (IAM User Guide, "IAM and AWS STS quotas"): policy sizes in characters, whitespace not counted. */
const IAM_QUOTAS = {
  /** The aggregate of a role's inline policies. */
  inlinePoliciesPerRole: 10_240,
  /** One customer managed policy. */
  managedPolicy: 6_144,
  /** A role's trust policy (adjustable to 4,096). */
  trustPolicy: 2_048,
  /** Managed policies attached to one role (adjustable to 20). */
  managedPoliciesPerRole: 10,
} as const;

/**
 * A policy's size as IAM counts it: its JSON without whitespace.
 *
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function iamSize(policy: PolicyDocument): number {
  return JSON.stringify(policy).replace(/\s/g, "").length;
}

/** What IAM's quotas look at on one role. */
export interface RoleQuotaFacts {
  readonly name: string;
  readonly trust: PolicyDocument;
  readonly inline: readonly { readonly name: string; readonly policy: PolicyDocument }[];
  readonly attached: readonly { readonly arn: string; readonly policy: PolicyDocument }[];
}

/** Every quota a role exceeds, one line each, naming the role, the policies and the sizes. */
export function quotaViolations(roles: readonly RoleQuotaFacts[]): string[] {
  const violations: string[] = [];
  for (const role of roles) {
    const inline = role.inline.map((entry) => ({ name: entry.name, size: iamSize(entry.policy) }));
    const total = inline.reduce((sum, entry) => sum + entry.size, 0);
    if (total > IAM_QUOTAS.inlinePoliciesPerRole) {
      violations.push(
        `role ${role.name}: inline policies ${inline.map((entry) => `${entry.name} ${entry.size}`).join(" + ")} = ${total} characters, over AWS's ${IAM_QUOTAS.inlinePoliciesPerRole}`,
      );
    }
    const trust = iamSize(role.trust);
    if (trust > IAM_QUOTAS.trustPolicy)
      violations.push(`role ${role.name}: trust policy ${trust} characters, over AWS's ${IAM_QUOTAS.trustPolicy}`);
    if (role.attached.length > IAM_QUOTAS.managedPoliciesPerRole) {
      violations.push(
        `role ${role.name}: ${role.attached.length} managed policies attached, over AWS's ${IAM_QUOTAS.managedPoliciesPerRole}`,
      );
    }
    for (const managed of role.attached.filter((entry) => !entry.arn.includes(":iam::aws:policy/"))) {
      const size = iamSize(managed.policy);
      if (size > IAM_QUOTAS.managedPolicy) {
        violations.push(
          `managed policy ${managed.arn} (attached to ${role.name}): ${size} characters, over AWS's ${IAM_QUOTAS.managedPolicy}`,
        );
      }
    }
  }
  return violations;
}

/** Reads every role of the emulated account: trust policy, inline and attached policies. */
export async function readQuotaFacts(moto: Moto): Promise<RoleQuotaFacts[]> {
  const names: string[] = [];
  let marker: string | undefined;
  do {
    const listed = await moto.query("iam", {
      Action: "ListRoles",
      MaxItems: "1000",
      Version: "2010-05-08",
      ...(marker === undefined ? {} : { Marker: marker }),
    });
    names.push(...xmlValues(listed, "RoleName"));
    marker = xmlValues(listed, "IsTruncated")[0] === "true" ? xmlValues(listed, "Marker")[0] : undefined;
  } while (marker !== undefined);
  const roles: RoleQuotaFacts[] = [];
  for (const name of names) {
    const role = await moto.query("iam", { Action: "GetRole", RoleName: name, Version: "2010-05-08" });
    const trust = parseDocument(xmlValues(role, "AssumeRolePolicyDocument")[0] ?? "{}");
    const policies = await readRolePolicies(moto, name);
    roles.push({
      name,
      trust,
      inline: policies.policies
        .filter((entry) => entry.name.startsWith("inline "))
        .map((entry) => ({ name: entry.name.slice(7), policy: entry.policy })),
      attached: policies.policies
        .filter((entry) => !entry.name.startsWith("inline "))
        .map((entry) => ({ arn: entry.name, policy: entry.policy })),
    });
  }
  return roles;
}
