import { EksAddon } from "@cdktf/provider-aws/lib/eks-addon";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";

/** Pinned add-on versions; an absent one takes EKS's default for the cluster version. */
export interface EksAddonVersions {
  readonly vpcCni?: string;
  readonly coredns?: string;
  readonly kubeProxy?: string;
  readonly ebsCsiDriver?: string;
  readonly podIdentityAgent?: string;
}

export interface EksAddonsProps {
  readonly clusterName: string;
  /** @default EKS's default version of each add-on */
  readonly versions?: EksAddonVersions;
  /**
   * IAM role of the EBS CSI controller's service account, given to the add-on (IRSA). With EKS Pod
   * Identity the role comes through its association instead.
   * @default none
   */
  readonly ebsCsiRoleArn?: string;
  /**
   * Install the EKS Pod Identity agent (`eks-pod-identity-agent`), a DaemonSet on every node that
   * hands pods the credentials of their association's role.
   * @default true
   */
  readonly podIdentityAgent?: boolean;
  /**
   * What must exist before add-ons that run pods (coredns, the EBS CSI driver): the node groups.
   * @default none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** The VPC CNI's configuration: enforce Kubernetes NetworkPolicies with the CNI's eBPF agent. */
const VPC_CNI_CONFIGURATION = { enableNetworkPolicy: "true" } as const;

/**
 * EKS managed add-ons: vpc-cni (network policy enforcement on), kube-proxy, coredns, the EBS
 * CSI driver with its own identity and the EKS Pod Identity agent. Conflicts with hand-made
 * changes resolve to our configuration.
 */
export class EksAddons extends Construct {
  constructor(scope: Construct, id: string, props: EksAddonsProps) {
    super(scope, id);
    const versions = props.versions ?? {};
    const addon = (
      name: string,
      version: string | undefined,
      extra: { configurationValues?: string; serviceAccountRoleArn?: string; needsNodes?: boolean } = {},
    ) =>
      new EksAddon(this, name, {
        clusterName: props.clusterName,
        addonName: name,
        ...(version === undefined ? {} : { addonVersion: version }),
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
        ...(extra.configurationValues === undefined ? {} : { configurationValues: extra.configurationValues }),
        ...(extra.serviceAccountRoleArn === undefined ? {} : { serviceAccountRoleArn: extra.serviceAccountRoleArn }),
        ...(extra.needsNodes === true && props.dependsOn !== undefined ? { dependsOn: [...props.dependsOn] } : {}),
      });

    addon("vpc-cni", versions.vpcCni, { configurationValues: JSON.stringify(VPC_CNI_CONFIGURATION) });
    addon("kube-proxy", versions.kubeProxy);
    addon("coredns", versions.coredns, { needsNodes: true });
    addon("aws-ebs-csi-driver", versions.ebsCsiDriver, {
      ...(props.ebsCsiRoleArn === undefined ? {} : { serviceAccountRoleArn: props.ebsCsiRoleArn }),
      needsNodes: true,
    });
    // A DaemonSet: it runs on whatever nodes exist, and needs none to be created.
    if (props.podIdentityAgent ?? true) addon("eks-pod-identity-agent", versions.podIdentityAgent);
  }
}
