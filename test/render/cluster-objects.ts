import { replaceExpressions } from "../../scripts/chart-render";
import { KINDS, toKubernetes } from "../support/kubernetes-objects";
import { eachResource, synthesizedStack, type TerraformJson } from "../support/synthesized";
import type { RenderedObject, RenderedRelease } from "./render";

/*
 * Everything a workloads stack puts in the cluster, as Kubernetes objects: what each Helm release
 * renders, and the kubernetes provider's resources converted (test/support/kubernetes-objects.ts),
 * with the same typed placeholders for Terraform expressions. Each object says where it came from.
 */

export interface ClusterObject {
  readonly object: RenderedObject;
  /** `release external-dns` or the Terraform address of a kubernetes_* resource. */
  readonly source: string;
  /** The object's namespace (its own, or its release's); undefined for cluster-scoped kinds. */
  readonly namespace: string | undefined;
}

const CLUSTER_SCOPED = new Set([
  "Namespace",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
  "StorageClass",
  "CSIDriver",
  "PriorityClass",
  "APIService",
  "GatewayClass",
  "IngressClass",
]);

/** Replaces the expressions of every string of a synthesized body that has a typed placeholder; leaves the others (the converter types them). */
function withPlaceholders(doc: TerraformJson, value: unknown, where: string, placeholders: Map<string, string>): unknown {
  if (typeof value === "string" && value.includes("${")) {
    try {
      return replaceExpressions(doc, value, where, placeholders);
    } catch {
      return value;
    }
  }
  if (Array.isArray(value)) return value.map((item) => withPlaceholders(doc, item, where, placeholders));
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withPlaceholders(doc, item, where, placeholders)]));
  return value;
}

export interface StackObjects {
  readonly objects: readonly ClusterObject[];
  /** Placeholder value to the Terraform expression it replaced, for every placeholder of the stack. */
  readonly placeholders: ReadonlyMap<string, string>;
}

/** Every object of a workloads stack: the renders of its releases and its kubernetes_* resources. */
export function stackObjects(stack: string, releases: readonly RenderedRelease[]): StackObjects {
  const doc = synthesizedStack(stack).doc;
  const placeholders = new Map<string, string>();
  const objects: ClusterObject[] = [];
  for (const release of releases.filter((r) => r.spec.stack === stack)) {
    for (const [value, expression] of release.spec.placeholders) placeholders.set(value, expression);
    for (const object of release.objects) {
      objects.push({
        object,
        source: `release ${release.spec.name}`,
        namespace: CLUSTER_SCOPED.has(object.kind) ? undefined : (object.metadata?.namespace ?? release.spec.namespace),
      });
    }
  }
  for (const [address, type, body] of eachResource(doc)) {
    const kind = KINDS[type];
    if (kind === undefined) continue;
    const resolved = withPlaceholders(doc, body, `${stack}: ${address}`, placeholders) as Record<string, unknown>;
    const object = {
      apiVersion: kind.model.apiVersion,
      kind: kind.model.kind,
      ...toKubernetes(type, resolved),
    } as unknown as RenderedObject;
    objects.push({
      object,
      source: address,
      namespace: CLUSTER_SCOPED.has(object.kind) ? undefined : (object.metadata?.namespace ?? "default"),
    });
  }
  return { objects, placeholders };
}

/** The Pod Security level each namespace enforces: its own label, or the labels the stack puts on a namespace the cluster owns. */
export function namespaceLevels(stack: string, objects: readonly ClusterObject[]): Map<string, string> {
  const levels = new Map<string, string>();
  for (const { object } of objects) {
    const level = object.metadata?.labels?.["pod-security.kubernetes.io/enforce"];
    if (object.kind === "Namespace" && object.metadata?.name !== undefined && level !== undefined) levels.set(object.metadata.name, level);
  }
  for (const [, , body] of eachResource(synthesizedStack(stack).doc).filter(([, type]) => type === "kubernetes_labels")) {
    const metadata = (Array.isArray(body["metadata"]) ? body["metadata"][0] : body["metadata"]) as { name?: string } | undefined;
    const level = (body["labels"] as Record<string, string> | undefined)?.["pod-security.kubernetes.io/enforce"];
    if (body["kind"] === "Namespace" && metadata?.name !== undefined && level !== undefined) levels.set(metadata.name, level);
  }
  return levels;
}
