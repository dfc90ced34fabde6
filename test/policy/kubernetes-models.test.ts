import * as path from "node:path";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Job } from "kubernetes-models/batch/v1/Job";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { StorageClass } from "kubernetes-models/storage.k8s.io/v1/StorageClass";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import ts from "typescript-5";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/paths";
import { allSynthesizedStacks, eachResource, type TerraformJson } from "../support/synthesized";

/*
 * The Kubernetes objects the workloads stacks synthesize, checked against the upstream Kubernetes
 * schemas of `kubernetes-models` (generated from the Kubernetes OpenAPI spec).
 *
 * The synthesized resources are in the Terraform kubernetes provider's shape, not the API's:
 * snake_case keys, singular block names (`container`, `port`, `volume_mount`), blocks written as an
 * object or as a list, numbers as strings, Terraform expressions (`${...}`) as values. The converter
 * below turns them into API objects, explicitly:
 *
 * 1. Terraform-only arguments (meta-arguments, `wait_for_*`, `timeouts`) at the top of a resource are
 *    dropped; everything else is converted, nothing else is dropped.
 * 2. Keys are renamed by the RENAMES table (by kind and parent, by parent, or by key), otherwise
 *    snake_case becomes camelCase. The table also says where Kubernetes expects a list (a single
 *    object is wrapped) or one object (a list of one block is unwrapped; more than one throws).
 * 3. Maps (labels, annotations, match_labels, resource quantities, ...) are copied verbatim: their
 *    keys are data, not field names.
 * 4. Scalars get the type Kubernetes expects, by field name (INTEGER, INT_OR_STRING and BOOLEAN
 *    tables): the provider and Terraform convert "3" to 3 for number arguments and parse
 *    int-or-string arguments (`intstr.Parse`), so "8080" becomes 8080 and "http" stays a name.
 *    A value holding a Terraform expression is unknown at synth time: it becomes a placeholder of
 *    the field's type (1, true, or the string "placeholder").
 *
 * The upstream JSON schemas do not reject unknown fields (Kubernetes' OpenAPI spec leaves
 * additionalProperties open), so a wrong rename (`volumeMount` for `volumeMounts`) would pass
 * silently. A second, independent check closes that gap: every key of a converted object must be a
 * field of the matching upstream type, read from the `kubernetes-models` TypeScript declarations
 * (generated from the same spec) with the TypeScript compiler API.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** A Kubernetes model class of `kubernetes-models`: construct with the object, `validate()` throws on schema errors. */
interface ModelClass {
  new (data: never): object;
  readonly apiVersion: string;
  readonly kind: string;
}

/**
 * `validate()` comes from the models' base class in `@kubernetes-models/base`, a package with
 * `exports` only, which this repository's `moduleResolution: "node"` cannot resolve: the compiler
 * sees the models without their base class. The method exists at run time; it is typed here.
 */
const validate = (model: object) => (model as { validate(): void }).validate();

interface Kind {
  readonly model: ModelClass;
  /** The upstream TypeScript interface of the object, exported by `module`. */
  readonly module: string;
  readonly type: string;
}

/** Every Terraform resource type the converter handles, with the upstream model it becomes. */
const KINDS: Readonly<Record<string, Kind>> = {
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
};

/**
 * Kubernetes resource types deliberately not converted, with the reason. Any other `kubernetes_*`
 * type in a stack fails the coverage test until it gets a converter entry or a reason here.
 */
const SKIPPED: Readonly<Record<string, string>> = {
  // (none today: every kubernetes_* type the stacks synthesize is converted)
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
const MAPS = new Set([
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
const isObject = (value: unknown): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);
const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The first of `<Kind>:<parent>/<key>`, `<parent>/<key>`, `<key>` that a table has. */
const lookup = (table: ReadonlySet<string>, kind: string, parent: string, key: string): string | undefined =>
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
function toKubernetes(type: string, body: Record<string, unknown>): JsonObject {
  const kind = KINDS[type];
  if (kind === undefined) throw new Error(`no converter for ${type}`);
  const source = Object.fromEntries(Object.entries(body).filter(([key]) => !TERRAFORM_ONLY.has(key))) as JsonObject;
  return object(kind.model.kind, "(root)", source, "");
}

/** Validates with the upstream schema; every schema error, or none. */
function schemaErrors(model: ModelClass, object: JsonObject): string[] {
  try {
    validate(new model(object as never));
    return [];
  } catch (error) {
    const details = (error as { errors?: { instancePath: string; message?: string }[] }).errors;
    return details?.map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`.trim()) ?? [String(error)];
  }
}

/*
 * The field check: the upstream TypeScript declarations, loaded once with the compiler API (about
 * a second). A virtual module imports each kind's interface; the walk follows the converted
 * object's keys through the declared types.
 */
let checker: { readonly checker: ts.TypeChecker; readonly roots: ts.Type } | undefined;
function upstreamTypes() {
  if (checker !== undefined) return checker;
  const file = path.join(ROOT, "test/policy/__kubernetes-models-roots__.ts");
  const kinds = Object.values(KINDS);
  const text = [
    ...kinds.map((k, i) => `import type { ${k.type} as T${i} } from "${k.module}";`),
    `export interface Roots { ${kinds.map((k, i) => `"${k.model.kind}": T${i};`).join(" ")} }`,
  ].join("\n");
  const options: ts.CompilerOptions = {
    noEmit: true,
    strict: true,
    skipLibCheck: true,
    types: [],
    lib: ["lib.es5.d.ts"],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === file ? ts.createSourceFile(name, text, language) : getSourceFile(name, language, ...rest);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  const typeChecker = program.getTypeChecker();
  const module = typeChecker.getSymbolAtLocation(program.getSourceFile(file)!)!;
  const roots = typeChecker.getExportsOfModule(module).find((symbol) => symbol.name === "Roots")!;
  checker = { checker: typeChecker, roots: typeChecker.getDeclaredTypeOfSymbol(roots) };
  return checker;
}

/** Every key of `object` that the upstream declarations do not know (or cannot type), as `/path: problem`. */
function unknownFields(kindName: string, object: JsonObject): string[] {
  const { checker: c, roots } = upstreamTypes();
  const problems: string[] = [];
  const walk = (value: Json, declared: ts.Type, at: string) => {
    const type = c.getNonNullableType(declared);
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) {
      problems.push(`${at || "/"}: upstream type not resolved`);
      return;
    }
    if (Array.isArray(value)) {
      const element = c.getIndexTypeOfType(type, ts.IndexKind.Number);
      if (element === undefined) problems.push(`${at}: a list where the schema has ${c.typeToString(type)}`);
      else for (const [index, item] of value.entries()) walk(item, element, `${at}/${index}`);
      return;
    }
    if (!isObject(value) || c.getIndexTypeOfType(type, ts.IndexKind.String) !== undefined) return; // scalars and maps: the schema checks them
    for (const [key, child] of Object.entries(value)) {
      const property = c.getPropertyOfType(type, key);
      if (property === undefined) problems.push(`${at}/${key}: no such field in ${c.typeToString(type)}`);
      else walk(child, c.getTypeOfSymbol(property), `${at}/${key}`);
    }
  };
  const root = c.getPropertyOfType(roots, kindName);
  if (root === undefined) return [`no upstream type for ${kindName}`];
  walk(object, c.getTypeOfSymbol(root), "");
  return problems;
}

/** Every problem of a synthesized resource: unknown fields first, then schema errors. */
function problemsOf(type: string, body: Record<string, unknown>): string[] {
  const kind = KINDS[type]!;
  const object = toKubernetes(type, body);
  return [
    ...unknownFields(kind.model.kind, { apiVersion: kind.model.apiVersion, kind: kind.model.kind, ...object }),
    ...schemaErrors(kind.model, object),
  ];
}

const stacks = allSynthesizedStacks();
const workloads = stacks.filter((stack) => stack.name.startsWith("workloads-"));
const kubernetesResources = (doc: TerraformJson) => eachResource(doc).filter(([, type]) => type.startsWith("kubernetes_"));
const cases = stacks.flatMap((stack) =>
  kubernetesResources(stack.doc)
    .filter(([, type]) => KINDS[type] !== undefined)
    .map(([address, type, body]) => [stack.name, address, type, body] as const),
);

describe("synthesized Kubernetes objects match the upstream schemas", () => {
  it("every workloads stack has Kubernetes objects to check, of every converted type", () => {
    expect(workloads.map((stack) => stack.name)).toEqual(expect.arrayContaining(["workloads-dev", "workloads-staging", "workloads-prod"]));
    for (const stack of workloads) expect(cases.filter(([name]) => name === stack.name).length, stack.name).toBeGreaterThan(10);
    // No stack renders an Ingress since the entry moved to Gateway API (its converter stays, for WebService's ingress option, tested below).
    expect(new Set(cases.map(([, , type]) => type))).toEqual(
      new Set(Object.keys(KINDS).filter((type) => type !== "kubernetes_ingress_v1")),
    );
  });

  it("every kubernetes_* resource type of every stack is converted or skipped with a reason", () => {
    const unhandled = stacks.flatMap((stack) =>
      kubernetesResources(stack.doc)
        .filter(([, type]) => KINDS[type] === undefined && SKIPPED[type] === undefined)
        .map(([address]) => `${stack.name}: ${address}`),
    );
    expect(unhandled).toEqual([]);
  });

  it.each(cases)("%s: %s", (stack, address, type, body) => {
    expect(problemsOf(type, body).map((problem) => `${stack}: ${address}: ${problem}`)).toEqual([]);
  });

  it("the field check reaches every object of every converted resource (a stray field anywhere is reported)", () => {
    const missed: string[] = [];
    // Each resource once (environments differ in values, not in shape), whichever stack has it.
    const resources = [...new Map(cases.map((c) => [c[1], c] as const)).values()];
    for (const [stack, address, type, body] of resources) {
      const kind = KINDS[type]!.model;
      const object = { apiVersion: kind.apiVersion, kind: kind.kind, ...toKubernetes(type, body) };
      for (const at of objectPaths(kind.kind, "(root)", object, "")) {
        const stray = structuredClone(object);
        const node = at
          .split("/")
          .filter((part) => part !== "")
          .reduce<Json>((parent, part) => (parent as Record<string, Json>)[part]!, stray) as JsonObject;
        node["strayField"] = 1;
        if (!unknownFields(kind.kind, stray).some((problem) => problem.startsWith(`${at}/strayField: no such field`)))
          missed.push(`${stack}: ${address}: ${at || "/"}`);
      }
    }
    expect(missed).toEqual([]);
  });
});

/** Paths of every object of a converted resource that is not a map (maps take any key). */
function objectPaths(kind: string, parent: string, value: Json, at: string): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => objectPaths(kind, parent, item, `${at}/${index}`));
  if (!isObject(value)) return [];
  return [
    at,
    ...Object.entries(value)
      .filter(([key]) => lookup(MAPS, kind, parent, key) === undefined)
      .flatMap(([key, child]) => objectPaths(kind, key, child, `${at}/${key}`)),
  ];
}

describe("the converter", () => {
  it("renames blocks, unwraps and wraps them, copies maps, types scalars and replaces expressions", () => {
    const body = {
      "//": { metadata: { path: "x" } },
      depends_on: ["helm_release.x"],
      lifecycle: { ignore_changes: ["spec[0].replicas"] },
      wait_for_rollout: true,
      metadata: { name: "web", namespace: "${kubernetes_namespace_v1.ns.metadata[0].name}", labels: { "app.kubernetes.io/name": "web" } },
      spec: {
        replicas: "3",
        selector: { match_labels: { "app.kubernetes.io/name": "web" } },
        strategy: { rolling_update: { max_surge: "25%", max_unavailable: "0" } },
        template: {
          spec: {
            security_context: { run_as_user: "10001", run_as_non_root: true },
            container: [
              {
                name: "web",
                image: "${var.image}",
                port: [{ container_port: 8080, name: "http" }],
                volume_mount: [{ mount_path: "/tmp", name: "tmp" }],
                resources: { limits: { cpu: "1", memory: "512Mi" } },
                readiness_probe: { http_get: { path: "/ready", port: "http" } },
              },
            ],
            topology_spread_constraint: [{ max_skew: 1, label_selector: [{ match_labels: { app_name: "web" } }] }],
            volume: [{ name: "tmp", empty_dir: { size_limit: "256Mi" } }],
          },
        },
      },
    };
    expect(toKubernetes("kubernetes_deployment_v1", body)).toEqual({
      metadata: { name: "web", namespace: "placeholder", labels: { "app.kubernetes.io/name": "web" } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { "app.kubernetes.io/name": "web" } },
        strategy: { rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
        template: {
          spec: {
            securityContext: { runAsUser: 10001, runAsNonRoot: true },
            containers: [
              {
                name: "web",
                image: "placeholder",
                ports: [{ containerPort: 8080, name: "http" }],
                volumeMounts: [{ mountPath: "/tmp", name: "tmp" }],
                resources: { limits: { cpu: "1", memory: "512Mi" } },
                readinessProbe: { httpGet: { path: "/ready", port: "http" } },
              },
            ],
            topologySpreadConstraints: [{ maxSkew: 1, labelSelector: { matchLabels: { app_name: "web" } } }],
            volumes: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
          },
        },
      },
    });
  });

  it("tells the kinds' homonyms apart: a Service's ports and selector, a NetworkPolicy's port, an Ingress backend's port", () => {
    expect(
      toKubernetes("kubernetes_service_v1", { spec: { selector: { app_name: "web" }, port: [{ port: "80", target_port: "http" }] } }),
    ).toEqual({
      spec: { selector: { app_name: "web" }, ports: [{ port: 80, targetPort: "http" }] },
    });
    expect(
      toKubernetes("kubernetes_network_policy_v1", {
        spec: { pod_selector: {}, egress: [{ ports: [{ port: "53", protocol: "UDP" }, { port: "dns" }] }] },
      }),
    ).toEqual({
      spec: { podSelector: {}, egress: [{ ports: [{ port: 53, protocol: "UDP" }, { port: "dns" }] }] },
    });
    const ingress = {
      spec: { rule: [{ http: { path: [{ path: "/", backend: { service: { name: "web", port: { number: "80" } } } }] } }] },
    };
    expect(toKubernetes("kubernetes_ingress_v1", ingress)).toEqual({
      spec: { rules: [{ http: { paths: [{ path: "/", backend: { service: { name: "web", port: { number: 80 } } } }] } }] },
    });
  });

  it("refuses a list of several blocks where Kubernetes has one object", () => {
    const body = { spec: { template: { spec: { topology_spread_constraint: [{ label_selector: [{}, {}] }] } } } };
    expect(() => toKubernetes("kubernetes_deployment_v1", body)).toThrow(
      /labelSelector: Kubernetes expects one object, Terraform has 2 blocks/,
    );
  });
});

describe("the validation can fail", () => {
  const containers = [{ name: "web", image: "web:1.0.0" }];
  const spec = (podSpec: object) => ({
    selector: { matchLabels: { app: "web" } },
    template: { metadata: { labels: { app: "web" } }, spec: podSpec },
  });

  it("a hand-made Deployment with imagePullPolicy Sometimes", () => {
    const deployment = new Deployment({
      metadata: { name: "web" },
      spec: spec({ containers: [{ ...containers[0]!, imagePullPolicy: "Sometimes" }] }) as never,
    });
    expect(() => validate(deployment)).toThrow(/imagePullPolicy must be equal to one of the allowed values/);
  });

  it("a hand-made Deployment without containers", () => {
    const deployment = new Deployment({ metadata: { name: "web" }, spec: spec({}) as never });
    expect(() => validate(deployment)).toThrow(/must have required property 'containers'|must have required property containers/);
  });

  it("a synthesized-shape Deployment through the whole pipeline: a bad enum, a string where a number belongs", () => {
    const body = {
      metadata: { name: "web" },
      spec: {
        selector: { match_labels: { app: "web" } },
        template: {
          spec: { container: [{ name: "web", image: "web:1.0.0", image_pull_policy: "Sometimes", port: [{ container_port: "http" }] }] },
        },
      },
    };
    expect(problemsOf("kubernetes_deployment_v1", body)).toEqual([
      "/spec/template/spec/containers/0/imagePullPolicy must be equal to one of the allowed values",
      "/spec/template/spec/containers/0/ports/0/containerPort must be integer",
    ]);
  });

  it("a field Kubernetes does not have, which the schemas alone let through", () => {
    const body = {
      metadata: { name: "web" },
      spec: { selector: {}, template: { spec: { container: [{ name: "web", image_pul_policy: "Always" }] } } },
    };
    const object = toKubernetes("kubernetes_deployment_v1", body);
    expect(schemaErrors(Deployment, object)).toEqual([]);
    expect(problemsOf("kubernetes_deployment_v1", body)).toEqual([
      "/spec/template/spec/containers/0/imagePulPolicy: no such field in IContainer",
    ]);
  });
});
