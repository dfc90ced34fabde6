import { EksNodeGroup as AwsEksNodeGroup } from "@cdktf/provider-aws/lib/eks-node-group";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { Construct } from "constructs";
import { isArmInstanceType } from "../core/instance-types";

/** A Kubernetes taint on every node of the group. */
export interface NodeTaint {
  readonly key: string;
  readonly value?: string;
  readonly effect: "NO_SCHEDULE" | "NO_EXECUTE" | "PREFER_NO_SCHEDULE";
}

export interface EksNodeGroupProps {
  readonly clusterName: string;
  /** Node group name within the cluster, e.g. `system`. */
  readonly name: string;
  readonly nodeRoleArn: string;
  /**
   * Kubernetes minor of the nodes (their EKS-optimized AMI). Give the cluster's version attribute,
   * so that a version bump rolls the nodes in the same apply, after the control plane.
   * @default the cluster's version when the group is created, never upgraded afterwards
   */
  readonly kubernetesVersion?: string;
  /** Private-app subnets, one per AZ. */
  readonly subnetIds: string[];
  /** The nodes' security group (EksSecurityGroups). */
  readonly securityGroupId: string;
  readonly instanceTypes: readonly string[];
  /** @default "ON_DEMAND" */
  readonly capacityType?: "ON_DEMAND" | "SPOT";
  readonly minSize: number;
  readonly desiredSize: number;
  readonly maxSize: number;
  /** @default 50 */
  readonly diskSizeGiB?: number;
  /** @default {} */
  readonly labels?: { readonly [key: string]: string };
  /** @default [] */
  readonly taints?: readonly NodeTaint[];
}

/**
 * A managed node group in the private-app subnets on its own launch template: IMDSv2 required
 * with hop limit 1 (pods cannot reach the node role), an encrypted gp3 root volume, the nodes'
 * security group. Its size is fixed by the environment file: Karpenter, not a node-group
 * autoscaler, adds the capacity for everything else (these groups carry the system pods).
 */
export class EksNodeGroup extends Construct {
  readonly nodeGroupName: string;
  readonly nodeGroup: AwsEksNodeGroup;

  constructor(scope: Construct, id: string, props: EksNodeGroupProps) {
    super(scope, id);
    const capacityType = props.capacityType ?? "ON_DEMAND";
    const label = `${props.clusterName}/${props.name}`;
    if (props.minSize > props.maxSize) throw new Error(`Node group ${label}: min size ${props.minSize} exceeds max size ${props.maxSize}`);
    if (props.desiredSize > props.maxSize)
      throw new Error(`Node group ${label}: desired size ${props.desiredSize} exceeds max size ${props.maxSize}`);
    if (props.desiredSize < props.minSize)
      throw new Error(`Node group ${label}: desired size ${props.desiredSize} is below min size ${props.minSize}`);
    if (props.instanceTypes.length === 0) throw new Error(`Node group ${label}: needs at least one instance type`);
    const arm = props.instanceTypes.map(isArmInstanceType);
    if (arm.some((a) => a !== arm[0])) throw new Error(`Node group ${label}: mixes arm64 and x86_64 instance types`);
    const labels = props.labels ?? {};
    const taints = props.taints ?? [];

    const template = new LaunchTemplate(this, "launch-template", {
      namePrefix: `${props.clusterName}-${props.name}-`,
      description: `EKS ${label} nodes`,
      updateDefaultVersion: true,
      vpcSecurityGroupIds: [props.securityGroupId],
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: "disabled",
      },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: { volumeSize: props.diskSizeGiB ?? 50, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
        },
      ],
      monitoring: { enabled: true },
      tagSpecifications: [
        { resourceType: "instance", tags: { Name: `${props.clusterName}-${props.name}` } },
        { resourceType: "volume", tags: { Name: `${props.clusterName}-${props.name}` } },
      ],
    });

    const group = new AwsEksNodeGroup(this, "node-group", {
      clusterName: props.clusterName,
      nodeGroupName: props.name,
      nodeRoleArn: props.nodeRoleArn,
      subnetIds: props.subnetIds,
      capacityType,
      instanceTypes: [...props.instanceTypes],
      amiType: arm[0] ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD",
      ...(props.kubernetesVersion === undefined ? {} : { version: props.kubernetesVersion }),
      scalingConfig: { minSize: props.minSize, desiredSize: props.desiredSize, maxSize: props.maxSize },
      updateConfig: { maxUnavailablePercentage: 33 },
      launchTemplate: { id: template.id, version: template.latestVersion.toString() },
      labels: { ...labels },
      taint: taints.map((taint) => ({
        key: taint.key,
        effect: taint.effect,
        ...(taint.value === undefined ? {} : { value: taint.value }),
      })),
      // The desired size is set at creation; managed node groups keep it between min and max.
      lifecycle: { ignoreChanges: ["scaling_config[0].desired_size"] },
    });

    this.nodeGroup = group;
    this.nodeGroupName = group.nodeGroupName;
  }
}
