import type { FlowEnd, ServiceFlow } from "../../modules/cluster-services/flow";
import type { ClusterObject } from "./cluster-objects";

/*
 * Every namespace with a default-deny NetworkPolicy admits the flows the cluster services declare
 * (modules/cluster-services/<name>/flows.ts) into and out of its pods.
 */

type Obj = { readonly [key: string]: unknown };
const obj = (value: unknown): Obj => (typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Obj) : {});
const list = (value: unknown): Obj[] => (Array.isArray(value) ? value.map(obj) : []);
const labelsOf = (selector: unknown): Obj => obj(obj(selector)["matchLabels"]);
/** A label selector (matchLabels only, as ours are) selects the labels. */
const selects = (selector: unknown, labels: Obj) => Object.entries(labelsOf(selector)).every(([k, v]) => labels[k] === v);

interface Pods {
  readonly namespace: string;
  readonly labels: Obj;
  readonly port: number;
}

/** Namespaces whose pods are all denied by default (a policy selecting all, Ingress and Egress, no rule). */
function defaultDenyNamespaces(objects: readonly ClusterObject[]): Set<string> {
  return new Set(
    objects
      .filter(({ object }) => object.kind === "NetworkPolicy")
      .filter(({ object }) => {
        const spec = obj(object["spec"]);
        const types = Array.isArray(spec["policyTypes"]) ? (spec["policyTypes"] as string[]) : [];
        return (
          Object.keys(labelsOf(spec["podSelector"])).length === 0 &&
          types.includes("Ingress") &&
          types.includes("Egress") &&
          list(spec["ingress"]).length === 0 &&
          list(spec["egress"]).length === 0
        );
      })
      .map(({ namespace }) => namespace ?? "default"),
  );
}

/** The pods behind every HTTPRoute's backends: the Service's selector and target port. */
function routeBackends(objects: readonly ClusterObject[]): Pods[] {
  return objects
    .filter(({ object }) => object.kind === "HTTPRoute")
    .flatMap(({ object, namespace }) =>
      list(obj(object["spec"])["rules"]).flatMap((rule) =>
        list(rule["backendRefs"]).flatMap((ref) => {
          const ns = String(ref["namespace"] ?? namespace);
          const service = objects.find(
            ({ object: o, namespace: n }) => o.kind === "Service" && n === ns && o.metadata?.name === ref["name"],
          );
          if (service === undefined) return [];
          const spec = obj(service.object["spec"]);
          const port = list(spec["ports"]).find((p) => p["port"] === ref["port"]);
          const target = port?.["targetPort"] ?? port?.["port"];
          const labels = obj(spec["selector"]);
          return [{ namespace: ns, labels, port: typeof target === "number" ? target : namedPort(objects, ns, labels, String(target)) }];
        }),
      ),
    );
}

/** The number of a named container port of the pods a selector selects (a Service's `targetPort: http`). */
function namedPort(objects: readonly ClusterObject[], namespace: string, selector: Obj, name: string): number {
  for (const { object, namespace: ns } of objects) {
    if (ns !== namespace || !["Deployment", "StatefulSet", "DaemonSet"].includes(object.kind)) continue;
    const template = obj(obj(object["spec"])["template"]);
    const labels = obj(obj(template["metadata"])["labels"]);
    if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) continue;
    for (const container of list(obj(template["spec"])["containers"])) {
      const port = list(container["ports"]).find((p) => p["name"] === name);
      if (port !== undefined) return Number(port["containerPort"]);
    }
  }
  throw new Error(`no pod in ${namespace} selected by ${JSON.stringify(selector)} names a port ${name}`);
}

/** Whether a NetworkPolicy peer admits the flow's other end. */
function peerAdmits(peer: Obj, end: FlowEnd, placeholders: ReadonlyMap<string, string>, policyNamespace: string): boolean {
  const ipBlock = obj(peer["ipBlock"]);
  if ("subnets" in end) return (placeholders.get(String(ipBlock["cidr"])) ?? "").includes(`outputs.${end.subnets}`);
  if ("awsApis" in end) {
    const cidr = String(ipBlock["cidr"] ?? "");
    return cidr === "0.0.0.0/0" || (placeholders.get(cidr) ?? "").includes("vpc_endpoint_cidrs");
  }
  if ("controlPlane" in end) {
    // The control plane's interfaces live in the cluster's subnets (private-app); pods dial the
    // API server at the `kubernetes` Service's address.
    const expression = placeholders.get(String(ipBlock["cidr"] ?? "")) ?? "";
    return expression.includes("outputs.private_app_subnet_cidrs") || expression.includes("data.kubernetes_service_v1.");
  }
  if ("pods" in end) {
    const namespaceMatches =
      peer["namespaceSelector"] === undefined
        ? end.pods.namespace === policyNamespace
        : selects(peer["namespaceSelector"], { "kubernetes.io/metadata.name": end.pods.namespace });
    return namespaceMatches && (peer["podSelector"] === undefined || selects(peer["podSelector"], end.pods.labels));
  }
  return false;
}

/** Whether some policy of `namespace` admits traffic of `direction` for `pods` with `other` on `port`. */
function admitted(
  objects: readonly ClusterObject[],
  direction: "Ingress" | "Egress",
  pods: { namespace: string; labels: Obj },
  other: FlowEnd,
  port: number,
  protocol: string,
  placeholders: ReadonlyMap<string, string>,
): boolean {
  return objects
    .filter(({ object, namespace }) => object.kind === "NetworkPolicy" && namespace === pods.namespace)
    .some(({ object }) => {
      const spec = obj(object["spec"]);
      const types = Array.isArray(spec["policyTypes"]) ? (spec["policyTypes"] as string[]) : [];
      if (!types.includes(direction) || !selects(spec["podSelector"], pods.labels)) return false;
      return list(spec[direction === "Ingress" ? "ingress" : "egress"]).some((rule) => {
        const peers = list(rule[direction === "Ingress" ? "from" : "to"]);
        const ports = list(rule["ports"]);
        const portOk = ports.length === 0 || ports.some((p) => Number(p["port"]) === port && (p["protocol"] ?? "TCP") === protocol);
        return portOk && (peers.length === 0 || peers.some((peer) => peerAdmits(peer, other, placeholders, pods.namespace)));
      });
    });
}

/** Problems of the declared flows in a stack, and how many flow ends fell in a default-deny namespace (were checked). */
export function flowProblems(
  flows: { readonly [service: string]: readonly ServiceFlow[] },
  objects: readonly ClusterObject[],
  placeholders: ReadonlyMap<string, string>,
): { problems: string[]; checked: number } {
  const denied = defaultDenyNamespaces(objects);
  const problems: string[] = [];
  let checked = 0;
  for (const [service, serviceFlows] of Object.entries(flows)) {
    for (const flow of serviceFlows) {
      const destinations: Pods[] =
        "routeBackends" in flow.to
          ? routeBackends(objects)
          : "pods" in flow.to
            ? [{ namespace: flow.to.pods.namespace, labels: flow.to.pods.labels, port: typeof flow.port === "number" ? flow.port : 0 }]
            : [];
      for (const destination of destinations) {
        if (!denied.has(destination.namespace)) continue;
        checked += 1;
        if (!admitted(objects, "Ingress", destination, flow.from, destination.port, flow.protocol, placeholders)) {
          problems.push(
            `${service} flow ${flow.name}: namespace ${destination.namespace} denies by default and no NetworkPolicy admits it into pods ${JSON.stringify(destination.labels)} on ${flow.protocol}/${destination.port}`,
          );
        }
      }
      if ("pods" in flow.from && denied.has(flow.from.pods.namespace)) {
        checked += 1;
        const port = typeof flow.port === "number" ? flow.port : 0;
        if (!admitted(objects, "Egress", flow.from.pods, flow.to, port, flow.protocol, placeholders)) {
          problems.push(
            `${service} flow ${flow.name}: namespace ${flow.from.pods.namespace} denies by default and no NetworkPolicy lets its pods out on ${flow.protocol}/${port}`,
          );
        }
      }
    }
  }
  return { problems, checked };
}
