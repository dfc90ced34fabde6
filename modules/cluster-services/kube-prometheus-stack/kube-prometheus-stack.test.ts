import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { describe, expect, it } from "vitest";
import { KubePrometheusStack, type KubePrometheusStackProps, type KubePrometheusStackValues } from "./kube-prometheus-stack";
import { releaseOf, valuesOf, NAMESPACE_REFERENCE, synth } from "../../../test/support/helm-release";

describe("KubePrometheusStack", () => {
  const props: KubePrometheusStackProps = {
    chartVersion: "88.5.3",
    kubernetesVersion: "1.35",
    retention: "15d",
    storageGiB: 50,
    storageClassName: "gp3",
  };
  const build = (overrides: Partial<KubePrometheusStackProps> = {}) =>
    synth((scope) => new KubePrometheusStack(scope, "monitoring", { ...props, ...overrides }));
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
    expect(values(build()).crds).toEqual({
      enabled: true,
      upgradeJob: {
        enabled: true,
        forceConflicts: true,
        image: {
          busybox: { registry: "public.ecr.aws", repository: "docker/library/busybox", tag: "1.37.0" },
          kubectl: { registry: "registry.k8s.io", repository: "kubectl", tag: "v1.35.0" },
        },
      },
    });
  });

  it("pins the CRD upgrade job's kubectl to the cluster's minor (not the API server's version string)", () => {
    expect(values(build({ kubernetesVersion: "1.34" })).crds.upgradeJob.image.kubectl.tag).toBe("v1.34.0");
  });

  it("refuses a Kubernetes version that is not a minor", () => {
    expect(() => build({ kubernetesVersion: "1.35.2" })).toThrow(
      'kube-prometheus-stack: kubernetesVersion "1.35.2" must be a minor such as 1.35',
    );
  });

  it("neither scrapes nor alerts on kube-proxy (the EKS add-on serves its metrics on 127.0.0.1 only)", () => {
    expect(values(build()).kubeProxy).toEqual({ enabled: false });
  });

  it("sets no Grafana admin password (the chart generates one) and keeps Grafana inside the cluster", () => {
    const json = build();
    const grafana = values(json).grafana;
    expect(passwords(values(json))).toEqual([]);
    // No adminPassword key at all (Grafana 12 charts do not have it): the Grafana chart generates one.
    expect(Object.keys(grafana)).not.toContain("adminPassword");
    expect(releaseOf(json, "kube-prometheus-stack").values[0]).not.toContain("prom-operator");
    expect(grafana).toMatchObject({ enabled: true, service: { type: "ClusterIP" } });
  });

  it("keeps Prometheus data on a gp3 volume of the given size for the given retention, and selects every ServiceMonitor, PodMonitor, Probe, ScrapeConfig and rule", () => {
    expect(values(build()).prometheus.prometheusSpec).toEqual({
      retention: "15d",
      storageSpec: {
        volumeClaimTemplate: {
          spec: { storageClassName: "gp3", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "50Gi" } } },
        },
      },
      serviceMonitorSelectorNilUsesHelmValues: false,
      podMonitorSelectorNilUsesHelmValues: false,
      probeSelectorNilUsesHelmValues: false,
      scrapeConfigSelectorNilUsesHelmValues: false,
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
        annotations: {
          "platform.acme.example/pod-security-justification": expect.stringContaining(
            "node-exporter needs the host network and PID namespace",
          ),
        },
      },
    });
    expect(releaseOf(json, "kube-prometheus-stack")).toMatchObject({ namespace: NAMESPACE_REFERENCE, version: "88.5.3" });
  });

  it("refuses a retention that is not a Prometheus duration", () => {
    expect(() => build({ retention: "two weeks" })).toThrow(
      'kube-prometheus-stack: retention "two weeks" must be a Prometheus duration such as 15d',
    );
  });
});
