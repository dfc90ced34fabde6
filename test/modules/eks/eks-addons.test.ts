import { EksAddon } from "@cdktf/provider-aws/lib/eks-addon";
import { Testing, TerraformStack } from "cdktf";
import { describe, expect, it } from "vitest";
import { EksAddons } from "../../../modules/eks/eks-addons";
import { EksFargateProfile } from "../../../modules/eks/eks-fargate-profile";
import { EksNodeGroup } from "../../../modules/eks/eks-node-group";
import { EksNodeRole } from "../../../modules/eks/eks-node-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { EksFargateProfile as AwsEksFargateProfile } from "@cdktf/provider-aws/lib/eks-fargate-profile";
import { resourcesOf, type TerraformJson } from "../../support/synthesized";
import { TEST_TARGET } from "../../support/target";

const EBS_ROLE = "arn:aws:iam::123456789012:role/dev-ebs-csi";

describe("EksAddons", () => {
  const synth = (versions = {}) =>
    Testing.synthScope((scope) => new EksAddons(scope, "addons", { clusterName: "dev", versions, ebsCsiRoleArn: EBS_ROLE }));

  it("turns on network policy enforcement in the VPC CNI", () => {
    expect(synth()).toHaveResourceWithProperties(EksAddon, {
      addon_name: "vpc-cni",
      configuration_values: '{"enableNetworkPolicy":"true"}',
    });
  });

  it("runs the EBS CSI driver under its own role", () => {
    expect(synth()).toHaveResourceWithProperties(EksAddon, { addon_name: "aws-ebs-csi-driver", service_account_role_arn: EBS_ROLE });
  });

  it("installs the five add-ons, the Pod Identity agent among them, and resolves conflicts to this configuration", () => {
    const addons = Object.values(resourcesOf(JSON.parse(synth()) as TerraformJson, "aws_eks_addon"));
    expect(addons.map((a) => a["addon_name"]).sort()).toEqual([
      "aws-ebs-csi-driver",
      "coredns",
      "eks-pod-identity-agent",
      "kube-proxy",
      "vpc-cni",
    ]);
    for (const addon of addons)
      expect(addon).toMatchObject({ resolve_conflicts_on_create: "OVERWRITE", resolve_conflicts_on_update: "OVERWRITE" });
  });

  it("GIVEN podIdentityAgent off (IRSA only) WHEN synthesized THEN the agent is not installed", () => {
    const json = Testing.synthScope(
      (scope) => new EksAddons(scope, "addons", { clusterName: "dev", ebsCsiRoleArn: EBS_ROLE, podIdentityAgent: false }),
    );
    const addons = Object.values(resourcesOf(JSON.parse(json) as TerraformJson, "aws_eks_addon"));
    expect(addons.map((a) => a["addon_name"])).not.toContain("eks-pod-identity-agent");
  });

  it("GIVEN no EBS CSI role (Pod Identity) WHEN synthesized THEN the driver add-on names no service-account role", () => {
    const json = Testing.synthScope((scope) => new EksAddons(scope, "addons", { clusterName: "dev" }));
    const addons = Object.values(resourcesOf(JSON.parse(json) as TerraformJson, "aws_eks_addon"));
    expect(addons.find((a) => a["addon_name"] === "aws-ebs-csi-driver")?.["service_account_role_arn"]).toBeUndefined();
  });

  it("GIVEN a pinned version WHEN synthesized THEN that add-on uses it and the others take EKS's default", () => {
    const addons = Object.values(resourcesOf(JSON.parse(synth({ coredns: "v1.11.4-eksbuild.2" })) as TerraformJson, "aws_eks_addon"));
    expect(addons.find((a) => a["addon_name"] === "coredns")?.["addon_version"]).toBe("v1.11.4-eksbuild.2");
    expect(addons.find((a) => a["addon_name"] === "kube-proxy")?.["addon_version"]).toBeUndefined();
  });

  it("GIVEN node groups WHEN synthesized THEN add-ons that run pods wait for them", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const nodeGroup = new EksNodeGroup(stack, "ng", {
      clusterName: "dev",
      name: "system",
      nodeRoleArn: "arn:aws:iam::123456789012:role/dev-nodes",
      subnetIds: ["subnet-a0"],
      securityGroupId: "sg-nodes",
      instanceTypes: ["m6i.large"],
      minSize: 1,
      desiredSize: 1,
      maxSize: 1,
    });
    new EksAddons(stack, "addons", { clusterName: "dev", ebsCsiRoleArn: EBS_ROLE, dependsOn: [nodeGroup.nodeGroup] });
    const addons = Object.values(resourcesOf(JSON.parse(Testing.synth(stack)) as TerraformJson, "aws_eks_addon"));
    expect(addons.find((a) => a["addon_name"] === "coredns")?.["depends_on"]).toEqual([expect.stringMatching(/^aws_eks_node_group\./)]);
    expect(addons.find((a) => a["addon_name"] === "vpc-cni")?.["depends_on"]).toBeUndefined();
  });
});

describe("EksNodeRole", () => {
  it("attaches the three node policies and no other (no CloudWatchAgentServerPolicy: no agent uses it)", () => {
    const json = Testing.synthScope((scope) => new EksNodeRole(scope, "role", { roleName: "dev-nodes", partition: "aws" }));
    expect(json).toHaveResource(IamRolePolicyAttachment);
    const attached = Object.values(resourcesOf(JSON.parse(json) as TerraformJson, "aws_iam_role_policy_attachment")).map(
      (a) => a["policy_arn"],
    );
    expect(attached.sort()).toEqual([
      "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
      "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    ]);
  });
});

describe("EksFargateProfile", () => {
  const synth = (namespaces: string[]) =>
    Testing.synthScope(
      (scope) => new EksFargateProfile(scope, "fargate", { clusterName: "dev", target: TEST_TARGET, namespaces, subnetIds: ["subnet-a0"] }),
    );

  it("selects the configured namespaces in private subnets", () => {
    expect(synth(["batch"])).toHaveResourceWithProperties(AwsEksFargateProfile, {
      selector: [{ namespace: "batch" }],
      subnet_ids: ["subnet-a0"],
    });
  });

  it("refuses more namespaces than a profile can select", () => {
    expect(() => synth(["a", "b", "c", "d", "e", "f"])).toThrow("Fargate profile of dev: 1 to 5 namespaces (an EKS limit), got 6");
  });
});
