import type { ServiceAccountRef } from "../../modules/eks/irsa-role";

/**
 * The Kubernetes service accounts the platform layer's IAM roles trust, and which the workloads
 * layer must create with exactly these names: one place, so the two layers cannot drift.
 */
export const SERVICE_ACCOUNTS = {
  ebsCsiController: { namespace: "kube-system", name: "ebs-csi-controller-sa" },
  clusterAutoscaler: { namespace: "kube-system", name: "cluster-autoscaler" },
  externalDns: { namespace: "external-dns", name: "external-dns" },
  fluentBit: { namespace: "logging", name: "fluent-bit" },
  loadBalancerController: { namespace: "kube-system", name: "aws-load-balancer-controller" },
  backend: { namespace: "backend", name: "backend" },
} as const satisfies { readonly [name: string]: ServiceAccountRef };
