import { describe, expect, it } from "vitest";
import { ENVIRONMENTS } from "../support/fixtures";
import { clusterRules, grants, namespacedRules, type Rule } from "../support/rbac";
import { resourcesOf, synthesizedStack } from "../support/synthesized";

/*
 * Issue 20, finding 7: what an attacker holding the plan role (any pull request in dev and staging)
 * would try inside the cluster. The plan role's access entry has no EKS access policy (checked
 * here too); its Kubernetes group `<env>:terraform-plan` gets only what workloads-<env> binds. Each
 * attempt is evaluated against that RBAC as synthesized and must be refused; a failure names the
 * environment, the verb, the resource and the namespace of each attempt RBAC would allow.
 */

interface ClusterAttempt {
  readonly why: string;
  readonly verb: string;
  /** `apiGroup/resource[/subresource]`; `/secrets` for the core group. */
  readonly resource: string;
  /** Undefined: cluster-wide (every namespace, or a cluster-scoped kind). */
  readonly namespace?: string;
}

/** Written here, not derived from the code: the credentials and footholds a pull request must not reach. */
const ATTEMPTS: readonly ClusterAttempt[] = [
  { why: "read Grafana's admin credential, synced from Secrets Manager", verb: "get", resource: "/secrets", namespace: "monitoring" },
  {
    why: "list the Secrets of monitoring (Alertmanager's configuration, webhook keys)",
    verb: "list",
    resource: "/secrets",
    namespace: "monitoring",
  },
  { why: "read the database credentials' namespace", verb: "list", resource: "/secrets", namespace: "database-roles" },
  { why: "read the backend's Secrets", verb: "list", resource: "/secrets", namespace: "backend" },
  { why: "read the frontend's Secrets", verb: "get", resource: "/secrets", namespace: "frontend" },
  { why: "list every Secret of the cluster", verb: "list", resource: "/secrets" },
  { why: "watch every Secret of the cluster", verb: "watch", resource: "/secrets" },
  { why: "read the database roles Job's logs", verb: "get", resource: "/pods/log", namespace: "database-roles" },
  { why: "exec into the backend (its Pod Identity credentials)", verb: "create", resource: "/pods/exec", namespace: "backend" },
  { why: "run a pod as Grafana's service account", verb: "create", resource: "/pods", namespace: "monitoring" },
  {
    why: "mint a token of Grafana's service account (its AWS role)",
    verb: "create",
    resource: "/serviceaccounts/token",
    namespace: "monitoring",
  },
  { why: "impersonate system:masters", verb: "impersonate", resource: "/groups" },
  { why: "impersonate a user", verb: "impersonate", resource: "/users" },
  { why: "bind itself to cluster-admin", verb: "create", resource: "rbac.authorization.k8s.io/clusterrolebindings" },
  { why: "widen its own ClusterRole", verb: "update", resource: "rbac.authorization.k8s.io/clusterroles" },
  { why: "escalate through a ClusterRole", verb: "escalate", resource: "rbac.authorization.k8s.io/clusterroles" },
  { why: "change the backend's image", verb: "patch", resource: "apps/deployments", namespace: "backend" },
  { why: "open the network policies", verb: "delete", resource: "networking.k8s.io/networkpolicies", namespace: "backend" },
  { why: "delete a namespace", verb: "delete", resource: "/namespaces" },
  {
    why: "read a SecretProviderClass's mounted secrets through the CSI driver's status",
    verb: "list",
    resource: "secrets-store.csi.x-k8s.io/secretproviderclasspodstatuses",
  },
];

/** Whether the group may `verb` the resource in the namespace (cluster rules apply everywhere). */
function allows(cluster: readonly Rule[], byNamespace: ReadonlyMap<string, Rule[]>, attempt: ClusterAttempt): boolean {
  if (grants(cluster, attempt.resource, attempt.verb)) return true;
  if (attempt.namespace === undefined) return false;
  return grants(byNamespace.get(attempt.namespace) ?? [], attempt.resource, attempt.verb);
}

describe.each(ENVIRONMENTS.map((env) => [env.name] as const))("an attacker holding the plan role of %s, in the cluster", (name) => {
  const group = `${name}:terraform-plan`;
  const workloads = synthesizedStack(`workloads-${name}`).doc;

  it("GIVEN the plan role's access entry WHEN platform is synthesized THEN no EKS access policy (AdminView or any) is associated with the plan role", () => {
    const platform = synthesizedStack(`platform-${name}`).doc;
    const associations = Object.values(resourcesOf(platform, "aws_eks_access_policy_association")).map((a) => String(a["principal_arn"]));
    expect(associations.length).toBeGreaterThan(0);
    const planEntries = Object.entries(resourcesOf(platform, "aws_eks_access_entry"))
      .filter(([, entry]) => /ci_?plan_?role_?arn/i.test(String(entry["principal_arn"])))
      .map(([id]) => id);
    expect(planEntries).toHaveLength(1);
    expect(associations.filter((arn) => /ci_?plan_?role_?arn/i.test(arn) || arn.includes(`.${planEntries[0]}.`))).toEqual([]);
  });

  it("GIVEN the plan role's group WHEN it tries every attempt of the table THEN RBAC allows none", () => {
    const cluster = clusterRules(workloads, group);
    const byNamespace = namespacedRules(workloads, group);
    // Applicability: the group has rules to evaluate (an empty RBAC would refuse everything and prove nothing).
    expect(cluster.length).toBeGreaterThan(0);
    expect(byNamespace.size).toBeGreaterThan(0);
    const allowed = ATTEMPTS.filter((attempt) => allows(cluster, byNamespace, attempt)).map(
      (attempt) => `${group} may ${attempt.verb} ${attempt.resource} in ${attempt.namespace ?? "every namespace"} (${attempt.why})`,
    );
    expect(allowed).toEqual([]);
  });

  it("GIVEN the plan role's group WHEN it refreshes THEN what a plan needs is allowed (the table is not refused by an empty RBAC)", () => {
    const cluster = clusterRules(workloads, group);
    const byNamespace = namespacedRules(workloads, group);
    const needed: ClusterAttempt[] = [
      { why: "refresh a deployment", verb: "get", resource: "apps/deployments", namespace: "backend" },
      { why: "refresh a namespace", verb: "get", resource: "/namespaces" },
      { why: "read kube-prometheus-stack's release record", verb: "list", resource: "/secrets", namespace: "helm-releases" },
      { why: "read the load balancer controller's release record", verb: "list", resource: "/secrets", namespace: "kube-system" },
    ];
    expect(needed.filter((attempt) => !allows(cluster, byNamespace, attempt)).map((attempt) => attempt.why)).toEqual([]);
  });
});
