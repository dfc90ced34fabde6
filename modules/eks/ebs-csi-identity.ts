import type { ServiceAccountRef } from "./service-account";

/**
 * The service account of the EBS CSI driver's controller (the `aws-ebs-csi-driver` EKS add-on
 * creates it with this name). The platform layer's IAM role for the add-on trusts exactly this one.
 */
export const EBS_CSI_CONTROLLER_SERVICE_ACCOUNT = {
  namespace: "kube-system",
  name: "ebs-csi-controller-sa",
} as const satisfies ServiceAccountRef;
