import { describe, expect, it } from "vitest";
import { ENVIRONMENTS } from "../support/fixtures";
import { clusterRules, first, grants, list, namespacedRules, resolveName } from "../support/rbac";
import { allSynthesizedStacks, eachResource, resourcesOf, synthesizedStack, type TerraformJson } from "../support/synthesized";

/*
 * The plan identity's reach inside the cluster (issue 20, finding 7; ADR 0012): the plan role's
 * access entry has no EKS access policy, only a Kubernetes group; workloads-<env> binds that group
 * to a ClusterRole that reads exactly the kinds Terraform refreshes, and to Roles that read Secrets
 * (Helm's release records) only in namespaces holding release records, never where credentials
 * are. Every environment file, the run's added environment included.
 */

type Body = Record<string, unknown>;

/**
 * What the kubernetes provider reads to refresh each resource type (its Read function), written
 * here: `apiGroup/resource`. A type a stack uses and this table lacks fails the coverage test.
 */
const REFRESH_READS: { readonly [type: string]: string } = {
  kubernetes_namespace_v1: "/namespaces",
  kubernetes_service_v1: "/services",
  kubernetes_service_account_v1: "/serviceaccounts",
  kubernetes_config_map_v1: "/configmaps",
  kubernetes_deployment_v1: "apps/deployments",
  kubernetes_job_v1: "batch/jobs",
  kubernetes_horizontal_pod_autoscaler_v2: "autoscaling/horizontalpodautoscalers",
  kubernetes_pod_disruption_budget_v1: "policy/poddisruptionbudgets",
  kubernetes_network_policy_v1: "networking.k8s.io/networkpolicies",
  kubernetes_storage_class_v1: "storage.k8s.io/storageclasses",
  kubernetes_cluster_role_v1: "rbac.authorization.k8s.io/clusterroles",
  kubernetes_cluster_role_binding_v1: "rbac.authorization.k8s.io/clusterrolebindings",
  kubernetes_role_v1: "rbac.authorization.k8s.io/roles",
  kubernetes_role_binding_v1: "rbac.authorization.k8s.io/rolebindings",
};
/** `kubernetes_labels` reads the object it labels, by its kind. */
const LABELLED_READS: { readonly [kind: string]: string } = { Namespace: "/namespaces" };
/** The database credentials' namespace (the master secret's class is mounted there). */
const DATABASE_CREDENTIALS_NAMESPACE = "database-roles";
/** The label of application namespaces (their teams' Secrets live there). */
const APPLICATION_LABEL = "platform.acme.example/workload";
const READ_VERBS = ["get", "list", "watch"];

const WORKLOADS = allSynthesizedStacks().filter((stack) => stack.name.startsWith("workloads-"));
const environmentOf = (stack: string) => stack.replace(/^workloads-/, "");
const groupOf = (environment: string) => `${environment}:terraform-plan`;
/** Namespaces where credentials are: a class that syncs Secrets (`secretObjects`), the database credentials', the application namespaces. */
function credentialNamespaces(doc: TerraformJson): Set<string> {
  const namespaces = new Set([DATABASE_CREDENTIALS_NAMESPACE]);
  for (const release of Object.values(resourcesOf(doc, "helm_release"))) {
    for (const text of list<string>(release["values"])) {
      const values = JSON.parse(text) as Body;
      if (Array.isArray(values["secretObjects"]) && values["secretObjects"].length > 0)
        namespaces.add(resolveName(doc, values["namespace"]));
    }
  }
  for (const namespace of Object.values(resourcesOf(doc, "kubernetes_namespace_v1"))) {
    const metadata = first(namespace["metadata"]);
    if ((metadata["labels"] as Record<string, string> | undefined)?.[APPLICATION_LABEL] === "application") {
      namespaces.add(String(metadata["name"]));
    }
  }
  return namespaces;
}

describe("plan identity in the cluster: the access entry (platform-<env>)", () => {
  it.each(ENVIRONMENTS.map((env) => env.name))(
    "GIVEN platform-%s WHEN synthesized THEN the plan role's entry is STANDARD, carries the environment's group and has no access policy",
    (environment) => {
      const doc = synthesizedStack(`platform-${environment}`).doc;
      const entries = Object.entries(resourcesOf(doc, "aws_eks_access_entry")).filter(([, body]) =>
        /ci_?plan_?role_?arn/i.test(String(body["principal_arn"])),
      );
      expect(entries).toHaveLength(1);
      const [id, entry] = entries[0]!;
      expect(entry["type"]).toBe("STANDARD");
      expect(entry["kubernetes_groups"]).toEqual([groupOf(environment)]);
      const associated = Object.values(resourcesOf(doc, "aws_eks_access_policy_association")).filter(
        (association) =>
          String(association["principal_arn"]).includes(`aws_eks_access_entry.${id}.`) ||
          /ci_?plan_?role_?arn/i.test(String(association["principal_arn"])),
      );
      expect(associated).toEqual([]);
    },
  );
});

describe("plan identity in the cluster: the RBAC of workloads-<env>", () => {
  it("GIVEN the environment files and the run's added one WHEN synthesized THEN each has a workloads stack to check", () => {
    expect(WORKLOADS.map((stack) => environmentOf(stack.name)).sort()).toEqual(ENVIRONMENTS.map((env) => env.name).sort());
    expect(WORKLOADS.length).toBeGreaterThanOrEqual(4);
  });

  it.each(WORKLOADS.map((stack) => stack.name))(
    "GIVEN %s WHEN the plan refreshes THEN the group may get, list and watch every kind of every kubernetes_* resource and data source",
    (stack) => {
      const doc = synthesizedStack(stack).doc;
      const rules = clusterRules(doc, groupOf(environmentOf(stack)));
      const missing: string[] = [];
      const managed = [
        ...eachResource(doc),
        ...Object.entries(doc.data ?? {}).flatMap(([type, byName]) =>
          Object.entries(byName).map(([name, body]) => [`data.${type}.${name}`, type, body] as [string, string, Body]),
        ),
      ].filter(([, type]) => type.startsWith("kubernetes_"));
      expect(managed.length).toBeGreaterThan(0);
      for (const [address, type, body] of managed) {
        const read = type === "kubernetes_labels" ? LABELLED_READS[String(body["kind"])] : REFRESH_READS[type];
        if (read === undefined) {
          missing.push(`${address}: no known read for ${type} (add it to REFRESH_READS here and to the plan reader)`);
          continue;
        }
        for (const verb of READ_VERBS) if (!grants(rules, read, verb)) missing.push(`${address}: ${read} ${verb} not granted`);
      }
      expect(missing).toEqual([]);
    },
  );

  it.each(WORKLOADS.map((stack) => stack.name))(
    "GIVEN %s WHEN its plan RBAC is read THEN no rule grants secrets, a wildcard or a verb beyond reading cluster-wide",
    (stack) => {
      const rules = clusterRules(synthesizedStack(stack).doc, groupOf(environmentOf(stack)));
      expect(rules.length).toBeGreaterThan(0);
      const offending = rules.filter(
        (rule) =>
          rule.resources.some((resource) => resource === "secrets" || resource.includes("*") || resource.includes("/")) ||
          rule.apiGroups.includes("*") ||
          rule.verbs.some((verb) => !READ_VERBS.includes(verb)),
      );
      expect(offending).toEqual([]);
    },
  );

  it.each(WORKLOADS.map((stack) => stack.name))(
    "GIVEN %s WHEN its Roles are read THEN the group reads Secrets in no namespace with credentials (synced, database, application)",
    (stack) => {
      const doc = synthesizedStack(stack).doc;
      const credentials = credentialNamespaces(doc);
      expect(credentials.has(DATABASE_CREDENTIALS_NAMESPACE)).toBe(true);
      expect(credentials.has("monitoring")).toBe(
        ENVIRONMENTS.find((env) => env.name === environmentOf(stack))!.workloads.monitoring.prometheus,
      );
      const reading = [...namespacedRules(doc, groupOf(environmentOf(stack)))]
        .filter(([, rules]) => grants(rules, "/secrets", "get") || grants(rules, "/secrets", "list"))
        .map(([namespace]) => namespace);
      expect(reading.filter((namespace) => credentials.has(namespace))).toEqual([]);
    },
  );

  it.each(WORKLOADS.map((stack) => stack.name))(
    "GIVEN %s WHEN the plan refreshes a helm_release THEN the group may get and list the Secrets of the release's namespace",
    (stack) => {
      const doc = synthesizedStack(stack).doc;
      const byNamespace = namespacedRules(doc, groupOf(environmentOf(stack)));
      const unreadable = Object.entries(resourcesOf(doc, "helm_release")).flatMap(([id, release]) => {
        const namespace = resolveName(doc, release["namespace"]);
        const rules = byNamespace.get(namespace) ?? [];
        return ["get", "list"].filter((verb) => !grants(rules, "/secrets", verb)).map((verb) => `${id} (${namespace}): ${verb} secrets`);
      });
      expect(Object.keys(resourcesOf(doc, "helm_release")).length).toBeGreaterThan(0);
      expect(unreadable).toEqual([]);
    },
  );

  it.each(WORKLOADS.map((stack) => stack.name))(
    "GIVEN %s WHEN its Roles are read THEN they read Secrets and nothing else, only where a helm_release keeps its records",
    (stack) => {
      const doc = synthesizedStack(stack).doc;
      const releaseNamespaces = new Set(
        Object.values(resourcesOf(doc, "helm_release")).map((release) => resolveName(doc, release["namespace"])),
      );
      for (const [namespace, rules] of namespacedRules(doc, groupOf(environmentOf(stack)))) {
        expect(releaseNamespaces.has(namespace), `${namespace} holds no release record`).toBe(true);
        expect(rules).toEqual([{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] }]);
      }
    },
  );

  it("GIVEN the moved releases WHEN synthesized THEN their records are in helm-releases and their objects where they were", () => {
    const doc = synthesizedStack("workloads-dev").doc;
    const release = (name: string) => Object.values(resourcesOf(doc, "helm_release")).find((r) => r["name"] === name)!;
    const values = (name: string) => JSON.parse(list<string>(release(name)["values"])[0]!) as Body;
    for (const name of ["database-master", "grafana-admin", "kube-prometheus-stack", "public-gateway"]) {
      expect(resolveName(doc, release(name)["namespace"]), name).toBe("helm-releases");
    }
    expect(resolveName(doc, values("database-master")["namespace"])).toBe("database-roles");
    expect(resolveName(doc, values("grafana-admin")["namespace"])).toBe("monitoring");
    expect(resolveName(doc, values("public-gateway")["namespace"])).toBe("frontend");
    const prometheus = values("kube-prometheus-stack");
    expect(prometheus["namespaceOverride"]).toBe("monitoring");
    for (const subchart of ["grafana", "alertmanager", "crds", "kube-state-metrics", "prometheus-node-exporter"]) {
      expect((prometheus[subchart] as Body)["namespaceOverride"], subchart).toBe("monitoring");
    }
  });
});
