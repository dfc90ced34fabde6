import { compareMinors, minorOf } from "./kubernetes-versions";

/**
 * Every Helm chart the workloads layer installs: the one table of chart versions, with the
 * application version each ships, the Kubernetes minors it supports and where that was read.
 *
 * How to bump a chart: add the new version under `versions` with its app version, its Kubernetes
 * range and the source of that range (the chart's `kubeVersion`, its README's compatibility
 * table, the project's release notes), handle its upgrade notes (`upgrade` below, the module's
 * values type), then point `default` at it. An environment may pin any version listed here
 * (`workloads.charts.<name>`), to roll a bump through dev and staging before prod; a version
 * missing from the table, or one whose range excludes the environment's `platform.kubernetesVersion`,
 * is an error of the environment file.
 *
 * Every remote chart was re-checked on 2026-12-06 against the newest tag of its source repository
 * (the snapshots readable here: helm-charts to 2026-08-22, external-dns to 2026-08-22, fluent to
 * 2026-08-18, metrics-server to 2026-08-04, aws-load-balancer-controller to 2026-08-17): each
 * default below is the newest chart release there. kube-prometheus-stack 91.x and external-dns
 * chart 1.22 were reported elsewhere but have no tag in those repositories: not adopted.
 */
export interface KubernetesRange {
  /** Oldest supported minor, `1.x`. */
  readonly min: string;
  /** Newest supported minor, `1.x`. */
  readonly max: string;
  /** Where the range comes from (chart kubeVersion, compatibility table, release notes). */
  readonly basis: string;
}

export interface ChartRelease {
  /** The application version the chart ships (its `appVersion`). */
  readonly appVersion: string;
  readonly kubernetes: KubernetesRange;
}

export interface ChartEntry {
  /** Helm chart repository (https) or `local` for a chart under charts/. */
  readonly repository: string;
  readonly chart: string;
  /** Where the versions were read: the chart's source repository and path. */
  readonly source: string;
  /** The version installed unless an environment pins another listed one. */
  readonly default: string;
  readonly versions: { readonly [chartVersion: string]: ChartRelease };
  /** What a bump to `default` must handle, in one line (details in docs/operations.md). */
  readonly upgrade?: string;
}

/** Kubernetes minors a component supports from `min` to `max`, both inclusive. */
const range = (min: string, max: string, basis: string): KubernetesRange => ({ min, max, basis });

export const CHART_VERSIONS = {
  awsLoadBalancerController: {
    repository: "https://aws.github.io/eks-charts",
    chart: "aws-load-balancer-controller",
    source: "github.com/kubernetes-sigs/aws-load-balancer-controller helm/aws-load-balancer-controller (tag v3.5.0, 2026-08-03)",
    default: "3.5.0",
    versions: {
      "3.5.0": {
        appVersion: "v3.5.0",
        kubernetes: range(
          "1.22",
          "1.36",
          "chart README: v1.5.0+ requires 1.22+; v3.5.0 (2026-08-03) is built with client-go v0.36.2 (go.mod at the tag) and for Gateway API v1.6",
        ),
      },
    },
    upgrade:
      "1.x to 3.x: Helm does not upgrade the chart's crds/; the controller's CRDs ship in charts/aws-load-balancer-controller-crds (skip_crds on this release); the IAM policy is tied to the version by a test",
  },
  secretsStoreCsiDriver: {
    repository: "https://kubernetes-sigs.github.io/secrets-store-csi-driver/charts",
    chart: "secrets-store-csi-driver",
    source: "github.com/kubernetes-sigs/secrets-store-csi-driver charts/secrets-store-csi-driver (tag v1.6.0)",
    default: "1.6.0",
    versions: {
      "1.6.0": {
        appVersion: "1.6.0",
        kubernetes: range(
          "1.30",
          "1.35",
          "Chart.yaml kubeVersion >=1.30.0-0; released after Kubernetes 1.35; built with client-go v0.30.1, no statement on 1.36",
        ),
      },
    },
    upgrade: "needs tokenRequests for the AWS provider's audiences (sts.amazonaws.com, pods.eks.amazonaws.com) from provider 2.0 on",
  },
  secretsStoreCsiProviderAws: {
    repository: "https://aws.github.io/secrets-store-csi-driver-provider-aws",
    chart: "secrets-store-csi-driver-provider-aws",
    source:
      "github.com/aws/secrets-store-csi-driver-provider-aws charts/secrets-store-csi-driver-provider-aws (main, 2026-06-04; newest git tag 2.1.1)",
    default: "3.1.1",
    versions: {
      "3.1.1": {
        appVersion: "3.1.1",
        kubernetes: range(
          "1.17",
          "1.36",
          "Chart.yaml kubeVersion >=1.17.0-0; 3.1.1 (2026-06-01) is built with client-go v0.36.1 (go.mod at the tag)",
        ),
      },
    },
    upgrade:
      "2.0+ bundles the CSI driver (secrets-store-csi-driver.install defaults to true): set it false, our separate driver release stays",
  },
  externalDns: {
    repository: "https://kubernetes-sigs.github.io/external-dns/",
    chart: "external-dns",
    source: "github.com/kubernetes-sigs/external-dns charts/external-dns (tag external-dns-helm-chart-1.21.1)",
    default: "1.21.1",
    versions: {
      "1.21.1": {
        appVersion: "0.21.0",
        kubernetes: range(
          "1.22",
          "1.35",
          "external-dns README compatibility (networking.k8s.io/v1, gateway.networking.k8s.io/v1); app 0.21.0 is built with client-go v0.35.3 (go.mod at v0.21.0): 1.36 not confirmed",
        ),
      },
    },
    upgrade: "0.16+ calls route53:ListTagsForResources (granted); the Gateway API source gateway-httproute replaces ingress",
  },
  karpenter: {
    repository: "oci://public.ecr.aws/karpenter",
    chart: "karpenter",
    source:
      "github.com/aws/karpenter-provider-aws charts/karpenter (tag v1.14.1, 2026-08-20), vendored as charts/vendor/karpenter-1.14.1.tgz: helm package --version 1.14.1 as hack/release/common.sh does, the controller image tag set to 1.14.1 (the release job writes tag and digest; the digest is not in the source: modules/core/image-digests.ts pins it)",
    default: "1.14.1",
    versions: {
      "1.14.1": {
        appVersion: "1.14.1",
        kubernetes: range(
          "1.30",
          "1.36",
          "website/content/en/docs/upgrading/compatibility.md at v1.14.1: Kubernetes 1.35 needs >= 1.9, 1.36 >= 1.13",
        ),
      },
    },
    upgrade:
      "bump with karpenterCrd (same tag) and the controller policy (modules/cluster-services/karpenter/iam-policy.ts, from the tag's cloudformation.yaml); read the tag's upgrade guide (website/content/en/docs/upgrading/upgrade-guide.md)",
  },
  karpenterCrd: {
    repository: "oci://public.ecr.aws/karpenter",
    chart: "karpenter-crd",
    source:
      "github.com/aws/karpenter-provider-aws charts/karpenter-crd (tag v1.14.1), vendored as charts/vendor/karpenter-crd-1.14.1.tgz (helm package --version 1.14.1)",
    default: "1.14.1",
    versions: {
      "1.14.1": { appVersion: "1.14.1", kubernetes: range("1.30", "1.36", "Karpenter's own range (same tag)") },
    },
    upgrade:
      "Karpenter's CRDs as templates, so Helm upgrades them (the karpenter chart's crds/ are installed once and never upgraded): same tag as karpenter",
  },
  metricsServer: {
    repository: "https://kubernetes-sigs.github.io/metrics-server/",
    chart: "metrics-server",
    source: "github.com/kubernetes-sigs/metrics-server charts/metrics-server (tag metrics-server-helm-chart-3.13.1)",
    default: "3.13.1",
    versions: {
      "3.13.1": {
        appVersion: "0.8.1",
        kubernetes: range(
          "1.31",
          "1.36",
          "metrics-server README compatibility matrix (chart tag 3.13.1): 0.8.x for Kubernetes 1.31+, no upper bound",
        ),
      },
    },
  },
  kubePrometheusStack: {
    repository: "https://prometheus-community.github.io/helm-charts",
    chart: "kube-prometheus-stack",
    source: "github.com/prometheus-community/helm-charts charts/kube-prometheus-stack (tag kube-prometheus-stack-88.5.3)",
    default: "88.5.3",
    versions: {
      "88.5.3": {
        appVersion: "v0.93.1",
        kubernetes: range("1.25", "1.36", "Chart.yaml kubeVersion >=1.25.0-0; released 2026-08-21, after Kubernetes 1.36 (2026-04)"),
      },
    },
    upgrade:
      "Helm never upgrades the chart's CRDs: the chart's CRD upgrade job (crds.upgradeJob) applies them server-side before the operator rolls",
  },
  fluentBit: {
    repository: "https://fluent.github.io/helm-charts",
    chart: "fluent-bit",
    source: "github.com/fluent/helm-charts charts/fluent-bit (tag fluent-bit-0.58.1)",
    default: "0.58.1",
    versions: {
      "0.58.1": {
        appVersion: "5.1.1",
        kubernetes: range(
          "1.22",
          "1.36",
          "a DaemonSet of stable APIs only (apps/v1, rbac/v1); released 2026-08-17, after Kubernetes 1.36 (2026-04)",
        ),
      },
    },
  },
  gatewayApiCrds: {
    repository: "local",
    chart: "charts/gateway-api-crds",
    source: "github.com/kubernetes-sigs/gateway-api config/crd/standard (tag v1.6.1), vendored verbatim",
    default: "1.6.1",
    versions: {
      "1.6.1": {
        appVersion: "v1.6.1",
        kubernetes: range(
          "1.31",
          "1.36",
          "Gateway API supports the five newest Kubernetes minors at its release (v1.6.1, 2026-07-16, client-go v0.36.1); its safe-upgrades ValidatingAdmissionPolicy needs admissionregistration.k8s.io/v1 (1.30+)",
        ),
      },
    },
    upgrade: "CRDs are templates of a local chart (upgraded by Helm, kept on uninstall); a bump vendors the new standard channel",
  },
  awsLoadBalancerControllerCrds: {
    repository: "local",
    chart: "charts/aws-load-balancer-controller-crds",
    source:
      "github.com/kubernetes-sigs/aws-load-balancer-controller helm/aws-load-balancer-controller/crds (tag v3.5.0), vendored verbatim",
    default: "3.5.0",
    versions: {
      "3.5.0": { appVersion: "v3.5.0", kubernetes: range("1.22", "1.36", "the controller's own range (same tag)") },
    },
    upgrade: "vendored from the same tag as the controller chart: a test fails when the two differ",
  },
} as const satisfies { readonly [name: string]: ChartEntry };

export type ChartName = keyof typeof CHART_VERSIONS;

/** The release entry of a chart version, or undefined when the table does not list it. */
export function chartRelease(name: ChartName, version: string): ChartRelease | undefined {
  const versions: { readonly [chartVersion: string]: ChartRelease } = CHART_VERSIONS[name].versions;
  return Object.hasOwn(versions, version) ? versions[version] : undefined;
}

/** Whether `kubernetesVersion` (`1.x`) lies within `range`. */
export function supportsKubernetes(range: KubernetesRange, kubernetesVersion: string): boolean {
  return (
    !Number.isNaN(minorOf(kubernetesVersion)) &&
    compareMinors(range.min, kubernetesVersion) <= 0 &&
    compareMinors(kubernetesVersion, range.max) <= 0
  );
}

/**
 * Why a chart version cannot run on a Kubernetes version, or undefined when it can: the version is
 * not in the table (its range is unknown), or the range excludes the cluster's minor.
 */
export function chartVersionProblem(name: ChartName, version: string, kubernetesVersion: string): string | undefined {
  const entry = CHART_VERSIONS[name];
  const release = chartRelease(name, version);
  if (release === undefined) {
    const listed = Object.keys(entry.versions).join(", ");
    return `${entry.chart} ${version} is not in the chart version table (modules/core/chart-versions.ts lists ${listed}): add it with the Kubernetes minors it supports`;
  }
  if (!supportsKubernetes(release.kubernetes, kubernetesVersion)) {
    const supported =
      release.kubernetes.min === release.kubernetes.max ? release.kubernetes.min : `${release.kubernetes.min} to ${release.kubernetes.max}`;
    return `${entry.chart} ${version} (app ${release.appVersion}) supports Kubernetes ${supported}, not ${kubernetesVersion}`;
  }
  return undefined;
}
