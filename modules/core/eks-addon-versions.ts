import type { KubernetesVersion } from "./kubernetes-versions";

/** The EKS managed add-ons the platform installs, by their key in the environment file. */
export interface EksAddonVersionSet {
  /** `kube-proxy`: built per Kubernetes minor (its minor must equal the cluster's). */
  readonly kubeProxy: string;
  /** `coredns`: EKS builds and tests it per Kubernetes minor. */
  readonly coredns: string;
  /**
   * `vpc-cni` and `aws-ebs-csi-driver` are released once for every supported minor; undefined
   * takes the version EKS marks default for the cluster's minor at creation, pinned thereafter by
   * the state (an environment pins one with `platform.addons.<name>.version`).
   */
  readonly vpcCni?: string;
  readonly ebsCsiDriver?: string;
}

/**
 * Pinned EKS add-on versions per Kubernetes minor, so a cluster upgrade moves its add-ons in the
 * same plan (EKS never upgrades an add-on by itself) and a plan never drifts to a newer default.
 *
 * Source: Amazon EKS User Guide, "Manage kube-proxy in Amazon EKS clusters" and "Manage CoreDNS
 * for DNS in Amazon EKS clusters", tables of the latest add-on version per Kubernetes version
 * (https://docs.aws.amazon.com/eks/latest/userguide/managing-kube-proxy.html,
 * https://docs.aws.amazon.com/eks/latest/userguide/managing-coredns.html), read 2026-12-02.
 * Check a row before an upgrade with
 * `aws eks describe-addon-versions --kubernetes-version 1.35 --addon-name kube-proxy`.
 */
export const EKS_ADDON_VERSIONS = {
  "1.34": { kubeProxy: "v1.34.6-eksbuild.2", coredns: "v1.13.2-eksbuild.7" },
  "1.35": { kubeProxy: "v1.35.3-eksbuild.2", coredns: "v1.14.2-eksbuild.4" },
} as const satisfies { readonly [minor in KubernetesVersion]?: EksAddonVersionSet };

// Source: https://docs.aws.amazon.com/eks/latest/userguide/managing-kube-proxy.html and managing-coredns.html (read 2026-12-02).

/** The pinned add-on versions of a Kubernetes minor, or undefined when the table has no row for it. */
export function addonVersionsFor(kubernetesVersion: string): EksAddonVersionSet | undefined {
  const table: { readonly [minor: string]: EksAddonVersionSet } = EKS_ADDON_VERSIONS;
  return Object.hasOwn(table, kubernetesVersion) ? table[kubernetesVersion] : undefined;
}
