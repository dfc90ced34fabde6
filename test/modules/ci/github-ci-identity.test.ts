import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamGroupPolicyAttachment } from "@cdktf/provider-aws/lib/iam-group-policy-attachment";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { GithubCiIdentity, type GithubCiIdentityProps } from "../../../modules/ci/github-ci-identity";
import { TEST_TARGET } from "../../support/target";
import type { TerraformJson } from "../../support/synthesized";

const REPO_ARN = "arn:aws:ecr:eu-west-1:123456789012:repository/dev/frontend";
const props: GithubCiIdentityProps = {
  name: "dev",
  target: TEST_TARGET,
  repository: "acme/platform",
  deployBranch: "main",
  createOidcProvider: true,
  ecrRepositoryArns: [REPO_ARN],
  stateAccess: { bucket: "acme-state", keyPrefix: "dev/" },
};
const synth = (overrides: Partial<GithubCiIdentityProps> = {}) => Testing.synthScope((scope) => new GithubCiIdentity(scope, "ci", { ...props, ...overrides }));

interface Statement {
  sid?: string;
  actions?: string[];
  resources?: string[];
  condition?: { test: string; variable: string; values: string[] }[];
}
function statements(json: string): Statement[] {
  const docs = (JSON.parse(json) as TerraformJson).data?.["aws_iam_policy_document"] ?? {};
  return Object.values(docs).flatMap((doc) => (doc["statement"] as Statement[] | undefined) ?? []);
}
const subjectsOf = (statement: Statement) => statement.condition?.find((c) => c.variable.endsWith(":sub"))?.values;

describe("GithubCiIdentity", () => {
  it("GIVEN the environment owns the account singletons WHEN synthesized THEN it creates the GitHub OIDC provider", () => {
    const json = synth({ createOidcProvider: true });
    expect(json).toHaveResourceWithProperties(IamOpenidConnectProvider, { url: "https://token.actions.githubusercontent.com", client_id_list: ["sts.amazonaws.com"] });
    expect(json).not.toHaveDataSource(DataAwsIamOpenidConnectProvider);
  });

  it("GIVEN another environment owns the singletons WHEN synthesized THEN it looks the provider up instead", () => {
    const json = synth({ createOidcProvider: false });
    expect(json).not.toHaveResource(IamOpenidConnectProvider);
    expect(json).toHaveDataSourceWithProperties(DataAwsIamOpenidConnectProvider, { url: "https://token.actions.githubusercontent.com" });
  });

  it("trusts the plan role only from the repository's pull requests and deploy branch, for the STS audience", () => {
    const trust = statements(synth()).filter((s) => s.actions?.includes("sts:AssumeRoleWithWebIdentity"));
    const subjects = trust.map(subjectsOf);
    expect(subjects).toContainEqual(["repo:acme/platform:pull_request", "repo:acme/platform:ref:refs/heads/main"]);
    for (const statement of trust) {
      expect(statement.condition).toContainEqual({ test: "StringEquals", variable: "token.actions.githubusercontent.com:aud", values: ["sts.amazonaws.com"] });
    }
  });

  it("trusts the deploy role only from the GitHub environment named like the environment", () => {
    const subjects = statements(synth()).map(subjectsOf);
    expect(subjects).toContainEqual(["repo:acme/platform:environment:dev"]);
  });

  it("gives the plan role read-only access and the state lock, nothing that writes elsewhere", () => {
    const json = synth();
    expect(json).toHaveResourceWithProperties(IamRolePolicyAttachment, { policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" });
    const lock = statements(json).find((s) => s.sid === "LockState");
    expect(lock).toMatchObject({ actions: ["s3:PutObject", "s3:DeleteObject"], resources: ["arn:aws:s3:::acme-state/dev/*.tflock"] });
  });

  it("GIVEN a KMS-encrypted state WHEN synthesized THEN the plan role may use that key and no other", () => {
    const key = "arn:aws:kms:eu-west-1:123456789012:key/state";
    const stateKey = statements(synth({ stateAccess: { bucket: "acme-state", keyPrefix: "dev/", kmsKeyArn: key } })).find((s) => s.sid === "StateKey");
    expect(stateKey?.resources).toEqual([key]);
  });

  it("limits pushing to the environment's repositories, with the registry login the only '*' resource", () => {
    const json = synth();
    const push = statements(json).find((s) => s.sid === "PushImages");
    expect(push?.resources).toEqual([REPO_ARN]);
    expect(push?.actions).not.toContain("ecr:BatchDeleteImage");
    expect(statements(json).find((s) => s.sid === "RegistryLogin")).toMatchObject({ actions: ["ecr:GetAuthorizationToken"], resources: ["*"] });
    expect(json).toHaveResource(IamGroupPolicyAttachment);
  });

  it("scopes the deploy role's IAM management to names prefixed with the environment", () => {
    const iamStatements = statements(synth()).filter((s) => s.sid?.startsWith("ManageEnvironment"));
    expect(iamStatements.length).toBeGreaterThan(0);
    for (const statement of iamStatements) {
      for (const resource of statement.resources ?? []) expect(resource).toMatch(/^arn:aws:iam::123456789012:[a-z-]+\/dev-\*$/);
    }
  });

  it("lets a deploy session last two hours, long enough for three layers, and a plan one hour", () => {
    const json = synth();
    expect(json).toHaveResourceWithProperties(IamRole, { name: "dev-github-deploy", max_session_duration: 7200 });
    expect(json).toHaveResourceWithProperties(IamRole, { name: "dev-github-plan", max_session_duration: 3600 });
  });

  it("GIVEN the environment owns the account WHEN synthesized THEN the deploy role may manage the account password policy, and not otherwise", () => {
    const sids = (json: string) => statements(json).map((s) => s.sid);
    expect(sids(synth({ createOidcProvider: true }))).toContain("ManageAccountPasswordPolicy");
    expect(sids(synth({ createOidcProvider: false }))).not.toContain("ManageAccountPasswordPolicy");
  });

  it("refuses a repository that is not owner/name", () => {
    expect(() => synth({ repository: "platform" })).toThrow('GitHub repository "platform" must be owner/name');
  });

  it("uses the statement document types cdktf synthesizes", () => {
    expect(synth()).toHaveDataSource(DataAwsIamPolicyDocument);
  });
});
