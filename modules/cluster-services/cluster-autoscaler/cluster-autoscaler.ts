import type { Release } from "@cdktf/provider-helm/lib/release";
import { Token } from "cdktf";
import { Construct } from "constructs";
import {
  type ContainerSecurityContext,
  type IrsaServiceAccountValues,
  irsaAnnotations,
  PinnedHelmRelease,
  type PodSecurityContext,
  type ResourceRequirements,
  type HelmAddOnProps,
} from "../pinned-helm-release";
import { CLUSTER_AUTOSCALER_SERVICE_ACCOUNT } from "./identity";

/** The cluster-autoscaler chart values this construct sets. */
export interface ClusterAutoscalerValues {
  readonly cloudProvider: "aws";
  /** Node groups found by their ASG tags `k8s.io/cluster-autoscaler/enabled` and `k8s.io/cluster-autoscaler/<cluster>`. */
  readonly autoDiscovery: { readonly clusterName: string };
  readonly awsRegion: string;
  readonly rbac: { readonly serviceAccount: IrsaServiceAccountValues };
  readonly extraArgs: {
    /** Keep node groups of the same shape in different zones the same size. */
    readonly "balance-similar-node-groups": true;
    /** Nodes with emptyDir pods may scale down (their data is scratch by definition). */
    readonly "skip-nodes-with-local-storage": false;
    readonly expander: "least-waste";
  };
  readonly securityContext: PodSecurityContext;
  readonly containerSecurityContext: ContainerSecurityContext;
  readonly resources: ResourceRequirements;
}

export interface ClusterAutoscalerProps extends HelmAddOnProps {
  /** IRSA role of the cluster-autoscaler service account. */
  readonly roleArn: string;
  /** EKS cluster whose tagged node groups it scales. */
  readonly clusterName: string;
  readonly region: string;
}

/**
 * Cluster Autoscaler in kube-system: discovers the cluster's managed node groups by tag, balances
 * similar groups across zones, picks the least-waste group to grow, with AWS credentials from the
 * IRSA role bound to CLUSTER_AUTOSCALER_SERVICE_ACCOUNT.
 */
export class ClusterAutoscaler extends Construct {
  /** The Helm release, for `dependsOn`. */
  readonly release: Release;

  constructor(scope: Construct, id: string, props: ClusterAutoscalerProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.clusterName) && props.clusterName.trim() === "") {
      throw new Error("cluster-autoscaler: clusterName must not be empty");
    }
    if (!Token.isUnresolved(props.region) && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(props.region)) {
      throw new Error(`cluster-autoscaler: region "${props.region}" is not an AWS region such as eu-west-1`);
    }
    const account = CLUSTER_AUTOSCALER_SERVICE_ACCOUNT;
    const values: ClusterAutoscalerValues = {
      cloudProvider: "aws",
      autoDiscovery: { clusterName: props.clusterName },
      awsRegion: props.region,
      rbac: { serviceAccount: { create: true, name: account.name, annotations: irsaAnnotations(props.roleArn) } },
      extraArgs: {
        "balance-similar-node-groups": true,
        "skip-nodes-with-local-storage": false,
        expander: "least-waste",
      },
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 65534,
        runAsGroup: 65534,
        fsGroup: 65534,
        seccompProfile: { type: "RuntimeDefault" },
      },
      containerSecurityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
      resources: { requests: { cpu: "100m", memory: "300Mi" }, limits: { cpu: "500m", memory: "600Mi" } },
    };
    const release = new PinnedHelmRelease(this, "release", {
      releaseName: "cluster-autoscaler",
      namespace: account.namespace,
      chart: "clusterAutoscaler",
      version: props.chartVersion,
      values,
      dependsOn: props.dependsOn,
    });
    this.release = release.release;
  }
}
