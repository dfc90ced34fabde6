import type { KubernetesVersion } from "./kubernetes-versions";

/** The EKS managed add-ons the platform installs, by their key in the environment file. */
export interface EksAddonVersionSet {
  /** `kube-proxy`: built per Kubernetes minor (its minor must equal the cluster's). */
  readonly kubeProxy: string;
  /** `coredns`: EKS builds and tests it per Kubernetes minor. */
  readonly coredns: string;
  /**
   * `vpc-cni` and `aws-ebs-csi-driver`, pinned wherever a public source names the version for the
   * minor. Undefined only for a minor no public source covers yet: the add-on then takes the
   * version EKS marks default for the cluster's minor at creation, pinned thereafter by the state
   * (an environment pins one with `platform.addons.<name>.version`).
   */
  readonly vpcCni?: string;
  readonly ebsCsiDriver?: string;
  /**
   * `eks-pod-identity-agent`: the node agent of EKS Pod Identity (one build serves several minors);
   * undefined takes EKS's default at creation.
   */
  readonly podIdentityAgent?: string;
  /** Where each pin of the row was read: add-on key -> public source. */
  readonly sources: { readonly [addon in Exclude<keyof EksAddonVersionSet, "sources">]?: string };
}

/** The public sources of the pins, each read on the day it names. */
const ADDON_SOURCES = {
  kubeProxy:
    "EKS User Guide, managing-kube-proxy (table of the latest add-on version per Kubernetes version; https://docs.aws.amazon.com/ja_jp/eks/latest/userguide/managing-kube-proxy.md, the newest edition found, with the 1.36 row; read 2026-12-06)",
  coredns:
    "eksctl pkg/addons/default/assets/coredns-<minor>.json (github.com/eksctl-io/eksctl main at 99984adb, 2026-08-21: the CoreDNS image EKS ships per minor; read 2026-12-06)",
  vpcCni: "awslabs/cdk-eks-blueprints lib/addons/vpc-cni/index.ts versionMap (main at 05d3dbd0, 2026-07-01; read 2026-12-06)",
  ebsCsiDriver: "awslabs/cdk-eks-blueprints lib/addons/ebs-csi-driver/index.ts versionMap (main at 05d3dbd0, 2026-07-01; read 2026-12-06)",
  podIdentityAgent:
    "awslabs/cdk-eks-blueprints lib/addons/eks-pod-identity-agent/index.ts versionMap (main at 05d3dbd0; the 1.35 row from commit 0b82904e, 2026-04-08: v1.3.10-eksbuild.2 for 1.31 to 1.35; read 2026-12-06)",
} as const;

const ALL_SOURCES = ADDON_SOURCES;
const PROXY_AND_DNS_SOURCES = { kubeProxy: ADDON_SOURCES.kubeProxy, coredns: ADDON_SOURCES.coredns } as const;

/**
 * Pinned EKS add-on versions per Kubernetes minor, so a cluster upgrade moves its add-ons in the
 * same plan (EKS never upgrades an add-on by itself) and a plan never drifts to a newer default.
 * Each row names the source of each pin (`sources`); check a row before an upgrade with
 * `aws eks describe-addon-versions --kubernetes-version 1.35 --addon-name kube-proxy`.
 *
 * 1.36 has no public source yet for vpc-cni, aws-ebs-csi-driver and eks-pod-identity-agent
 * (cdk-eks-blueprints stops at 1.35; the EKS user guide's vpc-cni table found stops at 1.33): those stay unpinned on 1.36
 * (EKS's default at creation) until a source names them.
 */
export const EKS_ADDON_VERSIONS = {
  "1.34": {
    kubeProxy: "v1.34.6-eksbuild.13",
    coredns: "v1.13.2-eksbuild.19",
    vpcCni: "v1.20.4-eksbuild.2",
    ebsCsiDriver: "v1.56.0-eksbuild.1",
    podIdentityAgent: "v1.3.10-eksbuild.2",
    sources: ALL_SOURCES,
  },
  "1.35": {
    kubeProxy: "v1.35.3-eksbuild.13",
    coredns: "v1.14.3-eksbuild.11",
    vpcCni: "v1.21.1-eksbuild.1",
    ebsCsiDriver: "v1.57.1-eksbuild.1",
    podIdentityAgent: "v1.3.10-eksbuild.2",
    sources: ALL_SOURCES,
  },
  "1.36": {
    kubeProxy: "v1.36.0-eksbuild.14",
    coredns: "v1.14.3-eksbuild.11",
    sources: PROXY_AND_DNS_SOURCES,
  },
} as const satisfies { readonly [minor in KubernetesVersion]?: EksAddonVersionSet };

/** The pinned add-on versions of a Kubernetes minor, or undefined when the table has no row for it. */
export function addonVersionsFor(kubernetesVersion: string): EksAddonVersionSet | undefined {
  const table: { readonly [minor: string]: EksAddonVersionSet } = EKS_ADDON_VERSIONS;
  return Object.hasOwn(table, kubernetesVersion) ? table[kubernetesVersion] : undefined;
}
