import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { Construct } from "constructs";

/** Pod Security Standards level a namespace admits. */
export type PodSecurityLevel = "restricted" | "baseline" | "privileged";

/** Annotation that records why a namespace admits more than `restricted`. */
const POD_SECURITY_JUSTIFICATION_ANNOTATION = "platform.acme.example/pod-security-justification";

const POD_SECURITY_LABEL_PREFIX = "pod-security.kubernetes.io/";
/** DNS-1123 label: what Kubernetes accepts as a namespace name. */
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export interface WorkloadNamespaceProps {
  /** Namespace name: a DNS label of at most 63 characters. */
  readonly name: string;
  /**
   * Pod Security Standards level, enforced, audited and warned at the latest version.
   * @default "restricted"
   */
  readonly level?: PodSecurityLevel;
  /**
   * Why the namespace needs more than `restricted`, stored as an annotation for reviewers and
   * auditors. Required when `level` is `baseline` or `privileged`; ignored for `restricted`.
   * @default none
   */
  readonly justification?: string;
  /**
   * Further labels (for network-policy selectors, say). Pod Security labels are set by `level` only.
   * @default none
   */
  readonly labels?: { readonly [key: string]: string };
}

/**
 * A Kubernetes namespace with Pod Security Admission labels: `enforce`, `audit` and `warn` at one
 * level, each at version `latest`. `restricted` unless a workload truly needs more, and then with a
 * written justification on the namespace itself.
 */
export class WorkloadNamespace extends Construct {
  /** The namespace name, as a reference to the namespace (so users of it are created after it). */
  readonly name: string;
  /** The Pod Security level the namespace enforces. */
  readonly level: PodSecurityLevel;
  /** The namespace resource, for `dependsOn`. */
  readonly namespace: NamespaceV1;

  constructor(scope: Construct, id: string, props: WorkloadNamespaceProps) {
    super(scope, id);
    const level = props.level ?? "restricted";
    if (!NAMESPACE_NAME.test(props.name) || props.name.length > 63) {
      throw new Error(`Namespace "${props.name}": the name must be a DNS label (lowercase letters, digits, '-') of at most 63 characters`);
    }
    const justification = props.justification?.trim() ?? "";
    if (level !== "restricted" && justification === "") {
      throw new Error(`Namespace ${props.name}: Pod Security level "${level}" needs a justification (why "restricted" is not enough)`);
    }
    const extraLabels = props.labels ?? {};
    const clashing = Object.keys(extraLabels).filter((key) => key.startsWith(POD_SECURITY_LABEL_PREFIX));
    if (clashing.length > 0) {
      throw new Error(`Namespace ${props.name}: labels ${clashing.join(", ")} are set by the level prop, not by labels`);
    }

    const podSecurity: { [key: string]: string } = {};
    for (const mode of ["enforce", "audit", "warn"] as const) {
      podSecurity[`${POD_SECURITY_LABEL_PREFIX}${mode}`] = level;
      podSecurity[`${POD_SECURITY_LABEL_PREFIX}${mode}-version`] = "latest";
    }

    this.namespace = new NamespaceV1(this, "namespace", {
      metadata: {
        name: props.name,
        labels: { ...extraLabels, ...podSecurity },
        ...(level === "restricted" ? {} : { annotations: { [POD_SECURITY_JUSTIFICATION_ANNOTATION]: justification } }),
      },
    });
    this.name = this.namespace.metadata.name;
    this.level = level;
  }
}
