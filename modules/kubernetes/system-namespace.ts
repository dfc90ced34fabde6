import { Labels } from "@cdktf/provider-kubernetes/lib/labels";
import { Construct } from "constructs";
import type { PodSecurityLevel } from "./workload-namespace";

/** The Pod Security labels Kubernetes reads on a namespace. */
const POD_SECURITY_LABEL_PREFIX = "pod-security.kubernetes.io/";

export interface SystemNamespaceProps {
  /** A namespace the cluster creates itself (`kube-system`), which the stack labels but does not own. */
  readonly name: string;
  /** The Pod Security level it enforces (and audits and warns at). */
  readonly level: PodSecurityLevel;
  /** Why that level: what runs there that needs it. */
  readonly justification: string;
}

/**
 * The Pod Security level of a namespace the cluster made (EKS creates `kube-system`, unlabelled:
 * the cluster default, `privileged`, applies), declared by the stack: its labels are set
 * explicitly (a `kubernetes_labels` on the existing namespace), so the level each release in it
 * runs under is written down and the render policy checks its pods against it.
 */
export class SystemNamespace extends Construct {
  readonly name: string;
  readonly level: PodSecurityLevel;
  readonly justification: string;

  constructor(scope: Construct, id: string, props: SystemNamespaceProps) {
    super(scope, id);
    if (props.justification.trim() === "") throw new Error(`Namespace ${props.name}: a Pod Security level needs a justification`);
    const labels: { [key: string]: string } = {};
    for (const mode of ["enforce", "audit", "warn"] as const) {
      labels[`${POD_SECURITY_LABEL_PREFIX}${mode}`] = props.level;
      labels[`${POD_SECURITY_LABEL_PREFIX}${mode}-version`] = "latest";
    }
    new Labels(this, "pod-security", { apiVersion: "v1", kind: "Namespace", metadata: { name: props.name }, labels, force: true });
    this.name = props.name;
    this.level = props.level;
    this.justification = props.justification;
  }
}

/**
 * kube-system: `privileged`. The Secrets Store CSI driver's node plugin is a privileged container
 * with hostPath mounts of the kubelet's directories (it mounts secrets into pods), as every CSI
 * node plugin; EKS's own add-ons (aws-node, kube-proxy, the EBS CSI node) run there too.
 */
export const KUBE_SYSTEM_POD_SECURITY = {
  name: "kube-system",
  level: "privileged",
  justification:
    "CSI node plugins (Secrets Store CSI driver, EBS CSI) run privileged with hostPath mounts of the kubelet's directories; EKS's aws-node and kube-proxy use the host network",
} as const satisfies SystemNamespaceProps;
