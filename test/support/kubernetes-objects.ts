import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Job } from "kubernetes-models/batch/v1/Job";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { StorageClass } from "kubernetes-models/storage.k8s.io/v1/StorageClass";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";

/*
 * The kubernetes provider's resources (synthesized Terraform JSON) as Kubernetes API objects: the
 * converter of test/policy/kubernetes-models.test.ts (which explains its rules), shared with the
 * render policy (test/render/), which checks them beside the objects Helm renders.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A Kubernetes model class of `kubernetes-models`: construct with the object, `validate()` throws on schema errors. */
export interface ModelClass {
  new (data: never): object;
  readonly apiVersion: string;
  readonly kind: string;
}

/**
 * `validate()` comes from the models' base class in `@kubernetes-models/base`, a package with
 * `exports` only, which this repository's `moduleResolution: "node"` cannot resolve: the compiler
 * sees the models without their base class. The method exists at run time; it is typed here.
 */
export const validate = (model: object) => (model as { validate(): void }).validate();

export interface Kind {
  readonly model: ModelClass;
  /** The upstream TypeScript interface of the object, exported by `module`. */
  readonly module: string;
  readonly type: string;
}

/** Every Terraform resource type the converter handles, with the upstream model it becomes. */
export const KINDS: Readonly<Record<string, Kind>> = {
  kubernetes_deployment_v1: { model: Deployment, module: "kubernetes-models/apps/v1/Deployment", type: "IDeployment" },
  kubernetes_service_v1: { model: Service, module: "kubernetes-models/v1/Service", type: "IService" },
  kubernetes_ingress_v1: { model: Ingress, module: "kubernetes-models/networking.k8s.io/v1/Ingress", type: "IIngress" },
  kubernetes_network_policy_v1: {
    model: NetworkPolicy,
    module: "kubernetes-models/networking.k8s.io/v1/NetworkPolicy",
    type: "INetworkPolicy",
  },
  kubernetes_namespace_v1: { model: Namespace, module: "kubernetes-models/v1/Namespace", type: "INamespace" },
  kubernetes_service_account_v1: { model: ServiceAccount, module: "kubernetes-models/v1/ServiceAccount", type: "IServiceAccount" },
  kubernetes_horizontal_pod_autoscaler_v2: {
    model: HorizontalPodAutoscaler,
    module: "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler",
    type: "IHorizontalPodAutoscaler",
  },
  kubernetes_pod_disruption_budget_v1: {
    model: PodDisruptionBudget,
    module: "kubernetes-models/policy/v1/PodDisruptionBudget",
    type: "IPodDisruptionBudget",
  },
  kubernetes_storage_class_v1: { model: StorageClass, module: "kubernetes-models/storage.k8s.io/v1/StorageClass", type: "IStorageClass" },
  kubernetes_job_v1: { model: Job, module: "kubernetes-models/batch/v1/Job", type: "IJob" },
  kubernetes_config_map_v1: { model: ConfigMap, module: "kubernetes-models/v1/ConfigMap", type: "IConfigMap" },
  kubernetes_cluster_role_v1: {
    model: ClusterRole,
    module: "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole",
    type: "IClusterRole",
  },
  kubernetes_cluster_role_binding_v1: {
    model: ClusterRoleBinding,
    module: "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding",
    type: "IClusterRoleBinding",
  },
  kubernetes_role_v1: { model: Role, module: "kubernetes-models/rbac.authorization.k8s.io/v1/Role", type: "IRole" },
  kubernetes_role_binding_v1: {
    model: RoleBinding,
    module: "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding",
    type: "IRoleBinding",
  },
};

/**
 * Kubernetes resource types deliberately not converted, with the reason. Any other `kubernetes_*`
 * type in a stack fails the coverage test until it gets a converter entry or a reason here.
 */
export const SKIPPED: Readonly<Record<string, string>> = {
  kubernetes_labels:
    "labels on an object the cluster owns (kube-system's Pod Security level): no object of its own; the render policy reads them",
};

/** Top-level arguments of a resource that configure Terraform or the provider, not the Kubernetes object. */
const TERRAFORM_ONLY = new Set([
  "//",
  "count",
  "for_each",
  "depends_on",
  "lifecycle",
  "provider",
  "provisioner",
  "connection",
  "timeouts",
  "wait_for_rollout",
  "wait_for_completion",
  "wait_for_load_balancer",
  "wait_for_default_service_account",
]);

interface Rename {
  /** The Kubernetes field name. */
  readonly to: string;
  /** `list`: Kubernetes expects a list (a single object is wrapped); `object`: one object (a list of one is unwrapped). */
  readonly shape?: "list" | "object";
}

/**
 * Renames, looked up as `<Kind>:<parent>/<key>`, then `<parent>/<key>`, then `<key>`, where parent
 * is the Kubernetes name of the enclosing field (`(root)` at the top of the object) and key the
 * Terraform name. Keys not found are camelCased.
 */
const RENAMES: Readonly<Record<string, Rename>> = {
  // Pod spec and containers: singular Terraform blocks, plural Kubernetes lists.
  container: { to: "containers", shape: "list" },
  init_container: { to: "initContainers", shape: "list" },
  volume: { to: "volumes", shape: "list" },
  volume_mount: { to: "volumeMounts", shape: "list" },
  env: { to: "env", shape: "list" },
  env_from: { to: "envFrom", shape: "list" },
  toleration: { to: "tolerations", shape: "list" },
  topology_spread_constraint: { to: "topologySpreadConstraints", shape: "list" },
  image_pull_secrets: { to: "imagePullSecrets", shape: "list" },
  readiness_gate: { to: "readinessGates", shape: "list" },
  host_aliases: { to: "hostAliases", shape: "list" },
  http_header: { to: "httpHeaders", shape: "list" },
  sysctl: { to: "sysctls", shape: "list" },
  "containers/port": { to: "ports", shape: "list" },
  "initContainers/port": { to: "ports", shape: "list" },
  // The provider writes a topology spread constraint's selector as a list block; Kubernetes has one LabelSelector.
  label_selector: { to: "labelSelector", shape: "object" },
  // Service: `port` blocks are the ServicePorts list (inside them, `port` is the number).
  "Service:spec/port": { to: "ports", shape: "list" },
  // ServiceAccount: secret and image_pull_secret blocks are reference lists (a volume's `secret` is not).
  "ServiceAccount:(root)/secret": { to: "secrets", shape: "list" },
  "ServiceAccount:(root)/image_pull_secret": { to: "imagePullSecrets", shape: "list" },
  // Ingress: rule and path blocks are lists; a backend's port is one ServiceBackendPort.
  "Ingress:spec/rule": { to: "rules", shape: "list" },
  "Ingress:http/path": { to: "paths", shape: "list" },
  "Ingress:spec/tls": { to: "tls", shape: "list" },
  "Ingress:service/port": { to: "port", shape: "object" },
  // HorizontalPodAutoscaler v2: metric blocks, scaling policy blocks.
  "HorizontalPodAutoscaler:spec/metric": { to: "metrics", shape: "list" },
  "HorizontalPodAutoscaler:scaleUp/policy": { to: "policies", shape: "list" },
  "HorizontalPodAutoscaler:scaleDown/policy": { to: "policies", shape: "list" },
  // NetworkPolicy peers and ports are lists already plural in Terraform.
  "NetworkPolicy:spec/ingress": { to: "ingress", shape: "list" },
  "NetworkPolicy:spec/egress": { to: "egress", shape: "list" },
  // StorageClass: the provisioner's Terraform name differs.
  "StorageClass:(root)/storage_provisioner": { to: "provisioner" },
  "StorageClass:(root)/allowed_topologies": { to: "allowedTopologies", shape: "list" },
  "StorageClass:allowedTopologies/match_label_expressions": { to: "matchLabelExpressions", shape: "list" },
  // RBAC: rule and subject blocks are lists, the role reference one object.
  "(root)/rule": { to: "rules", shape: "list" },
  "(root)/subject": { to: "subjects", shape: "list" },
  "(root)/role_ref": { to: "roleRef", shape: "object" },
  non_resource_urls: { to: "nonResourceURLs" },
  // Acronyms Kubernetes writes in capitals, which camelCase would not.
  cluster_ip: { to: "clusterIP" },
  cluster_ips: { to: "clusterIPs" },
  external_ips: { to: "externalIPs" },
  load_balancer_ip: { to: "loadBalancerIP" },
  host_ip: { to: "hostIP" },
  host_pid: { to: "hostPID" },
  host_ipc: { to: "hostIPC" },
};

/**
 * Fields whose value is a map with data keys, copied verbatim. This table and the three scalar
 * tables below are looked up by Kubernetes names: `<Kind>:<parent>/<key>`, `<parent>/<key>`, `<key>`.
 */
export const MAPS = new Set([
  "labels",
  "annotations",
  "matchLabels",
  "volumeAttributes",
  "parameters",
  "limits",
  "requests",
  "nodeSelector",
  "data",
  "Service:spec/selector",
]);

/** Integer fields: numeric strings become numbers, expressions 1. */
const INTEGER = new Set([
  "replicas",
  "revisionHistoryLimit",
  "minReadySeconds",
  "progressDeadlineSeconds",
  "terminationGracePeriodSeconds",
  "activeDeadlineSeconds",
  "fsGroup",
  "runAsUser",
  "runAsGroup",
  "containerPort",
  "hostPort",
  "nodePort",
  "healthCheckNodePort",
  "maxSkew",
  "minDomains",
  "minReplicas",
  "maxReplicas",
  "averageUtilization",
  "initialDelaySeconds",
  "periodSeconds",
  "timeoutSeconds",
  "failureThreshold",
  "successThreshold",
  "stabilizationWindowSeconds",
  "defaultMode",
  "mode",
  "number",
  "policies/value",
  "Service:ports/port",
  "endPort",
]);

/** Int-or-string fields: numeric strings become numbers (as `intstr.Parse` does), names and percentages stay strings. */
const INT_OR_STRING = new Set([
  "targetPort",
  "maxSurge",
  "maxUnavailable",
  "minAvailable",
  "httpGet/port",
  "tcpSocket/port",
  "grpc/port",
  "NetworkPolicy:ports/port",
]);

/** Boolean fields: "true"/"false" become booleans, expressions true. */
const BOOLEAN = new Set([
  "runAsNonRoot",
  "readOnlyRootFilesystem",
  "allowPrivilegeEscalation",
  "privileged",
  "automountServiceAccountToken",
  "enableServiceLinks",
  "allowVolumeExpansion",
  "readOnly",
  "hostNetwork",
  "hostPID",
  "hostIPC",
  "shareProcessNamespace",
  "stdin",
  "tty",
  "paused",
  "optional",
  "publishNotReadyAddresses",
  "allocateLoadBalancerNodePorts",
]);

const PLACEHOLDER = "placeholder";
const isToken = (value: unknown): boolean => typeof value === "string" && value.includes("${");
export const isObject = (value: unknown): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);
const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The first of `<Kind>:<parent>/<key>`, `<parent>/<key>`, `<key>` that a table has. */
export const lookup = (table: ReadonlySet<string>, kind: string, parent: string, key: string): string | undefined =>
  [`${kind}:${parent}/${key}`, `${parent}/${key}`, key].find((candidate) => table.has(candidate));
const RENAME_KEYS: ReadonlySet<string> = new Set(Object.keys(RENAMES));

/** A scalar of the type Kubernetes expects for the field `key` (a Kubernetes name) under `parent`. */
function scalar(kind: string, parent: string, key: string, value: Json): Json {
  if (lookup(INTEGER, kind, parent, key) !== undefined) {
    if (isToken(value)) return 1;
    if (typeof value === "string" && /^-?\d+$/.test(value)) return Number(value);
    return value;
  }
  if (lookup(INT_OR_STRING, kind, parent, key) !== undefined) {
    if (isToken(value)) return PLACEHOLDER;
    if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
    return value;
  }
  if (lookup(BOOLEAN, kind, parent, key) !== undefined) {
    if (isToken(value)) return true;
    if (value === "true" || value === "false") return value === "true";
    return value;
  }
  return isToken(value) ? PLACEHOLDER : value;
}

/** A map copied verbatim, but for values holding Terraform expressions. */
function map(value: Json, at: string): JsonObject {
  if (!isObject(value)) throw new Error(`${at}: expected a map, found ${JSON.stringify(value)}`);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isToken(v) ? PLACEHOLDER : v]));
}

/** Converts the Terraform field `tfKey` of an object that is the Kubernetes field `parent`, to `[kubernetesKey, value]`. */
function field(kind: string, parent: string, tfKey: string, value: Json, at: string): [string, Json] {
  const renameKey = lookup(RENAME_KEYS, kind, parent, tfKey);
  const rename = renameKey === undefined ? undefined : RENAMES[renameKey];
  const key = rename?.to ?? camel(tfKey);
  const here = `${at}/${key}`;
  if (lookup(MAPS, kind, parent, key) !== undefined) return [key, map(value, here)];
  let shaped: Json = value;
  if (rename?.shape === "list" && isObject(value)) shaped = [value];
  if (rename?.shape === "object" && Array.isArray(value)) {
    if (value.length > 1) throw new Error(`${here}: Kubernetes expects one object, Terraform has ${value.length} blocks`);
    shaped = value[0] ?? {};
  }
  if (Array.isArray(shaped)) {
    return [
      key,
      shaped.map((item, index) => (isObject(item) ? object(kind, key, item, `${here}/${index}`) : scalar(kind, parent, key, item))),
    ];
  }
  return [key, isObject(shaped) ? object(kind, key, shaped, here) : scalar(kind, parent, key, shaped)];
}

/** Converts every field of a Terraform object that is the Kubernetes field `parent`. */
function object(kind: string, parent: string, body: JsonObject, at: string): JsonObject {
  return Object.fromEntries(Object.entries(body).map(([tfKey, value]) => field(kind, parent, tfKey, value, at)));
}

/** A synthesized resource of a converted type as a Kubernetes API object (without apiVersion and kind, which the model adds). */
export function toKubernetes(type: string, body: Record<string, unknown>): JsonObject {
  const kind = KINDS[type];
  if (kind === undefined) throw new Error(`no converter for ${type}`);
  const source = Object.fromEntries(Object.entries(body).filter(([key]) => !TERRAFORM_ONLY.has(key))) as JsonObject;
  return object(kind.model.kind, "(root)", source, "");
}
