import { Release } from "@cdktf/provider-helm/lib/release";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { CHART_VERSIONS, type ChartName, chartRelease } from "../core/chart-versions";
import { withImageDigests } from "../core/image-digests";
import { helmReleaseBasics } from "../kubernetes/helm-release-basics";

/*
 * Kubernetes shapes that several charts' values share. Each chart's values interface is built
 * from these, so a typo in a security context or a resource quantity key fails to compile.
 */

/** CPU (`100m`) and memory (`128Mi`) quantities of a container. */
export interface ResourceQuantities {
  readonly cpu?: string;
  readonly memory?: string;
}

/** A container's resource requests and limits. */
export interface ResourceRequirements {
  readonly requests: ResourceQuantities;
  readonly limits: ResourceQuantities;
}

export interface SeccompProfile {
  readonly type: "RuntimeDefault";
}

/** Pod-level security context, as charts pass it through. */
export interface PodSecurityContext {
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly fsGroup?: number;
  readonly seccompProfile?: SeccompProfile;
}

/** Container-level security context, as charts pass it through. */
export interface ContainerSecurityContext {
  readonly privileged?: boolean;
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly allowPrivilegeEscalation: boolean;
  readonly readOnlyRootFilesystem?: boolean;
  readonly seccompProfile?: SeccompProfile;
  readonly capabilities?: { readonly drop: readonly "ALL"[]; readonly add?: readonly string[] };
}

/** A pod toleration; `{ operator: "Exists" }` tolerates every taint. */
export interface Toleration {
  readonly operator: "Exists" | "Equal";
  readonly key?: string;
  readonly value?: string;
  readonly effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** A pod topology spread constraint. */
export interface TopologySpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly whenUnsatisfiable: "DoNotSchedule" | "ScheduleAnyway";
  readonly labelSelector: { readonly matchLabels: { readonly [key: string]: string } };
}

/** A container environment variable with a literal value. */
export interface EnvVar {
  readonly name: string;
  readonly value: string;
}

/**
 * A service account a chart creates for a workload with an IAM role. With EKS Pod Identity the
 * association (platform layer) binds the role to the account's name and the account carries no
 * annotation; with IRSA it carries `eks.amazonaws.com/role-arn`.
 */
export interface IrsaServiceAccountValues {
  readonly create: true;
  readonly name: string;
  readonly annotations: { readonly "eks.amazonaws.com/role-arn"?: string };
}

/**
 * The service-account annotation EKS reads to inject web-identity credentials (IRSA), or none when
 * the role comes through EKS Pod Identity (`roleArn` undefined).
 */
export const irsaAnnotations = (roleArn: string | undefined): IrsaServiceAccountValues["annotations"] =>
  roleArn === undefined ? {} : { "eks.amazonaws.com/role-arn": roleArn };

/** Exact chart versions only: ranges, `latest` and pre-releases change what a plan installs. */
const EXACT_VERSION = /^\d+\.\d+\.\d+$/;

/** A chart of the chart table that comes from a Helm repository (not a local chart under charts/). */
export type RepositoryChartName = {
  [K in ChartName]: (typeof CHART_VERSIONS)[K]["repository"] extends `https://${string}` | `oci://${string}` ? K : never;
}[ChartName];

/** What every cluster service installed from a chart of the table takes. */
export interface HelmAddOnProps {
  /** Exact version of the service's chart, one that the chart table (modules/core/chart-versions.ts) lists. */
  readonly chartVersion: string;
  /**
   * Resources the release waits for.
   * @default none
   */
  readonly dependsOn?: ITerraformDependable[];
}

export interface PinnedHelmReleaseProps<T extends object> {
  /** Helm release name: a DNS label of at most 53 characters. */
  readonly releaseName: string;
  /** Namespace the release installs into; it must exist (the release never creates it). */
  readonly namespace: string;
  /** The chart's row in the chart table, which gives its repository and chart name. */
  readonly chart: RepositoryChartName;
  /** Exact chart version, `x.y.z`, listed for the chart in the chart table. */
  readonly version: string;
  /** The chart's values, serialized once as JSON (which is YAML) into the release. */
  readonly values: T;
  /**
   * Terraform resources the release must wait for (CRDs it uses, a driver it plugs into).
   * @default none
   */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * How long Helm waits for the release's resources to become ready, in seconds.
   * @default 600
   */
  readonly timeoutSeconds?: number;
  /**
   * Skip the chart's `crds/` folder (its CRDs then ship in a local chart of ours, which Helm upgrades;
   * Helm installs `crds/` once and never upgrades them).
   * @default false
   */
  readonly skipCrds?: boolean;
}

/**
 * The one base of every cluster service's Helm release: the chart and its repository come from
 * the chart table, and the version must be one the table lists (with the Kubernetes minors it
 * supports), so a module cannot install a chart nobody reviewed. A Helm release with an exact
 * chart version and production install semantics: atomic (a failed
 * install or upgrade rolls back), cleanup on failure, wait for readiness, five revisions of history,
 * and never creating its namespace (namespaces carry Pod Security labels; see WorkloadNamespace).
 * Values are a typed object serialized once; Terraform tokens inside strings (ARNs, names, ids from
 * other resources or remote state) become interpolations inside that JSON string, so they must
 * resolve to text without quotes, backslashes or newlines, as such identifiers do. The image
 * digests the image table pins for the chart version (modules/core/image-digests.ts) are merged
 * into the values at the keys the table names.
 */
export class PinnedHelmRelease<T extends object> extends Construct {
  /** The `helm_release` resource, for `dependsOn`. */
  readonly release: Release;

  constructor(scope: Construct, id: string, props: PinnedHelmReleaseProps<T>) {
    super(scope, id);
    const basics = helmReleaseBasics(props.releaseName, props.namespace);
    const name = basics.name;
    if (!EXACT_VERSION.test(props.version)) {
      throw new Error(
        `Helm release ${name}: chart version "${props.version}" must be an exact version such as 1.2.3 (ranges and tags are not reproducible)`,
      );
    }
    const entry = CHART_VERSIONS[props.chart];
    if (chartRelease(props.chart, props.version) === undefined) {
      throw new Error(
        `Helm release ${name}: ${entry.chart} ${props.version} is not in the chart version table (modules/core/chart-versions.ts lists ${Object.keys(entry.versions).join(", ")})`,
      );
    }
    const timeout = props.timeoutSeconds ?? 600;
    if (!Number.isInteger(timeout) || timeout < 60) {
      throw new Error(`Helm release ${name}: timeoutSeconds must be an integer >= 60 (got ${timeout})`);
    }

    this.release = new Release(this, "release", {
      ...basics,
      repository: entry.repository,
      chart: entry.chart,
      version: props.version,
      values: [JSON.stringify(withImageDigests(props.chart, props.version, props.values))],
      wait: true,
      timeout,
      ...(props.skipCrds === true ? { skipCrds: true } : {}),
      dependsOn: props.dependsOn,
    });
  }
}
