import { parse as parseYaml } from "yaml";
import { eachResource, type TerraformJson } from "../support/synthesized";
import type { PolicyRule, Violation } from "./rules";

/*
 * Kubernetes and Helm guarantees over the synthesized Terraform JSON of the kubernetes and helm
 * providers. The JSON is the providers' shape: snake_case keys, and blocks that cdktf writes as an
 * object (a block of at most one) or as a list, depending on the provider schema. Every reader here
 * goes through `blocks`/`block`, so both spellings are read alike.
 */

type Body = Record<string, unknown>;

const isObject = (value: unknown): value is Body => typeof value === "object" && value !== null && !Array.isArray(value);

/** A Terraform block as a list, whether written as one object or as a list of objects. */
export const blocks = (value: unknown): Body[] => (Array.isArray(value) ? value.filter(isObject) : isObject(value) ? [value] : []);

/** The first (single) block, if any. */
const block = (value: unknown): Body | undefined => blocks(value)[0];

/** A literal `true`; Terraform JSON may carry booleans as strings. */
const isTrue = (value: unknown) => value === true || value === "true";
const isFalse = (value: unknown) => value === false || value === "false";
const isToken = (value: unknown) => typeof value === "string" && value.includes("${");

const ofTypes = (doc: TerraformJson, types: readonly string[]) => eachResource(doc).filter(([, type]) => types.includes(type));

/**
 * Where each workload type keeps its pod spec, as a path of (single) blocks from the resource body.
 * Every type of the kubernetes provider that embeds a pod template is listed, used or not, so a
 * StatefulSet or CronJob added later is checked like a Deployment.
 */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  kubernetes_deployment: ["spec", "template", "spec"],
  kubernetes_deployment_v1: ["spec", "template", "spec"],
  kubernetes_stateful_set: ["spec", "template", "spec"],
  kubernetes_stateful_set_v1: ["spec", "template", "spec"],
  kubernetes_daemonset: ["spec", "template", "spec"],
  kubernetes_daemon_set_v1: ["spec", "template", "spec"],
  kubernetes_replication_controller: ["spec", "template", "spec"],
  kubernetes_replication_controller_v1: ["spec", "template", "spec"],
  kubernetes_job: ["spec", "template", "spec"],
  kubernetes_job_v1: ["spec", "template", "spec"],
  kubernetes_cron_job: ["spec", "job_template", "spec", "template", "spec"],
  kubernetes_cron_job_v1: ["spec", "job_template", "spec", "template", "spec"],
  kubernetes_pod: ["spec"],
  kubernetes_pod_v1: ["spec"],
};

/** Every pod spec of the document, by the address of the workload that holds it. */
function podSpecs(doc: TerraformJson): [string, Body][] {
  return ofTypes(doc, Object.keys(POD_SPEC_PATHS)).map(([address, type, body]) => {
    let node: Body | undefined = body;
    for (const key of POD_SPEC_PATHS[type]!) node = block(node?.[key]);
    return [address, node ?? {}];
  });
}

interface Container {
  /** `container backend` or `init_container migrate`. */
  readonly label: string;
  readonly init: boolean;
  readonly body: Body;
}

const containersOf = (pod: Body): Container[] => [
  ...blocks(pod["init_container"]).map((body) => ({ label: `init_container ${String(body["name"])}`, init: true, body })),
  ...blocks(pod["container"]).map((body) => ({ label: `container ${String(body["name"])}`, init: false, body })),
];

/** Pods that run to completion (Jobs): a probe would restart or gate nothing. */
const RUN_TO_COMPLETION = new Set(["kubernetes_job", "kubernetes_job_v1", "kubernetes_cron_job", "kubernetes_cron_job_v1"]);
const typeOf = (address: string) => address.slice(0, address.indexOf("."));

/** Runs `check` over every container of every pod spec; a pod spec without containers is a violation itself. */
function eachContainer(doc: TerraformJson, check: (container: Container, pod: Body, address: string) => string[]): Violation[] {
  return podSpecs(doc).flatMap(([address, pod]) => {
    const containers = containersOf(pod);
    if (containers.length === 0) return [{ address, message: "pod template without containers (nothing to check)" }];
    return containers.flatMap((container) =>
      check(container, pod, address).map((problem) => ({ address, message: `${container.label}: ${problem}` })),
    );
  });
}

const QUANTITIES = ["cpu", "memory"] as const;
const PROBE_HANDLERS = ["exec", "http_get", "tcp_socket", "grpc"] as const;
const POD_SECURITY_LEVELS = new Set(["restricted", "baseline", "privileged"]);
/** The label the workloads stack puts on application namespaces (modules/kubernetes/workload-namespace.ts). */
const APPLICATION_NAMESPACE_LABEL = "platform.acme.example/workload";
const POD_SECURITY_ENFORCE = "pod-security.kubernetes.io/enforce";
/** Same value as POD_SECURITY_JUSTIFICATION_ANNOTATION in modules/kubernetes/workload-namespace.ts, written out so the policy does not trust the module. */
const POD_SECURITY_JUSTIFICATION = "platform.acme.example/pod-security-justification";
const EXACT_VERSION = /^\d+\.\d+\.\d+$/;
/** A cdktf asset: `assets/<construct id>/<content hash>[/file]`, so the chart is pinned by its content. */
const ASSET_CHART = /^assets\/[^/]+\/[0-9A-Fa-f]{32,}(\/[^/]+)*$/;

/** The values documents of a helm_release (`values` is a list of YAML/JSON strings), parsed. */
function helmValues(body: Body): { readonly values: unknown[]; readonly unreadable: number } {
  const texts = (Array.isArray(body["values"]) ? (body["values"] as unknown[]) : []).filter(
    (text): text is string => typeof text === "string",
  );
  const values: unknown[] = [];
  let unreadable = 0;
  for (const text of texts) {
    try {
      values.push(JSON.parse(text));
    } catch {
      try {
        values.push(parseYaml(text));
      } catch {
        unreadable += 1;
      }
    }
  }
  return { values, unreadable };
}

/** Every object of a values tree whose `kind` is `kind` (Kubernetes objects a local chart renders from its values). */
function objectsOfKind(tree: unknown, kind: string): Body[] {
  if (Array.isArray(tree)) return tree.flatMap((item) => objectsOfKind(item, kind));
  if (!isObject(tree)) return [];
  return [...(tree["kind"] === kind ? [tree] : []), ...Object.values(tree).flatMap((value) => objectsOfKind(value, kind))];
}

/** Karpenter's NodePools of each helm_release, with the EC2NodeClasses of the same release. */
function karpenterNodePools(doc: TerraformJson): { address: string; pool: Body; classes: Body[] }[] {
  return ofTypes(doc, ["helm_release"]).flatMap(([address, , body]) => {
    const { values } = helmValues(body);
    const classes = objectsOfKind(values, "EC2NodeClass");
    return objectsOfKind(values, "NodePool").map((pool) => ({ address, pool, classes }));
  });
}
const nameOf = (object: Body) => String(block(object["metadata"])?.["name"] ?? "(unnamed)");

/** The dotted path of every object in a values tree whose `type` is one of `types`. */
function serviceTypesIn(tree: unknown, types: ReadonlySet<string>, at = ""): [string, string][] {
  if (Array.isArray(tree)) return tree.flatMap((item, index) => serviceTypesIn(item, types, `${at}[${index}]`));
  if (!isObject(tree)) return [];
  const own: [string, string][] =
    typeof tree["type"] === "string" && types.has(tree["type"]) ? [[at === "" ? "type" : `${at}.type`, tree["type"]]] : [];
  return [...own, ...Object.entries(tree).flatMap(([key, child]) => serviceTypesIn(child, types, at === "" ? key : `${at}.${key}`))];
}

/** The chart's own name: `external-dns` for `external-dns`, `external-dns/external-dns` or an oci:// reference. */
const chartName = (chart: string) =>
  chart
    .split("/")
    .filter((part) => part !== "")
    .at(-1) ?? "";

/** How a NetworkPolicy names its namespace when it refers to the namespace resource at `address`. */
const namespaceReferences = (address: string) =>
  new Set([`\${${address}.metadata[0].name}`, `\${${address}.metadata.0.name}`, `\${${address}.id}`]);

/** A selector that selects everything: no labels and no expressions. */
const selectsAll = (selector: Body | undefined) =>
  selector !== undefined &&
  Object.keys(block(selector["match_labels"]) ?? {}).length === 0 &&
  blocks(selector["match_expressions"]).length === 0;

export const KUBERNETES_POLICY_RULES: readonly PolicyRule[] = [
  {
    id: "karpenter-nodepool-imdsv2",
    rationale:
      "Every Karpenter NodePool launches through an EC2NodeClass that requires IMDSv2 with hop limit 1 (FSBP EC2.8, EC2.170): pods cannot reach the node's role through the instance metadata. A NodePool whose node class is not released with it cannot be checked, and fails.",
    subjects: (doc) => karpenterNodePools(doc).map(({ address, pool }) => `${address} NodePool ${nameOf(pool)}`),
    check: (doc) =>
      karpenterNodePools(doc).flatMap(({ address, pool, classes }) => {
        const reference = block(block(block(block(pool["spec"])?.["template"])?.["spec"])?.["nodeClassRef"]);
        const nodeClass = classes.find((candidate) => nameOf(candidate) === String(reference?.["name"]));
        const where = `NodePool ${nameOf(pool)}`;
        if (nodeClass === undefined) {
          return [
            { address, message: `${where}: its EC2NodeClass ${String(reference?.["name"])} is not released with it (cannot check IMDSv2)` },
          ];
        }
        const metadata = block(block(nodeClass["spec"])?.["metadataOptions"]) ?? {};
        const problems: Violation[] = [];
        if (metadata["httpTokens"] !== "required")
          problems.push({
            address,
            message: `${where}: EC2NodeClass ${nameOf(nodeClass)} does not require IMDSv2 (metadataOptions.httpTokens)`,
          });
        if (Number(metadata["httpPutResponseHopLimit"]) !== 1)
          problems.push({
            address,
            message: `${where}: EC2NodeClass ${nameOf(nodeClass)} IMDS hop limit is not 1: pods could reach the node's role`,
          });
        return problems;
      }),
  },
  {
    id: "k8s-container-resources",
    rationale:
      "Every container requests and is limited in CPU and memory: the scheduler places it, the autoscalers measure it, and a leak cannot starve its node (CIS Kubernetes 5.7 general policies; NSA/CISA Kubernetes hardening).",
    subjects: (doc) => podSpecs(doc).map(([address]) => address),
    check: (doc) =>
      eachContainer(doc, ({ body }) => {
        const resources = block(body["resources"]) ?? {};
        const problems: string[] = [];
        for (const kind of ["requests", "limits"] as const) {
          const quantities = (block(resources[kind]) ?? {}) as Body;
          for (const quantity of QUANTITIES) {
            const value = quantities[quantity];
            if (value === undefined || value === null || String(value).trim() === "")
              problems.push(`no ${quantity} ${kind === "requests" ? "request" : "limit"}`);
          }
        }
        return problems;
      }),
  },
  {
    id: "k8s-container-probes",
    rationale:
      "Every (non-init) container has a liveness and a readiness probe with a handler: rolling updates, PodDisruptionBudgets and Service endpoints rely on readiness, restarts on liveness.",
    subjects: (doc) => podSpecs(doc).map(([address]) => address),
    check: (doc) =>
      eachContainer(doc, ({ body, init }, _pod, address) =>
        init || RUN_TO_COMPLETION.has(typeOf(address))
          ? []
          : (["liveness_probe", "readiness_probe"] as const).flatMap((probe) => {
              const found = block(body[probe]);
              if (found === undefined) return [`no ${probe}`];
              return PROBE_HANDLERS.some((handler) => blocks(found[handler]).length > 0)
                ? []
                : [`${probe} without a handler (${PROBE_HANDLERS.join(", ")})`];
            }),
      ),
  },
  {
    id: "k8s-hardened-security-context",
    rationale:
      "Containers meet the Pod Security Standard `restricted` at synth time, not only at admission: non-root, no privilege escalation, read-only root filesystem, not privileged, ALL capabilities dropped (NET_BIND_SERVICE alone may be added back), seccomp RuntimeDefault (CIS Kubernetes 5.2, 5.7.2).",
    subjects: (doc) => podSpecs(doc).map(([address]) => address),
    check: (doc) =>
      eachContainer(doc, ({ body }, pod) => {
        const podContext = block(pod["security_context"]) ?? {};
        const context = block(body["security_context"]) ?? {};
        // A container's setting overrides the pod's.
        const effective = (key: string) => (context[key] !== undefined ? context[key] : podContext[key]);
        const problems: string[] = [];
        if (!isTrue(effective("run_as_non_root"))) problems.push("run_as_non_root is not true (pod or container)");
        const user = effective("run_as_user");
        if (user !== undefined && String(user) === "0") problems.push("run_as_user is 0 (root)");
        if (!isFalse(context["allow_privilege_escalation"])) problems.push("allow_privilege_escalation is not false");
        if (!isTrue(context["read_only_root_filesystem"])) problems.push("read_only_root_filesystem is not true");
        if (isTrue(context["privileged"])) problems.push("privileged");
        const capabilities = block(context["capabilities"]) ?? {};
        const drop = (Array.isArray(capabilities["drop"]) ? (capabilities["drop"] as unknown[]) : []).map(String);
        if (!drop.includes("ALL")) problems.push("capabilities do not drop ALL");
        const added = (Array.isArray(capabilities["add"]) ? (capabilities["add"] as unknown[]) : [])
          .map(String)
          .filter((cap) => cap !== "NET_BIND_SERVICE");
        if (added.length > 0) problems.push(`adds capabilities ${added.join(", ")}`);
        const seccomp = block(context["seccomp_profile"]) ?? block(podContext["seccomp_profile"]);
        if (seccomp?.["type"] !== "RuntimeDefault") problems.push("seccomp profile is not RuntimeDefault (pod or container)");
        return problems;
      }),
  },
  {
    id: "k8s-service-port-is-container-port",
    rationale:
      "A Service's port equals the container port it targets: the EKS network-policy agent evaluates policies against the pod's port, and Amazon EKS documents that a Service port different from the container port can be dropped by it (EKS user guide, network policies, considerations).",
    subjects: (doc) => ofTypes(doc, ["kubernetes_service_v1", "kubernetes_service"]).map(([address]) => address),
    check: (doc) => {
      // Container ports by name, per Deployment pod labels (what a Service selector matches).
      const workloads = ofTypes(doc, ["kubernetes_deployment_v1", "kubernetes_deployment"]).map(([, , body]) => {
        const spec = block(block(block(body["spec"])?.["template"])?.["spec"]) ?? {};
        const labels = (block(block(block(body["spec"])?.["template"])?.["metadata"])?.["labels"] ?? {}) as Body;
        const ports = blocks(spec["container"]).flatMap((container) => blocks(container["port"]));
        return { labels, ports };
      });
      return ofTypes(doc, ["kubernetes_service_v1", "kubernetes_service"]).flatMap(([address, , body]) => {
        const spec = block(body["spec"]) ?? {};
        const selector = (spec["selector"] ?? {}) as Body;
        const selected = workloads.filter(
          (w) => Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => w.labels[k] === v),
        );
        return blocks(spec["port"]).flatMap((port) => {
          const target = port["target_port"] ?? port["port"];
          const containerPorts = selected
            .flatMap((w) => w.ports)
            .filter((p) => p["name"] === target || String(p["container_port"]) === String(target));
          return containerPorts
            .filter((p) => String(p["container_port"]) !== String(port["port"]))
            .map((p) => ({
              address,
              message: `port ${String(port["port"])} targets container port ${String(p["container_port"])} (${String(target)}): make them equal`,
            }));
        });
      });
    },
  },
  {
    id: "k8s-egress-not-whole-vpc",
    rationale:
      "No NetworkPolicy lets pods egress to the whole VPC (the network layer's vpc_cidr, or any /16 or wider): the VPC holds the EKS API server's interfaces, the data stores and every other pod; egress names the subnets or reserved ranges it means (the interface endpoints' /28s, the data tier).",
    subjects: (doc) => ofTypes(doc, ["kubernetes_network_policy_v1", "kubernetes_network_policy"]).map(([address]) => address),
    check: (doc) =>
      ofTypes(doc, ["kubernetes_network_policy_v1", "kubernetes_network_policy"]).flatMap(([address, , body]) =>
        blocks(block(body["spec"])?.["egress"])
          .flatMap((rule) => blocks(rule["to"]))
          .map((peer) => String(block(peer["ip_block"])?.["cidr"] ?? ""))
          .filter(
            (cidr) =>
              cidr.includes("outputs.vpc_cidr}") ||
              (/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(cidr) && Number(cidr.split("/")[1]) <= 16 && cidr !== "0.0.0.0/0"),
          )
          .map((cidr) => ({ address, message: `egress to ${cidr}: the whole VPC (or a /16), which includes the API server's interfaces` })),
      ),
  },
  {
    id: "k8s-no-host-access",
    rationale:
      "No pod shares the node's network, PID or IPC namespace, mounts a host path or binds a host port (Pod Security Standard baseline; CIS Kubernetes 5.2.2-5.2.4). Agents that need the node run from Helm charts in a namespace with a written justification.",
    subjects: (doc) => podSpecs(doc).map(([address]) => address),
    check: (doc) =>
      podSpecs(doc).flatMap(([address, pod]) => {
        const problems: string[] = [];
        for (const key of ["host_network", "host_pid", "host_ipc"]) if (isTrue(pod[key])) problems.push(`${key} is true`);
        for (const volume of blocks(pod["volume"]))
          if (blocks(volume["host_path"]).length > 0) problems.push(`volume ${String(volume["name"])} mounts a host path`);
        for (const { label, body } of containersOf(pod)) {
          for (const port of blocks(body["port"]))
            if (port["host_port"] !== undefined) problems.push(`${label}: binds host port ${String(port["host_port"])}`);
        }
        return problems.map((message) => ({ address, message }));
      }),
  },
  {
    id: "k8s-no-load-balancer-services",
    rationale:
      "The internet reaches the cluster through one entry: the ALB the AWS Load Balancer Controller makes from the Gateway (Gateway API, ADR 0007), straight to pod IPs. No Service is a LoadBalancer, in a chart's values or our own, and none is a NodePort (which opens a port on every node).",
    subjects: (doc) => ofTypes(doc, ["kubernetes_service", "kubernetes_service_v1", "helm_release"]).map(([address]) => address),
    check: (doc) => {
      const services = ofTypes(doc, ["kubernetes_service", "kubernetes_service_v1"])
        .filter(([, , body]) => ["LoadBalancer", "NodePort"].includes(String(block(body["spec"])?.["type"])))
        .map(([address, , body]) => ({ address, message: `Service of type ${String(block(body["spec"])?.["type"])}` }));
      const releases = ofTypes(doc, ["helm_release"]).flatMap(([address, , body]) => {
        const chart = chartName(String(body["chart"] ?? ""));
        const { values, unreadable } = helmValues(body);
        const problems: Violation[] = [];
        if (unreadable > 0)
          problems.push({ address, message: `${unreadable} values document(s) neither JSON nor YAML: Service types cannot be checked` });
        for (const [at, type] of values.flatMap((tree) => serviceTypesIn(tree, new Set(["LoadBalancer", "NodePort"])))) {
          problems.push({ address, message: `values ${at} is ${type} in chart ${chart}` });
        }
        for (const set of [...blocks(body["set"]), ...blocks(body["set_string"])]) {
          const name = String(set["name"] ?? "");
          const type = String(set["value"] ?? "");
          if ((name === "type" || name.endsWith(".type")) && (type === "NodePort" || type === "LoadBalancer")) {
            problems.push({ address, message: `set ${name} is ${type} in chart ${chart}` });
          }
        }
        return problems;
      });
      return [...services, ...releases];
    },
  },
  {
    id: "k8s-namespaces-enforce-psa",
    rationale:
      "Every namespace enforces a Pod Security Standard level through Pod Security Admission; any level but `restricted` carries a written justification (annotation platform.acme.example/pod-security-justification, see modules/kubernetes/workload-namespace.ts).",
    subjects: (doc) => ofTypes(doc, ["kubernetes_namespace", "kubernetes_namespace_v1"]).map(([address]) => address),
    check: (doc) =>
      ofTypes(doc, ["kubernetes_namespace", "kubernetes_namespace_v1"]).flatMap(([address, , body]) => {
        const metadata = block(body["metadata"]) ?? {};
        const labels = (block(metadata["labels"]) ?? {}) as Body;
        const annotations = (block(metadata["annotations"]) ?? {}) as Body;
        const level = labels[POD_SECURITY_ENFORCE];
        if (level === undefined) return [{ address, message: `no ${POD_SECURITY_ENFORCE} label` }];
        if (typeof level !== "string" || !POD_SECURITY_LEVELS.has(level))
          return [{ address, message: `${POD_SECURITY_ENFORCE} is ${JSON.stringify(level)}, not a literal level` }];
        const justification = annotations[POD_SECURITY_JUSTIFICATION];
        if (level !== "restricted" && (typeof justification !== "string" || justification.trim() === "")) {
          return [{ address, message: `enforces "${level}" without a ${POD_SECURITY_JUSTIFICATION} annotation` }];
        }
        return [];
      }),
  },
  {
    id: "k8s-default-deny",
    rationale:
      "Every application namespace (labelled `platform.acme.example/workload: application`) starts from zero trust: a NetworkPolicy selecting all pods, for Ingress and Egress, with no rule, so only flows other policies allow pass (NSA/CISA Kubernetes hardening; CIS Kubernetes 5.3.2).",
    subjects: (doc) =>
      ofTypes(doc, ["kubernetes_namespace", "kubernetes_namespace_v1"])
        .filter(
          ([, , body]) => (block(block(body["metadata"])?.["labels"]) as Body | undefined)?.[APPLICATION_NAMESPACE_LABEL] === "application",
        )
        .map(([address]) => address),
    check: (doc) => {
      const policies = ofTypes(doc, ["kubernetes_network_policy", "kubernetes_network_policy_v1"]).map(([, , body]) => ({
        namespace: String(block(body["metadata"])?.["namespace"] ?? "default"),
        spec: block(body["spec"]) ?? {},
      }));
      const denyAll = (spec: Body) => {
        const types = (Array.isArray(spec["policy_types"]) ? (spec["policy_types"] as unknown[]) : []).map(String);
        return (
          selectsAll(block(spec["pod_selector"])) &&
          types.includes("Ingress") &&
          types.includes("Egress") &&
          // An empty rule (`ingress: [{}]`) allows everything, so any rule at all disqualifies.
          blocks(spec["ingress"]).length === 0 &&
          blocks(spec["egress"]).length === 0
        );
      };
      return ofTypes(doc, ["kubernetes_namespace", "kubernetes_namespace_v1"])
        .filter(
          ([, , body]) => (block(block(body["metadata"])?.["labels"]) as Body | undefined)?.[APPLICATION_NAMESPACE_LABEL] === "application",
        )
        .filter(([address, , body]) => {
          const name = block(body["metadata"])?.["name"];
          const names = namespaceReferences(address);
          if (typeof name === "string" && !isToken(name)) names.add(name);
          return !policies.some((policy) => names.has(policy.namespace) && denyAll(policy.spec));
        })
        .map(([address, , body]) => ({
          address,
          message: `application namespace ${String(block(body["metadata"])?.["name"])} has no default-deny NetworkPolicy (empty pod selector, Ingress and Egress, no rules)`,
        }));
    },
  },
  {
    id: "helm-charts-pinned",
    rationale:
      "A plan installs exactly the chart that was reviewed: a remote chart comes from an https:// repository or an OCI registry (oci://, which Helm reaches over TLS only; Karpenter publishes only there) at an exact x.y.z version (no range, tag or pre-release); a local chart is a cdktf asset, pinned by the content hash in its path (and any version it states is exact).",
    subjects: (doc) => ofTypes(doc, ["helm_release"]).map(([address]) => address),
    check: (doc) =>
      ofTypes(doc, ["helm_release"]).flatMap(([address, , body]) => {
        const chart = String(body["chart"] ?? "");
        const repository = body["repository"];
        const version = body["version"];
        const problems: Violation[] = [];
        const local = repository === undefined && ASSET_CHART.test(chart);
        if (!local) {
          if (typeof repository !== "string" || !(repository.startsWith("https://") || repository.startsWith("oci://"))) {
            problems.push({
              address,
              message: `chart ${chart} neither from an https:// or oci:// repository (${String(repository)}) nor a local asset`,
            });
          }
          if (typeof version !== "string" || !EXACT_VERSION.test(version))
            problems.push({ address, message: `chart ${chart} version ${String(version)} is not an exact x.y.z` });
        } else if (version !== undefined && (typeof version !== "string" || !EXACT_VERSION.test(version))) {
          problems.push({ address, message: `local chart version ${String(version)} is not an exact x.y.z` });
        }
        return problems;
      }),
  },
];
