import { resourcesOf, type TerraformJson } from "./synthesized";

/*
 * Kubernetes RBAC as synthesized (kubernetes_cluster_role_v1, _role_v1 and their bindings, in the
 * Terraform kubernetes provider's shape): what a group may do, cluster-wide and per namespace.
 * Used by the plan reader's tests (test/stacks/plan-reader-rbac.test.ts) and the cluster attacks
 * (test/attack/cluster-attacks.test.ts).
 */

type Body = Record<string, unknown>;

export const first = (value: unknown): Body => ((Array.isArray(value) ? value[0] : value) ?? {}) as Body;
export const list = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : value === undefined ? [] : [value as T]);

/** A literal, or the name of the resource a `${kubernetes_<type>.<name>.metadata[0].name}` reference names. */
export function resolveName(doc: TerraformJson, value: unknown): string {
  const text = String(value);
  const reference = /^\$\{(kubernetes_[a-z0-9_]+)\.([^.]+)\.metadata\[0\]\.name\}$/.exec(text);
  if (reference === null) return text;
  return resolveName(doc, first(resourcesOf(doc, reference[1]!)[reference[2]!]?.["metadata"])["name"]);
}

export interface Rule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
}

const rulesOf = (body: Body): Rule[] =>
  list<Body>(body["rule"]).map((rule) => ({
    apiGroups: list<string>(rule["api_groups"]),
    resources: list<string>(rule["resources"]),
    verbs: list<string>(rule["verbs"]),
  }));
const bindsGroup = (binding: Body, group: string) =>
  list<Body>(binding["subject"]).some((subject) => subject["kind"] === "Group" && subject["name"] === group);
const clusterRolesNamed = (doc: TerraformJson, name: string) =>
  Object.values(resourcesOf(doc, "kubernetes_cluster_role_v1")).filter(
    (role) => resolveName(doc, first(role["metadata"])["name"]) === name,
  );

/** The rules the group gets cluster-wide: every ClusterRole a ClusterRoleBinding of the group names. */
export function clusterRules(doc: TerraformJson, group: string): Rule[] {
  return Object.values(resourcesOf(doc, "kubernetes_cluster_role_binding_v1"))
    .filter((binding) => bindsGroup(binding, group))
    .flatMap((binding) => clusterRolesNamed(doc, resolveName(doc, first(binding["role_ref"])["name"])).flatMap(rulesOf));
}

/** The rules the group gets per namespace: every Role (or ClusterRole) a RoleBinding of the group names. */
export function namespacedRules(doc: TerraformJson, group: string): Map<string, Rule[]> {
  const byNamespace = new Map<string, Rule[]>();
  for (const binding of Object.values(resourcesOf(doc, "kubernetes_role_binding_v1")).filter((b) => bindsGroup(b, group))) {
    const namespace = resolveName(doc, first(binding["metadata"])["namespace"]);
    const ref = first(binding["role_ref"]);
    const name = resolveName(doc, ref["name"]);
    const roles =
      ref["kind"] === "ClusterRole"
        ? clusterRolesNamed(doc, name)
        : Object.values(resourcesOf(doc, "kubernetes_role_v1")).filter(
            (role) =>
              resolveName(doc, first(role["metadata"])["name"]) === name &&
              resolveName(doc, first(role["metadata"])["namespace"]) === namespace,
          );
    byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), ...roles.flatMap(rulesOf)]);
  }
  return byNamespace;
}

/** Whether the rules allow `verb` on `apiGroup/resource` (`/secrets` for the core group; a subresource as `pods/exec`). */
export function grants(rules: readonly Rule[], groupResource: string, verb: string): boolean {
  const slash = groupResource.indexOf("/");
  const apiGroup = groupResource.slice(0, slash);
  const resource = groupResource.slice(slash + 1);
  const base = resource.split("/")[0]!;
  return rules.some(
    (rule) =>
      (rule.apiGroups.includes(apiGroup) || rule.apiGroups.includes("*")) &&
      (rule.resources.includes(resource) || rule.resources.includes("*") || (resource !== base && rule.resources.includes(`${base}/*`))) &&
      (rule.verbs.includes(verb) || rule.verbs.includes("*")),
  );
}
