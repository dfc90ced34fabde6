import type { ServiceAccountRef } from "../../eks/service-account";

/**
 * The Kubernetes service account Karpenter's controller runs as (kube-system, where Karpenter's
 * getting-started guide installs it). The platform layer's role is associated with exactly this
 * one (EKS Pod Identity) and the workloads layer has the chart create it with this name.
 */
export const KARPENTER_SERVICE_ACCOUNT = { namespace: "kube-system", name: "karpenter" } as const satisfies ServiceAccountRef;

/** The tag Karpenter's EC2NodeClass selects subnets and security groups by (`karpenter.sh/discovery=<cluster>`). */
const KARPENTER_DISCOVERY_TAG = "karpenter.sh/discovery";

/** `{ "karpenter.sh/discovery": <cluster> }`: on the private-app subnets and the nodes' security group. */
export const karpenterDiscoveryTags = (clusterName: string): { readonly [key: string]: string } => ({
  [KARPENTER_DISCOVERY_TAG]: clusterName,
});
