import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { resolvedChartVersions } from "../environments/workloads-schema";
import { CHART_VERSIONS, chartRelease, supportsKubernetes } from "../modules/core/chart-versions";
import { EKS_KUBERNETES_VERSIONS, type KubernetesVersion, isKubernetesVersion, supportStatus } from "../modules/core/kubernetes-versions";
import { EKS_ADDON_VERSIONS, type EksAddonVersionSet, addonVersionsFor } from "../modules/core/eks-addon-versions";
import { ENVIRONMENTS } from "./support/fixtures";
import { ROOT } from "./support/paths";
import { resourcesOf, synthesizedStack } from "./support/synthesized";

/** Today, as the EKS calendar counts days (UTC). */
const TODAY = new Date().toISOString().slice(0, 10);
/** Days before the end of standard support from which an environment must already have moved on. */
const UPGRADE_NOTICE_DAYS = 30;

const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

describe("Kubernetes version currency", () => {
  it.each(ENVIRONMENTS.map((env) => [env.name, env.platform.kubernetesVersion] as const))(
    "%s runs Kubernetes %s, in EKS standard support for at least the next 30 days (no extended-support billing)",
    (_name, version) => {
      expect(isKubernetesVersion(version)).toBe(true);
      const row = EKS_KUBERNETES_VERSIONS[version as KubernetesVersion];
      expect(row.endOfStandardSupport >= addDays(TODAY, UPGRADE_NOTICE_DAYS)).toBe(true);
    },
  );

  it("the EKS table lists no version whose extended support has ended (a stale row is removed, not kept)", () => {
    const gone = (Object.keys(EKS_KUBERNETES_VERSIONS) as KubernetesVersion[]).filter(
      (version) => supportStatus(version, TODAY) === "unsupported",
    );
    expect(gone).toEqual([]);
  });

  it("the support status follows the calendar: 1.34's standard support ends on 2026-12-02, its extended support a year later", () => {
    // The oracle is the EKS calendar (docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html).
    expect(supportStatus("1.34", "2026-12-02")).toBe("standard");
    expect(supportStatus("1.34", "2026-12-03")).toBe("extended");
    expect(supportStatus("1.34", "2027-12-03")).toBe("unsupported");
    expect(supportStatus("1.35", "2027-03-27")).toBe("standard");
  });

  it("1.36 is a row: standard support from its EKS release (2026-06-02) to 2027-08-02, extended support a year more", () => {
    // The oracle: the reported EKS dates (modules/core/kubernetes-versions.ts names where they were read).
    expect(EKS_KUBERNETES_VERSIONS["1.36"].released).toBe("2026-06-02");
    expect(supportStatus("1.36", "2027-08-02")).toBe("standard");
    expect(supportStatus("1.36", "2027-08-03")).toBe("extended");
    expect(supportStatus("1.36", "2028-08-03")).toBe("unsupported");
  });
});

describe("every version-bound component supports each environment's Kubernetes minor", () => {
  const cases = ENVIRONMENTS.flatMap((env) => {
    const charts = resolvedChartVersions(env.workloads, env.platform.kubernetesVersion);
    return Object.entries(charts).map(([name, version]) => [env.name, env.platform.kubernetesVersion, name, version] as const);
  });

  it.each(cases)("%s (Kubernetes %s): chart %s %s", (_env, kubernetesVersion, name, version) => {
    const release = chartRelease(name as keyof typeof CHART_VERSIONS, version);
    expect(release, `${name} ${version} is not in the chart table`).toBeDefined();
    expect(supportsKubernetes(release!.kubernetes, kubernetesVersion)).toBe(true);
  });

  it.each(ENVIRONMENTS.map((env) => [env.name, env.platform.kubernetesVersion] as const))(
    "%s (Kubernetes %s): kube-proxy and CoreDNS are pinned for its minor, kube-proxy built for that very minor",
    (_env, kubernetesVersion) => {
      const row = (EKS_ADDON_VERSIONS as { readonly [minor: string]: { readonly kubeProxy: string; readonly coredns: string } })[
        kubernetesVersion
      ];
      expect(row).toBeDefined();
      expect(row!.kubeProxy.startsWith(`v${kubernetesVersion}.`)).toBe(true);
      expect(row!.coredns).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
    },
  );

  it.each(ENVIRONMENTS.map((env) => [env.name, env.platform.kubernetesVersion] as const))(
    "%s (Kubernetes %s): vpc-cni and the EBS CSI driver are pinned for its minor too (no drift to EKS's default)",
    (_env, kubernetesVersion) => {
      const row = addonVersionsFor(kubernetesVersion);
      expect(row?.vpcCni).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
      expect(row?.ebsCsiDriver).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
    },
  );

  it("every add-on pin of every row names its public source (and no source is left without a pin)", () => {
    for (const [minor, row] of Object.entries(EKS_ADDON_VERSIONS) as [string, EksAddonVersionSet][]) {
      const pinned = (["kubeProxy", "coredns", "vpcCni", "ebsCsiDriver", "podIdentityAgent"] as const).filter(
        (key) => row[key] !== undefined,
      );
      expect({ minor, sourced: Object.keys(row.sources).sort() }).toEqual({ minor, sourced: [...pinned].sort() });
      for (const source of Object.values(row.sources)) expect(source).toMatch(/read 2\d{3}-\d{2}-\d{2}/);
    }
  });

  it("Karpenter 1.14.1 supports Kubernetes 1.35 (Karpenter's compatibility matrix: 1.35 needs >= 1.9)", () => {
    expect(supportsKubernetes(chartRelease("karpenter", "1.14.1")!.kubernetes, "1.35")).toBe(true);
  });

  it("the karpenter-crd chart lists exactly the karpenter chart's versions (one tag, one CRD set)", () => {
    expect(Object.keys(CHART_VERSIONS.karpenterCrd.versions)).toEqual(Object.keys(CHART_VERSIONS.karpenter.versions));
  });

  it("GIVEN the pins of before this move WHEN checked against Kubernetes 1.35 THEN they are refused", () => {
    // ingress-nginx 4.12.1 (controller 1.12.1) stops at 1.32; cluster-autoscaler gave way to Karpenter.
    expect(Object.keys(CHART_VERSIONS)).not.toContain("ingressNginx");
    expect(Object.keys(CHART_VERSIONS)).not.toContain("clusterAutoscaler");
    expect(chartRelease("awsLoadBalancerController", "1.17.1")).toBeUndefined();
  });
});

describe("what the workloads stacks install is what the chart table says", () => {
  it.each(ENVIRONMENTS.map((env) => [env.name, env.platform.kubernetesVersion] as const))(
    "workloads-%s: every release from a repository is a chart of the table, from its repository, at a listed version whose range includes %s",
    (name, kubernetesVersion) => {
      const releases = Object.values(resourcesOf(synthesizedStack(`workloads-${name}`).doc, "helm_release")).filter(
        (r) => typeof r["repository"] === "string",
      );
      expect(releases.length).toBeGreaterThanOrEqual(7);
      const entries = Object.entries(CHART_VERSIONS) as [
        keyof typeof CHART_VERSIONS,
        (typeof CHART_VERSIONS)[keyof typeof CHART_VERSIONS],
      ][];
      for (const release of releases) {
        const found = entries.find(([, entry]) => entry.chart === release["chart"]);
        expect(found, `chart ${String(release["chart"])} is not in the table`).toBeDefined();
        const [key, entry] = found!;
        expect(release["repository"]).toBe(entry.repository);
        const listed = chartRelease(key, String(release["version"]));
        expect(listed, `${entry.chart} ${String(release["version"])} is not listed`).toBeDefined();
        expect(supportsKubernetes(listed!.kubernetes, kubernetesVersion)).toBe(true);
      }
    },
  );
});

describe("the local CRD charts match the releases they were vendored from", () => {
  const chartYaml = (chart: string) =>
    parse(readFileSync(path.join(ROOT, "charts", chart, "Chart.yaml"), "utf8")) as { version: string; appVersion: string };

  it("charts/gateway-api-crds carries the Gateway API bundle its files were copied from", () => {
    const dir = path.join(ROOT, "charts/gateway-api-crds/files");
    const bundles = new Set(
      readdirSync(dir).flatMap((file) =>
        [...readFileSync(path.join(dir, file), "utf8").matchAll(/gateway\.networking\.k8s\.io\/bundle-version: (v[\d.]+)/g)].map(
          (m) => m[1],
        ),
      ),
    );
    expect([...bundles]).toEqual([chartYaml("gateway-api-crds").appVersion]);
    expect(chartYaml("gateway-api-crds").version).toBe(CHART_VERSIONS.gatewayApiCrds.default);
    // Standard channel only: experimental CRDs on top are refused by the bundle's own admission policy.
    expect(
      readdirSync(dir).some((file) =>
        /experimental/.test(readFileSync(path.join(dir, file), "utf8").match(/gateway\.networking\.k8s\.io\/channel: (\w+)/)?.[1] ?? ""),
      ),
    ).toBe(false);
  });

  it("each local chart's kubeVersion starts at the minor the table gives it (Helm refuses to install it below)", () => {
    const chartKube = (chart: string) =>
      (parse(readFileSync(path.join(ROOT, "charts", chart, "Chart.yaml"), "utf8")) as { kubeVersion: string }).kubeVersion;
    expect(chartKube("gateway-api-crds")).toBe(`>=${CHART_VERSIONS.gatewayApiCrds.versions["1.6.1"].kubernetes.min}.0-0`);
    expect(chartKube("aws-load-balancer-controller-crds")).toBe(
      `>=${CHART_VERSIONS.awsLoadBalancerControllerCrds.versions["3.5.0"].kubernetes.min}.0-0`,
    );
  });

  it("charts/aws-load-balancer-controller-crds is of the controller version the controller chart runs", () => {
    const entry = CHART_VERSIONS.awsLoadBalancerController;
    expect(chartYaml("aws-load-balancer-controller-crds").appVersion).toBe(entry.versions[entry.default].appVersion);
    expect(chartYaml("aws-load-balancer-controller-crds").version).toBe(CHART_VERSIONS.awsLoadBalancerControllerCrds.default);
    expect(CHART_VERSIONS.awsLoadBalancerControllerCrds.default).toBe(entry.default);
  });
});
