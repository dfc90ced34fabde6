import type { Release } from "@cdktf/provider-helm/lib/release";
import { Token } from "cdktf";
import { Construct } from "constructs";
import {
  type IrsaServiceAccountValues,
  irsaAnnotations,
  PinnedHelmRelease,
  type ResourceRequirements,
  type Toleration,
  type HelmAddOnProps,
} from "../pinned-helm-release";
import { KARPENTER_SERVICE_ACCOUNT } from "./identity";

/** The karpenter chart values this construct sets (chart 1.14.1, values.yaml). */
export interface KarpenterValues {
  readonly settings: {
    readonly clusterName: string;
    readonly clusterEndpoint: string;
    /** SQS queue of interruption events (the platform layer's `karpenterInterruptionQueueName`). */
    readonly interruptionQueue: string;
  };
  readonly serviceAccount: IrsaServiceAccountValues;
  readonly replicas: number;
  /** The system node group's taint (platform.nodeGroups): Karpenter runs there, never on its own nodes. */
  readonly tolerations: readonly Toleration[];
  readonly controller: {
    /** The chart version's controller tag; its digest comes from the image table (PinnedHelmRelease). */
    readonly image: { readonly tag: string };
    readonly resources: ResourceRequirements;
  };
  readonly serviceMonitor: { readonly enabled: boolean };
  readonly logLevel: "info";
}

export interface KarpenterProps extends HelmAddOnProps {
  readonly clusterName: string;
  /** The API server's endpoint (Karpenter writes it into the nodes' bootstrap). */
  readonly clusterEndpoint: string;
  readonly interruptionQueueName: string;
  /**
   * IAM role of the controller's service account, as the IRSA annotation.
   * @default none: the role comes through its EKS Pod Identity association (platform layer)
   */
  readonly roleArn?: string;
  /**
   * Controller replicas (one per node and zone: the chart's anti-affinity and zone spread are required).
   * @default 2
   */
  readonly replicas?: number;
  /**
   * A ServiceMonitor for Prometheus (kube-prometheus-stack's CRD must exist).
   * @default false
   */
  readonly serviceMonitor?: boolean;
}

/**
 * Karpenter in kube-system: its CRDs from the karpenter-crd chart (templates, so Helm upgrades them;
 * the karpenter chart's own crds/ are skipped), then the controller on the system node group (the
 * chart's affinity keeps it off nodes Karpenter launched, its toleration admits it to the
 * CriticalAddonsOnly taint), with its role from EKS Pod Identity and the interruption queue.
 */
export class Karpenter extends Construct {
  /** The controller's release: NodePools and EC2NodeClasses come after it. */
  readonly release: Release;
  readonly crdRelease: Release;

  constructor(scope: Construct, id: string, props: KarpenterProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.clusterName) && props.clusterName.trim() === "")
      throw new Error("Karpenter: clusterName must not be empty");
    const replicas = props.replicas ?? 2;
    if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`Karpenter: replicas must be a positive integer (got ${replicas})`);
    const account = KARPENTER_SERVICE_ACCOUNT;
    const crds = new PinnedHelmRelease(this, "crds", {
      releaseName: "karpenter-crd",
      namespace: account.namespace,
      chart: "karpenterCrd",
      version: props.chartVersion,
      values: {},
      ...(props.dependsOn === undefined ? {} : { dependsOn: props.dependsOn }),
    });
    const values: KarpenterValues = {
      settings: { clusterName: props.clusterName, clusterEndpoint: props.clusterEndpoint, interruptionQueue: props.interruptionQueueName },
      serviceAccount: { create: true, name: account.name, annotations: irsaAnnotations(props.roleArn) },
      replicas,
      tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" }],
      // The image of the chart's version; its index digest (which Karpenter's release job writes
      // into the published chart, not into the source) comes from modules/core/image-digests.ts.
      controller: {
        image: { tag: props.chartVersion },
        resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "1Gi" } },
      },
      serviceMonitor: { enabled: props.serviceMonitor ?? false },
      logLevel: "info",
    };
    const release = new PinnedHelmRelease(this, "release", {
      releaseName: "karpenter",
      namespace: account.namespace,
      chart: "karpenter",
      version: props.chartVersion,
      values,
      skipCrds: true,
      dependsOn: [crds.release, ...(props.dependsOn ?? [])],
    });
    this.crdRelease = crds.release;
    this.release = release.release;
  }
}
