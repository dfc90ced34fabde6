import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { IrsaRole, type IrsaRoleProps } from "../../../modules/eks/irsa-role";
import type { TerraformJson } from "../../support/synthesized";

const props: IrsaRoleProps = {
  roleName: "dev-external-dns",
  oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
  oidcIssuerUrl: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC",
  serviceAccount: { namespace: "external-dns", name: "external-dns" },
  statements: [{ actions: ["route53:ListHostedZones"], resources: ["*"] }],
};
const synth = (overrides: Partial<IrsaRoleProps> = {}) =>
  Testing.synthScope((scope) => new IrsaRole(scope, "irsa", { ...props, ...overrides }));

interface Condition {
  test: string;
  variable: string;
  values: string[];
}
function trustConditions(json: string): Condition[] {
  const docs = (JSON.parse(json) as TerraformJson).data?.["aws_iam_policy_document"] ?? {};
  const trust = Object.entries(docs).find(([name]) => name.includes("trust"))?.[1];
  return ((trust?.["statement"] as { condition: Condition[] }[] | undefined) ?? [])[0]?.condition ?? [];
}

describe("IrsaRole", () => {
  it("trusts exactly one service account of the cluster's OIDC issuer", () => {
    const sub = trustConditions(synth()).find((c) => c.variable.endsWith(":sub"));
    expect(sub).toEqual({
      test: "StringEquals",
      variable: '${replace("https://oidc.eks.eu-west-1.amazonaws.com/id/ABC", "https://", "")}:sub',
      values: ["system:serviceaccount:external-dns:external-dns"],
    });
  });

  it("requires the STS audience", () => {
    expect(trustConditions(synth()).find((c) => c.variable.endsWith(":aud"))?.values).toEqual(["sts.amazonaws.com"]);
  });

  it("attaches the given managed policies", () => {
    const json = synth({ statements: [], managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"] });
    expect(json).toHaveResourceWithProperties(IamRolePolicyAttachment, {
      policy_arn: "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
    });
  });

  it("refuses a role without any permission", () => {
    expect(() => synth({ statements: [], managedPolicyArns: [] })).toThrow(
      "IRSA role dev-external-dns: give it statements or managed policies",
    );
  });
});
