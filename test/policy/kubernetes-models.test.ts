import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import {
  isObject,
  type Json,
  type JsonObject,
  KINDS,
  lookup,
  MAPS,
  type ModelClass,
  SKIPPED,
  toKubernetes,
  validate,
} from "../support/kubernetes-objects";
import { describe, expect, it } from "vitest";
import { unknownFields } from "../support/kubernetes-fields";
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
 * (generated from the same spec) with the TypeScript compiler API (test/support/kubernetes-fields.ts,
 * which keeps each object's answer on disk).
 */

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
