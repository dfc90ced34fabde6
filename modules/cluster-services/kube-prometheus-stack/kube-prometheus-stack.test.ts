import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { describe, expect, it } from "vitest";
import { KubePrometheusStack, type KubePrometheusStackProps, type KubePrometheusStackValues } from "./kube-prometheus-stack";
import { releaseOf, valuesOf, NAMESPACE_REFERENCE, synth } from "../../../test/support/helm-release";
import type { SecretProviderClassValues } from "../../apps/secret-provider-class";

/** The releases of local charts: their chart is an asset path (`assets/...`), the secret provider class the one here. */
function spcValues(json: string): SecretProviderClassValues {
  const releases = Object.values(JSON.parse(json).resource.helm_release as Record<string, { chart: string; values: string[] }>).filter(
    (release) => release.chart.startsWith("assets/"),
  );
  if (releases.length !== 1) throw new Error(`expected one local chart release, found ${releases.length}`);
  return JSON.parse(releases[0]?.values[0] ?? "{}") as SecretProviderClassValues;
}

describe("KubePrometheusStack", () => {
  const props: KubePrometheusStackProps = {
    chartVersion: "88.5.3",
    kubernetesVersion: "1.35",
    retention: "15d",
    storageGiB: 50,
    storageClassName: "gp3",
    grafanaAdmin: { secretArn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:dev/grafana/admin-AbCdEf" },
  };
  const build = (overrides: Partial<KubePrometheusStackProps> = {}) =>
    synth((scope) => new KubePrometheusStack(scope, "monitoring", { ...props, ...overrides }));
  const values = (json: string) => valuesOf<KubePrometheusStackValues>(json, "kube-prometheus-stack");

  /** Every non-empty value under a key that names a password, anywhere in the values (`passwordKey` names a Secret's key, no value). */
  const passwords = (node: unknown): string[] => {
    if (Array.isArray(node)) return node.flatMap(passwords);
    if (typeof node !== "object" || node === null) return [];
    return Object.entries(node).flatMap(([key, value]) =>
      /password/i.test(key) && key !== "passwordKey" && typeof value === "string" && value !== "" ? [value] : passwords(value),
    );
  };

  it("upgrades the Prometheus Operator CRDs with the chart's pre-upgrade job (Helm never upgrades crds/)", () => {
    expect(values(build()).crds).toEqual({
      enabled: true,
      namespaceOverride: "monitoring",
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

  it("GIVEN the platform's secret WHEN synthesized THEN no admin password is in the values and Grafana stays inside the cluster", () => {
    const json = build();
    const grafana = values(json).grafana;
    expect(passwords(values(json))).toEqual([]);
    // No adminPassword key at all (Grafana 12 charts do not have it), and not the chart's old default.
    expect(Object.keys(grafana)).not.toContain("adminPassword");
    expect(releaseOf(json, "kube-prometheus-stack").values[0]).not.toContain("prom-operator");
    expect(grafana).toMatchObject({ enabled: true, service: { type: "ClusterIP" } });
  });

  it("GIVEN the platform's secret WHEN synthesized THEN Grafana reads its admin user and password from the synced Secret grafana-admin", () => {
    expect(values(build()).grafana.admin).toEqual({
      existingSecret: "grafana-admin",
      userKey: "admin-user",
      passwordKey: "admin-password",
    });
  });

  it("GIVEN the platform's secret WHEN synthesized THEN Grafana's pod mounts the grafana-admin class (the mount makes the driver sync the Secret)", () => {
    expect(values(build()).grafana.extraSecretMounts).toEqual([
      {
        name: "admin-credential",
        mountPath: "/mnt/secrets-store/grafana-admin",
        readOnly: true,
        csi: { driver: "secrets-store.csi.k8s.io", readOnly: true, volumeAttributes: { secretProviderClass: "grafana-admin" } },
      },
    ]);
  });

  it("GIVEN the platform's secret WHEN synthesized THEN a SecretProviderClass in monitoring mounts its username and password and syncs them to grafana-admin", () => {
    const spc = spcValues(build());
    expect(spc).toEqual({
      name: "grafana-admin",
      namespace: "monitoring",
      usePodIdentity: true,
      objects: [
        {
          objectName: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:dev/grafana/admin-AbCdEf",
          objectAlias: "credential",
          jmesPath: [
            { path: "username", objectAlias: "admin-user" },
            { path: "password", objectAlias: "admin-password" },
          ],
        },
      ],
      secretObjects: [
        {
          secretName: "grafana-admin",
          data: [
            { objectName: "admin-user", key: "admin-user" },
            { objectName: "admin-password", key: "admin-password" },
          ],
        },
      ],
    });
  });

  it("GIVEN Pod Identity (no role ARN) WHEN synthesized THEN Grafana's service account is grafana, without a role annotation", () => {
    expect(values(build()).grafana.serviceAccount).toEqual({ create: true, name: "grafana", annotations: {} });
  });

  it("GIVEN IRSA (a role ARN) WHEN synthesized THEN the service account carries the role and the class fetches with IRSA", () => {
    const role = "arn:aws:iam::111122223333:role/dev-grafana";
    const json = build({ grafanaAdmin: { ...props.grafanaAdmin, roleArn: role } });
    expect(values(json).grafana.serviceAccount.annotations).toEqual({ "eks.amazonaws.com/role-arn": role });
    expect(spcValues(json).usePodIdentity).toBe(false);
  });

  it("GIVEN the class WHEN synthesized THEN the chart's release waits for it (Grafana's pod mounts it)", () => {
    const json = build();
    const spcAddress = Object.entries(JSON.parse(json).resource.helm_release as Record<string, { chart: string }>).find(([, release]) =>
      release.chart.startsWith("assets/"),
    )?.[0];
    expect(releaseOf(json, "kube-prometheus-stack").depends_on).toContain(`helm_release.${spcAddress}`);
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
      // The index digest of quay.io/prometheus/prometheus:v3.14.0-distroless (modules/core/image-digests.ts).
      image: { sha: "50c707e96da5ade383cb1707790576480485e93de06aa60ad8802cb5f744bd0a" },
    });
    expect(values(build()).alertmanager).toEqual({
      enabled: true,
      namespaceOverride: "monitoring",
      alertmanagerSpec: { image: { sha: "690c7b525f4367aa91f73e2f91c632206d32e97c6384bdbf2fb7a861b420340d" } },
    });
  });

  it("GIVEN no release namespace WHEN synthesized THEN both releases keep their records in monitoring, as before", () => {
    const json = build();
    expect(releaseOf(json, "kube-prometheus-stack").namespace).toEqual(NAMESPACE_REFERENCE);
  });

  it("GIVEN a release namespace WHEN synthesized THEN both releases keep their records there and every object of the chart and its subcharts stays in monitoring", () => {
    const json = build({ releaseNamespace: "helm-releases" });
    const releases = Object.values(JSON.parse(json).resource.helm_release as Record<string, { namespace: string }>);
    expect(releases.map((release) => release.namespace)).toEqual(["helm-releases", "helm-releases"]);
    const chart = values(json) as unknown as Record<string, { namespaceOverride?: string } | string>;
    expect(chart["namespaceOverride"]).toBe("monitoring");
    for (const subchart of ["alertmanager", "crds", "grafana", "kube-state-metrics", "prometheus-node-exporter"]) {
      expect((chart[subchart] as { namespaceOverride?: string }).namespaceOverride, subchart).toBe("monitoring");
    }
    expect(spcValues(json).namespace).toBe("monitoring");
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
