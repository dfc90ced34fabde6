import { ClusterRoleBindingV1 } from "@cdktf/provider-kubernetes/lib/cluster-role-binding-v1";
import { ClusterRoleV1 } from "@cdktf/provider-kubernetes/lib/cluster-role-v1";
import { Labels } from "@cdktf/provider-kubernetes/lib/labels";
import { RoleBindingV1 } from "@cdktf/provider-kubernetes/lib/role-binding-v1";
import { RoleV1 } from "@cdktf/provider-kubernetes/lib/role-v1";
import { TerraformDataSource, TerraformResource, Token } from "cdktf";
import { Construct, type IConstruct } from "constructs";

/** The ClusterRole (and ClusterRoleBinding) that lets the plan identity read what Terraform refreshes. */
const PLAN_READER_CLUSTER_ROLE = "terraform-plan-reader";
/** The Role (and RoleBinding), in each namespace holding Helm release records, that lets it read those records. */
const PLAN_RELEASE_RECORDS_ROLE = "terraform-plan-release-records";

const RBAC_GROUP = "rbac.authorization.k8s.io";

/** An RBAC resource of an API group. */
export interface ApiResource {
  /** `""` for the core group. */
  readonly apiGroup: string;
  /** Plural resource name, as RBAC rules name it (`deployments`). */
  readonly resource: string;
}

/**
 * What the kubernetes provider reads to refresh each resource type and data source it manages, by
 * Terraform type. A type missing here stops the synth of a stack that uses it (add it: the plan
 * role could not refresh it). `kubernetes_labels` and `kubernetes_annotations` read the object
 * they label: see LABELLED_KINDS.
 */
const TYPE_RESOURCES: { readonly [type: string]: ApiResource } = {
  kubernetes_namespace_v1: { apiGroup: "", resource: "namespaces" },
  kubernetes_service_v1: { apiGroup: "", resource: "services" },
  kubernetes_service_account_v1: { apiGroup: "", resource: "serviceaccounts" },
  kubernetes_config_map_v1: { apiGroup: "", resource: "configmaps" },
  kubernetes_deployment_v1: { apiGroup: "apps", resource: "deployments" },
  kubernetes_job_v1: { apiGroup: "batch", resource: "jobs" },
  kubernetes_horizontal_pod_autoscaler_v2: { apiGroup: "autoscaling", resource: "horizontalpodautoscalers" },
  kubernetes_pod_disruption_budget_v1: { apiGroup: "policy", resource: "poddisruptionbudgets" },
  kubernetes_network_policy_v1: { apiGroup: "networking.k8s.io", resource: "networkpolicies" },
  kubernetes_storage_class_v1: { apiGroup: "storage.k8s.io", resource: "storageclasses" },
  kubernetes_cluster_role_v1: { apiGroup: "rbac.authorization.k8s.io", resource: "clusterroles" },
  kubernetes_cluster_role_binding_v1: { apiGroup: "rbac.authorization.k8s.io", resource: "clusterrolebindings" },
  kubernetes_role_v1: { apiGroup: "rbac.authorization.k8s.io", resource: "roles" },
  kubernetes_role_binding_v1: { apiGroup: "rbac.authorization.k8s.io", resource: "rolebindings" },
};

/** The objects `kubernetes_labels` / `kubernetes_annotations` may label, by `apiVersion/kind`. */
const LABELLED_KINDS: { readonly [apiVersionKind: string]: ApiResource } = {
  "v1/Namespace": { apiGroup: "", resource: "namespaces" },
};

/** Kinds that are never granted cluster-wide, whatever the stack manages. */
const NEVER_CLUSTER_WIDE: readonly ApiResource[] = [{ apiGroup: "", resource: "secrets" }];

/**
 * The API resources the kubernetes provider reads to refresh every `kubernetes_*` resource and data
 * source under `scope` (a stack), sorted; throws for a type it does not know.
 */
export function refreshedResources(scope: IConstruct): ApiResource[] {
  const found = new Map<string, ApiResource>();
  const add = (resource: ApiResource) => found.set(`${resource.apiGroup}/${resource.resource}`, resource);
  for (const child of scope.node.findAll()) {
    if (!(child instanceof TerraformResource || child instanceof TerraformDataSource)) continue;
    const type = child.terraformResourceType;
    if (!type.startsWith("kubernetes_")) continue;
    if (child instanceof Labels || type === "kubernetes_annotations") {
      const labelled = labelledKind(child);
      const resource = LABELLED_KINDS[labelled];
      if (resource === undefined) {
        throw new Error(
          `${child.node.path}: the plan reader has no read rule for ${labelled}, which ${type} labels (add it to LABELLED_KINDS)`,
        );
      }
      add(resource);
      continue;
    }
    const resource = TYPE_RESOURCES[type];
    if (resource === undefined) {
      throw new Error(`${child.node.path}: the plan reader has no read rule for ${type} (add what its refresh reads to TYPE_RESOURCES)`);
    }
    add(resource);
  }
  // The plan reader's own objects, which the plan refreshes too (it is created after this call).
  for (const resource of ["clusterroles", "clusterrolebindings", "roles", "rolebindings"]) add({ apiGroup: RBAC_GROUP, resource });
  return [...found.values()].sort((a, b) => a.apiGroup.localeCompare(b.apiGroup) || a.resource.localeCompare(b.resource));
}

function labelledKind(child: TerraformResource | TerraformDataSource): string {
  const config = child as unknown as { readonly apiVersionInput?: string; readonly kindInput?: string };
  return `${config.apiVersionInput ?? "?"}/${config.kindInput ?? "?"}`;
}

export interface PlanReaderRbacProps {
  /** The Kubernetes group of the plan identity's access entry (see planReaderGroup). */
  readonly group: string;
  /** What the ClusterRole lets the group get, list and watch everywhere (see refreshedResources); never `secrets`. */
  readonly resources: readonly ApiResource[];
  /**
   * Namespaces whose Secrets the group may get and list: those that hold Helm release records
   * (`sh.helm.release.v1.*`), never one where credentials are synced. Keyed by the literal name
   * (construct ids); the value is the name itself for a namespace the cluster owns, or a reference
   * to the namespace resource's name, so that the Role waits for the namespace.
   */
  readonly releaseRecordNamespaces: { readonly [name: string]: string };
}

const LABELS = { "app.kubernetes.io/managed-by": "terraform", "app.kubernetes.io/part-of": "terraform-plan" } as const;

/**
 * The in-cluster reach of `terraform plan` (ADR 0012): a ClusterRole that gets, lists and watches
 * exactly the kinds the stack manages, bound to the plan identity's group, and in each namespace
 * that holds Helm release records a Role that gets and lists Secrets (Helm 3 stores a release as
 * the Secret `sh.helm.release.v1.<release>.v<revision>` in the release's namespace; the names change
 * with every revision, so `resourceNames` cannot single them out). Nothing else: no Secret outside
 * those namespaces, no pods, no logs, no exec.
 */
export class PlanReaderRbac extends Construct {
  readonly clusterRole: ClusterRoleV1;
  readonly roles: readonly RoleV1[];

  constructor(scope: Construct, id: string, props: PlanReaderRbacProps) {
    super(scope, id);
    if (props.group.startsWith("system:")) throw new Error(`Plan reader: group "${props.group}" must not be a system: group`);
    if (props.resources.length === 0) throw new Error("Plan reader: no resources to read");
    for (const never of NEVER_CLUSTER_WIDE) {
      if (props.resources.some((r) => r.apiGroup === never.apiGroup && (r.resource === never.resource || r.resource === "*"))) {
        throw new Error(`Plan reader: ${never.resource} are never readable cluster-wide (release records: releaseRecordNamespaces)`);
      }
    }
    if (props.resources.some((r) => r.apiGroup === "*" || r.resource === "*"))
      throw new Error("Plan reader: no wildcard group or resource");
    const namespaces = Object.entries(props.releaseRecordNamespaces).sort(([a], [b]) => a.localeCompare(b));
    for (const [name, reference] of namespaces) {
      if (!Token.isUnresolved(reference) && reference !== name) {
        throw new Error(`Plan reader: release record namespace ${name} is given as "${reference}" (the same name, or a reference to it)`);
      }
    }

    const byGroup = new Map<string, string[]>();
    for (const { apiGroup, resource } of props.resources) byGroup.set(apiGroup, [...(byGroup.get(apiGroup) ?? []), resource]);
    const subject = [{ kind: "Group", apiGroup: RBAC_GROUP, name: props.group }];

    this.clusterRole = new ClusterRoleV1(this, "cluster-role", {
      metadata: { name: PLAN_READER_CLUSTER_ROLE, labels: LABELS },
      rule: [...byGroup].map(([apiGroup, resources]) => ({
        apiGroups: [apiGroup],
        resources: [...new Set(resources)].sort(),
        verbs: ["get", "list", "watch"],
      })),
    });
    new ClusterRoleBindingV1(this, "cluster-role-binding", {
      metadata: { name: PLAN_READER_CLUSTER_ROLE, labels: LABELS },
      roleRef: { apiGroup: RBAC_GROUP, kind: "ClusterRole", name: this.clusterRole.metadata.name },
      subject,
    });
    this.roles = namespaces.map(([name, namespace]) => {
      const role = new RoleV1(this, `release-records-${name}`, {
        metadata: { name: PLAN_RELEASE_RECORDS_ROLE, namespace, labels: LABELS },
        rule: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] }],
      });
      new RoleBindingV1(this, `release-records-${name}-binding`, {
        metadata: { name: PLAN_RELEASE_RECORDS_ROLE, namespace, labels: LABELS },
        roleRef: { apiGroup: RBAC_GROUP, kind: "Role", name: role.metadata.name },
        subject,
      });
      return role;
    });
  }
}
