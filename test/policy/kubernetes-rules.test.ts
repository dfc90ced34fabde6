import { describe, expect, it } from "vitest";
import type { TerraformJson } from "../support/synthesized";
import { KUBERNETES_POLICY_RULES } from "./kubernetes-rules";
import type { PolicyRule } from "./rules";

/**
 * Each Kubernetes rule catches the mistake it exists for (a hand-written offending document) and
 * passes a compliant one. Documents are in the kubernetes provider's Terraform JSON shape, with
 * blocks written both ways cdktf writes them (an object for a single block, or a list).
 */
const rule = (id: string): PolicyRule => {
  const found = KUBERNETES_POLICY_RULES.find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`no rule ${id}`);
  return found;
};
const CONTEXT = { production: false } as const;
const resources = (resource: TerraformJson["resource"]): TerraformJson => ({ resource });
const check = (id: string, doc: TerraformJson) => rule(id).check(doc, CONTEXT);

type Body = Record<string, unknown>;

/** A container that keeps every container rule, as the web-service module writes it. */
const compliantContainer = (): Body => ({
  name: "app",
  image: "${var.image}",
  resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
  liveness_probe: { http_get: { path: "/healthz", port: "http" } },
  readiness_probe: { http_get: { path: "/ready", port: "http" } },
  security_context: {
    allow_privilege_escalation: false,
    read_only_root_filesystem: true,
    privileged: false,
    capabilities: { drop: ["ALL"] },
  },
  port: [{ container_port: 8080, name: "http" }],
});
const compliantPodSpec = (container: Body = compliantContainer()): Body => ({
  security_context: { run_as_non_root: true, run_as_user: "10001", seccomp_profile: { type: "RuntimeDefault" } },
  container: [container],
});
const deployment = (podSpec: Body = compliantPodSpec()): TerraformJson =>
  resources({ kubernetes_deployment_v1: { app: { metadata: { name: "app" }, spec: { template: { spec: podSpec } } } } });
const withContainer = (change: (container: Body) => Body) => deployment(compliantPodSpec(change(compliantContainer())));

describe("kubernetes policy rules pass compliant documents", () => {
  it.each(KUBERNETES_POLICY_RULES.map((r) => [r.id] as const))("%s: a compliant deployment", (id) => {
    expect(check(id, deployment())).toEqual([]);
  });

  it("every rule has a rationale and a unique id", () => {
    const ids = KUBERNETES_POLICY_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of KUBERNETES_POLICY_RULES) expect(r.rationale.length).toBeGreaterThan(20);
  });
});

describe("k8s-container-resources", () => {
  it("a container without a memory limit and without requests", () => {
    const doc = withContainer((c) => ({ ...c, resources: { limits: { cpu: "1" } } }));
    expect(check("k8s-container-resources", doc)).toEqual([
      { address: "kubernetes_deployment_v1.app", message: "container app: no cpu request" },
      { address: "kubernetes_deployment_v1.app", message: "container app: no memory request" },
      { address: "kubernetes_deployment_v1.app", message: "container app: no memory limit" },
    ]);
  });

  it("an init container of a StatefulSet, resources written as a list block", () => {
    const pod = { ...compliantPodSpec(), init_container: [{ name: "migrate", resources: [{ requests: { cpu: "1", memory: "1Gi" } }] }] };
    const doc = resources({ kubernetes_stateful_set_v1: { db: { spec: [{ template: [{ spec: [pod] }] }] } } });
    expect(check("k8s-container-resources", doc).map((v) => `${v.address}: ${v.message}`)).toEqual([
      "kubernetes_stateful_set_v1.db: init_container migrate: no cpu limit",
      "kubernetes_stateful_set_v1.db: init_container migrate: no memory limit",
    ]);
  });

  it("a CronJob's pod template, and a pod template with no container at all", () => {
    const doc = resources({
      kubernetes_cron_job_v1: { nightly: { spec: { job_template: { spec: { template: { spec: { container: [{ name: "job" }] } } } } } } },
      kubernetes_daemon_set_v1: { empty: { spec: { template: { spec: {} } } } },
    });
    expect(check("k8s-container-resources", doc).map((v) => v.address)).toEqual([
      ...Array<string>(4).fill("kubernetes_cron_job_v1.nightly"),
      "kubernetes_daemon_set_v1.empty",
    ]);
  });
});

describe("k8s-container-probes", () => {
  it("a container without a readiness probe, and a liveness probe without a handler", () => {
    const doc = withContainer(({ readiness_probe: _readiness, ...c }) => ({ ...c, liveness_probe: { initial_delay_seconds: 5 } }));
    expect(check("k8s-container-probes", doc).map((v) => v.message)).toEqual([
      "container app: liveness_probe without a handler (exec, http_get, tcp_socket, grpc)",
      "container app: no readiness_probe",
    ]);
  });

  it("init containers need no probes (Kubernetes forbids them)", () => {
    const pod = { ...compliantPodSpec(), init_container: [{ name: "migrate" }] };
    expect(check("k8s-container-probes", deployment(pod))).toEqual([]);
  });
});

describe("k8s-hardened-security-context", () => {
  it("a container with every hardening missing", () => {
    const doc = deployment({
      container: [{ ...compliantContainer(), security_context: { privileged: true, capabilities: { add: ["SYS_ADMIN"] } } }],
    });
    expect(check("k8s-hardened-security-context", doc).map((v) => v.message)).toEqual([
      "container app: run_as_non_root is not true (pod or container)",
      "container app: allow_privilege_escalation is not false",
      "container app: read_only_root_filesystem is not true",
      "container app: privileged",
      "container app: capabilities do not drop ALL",
      "container app: adds capabilities SYS_ADMIN",
      "container app: seccomp profile is not RuntimeDefault (pod or container)",
    ]);
  });

  it("a container overriding the pod: run_as_non_root false, root user, Unconfined seccomp", () => {
    const doc = withContainer((c) => ({
      ...c,
      security_context: {
        ...(c["security_context"] as Body),
        run_as_non_root: false,
        run_as_user: 0,
        seccomp_profile: [{ type: "Unconfined" }],
      },
    }));
    expect(check("k8s-hardened-security-context", doc).map((v) => v.message)).toEqual([
      "container app: run_as_non_root is not true (pod or container)",
      "container app: run_as_user is 0 (root)",
      "container app: seccomp profile is not RuntimeDefault (pod or container)",
    ]);
  });

  it("container-level non-root and seccomp suffice without a pod security context; NET_BIND_SERVICE may be added", () => {
    const container = compliantContainer();
    const context = {
      ...(container["security_context"] as Body),
      run_as_non_root: true,
      seccomp_profile: { type: "RuntimeDefault" },
      capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] },
    };
    expect(check("k8s-hardened-security-context", deployment({ container: [{ ...container, security_context: [context] }] }))).toEqual([]);
  });
});

describe("k8s-no-host-access", () => {
  it("host namespaces, a hostPath volume and a host port", () => {
    const pod = {
      ...compliantPodSpec({ ...compliantContainer(), port: [{ container_port: 8080, host_port: 8080 }] }),
      host_network: true,
      host_pid: "true",
      volume: [{ name: "root", host_path: { path: "/" } }],
    };
    expect(check("k8s-no-host-access", deployment(pod)).map((v) => v.message)).toEqual([
      "host_network is true",
      "host_pid is true",
      "volume root mounts a host path",
      "container app: binds host port 8080",
    ]);
  });
});

describe("k8s-no-load-balancer-services", () => {
  it("LoadBalancer and NodePort Services, not ClusterIP", () => {
    const doc = resources({
      kubernetes_service_v1: {
        lb: { spec: { type: "LoadBalancer" } },
        np: { spec: [{ type: "NodePort" }] },
        ok: { spec: { type: "ClusterIP" } },
      },
      kubernetes_service: { old: { spec: { type: "LoadBalancer" } } },
    });
    expect(check("k8s-no-load-balancer-services", doc).map((v) => v.address)).toEqual([
      "kubernetes_service_v1.lb",
      "kubernetes_service_v1.np",
      "kubernetes_service.old",
    ]);
  });

  it("a LoadBalancer or NodePort deep in any chart's values (the entry is the Gateway's ALB, no chart's Service)", () => {
    const values = (tree: unknown) => [JSON.stringify(tree)];
    const doc = resources({
      helm_release: {
        retired: { chart: "ingress-nginx", values: values({ controller: { service: { type: "LoadBalancer" } } }) },
        grafana: {
          chart: "kube-prometheus-stack",
          values: values({ grafana: { service: { type: "LoadBalancer" } }, alertmanager: { service: { type: "ClusterIP" } } }),
        },
        nodeport: { chart: "ingress-nginx/ingress-nginx", values: values({ controller: { service: { type: "NodePort" } } }) },
        listed: { chart: "oci://registry.example/charts/other", values: values({ services: [{ type: "LoadBalancer" }] }) },
        yaml: { chart: "argo-cd", values: ["server:\n  service:\n    type: LoadBalancer\n"] },
        set: { chart: "other", set: [{ name: "service.type", value: "LoadBalancer" }] },
      },
    });
    expect(check("k8s-no-load-balancer-services", doc)).toEqual([
      { address: "helm_release.retired", message: "values controller.service.type is LoadBalancer in chart ingress-nginx" },
      { address: "helm_release.grafana", message: "values grafana.service.type is LoadBalancer in chart kube-prometheus-stack" },
      { address: "helm_release.nodeport", message: "values controller.service.type is NodePort in chart ingress-nginx" },
      { address: "helm_release.listed", message: "values services[0].type is LoadBalancer in chart other" },
      { address: "helm_release.yaml", message: "values server.service.type is LoadBalancer in chart argo-cd" },
      { address: "helm_release.set", message: "set service.type is LoadBalancer in chart other" },
    ]);
  });

  it("values it cannot read fail closed", () => {
    const doc = resources({ helm_release: { bad: { chart: "x", values: ["{ not: [json or yaml"] } } });
    expect(check("k8s-no-load-balancer-services", doc).map((v) => v.address)).toEqual(["helm_release.bad"]);
  });
});

describe("k8s-namespaces-enforce-psa", () => {
  const namespace = (labels: Body, annotations?: Body) => ({ metadata: { name: "ns", labels, ...(annotations ? { annotations } : {}) } });
  const ENFORCE = "pod-security.kubernetes.io/enforce";
  const JUSTIFICATION = "platform.acme.example/pod-security-justification";

  it("no enforce label, an unknown level, privileged without a justification", () => {
    const doc = resources({
      kubernetes_namespace_v1: {
        none: namespace({ "pod-security.kubernetes.io/warn": "restricted" }),
        typo: namespace({ [ENFORCE]: "restrict" }),
        bare: namespace({ [ENFORCE]: "privileged" }),
        blank: namespace({ [ENFORCE]: "baseline" }, { [JUSTIFICATION]: " " }),
      },
      kubernetes_namespace: { old: { metadata: [{ name: "old" }] } },
    });
    expect(check("k8s-namespaces-enforce-psa", doc).map((v) => v.address)).toEqual([
      "kubernetes_namespace_v1.none",
      "kubernetes_namespace_v1.typo",
      "kubernetes_namespace_v1.bare",
      "kubernetes_namespace_v1.blank",
      "kubernetes_namespace.old",
    ]);
  });

  it("restricted, and privileged with a written justification, pass", () => {
    const doc = resources({
      kubernetes_namespace_v1: {
        app: namespace({ [ENFORCE]: "restricted" }),
        agents: namespace({ [ENFORCE]: "privileged" }, { [JUSTIFICATION]: "node agent reads /var/log" }),
      },
    });
    expect(check("k8s-namespaces-enforce-psa", doc)).toEqual([]);
  });
});

describe("k8s-default-deny", () => {
  const restricted = (name: string) => ({
    metadata: { name, labels: { "pod-security.kubernetes.io/enforce": "restricted", "platform.acme.example/workload": "application" } },
  });
  const policy = (namespace: string, spec: Body) => ({ metadata: { name: "p", namespace }, spec });
  const DENY = { pod_selector: {}, policy_types: ["Ingress", "Egress"] };

  it("an application namespace without policies, or with policies that are not a default deny", () => {
    const doc = resources({
      kubernetes_namespace_v1: {
        bare: restricted("bare"),
        selective: restricted("selective"),
        halfway: restricted("halfway"),
        leaky: restricted("leaky"),
        privileged: { metadata: { name: "agents", labels: { "pod-security.kubernetes.io/enforce": "privileged" } } },
        platformService: { metadata: { name: "external-dns", labels: { "pod-security.kubernetes.io/enforce": "restricted" } } },
      },
      kubernetes_network_policy_v1: {
        selective: policy("selective", { ...DENY, pod_selector: { match_labels: { app: "web" } } }),
        halfway: policy("${kubernetes_namespace_v1.halfway.metadata[0].name}", { ...DENY, policy_types: ["Ingress"] }),
        leaky: policy("leaky", { ...DENY, ingress: [{}] }),
      },
    });
    expect(check("k8s-default-deny", doc).map((v) => v.address)).toEqual([
      "kubernetes_namespace_v1.bare",
      "kubernetes_namespace_v1.selective",
      "kubernetes_namespace_v1.halfway",
      "kubernetes_namespace_v1.leaky",
    ]);
  });

  it("a default deny found by literal name or by reference to the namespace resource", () => {
    const doc = resources({
      kubernetes_namespace_v1: { byName: restricted("web"), byReference: restricted("api") },
      kubernetes_network_policy_v1: {
        web: policy("web", DENY),
        api: policy("${kubernetes_namespace_v1.byReference.metadata[0].name}", { ...DENY, pod_selector: [{}] }),
      },
    });
    expect(check("k8s-default-deny", doc)).toEqual([]);
  });

  it("a default deny in another namespace does not count", () => {
    const doc = resources({
      kubernetes_namespace_v1: { web: restricted("web") },
      kubernetes_network_policy_v1: { elsewhere: policy("default", DENY) },
    });
    expect(check("k8s-default-deny", doc)).toHaveLength(1);
  });
});

describe("helm-charts-pinned", () => {
  it("ranges, tags, http, a missing repository and an unpinned local path", () => {
    const doc = resources({
      helm_release: {
        range: { chart: "a", repository: "https://charts.example", version: "^1.2.0" },
        latest: { chart: "b", repository: "https://charts.example" },
        prerelease: { chart: "c", repository: "https://charts.example", version: "1.2.3-rc.1" },
        http: { chart: "d", repository: "http://charts.example", version: "1.2.3" },
        oci: { chart: "e", repository: "oci://registry.example/charts", version: "1.x" },
        path: { chart: "./charts/local" },
        asset: { chart: "assets/chart_ABC/2F7A7CCF8D4830F20F4A3E1B1E155051", version: "1.0" },
      },
    });
    expect(check("helm-charts-pinned", doc).map((v) => `${v.address}: ${v.message}`)).toEqual([
      "helm_release.range: chart a version ^1.2.0 is not an exact x.y.z",
      "helm_release.latest: chart b version undefined is not an exact x.y.z",
      "helm_release.prerelease: chart c version 1.2.3-rc.1 is not an exact x.y.z",
      "helm_release.http: chart d neither from an https:// or oci:// repository (http://charts.example) nor a local asset",
      "helm_release.oci: chart e version 1.x is not an exact x.y.z",
      "helm_release.path: chart ./charts/local neither from an https:// or oci:// repository (undefined) nor a local asset",
      "helm_release.path: chart ./charts/local version undefined is not an exact x.y.z",
      "helm_release.asset: local chart version 1.0 is not an exact x.y.z",
    ]);
  });

  it("an exact version from https, and a content-hashed local asset, pass", () => {
    const doc = resources({
      helm_release: {
        remote: { chart: "external-dns", repository: "https://kubernetes-sigs.github.io/external-dns/", version: "1.21.1" },
        asset: { chart: "assets/backend-secrets_chart_E47459D1/2F7A7CCF8D4830F20F4A3E1B1E155051" },
      },
    });
    expect(check("helm-charts-pinned", doc)).toEqual([]);
  });
});

describe("k8s-service-port-is-container-port", () => {
  const doc = (servicePort: number): TerraformJson => ({
    resource: {
      kubernetes_deployment_v1: {
        web: {
          spec: {
            template: {
              metadata: { labels: { app: "web" } },
              spec: { container: [{ name: "web", port: [{ name: "http", container_port: 8080 }] }] },
            },
          },
        },
      },
      kubernetes_service_v1: {
        web: { spec: { selector: { app: "web" }, port: [{ name: "http", port: servicePort, target_port: "http" }] } },
      },
    },
  });

  it("a Service on 80 in front of container port 8080, but not one on 8080", () => {
    expect(check("k8s-service-port-is-container-port", doc(80))).toEqual([
      { address: "kubernetes_service_v1.web", message: "port 80 targets container port 8080 (http): make them equal" },
    ]);
    expect(check("k8s-service-port-is-container-port", doc(8080))).toEqual([]);
  });
});

describe("k8s-egress-not-whole-vpc", () => {
  const policy = (cidr: string): TerraformJson => ({
    resource: {
      kubernetes_network_policy_v1: {
        p: { spec: { egress: [{ ports: [{ port: "443", protocol: "TCP" }], to: [{ ip_block: { cidr } }] }] } },
      },
    },
  });

  it("egress to the network layer's VPC CIDR or a literal /16, but not to a reserved /28", () => {
    expect(
      check("k8s-egress-not-whole-vpc", policy("${data.terraform_remote_state.network-state.outputs.vpc_cidr}")).map((v) => v.address),
    ).toEqual(["kubernetes_network_policy_v1.p"]);
    expect(check("k8s-egress-not-whole-vpc", policy("10.10.0.0/16")).map((v) => v.address)).toEqual(["kubernetes_network_policy_v1.p"]);
    expect(check("k8s-egress-not-whole-vpc", policy("10.10.0.16/28"))).toEqual([]);
  });
});

describe("karpenter-nodepool-imdsv2", () => {
  const nodeClass = (name: string, metadataOptions: Body) => ({
    apiVersion: "karpenter.k8s.aws/v1",
    kind: "EC2NodeClass",
    metadata: { name },
    spec: { metadataOptions },
  });
  const pool = (name: string, nodeClassName: string) => ({
    apiVersion: "karpenter.sh/v1",
    kind: "NodePool",
    metadata: { name },
    spec: { template: { spec: { nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: nodeClassName } } } },
  });
  const release = (values: Body) => resources({ helm_release: { pools: { chart: "assets/pools/ABC", values: [JSON.stringify(values)] } } });

  it("a pool whose class allows IMDSv1, one whose class has hop limit 2, and one whose class is not released with it", () => {
    const doc = release({
      nodeClasses: [
        nodeClass("v1", { httpTokens: "optional", httpPutResponseHopLimit: 1 }),
        nodeClass("hops", { httpTokens: "required", httpPutResponseHopLimit: 2 }),
      ],
      nodePools: [pool("a", "v1"), pool("b", "hops"), pool("c", "elsewhere")],
    });
    expect(check("karpenter-nodepool-imdsv2", doc).map((v) => v.message)).toEqual([
      "NodePool a: EC2NodeClass v1 does not require IMDSv2 (metadataOptions.httpTokens)",
      "NodePool b: EC2NodeClass hops IMDS hop limit is not 1: pods could reach the node's role",
      "NodePool c: its EC2NodeClass elsewhere is not released with it (cannot check IMDSv2)",
    ]);
  });

  it("a pool whose class requires IMDSv2 with hop limit 1 passes, and counts as inspected", () => {
    const doc = release({
      nodeClasses: [nodeClass("default", { httpTokens: "required", httpPutResponseHopLimit: 1 })],
      nodePools: [pool("general", "default")],
    });
    expect(check("karpenter-nodepool-imdsv2", doc)).toEqual([]);
    expect(rule("karpenter-nodepool-imdsv2").subjects(doc, CONTEXT)).toEqual(["helm_release.pools NodePool general"]);
  });
});
