import { EksPodIdentityAssociation } from "@cdktf/provider-aws/lib/eks-pod-identity-association";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import type { IdentityMode } from "../../../modules/core/identity-modes";
import { WorkloadRole, type WorkloadRoleProps } from "../../../modules/eks/workload-role";
import type { TerraformJson } from "../../support/synthesized";

const CLUSTER_ARN = "arn:aws:eks:eu-west-1:123456789012:cluster/dev";
const props = (mode: IdentityMode): WorkloadRoleProps => ({
  roleName: "dev-external-dns",
  cluster: {
    mode,
    clusterName: "dev",
    clusterArn: CLUSTER_ARN,
    accountId: "123456789012",
    oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
    oidcIssuerUrl: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC",
  },
  serviceAccount: { namespace: "external-dns", name: "external-dns" },
  statements: [{ actions: ["route53:ListHostedZones"], resources: ["*"] }],
});
const synth = (mode: IdentityMode, overrides: Partial<WorkloadRoleProps> = {}) =>
  Testing.synthScope((scope) => new WorkloadRole(scope, "irsa", { ...props(mode), ...overrides }));

interface Condition {
  test: string;
  variable: string;
  values: string[];
}
interface TrustStatement {
  sid: string;
  actions: string[];
  principals: { type: string; identifiers: string[] }[];
  condition: Condition[];
}
function trust(json: string): TrustStatement[] {
  const docs = (JSON.parse(json) as TerraformJson).data?.["aws_iam_policy_document"] ?? {};
  const doc = Object.entries(docs).find(([name]) => name.includes("trust"))?.[1];
  return (doc?.["statement"] as TrustStatement[] | undefined) ?? [];
}
const associations = (json: string) =>
  Object.values((JSON.parse(json) as TerraformJson).resource?.["aws_eks_pod_identity_association"] ?? {});

describe("WorkloadRole with EKS Pod Identity (podIdentity)", () => {
  it("trusts pods.eks.amazonaws.com with sts:AssumeRole and sts:TagSession, and nothing else", () => {
    const statements = trust(synth("podIdentity"));
    expect(statements.map((s) => [s.principals, s.actions])).toEqual([
      [[{ type: "Service", identifiers: ["pods.eks.amazonaws.com"] }], ["sts:AssumeRole", "sts:TagSession"]],
    ]);
  });

  it("admits only the cluster's account and ARN as the source", () => {
    expect(trust(synth("podIdentity"))[0]?.condition).toEqual([
      { test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] },
      { test: "ArnEquals", variable: "aws:SourceArn", values: [CLUSTER_ARN] },
    ]);
  });

  it("binds the role to exactly its service account with an association", () => {
    expect(synth("podIdentity")).toHaveResourceWithProperties(EksPodIdentityAssociation, {
      cluster_name: "dev",
      namespace: "external-dns",
      service_account: "external-dns",
      role_arn: expect.stringMatching(/^\$\{aws_iam_role\.irsa_role_[0-9A-F]+\.arn\}$/),
    });
  });

  it("needs no OIDC provider", () => {
    const overrides = { cluster: { ...props("podIdentity").cluster, oidcProviderArn: undefined, oidcIssuerUrl: undefined } };
    expect(trust(synth("podIdentity", overrides))).toHaveLength(1);
  });
});

describe("WorkloadRole with IRSA (irsa)", () => {
  it("trusts exactly one service account of the cluster's OIDC issuer", () => {
    const sub = trust(synth("irsa"))[0]?.condition.find((c) => c.variable.endsWith(":sub"));
    expect(sub).toEqual({
      test: "StringEquals",
      variable: '${replace("https://oidc.eks.eu-west-1.amazonaws.com/id/ABC", "https://", "")}:sub',
      values: ["system:serviceaccount:external-dns:external-dns"],
    });
  });

  it("requires the STS audience", () => {
    expect(trust(synth("irsa"))[0]?.condition.find((c) => c.variable.endsWith(":aud"))?.values).toEqual(["sts.amazonaws.com"]);
  });

  it("creates no Pod Identity association", () => {
    expect(associations(synth("irsa"))).toHaveLength(0);
  });

  it("refuses to build without the OIDC provider", () => {
    const overrides = { cluster: { ...props("irsa").cluster, oidcProviderArn: undefined } };
    expect(() => synth("irsa", overrides)).toThrow("Workload role dev-external-dns: identity mode irsa needs the cluster's OIDC provider");
  });
});

describe("WorkloadRole during the migration (both)", () => {
  it("trusts both Pod Identity and the OIDC provider", () => {
    expect(trust(synth("both")).map((s) => s.sid)).toEqual(["EksPodIdentity", "Irsa"]);
  });

  it("has its association", () => {
    expect(associations(synth("both"))).toHaveLength(1);
  });
});

describe("WorkloadRole permissions", () => {
  it("attaches the given managed policies", () => {
    const json = synth("podIdentity", {
      statements: [],
      managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"],
    });
    expect(json).toHaveResourceWithProperties(IamRolePolicyAttachment, {
      policy_arn: "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
    });
  });

  it("refuses a role without any permission", () => {
    expect(() => synth("podIdentity", { statements: [], managedPolicyArns: [] })).toThrow(
      "Workload role dev-external-dns: give it statements or managed policies",
    );
  });
});
