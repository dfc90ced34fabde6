import { Release } from "@cdktf/provider-helm/lib/release";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { StorageClassV1 } from "@cdktf/provider-kubernetes/lib/storage-class-v1";
import { Testing } from "cdktf";
import type { Construct } from "constructs";
import { describe, expect, it } from "vitest";
import { ClusterAutoscaler, type ClusterAutoscalerValues } from "../../../modules/cluster-services/cluster-autoscaler/cluster-autoscaler";
import { ExternalDns, type ExternalDnsProps, type ExternalDnsValues } from "../../../modules/cluster-services/external-dns/external-dns";
import { FluentBit, type FluentBitValues } from "../../../modules/cluster-services/fluent-bit/fluent-bit";
import { Gp3StorageClass } from "../../../modules/kubernetes/gp3-storage-class";
import { KubePrometheusStack, type KubePrometheusStackProps, type KubePrometheusStackValues } from "../../../modules/cluster-services/kube-prometheus-stack/kube-prometheus-stack";
import { MetricsServer, type MetricsServerValues } from "../../../modules/cluster-services/metrics-server/metrics-server";
import { PinnedHelmRelease, type PinnedHelmReleaseProps } from "../../../modules/cluster-services/pinned-helm-release";
import { SecretsStoreCsi, type SecretsStoreCsiDriverValues, type SecretsStoreCsiProviderAwsValues } from "../../../modules/cluster-services/secrets-store-csi/secrets-store-csi";
import { WorkloadNamespace, type WorkloadNamespaceProps } from "../../../modules/kubernetes/workload-namespace";

/** A `helm_release` as synthesized: the fields these tests read. */
interface SynthesizedRelease {
  readonly name: string;
  readonly chart: string;
  readonly namespace: string;
  readonly version: string;
  readonly values: readonly string[];
  readonly depends_on?: readonly string[];
}

interface SynthesizedJson {
  readonly resource?: { readonly helm_release?: { readonly [id: string]: SynthesizedRelease } };
}

/** The one release of `chart` in synthesized JSON. */
function releaseOf(json: string, chart: string): SynthesizedRelease {
  const releases = Object.values((JSON.parse(json) as SynthesizedJson).resource?.helm_release ?? {}).filter((release) => release.chart === chart);
  if (releases.length !== 1) throw new Error(`expected one helm_release of chart ${chart}, found ${releases.length}`);
  return releases[0] as SynthesizedRelease;
}

/** The values of the one release of `chart`, parsed as the construct's values type. */
function valuesOf<T>(json: string, chart: string): T {
  const values = releaseOf(json, chart).values;
  if (values.length !== 1) throw new Error(`expected the values of ${chart} serialized once, found ${values.length} documents`);
  return JSON.parse(values[0] as string) as T;
}

const NAMESPACE_REFERENCE = expect.stringMatching(/^\$\{kubernetes_namespace_v1\..+\.metadata\[0\]\.name\}$/);
const RELEASE_REFERENCE = expect.stringMatching(/^helm_release\./);
const synth = (build: (scope: Construct) => void) => Testing.synthScope(build);

describe("PinnedHelmRelease", () => {
  const props: PinnedHelmReleaseProps<{ readonly replicaCount: number; readonly labels: { readonly team: string } }> = {
    releaseName: "demo",
    namespace: "demo",
    chart: "metricsServer",
    version: "3.13.1",
    values: { replicaCount: 2, labels: { team: "platform" } },
  };
  const build = (overrides: Partial<typeof props> = {}) => synth((scope) => new PinnedHelmRelease(scope, "release", { ...props, ...overrides }));

  it("installs the exact chart version atomically, waits, keeps five revisions and never creates the namespace", () => {
    expect(build()).toHaveResourceWithProperties(Release, {
      name: "demo",
      namespace: "demo",
      // From the chart table's row, not from the caller.
      repository: "https://kubernetes-sigs.github.io/metrics-server/",
      chart: "metrics-server",
      version: "3.13.1",
      atomic: true,
      cleanup_on_fail: true,
      wait: true,
      timeout: 600,
      max_history: 5,
      create_namespace: false,
    });
  });

  it("serializes the typed values once, as one JSON document", () => {
    expect(valuesOf(build(), "metrics-server")).toEqual({ replicaCount: 2, labels: { team: "platform" } });
  });

  it.each(["^1.2.3", "1.2", "latest", "1.2.3-rc.1", "~1.2.3"])("refuses the chart version %s", (version) => {
    expect(() => build({ version })).toThrow(`Helm release demo: chart version "${version}" must be an exact version such as 1.2.3`);
  });

  it.each(["Demo", "demo_chart", "-demo", "d".repeat(54)])("refuses the release name %s (a DNS label of at most 53 characters)", (releaseName) => {
    expect(() => build({ releaseName })).toThrow(`Helm release "${releaseName}": the name must be a DNS label (lowercase letters, digits, '-') of at most 53 characters`);
  });

  it("refuses an empty namespace", () => {
    expect(() => build({ namespace: " " })).toThrow("Helm release demo: namespace must not be empty");
  });

  it("refuses an exact version that the chart table does not list, naming the ones it does", () => {
    expect(() => build({ version: "3.12.2" })).toThrow(
      "Helm release demo: metrics-server 3.12.2 is not in the chart version table (modules/core/chart-versions.ts lists 3.13.1)",
    );
  });
});

describe("WorkloadNamespace", () => {
  const build = (props: WorkloadNamespaceProps) => synth((scope) => new WorkloadNamespace(scope, "namespace", props));
  const podSecurity = (level: string) => ({
    "pod-security.kubernetes.io/enforce": level,
    "pod-security.kubernetes.io/enforce-version": "latest",
    "pod-security.kubernetes.io/audit": level,
    "pod-security.kubernetes.io/warn": level,
  });

  it("enforces, audits and warns at restricted by default, with no justification", () => {
    const json = build({ name: "apps" });
    expect(json).toHaveResourceWithProperties(NamespaceV1, { metadata: { name: "apps", labels: podSecurity("restricted") } });
    expect(json).not.toHaveResourceWithProperties(NamespaceV1, { metadata: { annotations: expect.anything() } });
  });

  it("GIVEN a baseline level with a justification THEN the namespace carries both", () => {
    expect(build({ name: "legacy", level: "baseline", justification: "the vendor image runs as root" })).toHaveResourceWithProperties(NamespaceV1, {
      metadata: {
        labels: podSecurity("baseline"),
        annotations: { "platform.acme.example/pod-security-justification": "the vendor image runs as root" },
      },
    });
  });

  it("refuses a level above restricted without a justification", () => {
    expect(() => build({ name: "legacy", level: "privileged" })).toThrow('Namespace legacy: Pod Security level "privileged" needs a justification');
    expect(() => build({ name: "legacy", level: "baseline", justification: "  " })).toThrow('Namespace legacy: Pod Security level "baseline" needs a justification');
  });

  it("adds extra labels but refuses ones that would override the Pod Security level", () => {
    expect(build({ name: "apps", labels: { team: "web" } })).toHaveResourceWithProperties(NamespaceV1, {
      metadata: { labels: { team: "web", "pod-security.kubernetes.io/enforce": "restricted" } },
    });
    expect(() => build({ name: "apps", labels: { "pod-security.kubernetes.io/enforce": "privileged" } })).toThrow(
      "Namespace apps: labels pod-security.kubernetes.io/enforce are set by the level prop, not by labels",
    );
  });
});

describe("SecretsStoreCsi", () => {
  const build = () =>
    synth(
      (scope) =>
        new SecretsStoreCsi(scope, "secrets", {
          driverChartVersion: "1.6.0",
          providerChartVersion: "3.1.1",
        }),
    );

  it("keeps secrets as files: syncing to Kubernetes Secrets is off, rotation on every 2 minutes", () => {
    expect(valuesOf<SecretsStoreCsiDriverValues>(build(), "secrets-store-csi-driver")).toMatchObject({
      syncSecret: { enabled: false },
      enableSecretRotation: true,
      rotationPollInterval: "2m",
    });
  });

  it("installs the pinned driver and AWS provider in kube-system, the provider after the driver", () => {
    const json = build();
    expect(releaseOf(json, "secrets-store-csi-driver")).toMatchObject({ namespace: "kube-system", version: "1.6.0" });
    expect(releaseOf(json, "secrets-store-csi-driver-provider-aws")).toMatchObject({
      namespace: "kube-system",
      version: "3.1.1",
      depends_on: [RELEASE_REFERENCE],
    });
  });

  it("GIVEN the provider chart 2.0+ that bundles a driver THEN only our driver release installs one, with the tokens the provider reads", () => {
    const json = build();
    expect(valuesOf<SecretsStoreCsiProviderAwsValues>(json, "secrets-store-csi-driver-provider-aws")["secrets-store-csi-driver"]).toEqual({ install: false });
    expect(valuesOf<SecretsStoreCsiDriverValues>(json, "secrets-store-csi-driver").tokenRequests).toEqual([
      { audience: "sts.amazonaws.com" },
      { audience: "pods.eks.amazonaws.com" },
    ]);
  });

  it("runs both daemons on every node, tainted or not", () => {
    const json = build();
    expect(valuesOf<SecretsStoreCsiDriverValues>(json, "secrets-store-csi-driver").linux.tolerations).toEqual([{ operator: "Exists" }]);
    expect(valuesOf<SecretsStoreCsiProviderAwsValues>(json, "secrets-store-csi-driver-provider-aws").tolerations).toEqual([{ operator: "Exists" }]);
  });
});

describe("ExternalDns", () => {
  const ROLE = "arn:aws:iam::123456789012:role/dev-external-dns";
  const props: ExternalDnsProps = {
    chartVersion: "1.21.1",
    roleArn: ROLE,
    domain: "dev.example.com",
    hostedZoneId: "Z0123456789ABCDEFGHIJ",
    txtOwnerId: "dev",
    region: "eu-west-1",
  };
  const build = (overrides: Partial<ExternalDnsProps> = {}) => synth((scope) => new ExternalDns(scope, "dns", { ...props, ...overrides }));

  it("manages only the given domain in the given hosted zone, upsert-only with TXT ownership", () => {
    expect(valuesOf<ExternalDnsValues>(build(), "external-dns")).toMatchObject({
      provider: { name: "aws" },
      domainFilters: ["dev.example.com"],
      extraArgs: ["--zone-id-filter=Z0123456789ABCDEFGHIJ"],
      policy: "upsert-only",
      registry: "txt",
      txtOwnerId: "dev",
      sources: ["gateway-httproute", "service"],
      env: [{ name: "AWS_DEFAULT_REGION", value: "eu-west-1" }],
    });
  });

  it("creates the service account its IAM role trusts, annotated with the role, in a restricted namespace", () => {
    const json = build();
    expect(valuesOf<ExternalDnsValues>(json, "external-dns").serviceAccount).toEqual({
      create: true,
      name: "external-dns",
      annotations: { "eks.amazonaws.com/role-arn": ROLE },
    });
    expect(json).toHaveResourceWithProperties(NamespaceV1, {
      metadata: { name: "external-dns", labels: { "pod-security.kubernetes.io/enforce": "restricted" } },
    });
    expect(releaseOf(json, "external-dns").namespace).toEqual(NAMESPACE_REFERENCE);
  });

  it("runs as non-root with a read-only root filesystem and no capabilities", () => {
    expect(valuesOf<ExternalDnsValues>(build(), "external-dns").securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
  });

  it("refuses a hosted zone id that is not one", () => {
    expect(() => build({ hostedZoneId: "dev.example.com" })).toThrow('external-dns: hostedZoneId "dev.example.com" is not a Route 53 hosted zone id');
  });
});

describe("ClusterAutoscaler", () => {
  const ROLE = "arn:aws:iam::123456789012:role/dev-cluster-autoscaler";
  const build = () =>
    synth(
      (scope) =>
        new ClusterAutoscaler(scope, "autoscaler", {
          chartVersion: "9.59.0",
          roleArn: ROLE,
          clusterName: "dev",
          region: "eu-west-1",
        }),
    );

  it("auto-discovers the cluster's node groups by its name in its region", () => {
    expect(valuesOf<ClusterAutoscalerValues>(build(), "cluster-autoscaler")).toMatchObject({
      cloudProvider: "aws",
      autoDiscovery: { clusterName: "dev" },
      awsRegion: "eu-west-1",
    });
  });

  it("balances similar node groups, scales down emptyDir nodes and expands the least-waste group", () => {
    expect(valuesOf<ClusterAutoscalerValues>(build(), "cluster-autoscaler").extraArgs).toEqual({
      "balance-similar-node-groups": true,
      "skip-nodes-with-local-storage": false,
      expander: "least-waste",
    });
  });

  it("runs in kube-system under the service account its IAM role trusts", () => {
    const json = build();
    expect(releaseOf(json, "cluster-autoscaler")).toMatchObject({ namespace: "kube-system", version: "9.59.0" });
    expect(valuesOf<ClusterAutoscalerValues>(json, "cluster-autoscaler").rbac.serviceAccount).toEqual({
      create: true,
      name: "cluster-autoscaler",
      annotations: { "eks.amazonaws.com/role-arn": ROLE },
    });
  });
});

describe("MetricsServer", () => {
  const build = (replicas?: number) =>
    synth((scope) => new MetricsServer(scope, "metrics", { chartVersion: "3.13.1", ...(replicas === undefined ? {} : { replicas }) }));

  it("runs two replicas in kube-system with a PodDisruptionBudget keeping one available", () => {
    const json = build();
    expect(releaseOf(json, "metrics-server")).toMatchObject({ namespace: "kube-system", version: "3.13.1" });
    expect(valuesOf<MetricsServerValues>(json, "metrics-server")).toMatchObject({ replicas: 2, podDisruptionBudget: { enabled: true, minAvailable: 1 } });
  });

  it("GIVEN one replica THEN no PodDisruptionBudget blocks node drains", () => {
    expect(valuesOf<MetricsServerValues>(build(1), "metrics-server").podDisruptionBudget).toEqual({ enabled: false });
  });
});

describe("Gp3StorageClass", () => {
  it("is the default class: encrypted gp3 through the EBS CSI driver, bound in the consumer's zone, expandable", () => {
    expect(synth((scope) => new Gp3StorageClass(scope, "gp3"))).toHaveResourceWithProperties(StorageClassV1, {
      metadata: { name: "gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      storage_provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true" },
      volume_binding_mode: "WaitForFirstConsumer",
      reclaim_policy: "Delete",
      allow_volume_expansion: true,
    });
  });

  it("GIVEN a KMS key THEN volumes are encrypted with it", () => {
    const key = "arn:aws:kms:eu-west-1:123456789012:key/volumes";
    expect(synth((scope) => new Gp3StorageClass(scope, "gp3", { kmsKeyArn: key }))).toHaveResourceWithProperties(StorageClassV1, {
      parameters: { type: "gp3", encrypted: "true", kmsKeyId: key },
    });
  });
});

describe("KubePrometheusStack", () => {
  const props: KubePrometheusStackProps = {
    chartVersion: "88.5.3",
    retention: "15d",
    storageGiB: 50,
    storageClassName: "gp3",
  };
  const build = (overrides: Partial<KubePrometheusStackProps> = {}) => synth((scope) => new KubePrometheusStack(scope, "monitoring", { ...props, ...overrides }));
  const values = (json: string) => valuesOf<KubePrometheusStackValues>(json, "kube-prometheus-stack");

  /** Every non-empty value under a key that names a password, anywhere in the values. */
  const passwords = (node: unknown): string[] => {
    if (Array.isArray(node)) return node.flatMap(passwords);
    if (typeof node !== "object" || node === null) return [];
    return Object.entries(node).flatMap(([key, value]) =>
      /password/i.test(key) && typeof value === "string" && value !== "" ? [value] : passwords(value),
    );
  };

  it("upgrades the Prometheus Operator CRDs with the chart's pre-upgrade job (Helm never upgrades crds/)", () => {
    expect(values(build()).crds).toEqual({ enabled: true, upgradeJob: { enabled: true, forceConflicts: true } });
  });

  it("sets no Grafana admin password (the chart generates one) and keeps Grafana inside the cluster", () => {
    const json = build();
    const grafana = values(json).grafana;
    expect(passwords(values(json))).toEqual([]);
    // Blank overrides the umbrella chart's default "prom-operator"; the Grafana chart then generates one.
    expect(grafana.adminPassword).toBe("");
    expect(releaseOf(json, "kube-prometheus-stack").values[0]).not.toContain("prom-operator");
    expect(grafana).toMatchObject({ enabled: true, service: { type: "ClusterIP" } });
  });

  it("keeps Prometheus data on a gp3 volume of the given size for the given retention, and selects every ServiceMonitor", () => {
    expect(values(build()).prometheus.prometheusSpec).toEqual({
      retention: "15d",
      storageSpec: {
        volumeClaimTemplate: { spec: { storageClassName: "gp3", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "50Gi" } } } },
      },
      serviceMonitorSelectorNilUsesHelmValues: false,
      podMonitorSelectorNilUsesHelmValues: false,
      ruleSelectorNilUsesHelmValues: false,
    });
    expect(values(build()).alertmanager).toEqual({ enabled: true });
  });

  it("runs in a privileged monitoring namespace that says why", () => {
    const json = build();
    expect(json).toHaveResourceWithProperties(NamespaceV1, {
      metadata: {
        name: "monitoring",
        labels: { "pod-security.kubernetes.io/enforce": "privileged" },
        annotations: { "platform.acme.example/pod-security-justification": expect.stringContaining("node-exporter needs the host network and PID namespace") },
      },
    });
    expect(releaseOf(json, "kube-prometheus-stack")).toMatchObject({ namespace: NAMESPACE_REFERENCE, version: "88.5.3" });
  });

  it("refuses a retention that is not a Prometheus duration", () => {
    expect(() => build({ retention: "two weeks" })).toThrow('kube-prometheus-stack: retention "two weeks" must be a Prometheus duration such as 15d');
  });
});

describe("FluentBit", () => {
  const ROLE = "arn:aws:iam::123456789012:role/dev-fluent-bit";
  const build = () =>
    synth(
      (scope) =>
        new FluentBit(scope, "logs", {
          chartVersion: "0.58.1",
          roleArn: ROLE,
          logGroupName: "/aws/eks/dev/containers",
          region: "eu-west-1",
          clusterName: "dev",
        }),
    );
  const values = (json: string) => valuesOf<FluentBitValues>(json, "fluent-bit");

  it("ships container logs to the given, existing log group and never creates one", () => {
    expect(values(build()).config.outputs).toBe(
      [
        "[OUTPUT]",
        "    Name cloudwatch_logs",
        "    Match kube.*",
        "    region eu-west-1",
        "    log_group_name /aws/eks/dev/containers",
        "    log_stream_prefix dev-",
        "    auto_create_group Off",
        "",
      ].join("\n"),
    );
  });

  it("tails container logs and enriches them with Kubernetes metadata", () => {
    const config = values(build()).config;
    expect(config.inputs).toContain("    Path /var/log/containers/*.log\n");
    expect(config.inputs).toContain("    Tag kube.*\n");
    expect(config.filters).toMatch(/^\[FILTER\]\n {4}Name kubernetes\n {4}Match kube\.\*\n/);
  });

  it("runs on every node under the service account its IAM role trusts", () => {
    const json = build();
    expect(values(json).tolerations).toEqual([{ operator: "Exists" }]);
    expect(values(json).serviceAccount).toEqual({
      create: true,
      name: "fluent-bit",
      annotations: { "eks.amazonaws.com/role-arn": ROLE },
    });
  });

  it("runs in a privileged namespace that says why", () => {
    const json = build();
    expect(json).toHaveResourceWithProperties(NamespaceV1, {
      metadata: {
        name: "logging",
        labels: { "pod-security.kubernetes.io/enforce": "privileged" },
        annotations: { "platform.acme.example/pod-security-justification": "fluent-bit reads container logs from the node's /var/log via hostPath" },
      },
    });
    expect(releaseOf(json, "fluent-bit")).toMatchObject({ namespace: NAMESPACE_REFERENCE, version: "0.58.1" });
  });
});
