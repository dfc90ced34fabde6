import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { EksAccessPolicyAssociation } from "@cdktf/provider-aws/lib/eks-access-policy-association";
import { EksCluster as AwsEksCluster } from "@cdktf/provider-aws/lib/eks-cluster";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { EksCluster, type EksClusterProps } from "../../../modules/eks/eks-cluster";
import type { TerraformJson } from "../../support/synthesized";
import { TEST_TARGET } from "../../support/target";

const LOGS_KEY = "arn:aws:kms:eu-west-1:123456789012:key/logs";
const props: EksClusterProps = {
  name: "dev",
  target: TEST_TARGET,
  kubernetesVersion: "1.34",
  subnetIds: ["subnet-a0", "subnet-a1"],
  securityGroupId: "sg-cluster",
  logTypes: ["api", "audit"],
  logRetentionDays: 90,
  logsKmsKeyArn: LOGS_KEY,
};
const synth = (overrides: Partial<EksClusterProps> = {}) =>
  Testing.synthScope((scope) => new EksCluster(scope, "eks", { ...props, ...overrides }));

describe("EksCluster", () => {
  it("runs the control plane in the given subnets with the private endpoint on and the public one off by default", () => {
    expect(synth()).toHaveResourceWithProperties(AwsEksCluster, {
      name: "dev",
      version: "1.34",
      vpc_config: {
        subnet_ids: ["subnet-a0", "subnet-a1"],
        security_group_ids: ["sg-cluster"],
        endpoint_private_access: true,
        endpoint_public_access: false,
      },
    });
  });

  it("GIVEN a public endpoint WHEN synthesized THEN only the allow-listed CIDRs reach it", () => {
    expect(synth({ endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] })).toHaveResourceWithProperties(AwsEksCluster, {
      vpc_config: { endpoint_public_access: true, public_access_cidrs: ["203.0.113.0/24"] },
    });
  });

  it("refuses a public endpoint open to the internet or without an allow-list", () => {
    expect(() => synth({ endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] })).toThrow(
      "EKS dev: the public endpoint must not be open to 0.0.0.0/0",
    );
    expect(() => synth({ endpointPublicAccess: true })).toThrow("EKS dev: a public endpoint needs publicAccessCidrs");
  });

  it("encrypts Kubernetes secrets with a dedicated, rotating KMS key", () => {
    const json = synth();
    expect(json).toHaveResourceWithProperties(AwsEksCluster, {
      encryption_config: { resources: ["secrets"], provider: { key_arn: expect.stringMatching(/^\$\{aws_kms_key\..*\.arn\}$/) } },
    });
    expect(json).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true });
  });

  it("exports the configured control-plane logs to an encrypted log group with retention, created before the cluster", () => {
    const json = synth();
    expect(json).toHaveResourceWithProperties(AwsEksCluster, {
      enabled_cluster_log_types: ["api", "audit"],
      depends_on: expect.arrayContaining([expect.stringMatching(/^aws_cloudwatch_log_group\./)]),
    });
    expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: "/aws/eks/dev/cluster",
      retention_in_days: 90,
      kms_key_id: LOGS_KEY,
    });
  });

  it("gives the cluster role the EKS cluster and VPC resource controller policies", () => {
    const json = synth();
    for (const policy of ["AmazonEKSClusterPolicy", "AmazonEKSVPCResourceController"]) {
      expect(json).toHaveResourceWithProperties(IamRolePolicyAttachment, { policy_arn: `arn:aws:iam::aws:policy/${policy}` });
    }
  });

  it("uses access entries only and grants nobody admin implicitly", () => {
    expect(synth()).toHaveResourceWithProperties(AwsEksCluster, {
      access_config: { authentication_mode: "API", bootstrap_cluster_creator_admin_permissions: false },
    });
  });

  it("GIVEN an admin and a viewer WHEN synthesized THEN each entry gets its EKS access policy, cluster-wide", () => {
    const json = synth({
      access: [
        { id: "ops", principalArn: "arn:aws:iam::123456789012:role/ops", level: "admin" },
        { id: "audit", principalArn: "arn:aws:iam::123456789012:role/audit", level: "viewer" },
      ],
    });
    expect(json).toHaveResourceWithProperties(EksAccessEntry, { principal_arn: "arn:aws:iam::123456789012:role/ops", type: "STANDARD" });
    expect(json).toHaveResourceWithProperties(EksAccessPolicyAssociation, {
      policy_arn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
      access_scope: { type: "cluster" },
    });
    expect(json).toHaveResourceWithProperties(EksAccessPolicyAssociation, {
      policy_arn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
    });
  });

  it("GIVEN a planner with a group WHEN synthesized THEN its STANDARD entry carries the group and no access policy is associated with it", () => {
    const doc = JSON.parse(
      synth({
        access: [
          { id: "plan", principalArn: "arn:aws:iam::123456789012:role/plan", level: "planner", kubernetesGroups: ["dev:terraform-plan"] },
        ],
      }),
    ) as TerraformJson;
    expect(Object.values(doc.resource?.["aws_eks_access_entry"] ?? {})).toEqual([
      expect.objectContaining({
        principal_arn: "arn:aws:iam::123456789012:role/plan",
        type: "STANDARD",
        kubernetes_groups: ["dev:terraform-plan"],
      }),
    ]);
    expect(Object.keys(doc.resource?.["aws_eks_access_policy_association"] ?? {})).toEqual([]);
  });

  it("GIVEN a planner without a group WHEN synthesized THEN it is refused: it would have an entry and no access at all", () => {
    expect(() => synth({ access: [{ id: "plan", principalArn: "arn:aws:iam::123456789012:role/plan", level: "planner" }] })).toThrow(
      "EKS dev: access plan is a planner, which has no access policy: name its kubernetesGroups (bound by RBAC)",
    );
  });

  it.each(["system:masters", "eks:admins", "aws:x", "amazon:x", "iam:x"])(
    "GIVEN the reserved group %s WHEN synthesized THEN it is refused before EKS refuses it",
    (group) => {
      expect(() =>
        synth({
          access: [{ id: "plan", principalArn: "arn:aws:iam::123456789012:role/plan", level: "planner", kubernetesGroups: [group] }],
        }),
      ).toThrow(`EKS dev: access plan: group "${group}" uses the reserved prefix "${group.slice(0, group.indexOf(":") + 1)}"`);
    },
  );

  it("creates no IAM OIDC provider by default (workloads use EKS Pod Identity)", () => {
    expect(Object.keys((JSON.parse(synth()) as TerraformJson).resource?.["aws_iam_openid_connect_provider"] ?? {})).toHaveLength(0);
  });

  it("GIVEN oidcProvider WHEN synthesized THEN the IAM OIDC provider of the cluster's issuer exists for service-account roles", () => {
    expect(synth({ oidcProvider: true })).toHaveResourceWithProperties(IamOpenidConnectProvider, {
      url: expect.stringMatching(/^\$\{aws_eks_cluster\..*\.identity\[0\]\.oidc\[0\]\.issuer\}$/),
      client_id_list: ["sts.amazonaws.com"],
    });
  });
});
