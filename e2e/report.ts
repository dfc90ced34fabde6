import type { IamRequest } from "./calls";
import { unusedGrants, type RolePolicies } from "./roles";
import type { LeftOut } from "./scratch";

/** The parts of `terraform show -json <plan>` this module reads. */
export interface PlanJson {
  readonly resource_changes?: readonly {
    readonly address: string;
    readonly change: { readonly actions: readonly string[]; readonly before?: unknown; readonly after?: unknown };
  }[];
}

/** Resources a plan would change, with the top-level attributes that differ. */
export function changedAddresses(plan: PlanJson): { address: string; actions: string[]; attributes: string[] }[] {
  return (plan.resource_changes ?? [])
    .filter(
      (change) => !(change.change.actions.length === 1 && (change.change.actions[0] === "no-op" || change.change.actions[0] === "read")),
    )
    .map((change) => {
      const before = (change.change.before ?? {}) as Record<string, unknown>;
      const after = (change.change.after ?? {}) as Record<string, unknown>;
      const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
      const attributes = keys.filter((key) => key in after && JSON.stringify(before[key]) !== JSON.stringify(after[key])).sort();
      return { address: change.address, actions: [...change.change.actions], attributes };
    });
}

/** `aws_eks_addon x4, aws_eks_access_entry x3 (+2 dependants)`: what was left out, by cause. */
export function summariseLeftOut(leftOut: readonly LeftOut[]): string {
  const direct = new Map<string, number>();
  let dependants = 0;
  for (const entry of leftOut) {
    if (entry.because.startsWith("emulator gap: ")) {
      const key = entry.because.slice("emulator gap: ".length);
      direct.set(key, (direct.get(key) ?? 0) + 1);
    } else if (!entry.address.startsWith("output.") && !entry.address.startsWith("data.")) dependants += 1;
  }
  const parts = [...direct].map(([type, count]) => `${type} x${count}`);
  return `${parts.join(", ")}${dependants > 0 ? ` (+${dependants} dependants)` : ""}`;
}

/** The least-privilege report: per CI role, the actions its own policies grant explicitly that no recorded request used. */
export function leastPrivilegeReport(
  usage: ReadonlyMap<string, { readonly role: RolePolicies; readonly requests: readonly IamRequest[] }>,
): string {
  const lines = [
    "Granted but never used: explicit actions of each CI role's own policies (managed policies not listed) that no recorded",
    "request of this run needed, dependent and tagging actions included. The start of least privilege, not a verdict.",
    "",
  ];
  for (const [roleArn, { role, requests }] of usage) {
    const unused = unusedGrants(role, requests);
    lines.push(`${roleArn}: ${unused.length === 0 ? "none" : unused.join(", ")}`);
  }
  return `${lines.join("\n")}\n`;
}
