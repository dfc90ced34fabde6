/**
 * The Kubernetes minor versions Amazon EKS offers, with the end of their standard and extended
 * support: the one place the environment schema, the component ranges and the upgrade runbook
 * read them from.
 *
 * Source: Amazon EKS User Guide, "Understand the Kubernetes version lifecycle on EKS", release
 * calendar (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html), checked
 * 2026-12-02. Standard support lasts 14 months from the EKS release, extended support 12 more
 * (billed at six times the hourly cluster price); after that EKS upgrades the cluster itself.
 *
 * A row leaves the table when its extended support has ended (a test fails on the first day it
 * should have gone); a row joins when EKS releases the version and every component in
 * CHART_VERSIONS and EKS_ADDON_VERSIONS declares support for it.
 */
export interface EksKubernetesVersion {
  /** The day the version became available on EKS (ISO date). */
  readonly released: string;
  /** Last day of standard support (ISO date); extended support is billed from the day after. */
  readonly endOfStandardSupport: string;
  /** Last day of extended support (ISO date); EKS auto-upgrades the cluster after it. */
  readonly endOfExtendedSupport: string;
}

export const EKS_KUBERNETES_VERSIONS_SOURCE =
  "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html (checked 2026-12-02)";

export const EKS_KUBERNETES_VERSIONS = {
  "1.32": { released: "2025-01-23", endOfStandardSupport: "2026-03-23", endOfExtendedSupport: "2027-03-23" },
  "1.33": { released: "2025-05-29", endOfStandardSupport: "2026-07-29", endOfExtendedSupport: "2027-07-29" },
  "1.34": { released: "2025-10-02", endOfStandardSupport: "2026-12-02", endOfExtendedSupport: "2027-12-02" },
  "1.35": { released: "2026-01-27", endOfStandardSupport: "2027-03-27", endOfExtendedSupport: "2028-03-27" },
  // 1.36: EKS release 2026-06-02 and end of standard support 2027-08-02 as reported by
  // devopsdreams.blogspot.com/2026/08/kubernetes-136-on-amazon-eks-upgrade.html (the EKS calendar
  // page itself was not readable offline); extended support is the calendar's 12 months more.
  // The add-on tables of the EKS user guide (managing-kube-proxy) list 1.36.
  "1.36": { released: "2026-06-02", endOfStandardSupport: "2027-08-02", endOfExtendedSupport: "2028-08-02" },
} as const satisfies { readonly [minor: string]: EksKubernetesVersion };

/** A Kubernetes minor version EKS offers, such as `1.35`. */
export type KubernetesVersion = keyof typeof EKS_KUBERNETES_VERSIONS;

/** The versions of the table, oldest first. */
export const KUBERNETES_VERSIONS = (Object.keys(EKS_KUBERNETES_VERSIONS) as KubernetesVersion[]).sort(compareMinors);

export function isKubernetesVersion(version: string): version is KubernetesVersion {
  return Object.hasOwn(EKS_KUBERNETES_VERSIONS, version);
}

/** The minor number of `1.35` (35); NaN for anything that is not `1.<minor>`. */
export function minorOf(version: string): number {
  const match = /^1\.(\d+)$/.exec(version);
  return match === null ? Number.NaN : Number(match[1]);
}

/** Orders `1.9` before `1.10` (numerically, not as text). */
export function compareMinors(a: string, b: string): number {
  return minorOf(a) - minorOf(b);
}

/** Where a version stands on a given day: standard support, extended support (billed), or gone. */
export type SupportStatus = "standard" | "extended" | "unsupported";

/**
 * The support status of `version` on `day` (an ISO date, `YYYY-MM-DD`).
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function supportStatus(version: KubernetesVersion, day: string): SupportStatus {
  const row: EksKubernetesVersion = EKS_KUBERNETES_VERSIONS[version];
  if (day <= row.endOfStandardSupport) return "standard";
  if (day <= row.endOfExtendedSupport) return "extended";
  return "unsupported";
}
