import type { ServiceAccountRef } from "../../eks/irsa-role";

/**
 * The Kubernetes service account cluster-autoscaler runs as. The platform layer's IAM role trusts exactly this
 * one (IRSA) and the workloads layer creates it with this name: one declaration, so the two layers
 * cannot drift.
 */
export const CLUSTER_AUTOSCALER_SERVICE_ACCOUNT = {
  namespace: "kube-system",
  name: "cluster-autoscaler",
} as const satisfies ServiceAccountRef;
