import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { CodebuildGithubRunner, type CodebuildGithubRunnerProps } from "../../../modules/ci/codebuild-github-runner";
import { resourcesOf, type TerraformJson } from "../../support/synthesized";
import { TEST_TARGET } from "../../support/target";

const CONNECTION = "arn:aws:codeconnections:eu-west-1:123456789012:connection/00000000-0000-4000-8000-000000000001";
const props: CodebuildGithubRunnerProps = {
  name: "test",
  target: TEST_TARGET,
  repository: "acme/platform",
  connectionArn: CONNECTION,
  actorAccountIds: ["583231", "9919"],
  deployBranch: "main",
  vpcId: "vpc-1",
  subnetIds: ["subnet-a", "subnet-b"],
  publicInternetPrefixListId: "pl-internet",
  endpointSecurityGroupId: "sg-endpoints",
  logsKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/logs",
  logRetentionDays: 30,
};
const synth = (overrides: Partial<CodebuildGithubRunnerProps> = {}): TerraformJson =>
  JSON.parse(Testing.synthScope((scope) => new CodebuildGithubRunner(scope, "runner", { ...props, ...overrides }))) as TerraformJson;
const only = (doc: TerraformJson, type: string) => {
  const all = Object.values(resourcesOf(doc, type));
  expect(all).toHaveLength(1);
  return all[0]!;
};
const statements = (doc: TerraformJson, key: string) =>
  (doc.data?.["aws_iam_policy_document"]?.[Object.keys(doc.data["aws_iam_policy_document"]).find((k) => k.includes(key))!]?.["statement"] ??
    []) as {
    sid?: string;
    actions: string[];
    resources?: string[];
    condition?: { test: string; variable: string; values: string[] }[];
  }[];

describe("CodebuildGithubRunner", () => {
  it("runs each build in the given subnets behind a group that admits nothing and sends only HTTPS out", () => {
    const doc = synth();
    const project = only(doc, "aws_codebuild_project");
    expect(project["name"]).toBe("test-github-runner");
    expect(project["vpc_config"]).toMatchObject({ vpc_id: "vpc-1", subnets: ["subnet-a", "subnet-b"] });
    expect(Object.keys(resourcesOf(doc, "aws_vpc_security_group_ingress_rule"))).toEqual([]);
    for (const rule of Object.values(resourcesOf(doc, "aws_vpc_security_group_egress_rule")))
      expect(rule).toMatchObject({ ip_protocol: "tcp", from_port: 443, to_port: 443 });
  });

  it.each(["deploy", "plan"] as const)(
    "GIVEN a %s runner WHEN its egress is read THEN it reaches the public-internet prefix list and the VPC endpoints only, never a CIDR (0.0.0.0/0 would reach every service in the VPC)",
    (purpose) => {
      const rules = Object.values(resourcesOf(synth({ purpose }), "aws_vpc_security_group_egress_rule"));
      expect(rules.map((rule) => rule["prefix_list_id"] ?? rule["referenced_security_group_id"] ?? rule["cidr_ipv4"]).sort()).toEqual([
        "pl-internet",
        "sg-endpoints",
      ]);
      expect(rules.filter((rule) => rule["cidr_ipv4"] !== undefined || rule["cidr_ipv6"] !== undefined)).toEqual([]);
    },
  );

  it("GIVEN a runner deployed by an earlier release WHEN synthesized THEN its group's description is the one it was created with (a changed description replaces the group: on AWS its delete fails with DependencyViolation, the platform's cluster group refers to it; found by the e2e's upgrade, where the replacement also updated both runner projects and moto, which has no UpdateProject, kept the apply waiting until the step's timeout)", () => {
    expect(only(synth(), "aws_security_group")["description"]).toBe(
      "GitHub Actions runner test-github-runner: no ingress, HTTPS out (GitHub, registries, AWS APIs, the cluster API)",
    );
  });

  it("reads the repository through the named connection", () => {
    const doc = synth();
    expect(only(doc, "aws_codebuild_project")["source"]).toMatchObject({
      type: "GITHUB",
      location: "https://github.com/acme/platform.git",
      auth: { type: "CODECONNECTIONS", resource: CONNECTION },
    });
  });

  it("GIVEN a deploy runner THEN its webhook admits only the named people's deploy-workflow jobs on the deploy branch", () => {
    const doc = synth();
    expect(only(doc, "aws_codebuild_webhook")["filter_group"]).toEqual([
      {
        filter: [
          { type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" },
          { type: "ACTOR_ACCOUNT_ID", pattern: "^(583231|9919)$" },
          { type: "WORKFLOW_NAME", pattern: "^(Deploy|Release)$" },
          { type: "HEAD_REF", pattern: "^(refs/heads/main)$" },
        ],
      },
    ]);
  });

  it("GIVEN a plan runner THEN it takes only the Plan workflow's jobs, of the named people, without Docker", () => {
    const doc = synth({ purpose: "plan" });
    const project = only(doc, "aws_codebuild_project");
    expect(project["name"]).toBe("test-github-plan-runner");
    expect((project["environment"] as { privileged_mode: boolean }).privileged_mode).toBe(false);
    expect(only(doc, "aws_codebuild_webhook")["filter_group"]).toEqual([
      {
        filter: [
          { type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" },
          { type: "ACTOR_ACCOUNT_ID", pattern: "^(583231|9919)$" },
          { type: "WORKFLOW_NAME", pattern: "^(Plan)$" },
        ],
      },
    ]);
  });

  it("limits how many builds run at once (2 deploys, 4 plans by default)", () => {
    expect(only(synth(), "aws_codebuild_project")["concurrent_build_limit"]).toBe(2);
    expect(only(synth({ purpose: "plan" }), "aws_codebuild_project")["concurrent_build_limit"]).toBe(4);
  });

  it("refuses no actor, a login instead of an account id, and Docker on a plan runner", () => {
    expect(() => synth({ actorAccountIds: [] })).toThrow("actorAccountIds must be one or more numeric GitHub account ids");
    expect(() => synth({ actorAccountIds: ["octocat"] })).toThrow("actorAccountIds must be one or more numeric GitHub account ids");
    expect(() => synth({ purpose: "plan", docker: true })).toThrow("a plan runner never runs Docker");
  });

  it("logs to an encrypted log group with retention", () => {
    expect(only(synth(), "aws_cloudwatch_log_group")).toMatchObject({
      name: "/aws/codebuild/test-github-runner",
      retention_in_days: 30,
      kms_key_id: props.logsKmsKeyArn,
    });
  });

  it("lets only this project assume its role (source account and project ARN)", () => {
    const [trust] = statements(synth(), "trust");
    expect(trust!.condition).toEqual(
      expect.arrayContaining([
        { test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] },
        { test: "ArnEquals", variable: "aws:SourceArn", values: ["arn:aws:codebuild:eu-west-1:123456789012:project/test-github-runner"] },
      ]),
    );
  });

  it("gives the role nothing but logs, its network interfaces in these subnets and the connection", () => {
    const list = statements(synth(), "permissions");
    const actions = list.flatMap((s) => s.actions).sort();
    expect(actions).toEqual([
      "codeconnections:GetConnection",
      "codeconnections:GetConnectionToken",
      "codeconnections:UseConnection",
      "ec2:CreateNetworkInterface",
      "ec2:CreateNetworkInterfacePermission",
      "ec2:DeleteNetworkInterface",
      "ec2:DescribeDhcpOptions",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DescribeSecurityGroups",
      "ec2:DescribeSubnets",
      "ec2:DescribeVpcs",
      "logs:CreateLogStream",
      "logs:PutLogEvents",
    ]);
    const attach = list.find((s) => s.actions.includes("ec2:CreateNetworkInterfacePermission"))!;
    expect(attach.condition).toEqual(
      expect.arrayContaining([
        {
          test: "ArnEquals",
          variable: "ec2:Subnet",
          values: ["arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-a", "arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-b"],
        },
        { test: "StringEquals", variable: "ec2:AuthorizedService", values: ["codebuild.amazonaws.com"] },
      ]),
    );
    expect(list.find((s) => s.sid === "GithubConnection")!.resources).toEqual([CONNECTION]);
  });

  it("refuses a connection that is not a CodeConnections ARN and a repository that is not owner/name", () => {
    expect(() => synth({ connectionArn: "ghp_secret-token" })).toThrow("is not a CodeConnections connection ARN");
    expect(() => synth({ repository: "platform" })).toThrow('repository "platform" must be owner/name');
  });
});
