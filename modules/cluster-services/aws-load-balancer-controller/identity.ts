import type { ServiceAccountRef } from "../../eks/service-account";

/**
 * The Kubernetes service account the AWS Load Balancer Controller runs as. The platform layer's IAM role trusts exactly this
 * one (IRSA) and the workloads layer creates it with this name: one declaration, so the two layers
 * cannot drift.
 */
export const LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT = {
  namespace: "kube-system",
  name: "aws-load-balancer-controller",
} as const satisfies ServiceAccountRef;
