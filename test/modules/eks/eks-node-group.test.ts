import { EksNodeGroup as AwsEksNodeGroup } from "@cdktf/provider-aws/lib/eks-node-group";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { isArmInstanceType } from "../../../modules/core/instance-types";
import { EksNodeGroup, type EksNodeGroupProps } from "../../../modules/eks/eks-node-group";
import { resourcesOf, type TerraformJson } from "../../support/synthesized";

const props: EksNodeGroupProps = {
  clusterName: "dev",
  name: "system",
  nodeRoleArn: "arn:aws:iam::123456789012:role/dev-nodes",
  subnetIds: ["subnet-a0", "subnet-a1"],
  securityGroupId: "sg-nodes",
  instanceTypes: ["m6i.large"],
  minSize: 1,
  desiredSize: 2,
  maxSize: 3,
};
const synth = (overrides: Partial<EksNodeGroupProps> = {}) =>
  Testing.synthScope((scope) => new EksNodeGroup(scope, "ng", { ...props, ...overrides }));
const asgTags = (json: string) =>
  Object.values(resourcesOf(JSON.parse(json) as TerraformJson, "aws_autoscaling_group_tag")).map(
    (t) => t["tag"] as { key: string; value: string },
  );

describe("EksNodeGroup", () => {
  it("requires IMDSv2 with a hop limit of 1, so pods cannot borrow the node role", () => {
    expect(synth()).toHaveResourceWithProperties(LaunchTemplate, {
      metadata_options: { http_tokens: "required", http_put_response_hop_limit: 1, http_endpoint: "enabled" },
    });
  });

  it("boots from an encrypted gp3 volume of the configured size", () => {
    expect(synth({ diskSizeGiB: 80 })).toHaveResourceWithProperties(LaunchTemplate, {
      block_device_mappings: [{ device_name: "/dev/xvda", ebs: { volume_type: "gp3", volume_size: 80, encrypted: "true" } }],
    });
  });

  it("puts the nodes in the nodes' security group only", () => {
    expect(synth()).toHaveResourceWithProperties(LaunchTemplate, { vpc_security_group_ids: ["sg-nodes"] });
  });

  it("scales between the configured bounds in the given subnets and leaves the desired size alone afterwards", () => {
    expect(synth()).toHaveResourceWithProperties(AwsEksNodeGroup, {
      subnet_ids: ["subnet-a0", "subnet-a1"],
      scaling_config: { min_size: 1, desired_size: 2, max_size: 3 },
      capacity_type: "ON_DEMAND",
      lifecycle: { ignore_changes: ["scaling_config[0].desired_size"] },
    });
  });

  it("GIVEN a spot group WHEN synthesized THEN it asks for spot capacity over the given types", () => {
    expect(synth({ capacityType: "SPOT", instanceTypes: ["m6i.large", "m5.large"] })).toHaveResourceWithProperties(AwsEksNodeGroup, {
      capacity_type: "SPOT",
      instance_types: ["m6i.large", "m5.large"],
    });
  });

  it("tags no Auto Scaling group: Karpenter, not a node-group autoscaler, adds capacity", () => {
    expect(asgTags(synth({ labels: { workload: "system" } }))).toEqual([]);
  });

  it("GIVEN a taint WHEN synthesized THEN the nodes carry it", () => {
    const json = synth({ taints: [{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }] });
    expect(json).toHaveResourceWithProperties(AwsEksNodeGroup, {
      taint: [{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }],
    });
  });

  it("picks the arm64 AMI for Graviton types and x86_64 otherwise", () => {
    expect(synth({ instanceTypes: ["m7g.large"] })).toHaveResourceWithProperties(AwsEksNodeGroup, { ami_type: "AL2023_ARM_64_STANDARD" });
    expect(synth()).toHaveResourceWithProperties(AwsEksNodeGroup, { ami_type: "AL2023_x86_64_STANDARD" });
    expect(["t4g.small", "c6gn.large", "r8g.xlarge"].map(isArmInstanceType)).toEqual([true, true, true]);
    expect(["g5.xlarge", "m6i.large", "c5n.large"].map(isArmInstanceType)).toEqual([false, false, false]);
  });

  it("refuses sizes out of order and mixed architectures", () => {
    expect(() => synth({ desiredSize: 5 })).toThrow("Node group dev/system: desired size 5 exceeds max size 3");
    expect(() => synth({ minSize: 4, desiredSize: 4 })).toThrow("Node group dev/system: min size 4 exceeds max size 3");
    expect(() => synth({ desiredSize: 0 })).toThrow("Node group dev/system: desired size 0 is below min size 1");
    expect(() => synth({ instanceTypes: ["m7g.large", "m6i.large"] })).toThrow(
      "Node group dev/system: mixes arm64 and x86_64 instance types",
    );
  });
});
