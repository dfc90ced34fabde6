import type { Release } from "@cdktf/provider-helm/lib/release";
import { Construct } from "constructs";
import { PinnedHelmRelease, type ResourceRequirements, type TopologySpreadConstraint, type HelmAddOnProps } from "../pinned-helm-release";

const RELEASE = "metrics-server";

/** The metrics-server chart values this construct sets. */
export interface MetricsServerValues {
  readonly replicas: number;
  readonly podDisruptionBudget: { readonly enabled: boolean; readonly minAvailable?: number };
  readonly topologySpreadConstraints: readonly TopologySpreadConstraint[];
  readonly resources: ResourceRequirements;
}

export interface MetricsServerProps extends HelmAddOnProps {
  /**
   * Replicas; the HPA and `kubectl top` depend on the metrics API, so more than one by default.
   * @default 2
   */
  readonly replicas?: number;
}

/**
 * metrics-server in kube-system (the resource metrics API behind HPAs), highly available: two
 * replicas spread across zones with a PodDisruptionBudget keeping one up during drains. The
 * chart's container security context is already restricted-grade.
 */
export class MetricsServer extends Construct {
  /** The Helm release, for `dependsOn` (HPAs need the metrics API). */
  readonly release: Release;

  constructor(scope: Construct, id: string, props: MetricsServerProps) {
    super(scope, id);
    const replicas = props.replicas ?? 2;
    if (!Number.isInteger(replicas) || replicas < 1) {
      throw new Error(`metrics-server: replicas must be a positive integer (got ${replicas})`);
    }
    const ha = replicas > 1;
    const values: MetricsServerValues = {
      replicas,
      // A single replica with minAvailable 1 would block every node drain.
      podDisruptionBudget: ha ? { enabled: true, minAvailable: 1 } : { enabled: false },
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: "topology.kubernetes.io/zone",
          whenUnsatisfiable: "ScheduleAnyway",
          labelSelector: { matchLabels: { "app.kubernetes.io/name": "metrics-server", "app.kubernetes.io/instance": RELEASE } },
        },
      ],
      resources: { requests: { cpu: "100m", memory: "200Mi" }, limits: { cpu: "500m", memory: "400Mi" } },
    };
    const release = new PinnedHelmRelease(this, "release", {
      releaseName: RELEASE,
      namespace: "kube-system",
      chart: "metricsServer",
      version: props.chartVersion,
      values,
      dependsOn: props.dependsOn,
    });
    this.release = release.release;
  }
}
