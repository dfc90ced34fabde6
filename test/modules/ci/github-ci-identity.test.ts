import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamGroupPolicyAttachment } from "@cdktf/provider-aws/lib/iam-group-policy-attachment";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { GithubCiIdentity, type GithubCiIdentityProps } from "../../../modules/ci/github-ci-identity";
import { decide, policyJson, POWER_USER_ACCESS, READ_ONLY_ACCESS } from "../../support/iam-simulate";
import { TEST_TARGET } from "../../support/target";
import type { TerraformJson } from "../../support/synthesized";

const REPO_ARN = "arn:aws:ecr:eu-west-1:123456789012:repository/dev/frontend";
const props: GithubCiIdentityProps = {
  name: "dev",
  target: TEST_TARGET,
  repository: "acme/platform",
  deployBranch: "main",
  oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
  ecrRepositoryArns: [REPO_ARN],
  stateAccess: { bucket: "acme-state", keyPrefix: "dev/" },
};
const synth = (overrides: Partial<GithubCiIdentityProps> = {}) =>
  Testing.synthScope((scope) => new GithubCiIdentity(scope, "ci", { ...props, ...overrides }));

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
  it("GIVEN the account layer's OIDC provider ARN WHEN synthesized THEN it neither creates nor looks up a provider and both roles trust that ARN", () => {
    const json = synth({ oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" });
    expect(json).not.toHaveResource(IamOpenidConnectProvider);
    expect(json).not.toHaveDataSource(DataAwsIamOpenidConnectProvider);
    const trusts = statements(json).filter((statement) => statement.actions?.includes("sts:AssumeRoleWithWebIdentity"));
    expect(trusts).toHaveLength(2);
    for (const trust of trusts) {
      expect((trust as { principals?: { identifiers: string[] }[] }).principals?.[0]?.identifiers).toEqual([
        "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
      ]);
    }
  });

  it("trusts the plan role only from the GitHub environment <env>-plan and the deploy branch, never a bare pull request, for the STS audience", () => {
    const trust = statements(synth()).filter((s) => s.actions?.includes("sts:AssumeRoleWithWebIdentity"));
    const subjects = trust.map(subjectsOf);
    expect(subjects).toContainEqual(["repo:acme/platform:environment:dev-plan", "repo:acme/platform:ref:refs/heads/main"]);
    expect(subjects.flat()).not.toContain("repo:acme/platform:pull_request");
    for (const statement of trust) {
      expect(statement.condition).toContainEqual({
        test: "StringEquals",
        variable: "token.actions.githubusercontent.com:aud",
        values: ["sts.amazonaws.com"],
      });
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
    const stateKey = statements(synth({ stateAccess: { bucket: "acme-state", keyPrefix: "dev/", kmsKeyArn: key } })).find(
      (s) => s.sid === "StateKey",
    );
    expect(stateKey?.resources).toEqual([key]);
  });

  it("limits pushing to the environment's repositories, with the registry login the only '*' resource", () => {
    const json = synth();
    const push = statements(json).find((s) => s.sid === "PushImages");
    expect(push?.resources).toEqual([REPO_ARN]);
    expect(push?.actions).not.toContain("ecr:BatchDeleteImage");
    expect(statements(json).find((s) => s.sid === "RegistryLogin")).toMatchObject({
      actions: ["ecr:GetAuthorizationToken"],
      resources: ["*"],
    });
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

  it("WHEN synthesized THEN the deploy role may not manage the account password policy (the account layer, applied by an administrator, owns it)", () => {
    expect(statements(synth()).map((s) => s.sid)).not.toContain("ManageAccountPasswordPolicy");
  });

  it("refuses a repository that is not owner/name", () => {
    expect(() => synth({ repository: "platform" })).toThrow('GitHub repository "platform" must be owner/name');
  });

  it("uses the statement document types cdktf synthesizes", () => {
    expect(synth()).toHaveDataSource(DataAwsIamPolicyDocument);
  });
});

/**
 * What the CI roles may do, decided by iam-simulate over the synthesized documents plus AWS's
 * managed policies written here as oracles (issue 13, items 1, 3 and 4).
 */
describe("GithubCiIdentity, evaluated", () => {
  const ACCOUNT = "arn:aws:iam::123456789012";
  const BOUNDARY = `${ACCOUNT}:policy/dev-permissions-boundary`;
  const documents = (json: string) => (JSON.parse(json) as TerraformJson).data?.["aws_iam_policy_document"] ?? {};
  const documentNamed = (json: string, id: string) => {
    const found = Object.entries(documents(json)).find(([name]) => name.startsWith(`ci_${id}_`));
    if (found === undefined) throw new Error(`no policy document ci/${id}`);
    return policyJson(found[1]);
  };
  const shared = synth();
  const deployPolicies = [
    POWER_USER_ACCESS,
    documentNamed(shared, "deploy-iam"),
    documentNamed(shared, "deploy-iam-guardrails"),
    documentNamed(shared, "push"),
  ];
  const deploy = (action: string, resource: string, context?: Record<string, string>) =>
    decide(deployPolicies, { action, resource, ...(context === undefined ? {} : { context }) });

  it("lets the deploy role read the GitHub OIDC provider it looks up, and no other way of finding it is needed", async () => {
    expect(await deploy("iam:GetOpenIDConnectProvider", `${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`)).toBe("Allowed");
  });

  it("never lets the deploy role change its own role or the plan role, boundary or not", async () => {
    for (const role of ["dev-github-deploy", "dev-github-plan"]) {
      for (const action of [
        "iam:AttachRolePolicy",
        "iam:PutRolePolicy",
        "iam:UpdateAssumeRolePolicy",
        "iam:DeleteRolePermissionsBoundary",
      ]) {
        expect(await deploy(action, `${ACCOUNT}:role/${role}`, { "iam:PermissionsBoundary": BOUNDARY }), `${action} on ${role}`).toBe(
          "ExplicitlyDenied",
        );
      }
    }
  });

  it("lets the deploy role create and change the environment's roles only under the boundary", async () => {
    expect(await deploy("iam:CreateRole", `${ACCOUNT}:role/dev-cluster`, { "iam:PermissionsBoundary": BOUNDARY })).toBe("Allowed");
    expect(await deploy("iam:PutRolePolicy", `${ACCOUNT}:role/dev-cluster`, { "iam:PermissionsBoundary": BOUNDARY })).toBe("Allowed");
    expect(await deploy("iam:CreateRole", `${ACCOUNT}:role/dev-cluster`)).not.toBe("Allowed");
    expect(
      await deploy("iam:AttachRolePolicy", `${ACCOUNT}:role/dev-cluster`, { "iam:PermissionsBoundary": `${ACCOUNT}:policy/dev-anything` }),
    ).not.toBe("Allowed");
  });

  it("never lets the deploy role change the boundary itself", async () => {
    expect(await deploy("iam:CreatePolicyVersion", BOUNDARY)).toBe("ExplicitlyDenied");
    expect(await deploy("iam:DeletePolicy", BOUNDARY)).toBe("ExplicitlyDenied");
    expect(await deploy("iam:CreatePolicyVersion", `${ACCOUNT}:policy/dev-app-policy`)).toBe("Allowed");
  });

  it("attaches to the CI roles AWS-managed policies and one of its own: the deploy role's IAM allows, dev-github-deploy-iam", () => {
    const doc = JSON.parse(shared) as TerraformJson;
    const attachments = Object.values(doc.resource?.["aws_iam_role_policy_attachment"] ?? {}).map((attachment) =>
      String(attachment["policy_arn"]),
    );
    const own = attachments.filter((arn) => !arn.startsWith("arn:aws:iam::aws:policy/"));
    expect(own).toHaveLength(1);
    const key = /^\$\{aws_iam_policy\.([^.]+)\.arn\}$/.exec(own[0]!)?.[1];
    expect(doc.resource?.["aws_iam_policy"]?.[key ?? ""]?.["name"]).toBe("dev-github-deploy-iam");
  });

  it("never lets the deploy role rewrite, delete or detach its own IAM policy, nor attach another to itself", async () => {
    const policy = `${ACCOUNT}:policy/dev-github-deploy-iam`;
    for (const action of ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicyVersion", "iam:DeletePolicy"]) {
      expect(await deploy(action, policy), action).toBe("ExplicitlyDenied");
    }
    for (const action of ["iam:DetachRolePolicy", "iam:AttachRolePolicy"]) {
      for (const attached of [policy, `${ACCOUNT}:policy/dev-anything`]) {
        expect(
          await deploy(action, `${ACCOUNT}:role/dev-github-deploy`, { "iam:PermissionsBoundary": BOUNDARY, "iam:PolicyARN": attached }),
          `${action} ${attached}`,
        ).toBe("ExplicitlyDenied");
      }
    }
  });

  it("passes roles only to the services the stacks hand roles to", async () => {
    const pass = (service: string) => deploy("iam:PassRole", `${ACCOUNT}:role/dev-cluster`, { "iam:PassedToService": service });
    expect(await pass("eks.amazonaws.com")).toBe("Allowed");
    expect(await pass("lambda.amazonaws.com")).not.toBe("Allowed");
    expect(await deploy("iam:PassRole", `${ACCOUNT}:role/dev-cluster`)).not.toBe("Allowed");
  });

  it("manages only this environment's cluster OIDC providers, never a new identity provider", async () => {
    const eksProvider = `${ACCOUNT}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC`;
    expect(await deploy("iam:CreateOpenIDConnectProvider", eksProvider, { "aws:RequestTag/environment": "dev" })).toBe("Allowed");
    expect(await deploy("iam:CreateOpenIDConnectProvider", eksProvider, { "aws:RequestTag/environment": "staging" })).not.toBe("Allowed");
    expect(await deploy("iam:DeleteOpenIDConnectProvider", eksProvider, { "aws:ResourceTag/environment": "staging" })).not.toBe("Allowed");
    expect(
      await deploy("iam:CreateOpenIDConnectProvider", `${ACCOUNT}:oidc-provider/token.example.com`, {
        "aws:RequestTag/environment": "dev",
      }),
    ).not.toBe("Allowed");
  });

  it("cannot touch the other environment's roles in a shared account", async () => {
    expect(
      await deploy("iam:PutRolePolicy", `${ACCOUNT}:role/staging-cluster`, {
        "iam:PermissionsBoundary": `${ACCOUNT}:policy/staging-permissions-boundary`,
      }),
    ).not.toBe("Allowed");
    expect(await deploy("iam:PassRole", `${ACCOUNT}:role/staging-cluster`, { "iam:PassedToService": "eks.amazonaws.com" })).not.toBe(
      "Allowed",
    );
  });

  it("gives a role under the boundary no way to change identities", async () => {
    const boundary = documentNamed(shared, "boundary");
    const admin = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
    const underBoundary = (action: string) =>
      decide([admin], { action, resource: `${ACCOUNT}:role/dev-github-deploy`, boundary }, `${ACCOUNT}:role/dev-cluster`);
    expect(await underBoundary("iam:PutRolePolicy")).not.toBe("Allowed");
    expect(await underBoundary("iam:UpdateAssumeRolePolicy")).not.toBe("Allowed");
    expect(await decide([admin], { action: "ec2:DescribeVpcs", resource: "*", boundary }, `${ACCOUNT}:role/dev-cluster`)).toBe("Allowed");
  });

  it("never gives the plan role a secret value, whatever its managed policy grants", async () => {
    const planPolicies = [READ_ONLY_ACCESS, documentNamed(shared, "plan-no-secret-values")];
    const plan = (action: string, resource: string) => decide(planPolicies, { action, resource }, `${ACCOUNT}:role/dev-github-plan`);
    expect(await plan("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf")).toBe(
      "ExplicitlyDenied",
    );
    expect(await plan("ssm:GetParameter", "arn:aws:ssm:eu-west-1:123456789012:parameter/app/password")).toBe("ExplicitlyDenied");
    // AWS's public parameters (the operator host's AMI, ARNs without an account) stay readable for a plan.
    const denied = statements(shared).find((statement) => statement.sid === "NoParameterValues");
    expect(denied?.resources).toEqual(["arn:aws:ssm:*:123456789012:parameter/*"]);
  });
  it("GIVEN a plan that opens an ephemeral random password WHEN evaluated THEN the plan role may generate one (ReadOnlyAccess lacks it) and still reads no secret value", async () => {
    const planPolicies = [documentNamed(shared, "plan-ephemeral-values"), documentNamed(shared, "plan-no-secret-values")];
    const plan = (action: string, resource: string) => decide(planPolicies, { action, resource }, `${ACCOUNT}:role/dev-github-plan`);
    expect(await plan("secretsmanager:GetRandomPassword", "*")).toBe("Allowed");
    expect(
      await plan("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dev/grafana/admin-AbCdEf"),
    ).toBe("ExplicitlyDenied");
    expect(statements(shared).find((statement) => statement.sid === "GenerateEphemeralPasswords")?.actions).toEqual([
      "secretsmanager:GetRandomPassword",
    ]);
  });
});

describe("GithubCiIdentity, a secret the plan refreshes", () => {
  const ACCOUNT = "arn:aws:iam::123456789012";
  const json = synth({ planRefreshedSecretNames: ["dev/grafana/admin"] });
  const documentNamed = (id: string) => {
    const found = Object.entries((JSON.parse(json) as TerraformJson).data?.["aws_iam_policy_document"] ?? {}).find(([name]) =>
      name.startsWith(`ci_${id}_`),
    );
    if (found === undefined) throw new Error(`no policy document ci/${id}`);
    return policyJson(found[1]);
  };
  const plan = (action: string, resource: string) =>
    decide(
      [READ_ONLY_ACCESS, documentNamed("plan-no-secret-values"), documentNamed("plan-refreshed-secrets")],
      { action, resource },
      `${ACCOUNT}:role/dev-github-plan`,
    );
  const secret = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}`;

  it("GIVEN dev/grafana/admin WHEN the plan role reads its value (the version's refresh) THEN it may", async () => {
    expect(await plan("secretsmanager:GetSecretValue", secret("dev/grafana/admin-AbCdEf"))).toBe("Allowed");
  });

  it("GIVEN dev/grafana/admin WHEN the plan role reads any other secret, or a batch THEN it is explicitly denied", async () => {
    expect(await plan("secretsmanager:GetSecretValue", secret("dev/grafana/admin-extra-AbCdEf"))).toBe("ExplicitlyDenied");
    expect(await plan("secretsmanager:GetSecretValue", secret("dev/database-AbCdEf"))).toBe("ExplicitlyDenied");
    expect(await plan("secretsmanager:BatchGetSecretValue", "*")).toBe("ExplicitlyDenied");
  });

  it("GIVEN dev/grafana/admin WHEN synthesized THEN the plan role decrypts only through Secrets Manager in its region, for that secret", () => {
    const decrypt = statements(json).find((statement) => statement.sid === "DecryptThemThroughSecretsManager");
    expect(decrypt).toMatchObject({
      actions: ["kms:Decrypt"],
      resources: ["arn:aws:kms:eu-west-1:123456789012:key/*"],
      condition: [
        { test: "StringEquals", variable: "kms:ViaService", values: ["secretsmanager.eu-west-1.amazonaws.com"] },
        {
          test: "ArnLike",
          variable: "kms:EncryptionContext:SecretARN",
          values: ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:dev/grafana/admin-??????"],
        },
      ],
    });
  });

  it("GIVEN no refreshed secret WHEN synthesized THEN the plan role has no such policy", () => {
    expect(statements(synth()).map((statement) => statement.sid)).not.toContain("RefreshWriteOnlySecrets");
  });
});

describe("GithubCiIdentity, upstream state", () => {
  it("GIVEN a read-only state key WHEN synthesized THEN the plan role may read exactly that object and lock nothing there", () => {
    const json = synth({ stateAccess: { bucket: "acme-state", keyPrefix: "dev/", readOnlyKeys: ["account/123456789012.tfstate"] } });
    const read = statements(json).find((statement) => statement.sid === "ReadUpstreamState");
    expect(read?.actions).toEqual(["s3:GetObject"]);
    expect(read?.resources).toEqual(["arn:aws:s3:::acme-state/account/123456789012.tfstate"]);
    const lock = statements(json).find((statement) => statement.sid === "LockState");
    expect(lock?.resources).toEqual(["arn:aws:s3:::acme-state/dev/*.tflock"]);
  });

  it("GIVEN the account layer's state key WHEN the plan role reads it THEN the guardrail that limits reads to its prefix lets it through, and only it", async () => {
    const json = synth({ stateAccess: { bucket: "acme-state", keyPrefix: "dev/", readOnlyKeys: ["account/123456789012.tfstate"] } });
    const documents = (JSON.parse(json) as TerraformJson).data?.["aws_iam_policy_document"] ?? {};
    const named = (id: string) => {
      const found = Object.entries(documents).find(([name]) => name.startsWith(`ci_${id}_`));
      if (found === undefined) throw new Error(`no policy document ci/${id}`);
      return policyJson(found[1]);
    };
    const planPolicies = [READ_ONLY_ACCESS, named("plan-no-data-reads"), named("plan-state")];
    const read = (key: string) => decide(planPolicies, { action: "s3:GetObject", resource: `arn:aws:s3:::acme-state/${key}` });
    expect(await read("account/123456789012.tfstate")).toBe("Allowed");
    expect(await read("dev/network.tfstate")).toBe("Allowed");
    expect(await read("staging/network.tfstate")).toBe("ExplicitlyDenied");
  });

  it("GIVEN no read-only state key WHEN synthesized THEN the plan role reads only its environment's prefix", () => {
    expect(statements(synth()).map((statement) => statement.sid)).not.toContain("ReadUpstreamState");
  });
});
