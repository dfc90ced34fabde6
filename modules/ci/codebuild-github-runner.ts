import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CodebuildProject } from "@cdktf/provider-aws/lib/codebuild-project";
import { CodebuildWebhook } from "@cdktf/provider-aws/lib/codebuild-webhook";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { Construct } from "constructs";
import type { AwsTarget } from "../core/aws-target";

/** The CodeBuild event that hands a queued GitHub Actions job to the project (its runner). */
const WORKFLOW_JOB_QUEUED = "WORKFLOW_JOB_QUEUED";

/** CodeConnections connection ARN (either service prefix AWS has used for it). */
const CONNECTION_ARN = /^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]+$/;

/**
 * Name of an environment's deploy runner project; a workflow job asks for it with
 * `runs-on: codebuild-<project>-${{ github.run_id }}-${{ github.run_attempt }}`.
 */
export function runnerProjectName(environment: string): string {
  return `${environment}-github-runner`;
}

/** Name of an environment's plan runner project (pull requests' workloads plans). */
export function planRunnerProjectName(environment: string): string {
  return `${environment}-github-plan-runner`;
}

/**
 * Workflow names whose jobs each runner takes: the `name:` of the workflow a run started from
 * (deploy.yml "Deploy", which calls deploy-environment.yml; release.yml "Release"; pull-request.yml "Plan").
 */
const RUNNER_WORKFLOWS = { deploy: ["Deploy", "Release"], plan: ["Plan"] } as const;

/** What a runner is for: `deploy` (applies, builds images) or `plan` (reads, no Docker). */
export type RunnerPurpose = keyof typeof RUNNER_WORKFLOWS;

/** A regular expression that matches exactly one of `values` (each escaped). */
function exactly(values: readonly string[]): string {
  return `^(${values.map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})$`;
}

export interface CodebuildGithubRunnerProps {
  /** Environment name; the project, role, security group and log group are `<name>-github-runner` (`<name>-github-plan-runner` for a plan runner). */
  readonly name: string;
  /**
   * `deploy`: jobs of the deploy workflows on the deploy branch only, Docker on. `plan`: jobs of
   * the Plan workflow (pull requests), no Docker, HTTPS out only.
   * @default "deploy"
   */
  readonly purpose?: RunnerPurpose;
  /**
   * Numeric GitHub account ids whose queued jobs the webhook admits (CodeBuild's ACTOR_ACCOUNT_ID
   * filter): anyone else's job never starts a build.
   */
  readonly actorAccountIds: readonly string[];
  /** Branch whose jobs a deploy runner takes (its webhook filters HEAD_REF on it). */
  readonly deployBranch: string;
  /**
   * Most builds running at once.
   * @default 2 for a deploy runner, 4 for a plan runner
   */
  readonly concurrentBuildLimit?: number;
  readonly target: AwsTarget;
  /** `owner/name` of the GitHub repository whose workflow jobs the runner takes. */
  readonly repository: string;
  /** AWS CodeConnections connection to GitHub, authorized by an administrator (no token in configuration or state). */
  readonly connectionArn: string;
  readonly vpcId: string;
  /** Private subnets the builds run in (the private-app tier: a route to the cluster API, internet only through NAT). */
  readonly subnetIds: readonly string[];
  /**
   * Prefix list of the public internet (PublicInternetPrefixList): the group's only egress besides
   * the VPC endpoints (and the cluster API, which the platform layer opens when it admits this group).
   */
  readonly publicInternetPrefixListId: string;
  /** Security group of the VPC's interface endpoints (AWS APIs without the NAT), reached on 443. */
  readonly endpointSecurityGroupId: string;
  /** KMS key of the build log group. */
  readonly logsKmsKeyArn: string;
  /** Days the build logs are kept. */
  readonly logRetentionDays: number;
  /**
   * CodeBuild compute type of each runner.
   * @default "BUILD_GENERAL1_MEDIUM" (4 GiB, 2 vCPU)
   */
  readonly computeType?: string;
  /**
   * Build image: it must bring the AWS CLI v2 (the Kubernetes and Helm providers run `aws eks get-token`) and Docker.
   * @default "aws/codebuild/amazonlinux-x86_64-standard:5.0"
   */
  readonly image?: string;
  /**
   * Run the Docker daemon (privileged mode), which the release job needs to build images.
   * @default true
   */
  readonly docker?: boolean;
  /**
   * Longest a job may run, in minutes (the deploy job's own timeout is 120).
   * @default 150
   */
  readonly timeoutMinutes?: number;
}

/**
 * A GitHub Actions runner hosted by AWS CodeBuild inside the application VPC: the only CI path to
 * a private EKS API. Each queued job of the repository that asks for
 * `runs-on: codebuild-<project>-${{ github.run_id }}-${{ github.run_attempt }}` starts one
 * ephemeral build (the webhook filters `WORKFLOW_JOB_QUEUED`), in the given subnets, behind a
 * security group with no ingress and HTTPS egress to three places only: the public internet
 * through NAT (GitHub, registries, public AWS endpoints; a prefix list that leaves out every private
 * range), the VPC's interface endpoints, and the cluster API (the rule the platform layer adds
 * when it admits the group). Nothing else in the VPC or a peered network is reachable from a job.
 *
 * The project's role can do nothing but run the build: write its log group, create its network
 * interface in those subnets and use the GitHub connection. What a job changes in AWS comes from
 * the OIDC role the job assumes (`<env>-github-plan` or `<env>-github-deploy`), as on any runner.
 */
export class CodebuildGithubRunner extends Construct {
  readonly projectName: string;
  readonly projectArn: string;
  readonly securityGroupId: string;
  readonly roleArn: string;
  readonly logGroupName: string;

  constructor(scope: Construct, id: string, props: CodebuildGithubRunnerProps) {
    super(scope, id);
    const purpose = props.purpose ?? "deploy";
    const name = purpose === "deploy" ? runnerProjectName(props.name) : planRunnerProjectName(props.name);
    const timeout = props.timeoutMinutes ?? (purpose === "deploy" ? 150 : 60);
    const concurrency = props.concurrentBuildLimit ?? (purpose === "deploy" ? 2 : 4);
    if (props.actorAccountIds.length === 0 || !props.actorAccountIds.every((id) => /^[1-9][0-9]*$/.test(id))) {
      throw new Error(`GitHub runner ${name}: actorAccountIds must be one or more numeric GitHub account ids`);
    }
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new Error(`GitHub runner ${name}: concurrentBuildLimit ${concurrency} must be a whole number >= 1`);
    }
    if (purpose === "plan" && props.docker === true)
      throw new Error(`GitHub runner ${name}: a plan runner never runs Docker (privileged mode)`);
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(props.repository)) {
      throw new Error(`GitHub runner ${name}: repository "${props.repository}" must be owner/name`);
    }
    if (!CONNECTION_ARN.test(props.connectionArn)) {
      throw new Error(`GitHub runner ${name}: ${props.connectionArn} is not a CodeConnections connection ARN`);
    }
    if (props.subnetIds.length === 0) throw new Error(`GitHub runner ${name}: needs at least one subnet`);
    if (!Number.isInteger(timeout) || timeout < 5 || timeout > 2160) {
      throw new Error(`GitHub runner ${name}: timeout ${timeout} minutes must be a whole number from 5 to 2160`);
    }
    const { partition, region, accountId } = props.target;
    const projectArn = `arn:${partition}:codebuild:${region}:${accountId}:project/${name}`;

    const group = new SecurityGroup(this, "sg", {
      name,
      // A changed description replaces the group, and the platform's cluster group refers to this
      // one: AWS refuses the old group's delete (DependencyViolation) mid-apply. Kept as first written.
      description: `GitHub Actions runner ${name}: no ingress, HTTPS out (GitHub, registries, AWS APIs, the cluster API)`,
      vpcId: props.vpcId,
      tags: { Name: name },
    });
    new VpcSecurityGroupEgressRule(this, "https-internet", {
      securityGroupId: group.id,
      description: "HTTPS to the public internet through NAT: GitHub, registries, public AWS endpoints",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      prefixListId: props.publicInternetPrefixListId,
    });
    new VpcSecurityGroupEgressRule(this, "https-endpoints", {
      securityGroupId: group.id,
      description: "HTTPS to the VPC's interface endpoints (AWS APIs)",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      referencedSecurityGroupId: props.endpointSecurityGroupId,
    });

    const logs = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/codebuild/${name}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logsKmsKeyArn,
    });

    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["codebuild.amazonaws.com"] }],
          // Only this project may use the role (no confused deputy).
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] },
            { test: "ArnEquals", variable: "aws:SourceArn", values: [projectArn] },
          ],
        },
      ],
    });
    const role = new IamRole(this, "role", {
      name,
      description: `CodeBuild project ${name}: logs, its network interfaces, the GitHub connection; nothing else`,
      assumeRolePolicy: trust.json,
    });
    const subnetArns = props.subnetIds.map((subnet) => `arn:${partition}:ec2:${region}:${accountId}:subnet/${subnet}`);
    const connectionService = props.connectionArn.split(":")[2];
    const permissions = new DataAwsIamPolicyDocument(this, "permissions", {
      statement: [
        { sid: "BuildLogs", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${logs.arn}:*`] },
        {
          // These EC2 actions have no resource-level permissions: "*" is the only resource they take.
          sid: "VpcNetworkInterfaces",
          actions: [
            "ec2:CreateNetworkInterface",
            "ec2:DeleteNetworkInterface",
            "ec2:DescribeDhcpOptions",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeSubnets",
            "ec2:DescribeVpcs",
          ],
          resources: ["*"],
        },
        {
          sid: "AttachInTheRunnerSubnets",
          actions: ["ec2:CreateNetworkInterfacePermission"],
          resources: [`arn:${partition}:ec2:${region}:${accountId}:network-interface/*`],
          condition: [
            { test: "StringEquals", variable: "ec2:AuthorizedService", values: ["codebuild.amazonaws.com"] },
            { test: "ArnEquals", variable: "ec2:Subnet", values: subnetArns },
          ],
        },
        {
          sid: "GithubConnection",
          actions: [`${connectionService}:GetConnection`, `${connectionService}:GetConnectionToken`, `${connectionService}:UseConnection`],
          resources: [props.connectionArn],
        },
      ],
    });
    // A managed policy of the role's own name, attached once: the deploy role may create the runner
    // with it, and never change it afterwards (modules/ci/github-ci-identity.ts, RunnersOnlyAsCreated).
    const policy = new IamPolicy(this, "policy", {
      name,
      description: `What the CodeBuild project ${name} may do: logs, its network interfaces, the GitHub connection`,
      policy: permissions.json,
    });
    const rolePolicy = new IamRolePolicyAttachment(this, "role-policy", { role: role.name, policyArn: policy.arn });

    const project = new CodebuildProject(this, "project", {
      name,
      description: `GitHub Actions runner for ${props.repository} in the ${props.name} VPC`,
      serviceRole: role.arn,
      buildTimeout: timeout,
      queuedTimeout: 60,
      concurrentBuildLimit: concurrency,
      source: {
        type: "GITHUB",
        location: `https://github.com/${props.repository}.git`,
        gitCloneDepth: 1,
        auth: { type: "CODECONNECTIONS", resource: props.connectionArn },
      },
      artifacts: { type: "NO_ARTIFACTS" },
      environment: {
        type: "LINUX_CONTAINER",
        computeType: props.computeType ?? "BUILD_GENERAL1_MEDIUM",
        image: props.image ?? "aws/codebuild/amazonlinux-x86_64-standard:5.0",
        imagePullCredentialsType: "CODEBUILD",
        privilegedMode: purpose === "deploy" && (props.docker ?? true),
      },
      vpcConfig: { vpcId: props.vpcId, subnets: [...props.subnetIds], securityGroupIds: [group.id] },
      logsConfig: { cloudwatchLogs: { groupName: logs.name, status: "ENABLED" }, s3Logs: { status: "DISABLED" } },
      tags: { Name: name },
      // CodeBuild checks at creation that the role may create the VPC network interfaces.
      dependsOn: [logs, rolePolicy],
    });
    new CodebuildWebhook(this, "webhook", {
      projectName: project.name,
      buildType: "BUILD",
      // One group, every filter must match: the event, one of the named people, the runner's
      // workflows, and for a deploy runner the deploy branch (a pull request's head is another).
      filterGroup: [
        {
          filter: [
            { type: "EVENT", pattern: WORKFLOW_JOB_QUEUED },
            { type: "ACTOR_ACCOUNT_ID", pattern: exactly(props.actorAccountIds) },
            { type: "WORKFLOW_NAME", pattern: exactly(RUNNER_WORKFLOWS[purpose]) },
            ...(purpose === "deploy" ? [{ type: "HEAD_REF", pattern: exactly([`refs/heads/${props.deployBranch}`]) }] : []),
          ],
        },
      ],
    });

    this.projectName = project.name;
    this.projectArn = project.arn;
    this.securityGroupId = group.id;
    this.roleArn = role.arn;
    this.logGroupName = logs.name;
  }
}
