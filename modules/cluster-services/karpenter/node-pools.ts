import type { Release } from "@cdktf/provider-helm/lib/release";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { LocalChartRelease } from "../../kubernetes/local-chart-release";
import { karpenterDiscoveryTags } from "./identity";
import type { DisruptionBudget, EC2NodeClass, NodePool } from "./node-pool-types";

/** The one EC2NodeClass every NodePool uses. */
const NODE_CLASS_NAME = "default";

/** One NodePool, as the environment file describes it (platform.karpenter.nodePools[]). */
export interface NodePoolSettings {
  readonly name: string;
  readonly capacityTypes: readonly ("on-demand" | "spot")[];
  readonly instanceCategories: readonly string[];
  /** Oldest instance generation allowed. */
  readonly minInstanceGeneration: number;
  readonly architectures: readonly ("amd64" | "arm64")[];
  readonly limits: { readonly cpu: number; readonly memoryGiB: number };
  readonly consolidationPolicy: "WhenEmptyOrUnderutilized" | "WhenEmpty";
  readonly consolidateAfter: string;
  readonly expireAfter: string;
  readonly disruptionBudgets: readonly DisruptionBudget[];
  readonly labels: { readonly [key: string]: string };
}

export interface KarpenterNodePoolsProps {
  /** Cluster name: the discovery tag's value (private-app subnets, the nodes' security group). */
  readonly clusterName: string;
  /** IAM role name of the nodes (the platform layer's `karpenterNodeRoleName`). */
  readonly nodeRoleName: string;
  /** `al2023@latest` or `al2023@v<YYYYMMDD>`. */
  readonly amiAlias: string;
  readonly rootVolumeGiB: number;
  /**
   * KMS key of the root volumes.
   * @default the account's default EBS key
   */
  readonly rootVolumeKmsKeyArn?: string;
  readonly nodePools: readonly NodePoolSettings[];
  /**
   * Tags of every instance, volume and interface Karpenter launches.
   * @default {}
   */
  readonly tags?: { readonly [key: string]: string };
  /** Karpenter's release: its CRDs and its validating webhook come first. */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** The values of charts/karpenter-node-pools. */
export interface KarpenterNodePoolsValues {
  readonly nodeClasses: readonly EC2NodeClass[];
  readonly nodePools: readonly NodePool[];
}

const AMI_ALIAS = /^al2023@(latest|v\d{8})$/;

/**
 * The EC2NodeClass: AL2023 by alias, IMDSv2 with hop limit 1, encrypted gp3 root, no public IP, discovery tags.
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function nodeClass(props: Omit<KarpenterNodePoolsProps, "nodePools" | "dependsOn">): EC2NodeClass {
  if (!AMI_ALIAS.test(props.amiAlias))
    throw new Error(`Karpenter EC2NodeClass: AMI alias "${props.amiAlias}" is not al2023@latest or al2023@v<YYYYMMDD>`);
  const discovery = karpenterDiscoveryTags(props.clusterName);
  return {
    apiVersion: "karpenter.k8s.aws/v1",
    kind: "EC2NodeClass",
    metadata: { name: NODE_CLASS_NAME },
    spec: {
      amiSelectorTerms: [{ alias: props.amiAlias }],
      role: props.nodeRoleName,
      subnetSelectorTerms: [{ tags: discovery }],
      securityGroupSelectorTerms: [{ tags: discovery }],
      associatePublicIPAddress: false,
      metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          rootVolume: true,
          ebs: {
            volumeSize: `${props.rootVolumeGiB}Gi`,
            volumeType: "gp3",
            encrypted: true,
            ...(props.rootVolumeKmsKeyArn === undefined ? {} : { kmsKeyID: props.rootVolumeKmsKeyArn }),
            deleteOnTermination: true,
          },
        },
      ],
      tags: { ...props.tags, Name: `${props.clusterName}-karpenter` },
    },
  };
}

/**
 * A NodePool of the EC2NodeClass: capacity types, categories, generations, architectures, limits, disruption.
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function nodePool(settings: NodePoolSettings): NodePool {
  if (settings.disruptionBudgets.length === 0)
    throw new Error(`Karpenter NodePool ${settings.name}: give it at least one disruption budget`);
  return {
    apiVersion: "karpenter.sh/v1",
    kind: "NodePool",
    metadata: { name: settings.name },
    spec: {
      template: {
        ...(Object.keys(settings.labels).length === 0 ? {} : { metadata: { labels: { ...settings.labels } } }),
        spec: {
          nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: NODE_CLASS_NAME },
          requirements: [
            { key: "karpenter.sh/capacity-type", operator: "In", values: [...settings.capacityTypes] },
            { key: "karpenter.k8s.aws/instance-category", operator: "In", values: [...settings.instanceCategories] },
            // Gt is strict: generation N or newer is "greater than N - 1".
            { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: [String(settings.minInstanceGeneration - 1)] },
            { key: "kubernetes.io/arch", operator: "In", values: [...settings.architectures] },
            { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
          ],
          expireAfter: settings.expireAfter,
        },
      },
      limits: { cpu: String(settings.limits.cpu), memory: `${settings.limits.memoryGiB}Gi` },
      disruption: {
        consolidationPolicy: settings.consolidationPolicy,
        consolidateAfter: settings.consolidateAfter,
        budgets: settings.disruptionBudgets.map((budget) => ({ ...budget })),
      },
    },
  };
}

/**
 * Karpenter's EC2NodeClass and NodePools, released through the local chart
 * charts/karpenter-node-pools (objects of custom kinds reach the cluster through Helm: ADR 0004),
 * after Karpenter itself.
 */
export class KarpenterNodePools extends Construct {
  readonly release: Release;
  readonly values: KarpenterNodePoolsValues;

  constructor(scope: Construct, id: string, props: KarpenterNodePoolsProps) {
    super(scope, id);
    if (props.nodePools.length === 0) throw new Error("Karpenter: give it at least one NodePool; nothing but the system pods would run");
    const names = props.nodePools.map((pool) => pool.name);
    const twice = names.find((name, index) => names.indexOf(name) !== index);
    if (twice !== undefined) throw new Error(`Karpenter: NodePool ${twice} is listed twice`);
    this.values = { nodeClasses: [nodeClass(props)], nodePools: props.nodePools.map(nodePool) };
    this.release = new LocalChartRelease(this, "release", {
      chart: "karpenter-node-pools",
      releaseName: "karpenter-node-pools",
      namespace: "kube-system",
      values: this.values,
      ...(props.dependsOn === undefined ? {} : { dependsOn: props.dependsOn }),
    }).release;
  }
}
