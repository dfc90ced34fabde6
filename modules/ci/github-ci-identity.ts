import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamGroup } from "@cdktf/provider-aws/lib/iam-group";
import { IamGroupPolicyAttachment } from "@cdktf/provider-aws/lib/iam-group-policy-attachment";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import type { AwsTarget } from "../core/aws-target";
import { ciGuardrailStatements } from "./ci-guardrails";
import { planRunnerProjectName, runnerProjectName } from "./codebuild-github-runner";

/** GitHub Actions' OIDC issuer. */
export const GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com";
const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

/** Actions that push an image to a repository (and nothing that deletes or re-tags). */
const ECR_PUSH_ACTIONS = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:InitiateLayerUpload",
  "ecr:UploadLayerPart",
  "ecr:CompleteLayerUpload",
  "ecr:PutImage",
] as const;

/** A deploy applies three layers in one session; two hours covers a fresh environment's EKS and Aurora. */
const DEPLOY_SESSION_SECONDS = 7200;

/** ARN of the account's GitHub Actions OIDC provider (IAM names it after the issuer's host). */
export function githubOidcProviderArn(target: Pick<AwsTarget, "accountId" | "partition">): string {
  return `arn:${target.partition}:iam::${target.accountId}:oidc-provider/${GITHUB_OIDC_HOST}`;
}

/**
 * The GitHub environment whose jobs may assume the plan role: `<env>-plan`. A pull request's job
 * runs in it to plan; in production it has required reviewers, so no pull request reaches the
 * plan role (which reads production's state and Helm's release records) before a reviewer approves.
 */
function planEnvironmentName(environment: string): string {
  return `${environment}-plan`;
}

/** Name of the permissions boundary every role the deploy role creates or changes must carry. */
export function permissionsBoundaryName(environment: string): string {
  return `${environment}-permissions-boundary`;
}

/** ARN of {@link permissionsBoundaryName}. */
export function permissionsBoundaryArn(target: Pick<AwsTarget, "accountId" | "partition">, environment: string): string {
  return `arn:${target.partition}:iam::${target.accountId}:policy/${permissionsBoundaryName(environment)}`;
}

/**
 * Services the deploy role may pass the environment's roles to (iam:PassedToService): the EKS
 * cluster and node roles, EC2 instance profiles, flow logs, AWS Config, CloudTrail's log
 * delivery, RDS Enhanced Monitoring, the CodeBuild runner, and EKS Pod Identity (an
 * `aws_eks_pod_identity_association` passes its workload role to `pods.eks.amazonaws.com`).
 */
const PASS_ROLE_SERVICES = [
  "eks.amazonaws.com",
  "pods.eks.amazonaws.com",
  "ec2.amazonaws.com",
  "vpc-flow-logs.amazonaws.com",
  "config.amazonaws.com",
  "cloudtrail.amazonaws.com",
  "monitoring.rds.amazonaws.com",
  "codebuild.amazonaws.com",
] as const;

/** Names of an environment's CI roles; the workflows derive the ARNs they assume from these. */
export function ciRoleNames(environment: string): { readonly plan: string; readonly deploy: string } {
  return { plan: `${environment}-github-plan`, deploy: `${environment}-github-deploy` };
}

/**
 * Name of the customer-managed policy with the deploy role's IAM allows: `<env>-github-deploy-iam`.
 * Part of the CI identity (the deploy role may not change it, nor detach it).
 */
function deployIamPolicyName(environment: string): string {
  return `${environment}-github-deploy-iam`;
}

/** Name of the push policy and of the group of people and tools that push images: `<env>-ecr-push`. */
function ecrPushName(environment: string): string {
  return `${environment}-ecr-push`;
}

/**
 * Actions that read data rather than configuration, denied to the plan role (which pull requests
 * reach) whatever ReadOnlyAccess grants: objects outside its own state, log events, queue
 * messages, table items, query results, build environments.
 */
const PLAN_DATA_READ_ACTIONS = [
  "logs:GetLogEvents",
  "logs:FilterLogEvents",
  "logs:StartQuery",
  "logs:GetQueryResults",
  "logs:StartLiveTail",
  "sqs:ReceiveMessage",
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:Scan",
  "athena:GetQueryResults",
  "codebuild:BatchGetBuilds",
  "ecr:GetDownloadUrlForLayer",
  "ecr:BatchGetImage",
  "lambda:GetFunction",
  "kinesis:GetRecords",
  "rds-data:ExecuteStatement",
] as const;

/** The state objects the plan role reads and the lock file it writes. */
export interface StateAccess {
  readonly bucket: string;
  /** Key prefix of this environment's state, e.g. `dev/`. */
  readonly keyPrefix: string;
  /**
   * Other state objects a plan reads through remote state, e.g. the account layer's
   * `account/<account id>.tfstate`: read only, never locked.
   * @default none
   */
  readonly readOnlyKeys?: readonly string[];
  /**
   * The key the read-only objects are encrypted with: a key ARN, or `alias/<name>` (granted through
   * `kms:ResourceAliases`); decrypt only.
   * @default the bucket's default encryption (no KMS permission needed)
   */
  readonly readOnlyKmsKeyArn?: string;
  /**
   * The state key: a key ARN, or `alias/<name>` (the environment's own key the bootstrap creates,
   * granted through `kms:ResourceAliases`).
   * @default the bucket's default encryption (no KMS permission needed)
   */
  readonly kmsKeyArn?: string;
}

export interface GithubCiIdentityProps {
  /** Environment name: prefix of every IAM name, the GitHub environment the deploy role trusts. */
  readonly name: string;
  readonly target: AwsTarget;
  /** `owner/name` of the only repository whose workflows may assume the roles. */
  readonly repository: string;
  /** Branch whose workflows may plan outside a pull request. */
  readonly deployBranch: string;
  /**
   * The account's GitHub Actions OIDC provider, which the roles trust: the account layer creates it
   * (stacks/account) and publishes its ARN.
   */
  readonly oidcProviderArn: string;
  /** Repositories the push policy covers. */
  readonly ecrRepositoryArns: readonly string[];
  /**
   * S3 state the plan role may read and lock.
   * @default none (local state)
   */
  readonly stateAccess?: StateAccess;
  /**
   * The environment's deploy role applies the audit services (CloudTrail, GuardDuty, Config,
   * Access Analyzer); without it, the CI roles may not set them up at all (modules/ci/ci-guardrails.ts).
   * Since the account layer (stacks/account, an administrator's apply) holds them, no environment does.
   * @default false
   */
  readonly ownsAccountSingletons?: boolean;
  /**
   * Secrets (names, e.g. `dev/grafana/admin`) whose value the plan role may read: those a stack
   * writes through a write-only attribute, whose `aws_secretsmanager_secret_version` a plan must
   * refresh (the provider reads it with GetSecretValue), and which the plan role can read anyway as
   * the Kubernetes Secret they are synced to (its cluster access includes Secrets). Each is
   * decryptable by the plan role only through Secrets Manager, for that secret.
   * @default none: the plan role reads no secret value
   */
  readonly planRefreshedSecretNames?: readonly string[];
}

/**
 * CI's identity in the account, keyless:
 * - trust in the account's GitHub Actions OIDC provider (the account layer's, stacks/account);
 * - `<env>-github-plan`: read-only without secret values, for `terraform plan` in the GitHub
 *   environment `<env>-plan` (pull requests; required reviewers in production) and on the deploy branch;
 * - `<env>-github-deploy`: applies and pushes, assumable only from the GitHub environment `<env>`
 *   (so its protection rules gate every apply); IAM limited to names starting `<env>-`, every role
 *   it creates or changes under the boundary `<env>-permissions-boundary`, roles passed only to
 *   the services of {@link PASS_ROLE_SERVICES}, and never its own identity (these roles, the boundary);
 *   its IAM allows are the managed policy `<env>-github-deploy-iam`, its denies inline (IAM allows a
 *   role 10,240 characters of inline policies in all; test/policy/iam-quotas.test.ts);
 * - `<env>-ecr-push`: a policy with GetAuthorizationToken and push on these repositories only,
 *   attached to the IAM group `<env>-ecr-push` for people and tools (inline on the deploy role).
 *
 * The CI identity is applied by an administrator when the environment is first deployed, and
 * again whenever it changes: the deploy role may not change it.
 */
export class GithubCiIdentity extends Construct {
  readonly oidcProviderArn: string;
  readonly planRoleArn: string;
  readonly deployRoleArn: string;
  readonly ecrPushGroupName: string;
  readonly ecrPushPolicyArn: string;
  /** The boundary policy (a token: roles of the same stack that carry it wait for it). */
  readonly permissionsBoundaryArn: string;

  constructor(scope: Construct, id: string, props: GithubCiIdentityProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(props.repository)) {
      throw new Error(`GitHub repository "${props.repository}" must be owner/name`);
    }
    if (props.ecrRepositoryArns.length === 0) throw new Error("GitHub CI identity: the push policy needs at least one ECR repository");
    const { accountId, partition } = props.target;
    const iamArn = (resource: string) => `arn:${partition}:iam::${accountId}:${resource}`;
    // A secret's ARN ends in "-" and six random characters.
    const refreshed = (props.planRefreshedSecretNames ?? []).map((name) => {
      if (!/^[A-Za-z0-9/_+=.@-]+$/.test(name)) throw new Error(`GitHub CI identity: "${name}" is not a secret name`);
      return `arn:${partition}:secretsmanager:${props.target.region}:${accountId}:secret:${name}-??????`;
    });

    this.oidcProviderArn = props.oidcProviderArn;

    const trust = (name: string, subjects: readonly string[]) =>
      new DataAwsIamPolicyDocument(this, `${name}-trust`, {
        statement: [
          {
            actions: ["sts:AssumeRoleWithWebIdentity"],
            principals: [{ type: "Federated", identifiers: [this.oidcProviderArn] }],
            condition: [
              { test: "StringEquals", variable: `${GITHUB_OIDC_HOST}:aud`, values: ["sts.amazonaws.com"] },
              { test: "StringEquals", variable: `${GITHUB_OIDC_HOST}:sub`, values: [...subjects] },
            ],
          },
        ],
      });

    // Plan: jobs in the GitHub environment `<env>-plan` (pull requests; reviewers in production)
    // and the deploy branch; read-only everywhere, plus the state lock. No bare `pull_request`
    // subject: any same-repository pull request would get it, with its own copy of the workflow.
    const planRole = new IamRole(this, "plan-role", {
      name: ciRoleNames(props.name).plan,
      description: `terraform plan for ${props.name} from ${props.repository}`,
      assumeRolePolicy: trust("plan", [
        `repo:${props.repository}:environment:${planEnvironmentName(props.name)}`,
        `repo:${props.repository}:ref:refs/heads/${props.deployBranch}`,
      ]).json,
      maxSessionDuration: 3600,
    });
    new IamRolePolicyAttachment(this, "plan-read-only", {
      role: planRole.name,
      policyArn: `arn:${partition}:iam::aws:policy/ReadOnlyAccess`,
    });
    // Secret values are never a plan's business: an explicit deny whatever a managed policy grants.
    const noSecrets = new DataAwsIamPolicyDocument(this, "plan-no-secret-values", {
      statement: [
        refreshed.length === 0
          ? {
              sid: "NoSecretValues",
              effect: "Deny",
              actions: ["secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue"],
              resources: ["*"],
            }
          : {
              sid: "NoSecretValues",
              effect: "Deny",
              actions: ["secretsmanager:GetSecretValue"],
              notResources: [...refreshed],
            },
        ...(refreshed.length === 0
          ? []
          : [
              {
                sid: "NoBatchSecretValues",
                effect: "Deny",
                actions: ["secretsmanager:BatchGetSecretValue"],
                resources: ["*"],
              },
            ]),
        {
          // The account's own parameters (SecureString values); AWS's public parameters (AMI ids) stay readable.
          sid: "NoParameterValues",
          effect: "Deny",
          actions: ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory"],
          resources: [`arn:${partition}:ssm:*:${accountId}:parameter/*`],
        },
      ],
    });
    new IamRolePolicy(this, "plan-no-secrets-policy", { name: "no-secret-values", role: planRole.id, policy: noSecrets.json });
    if (refreshed.length > 0) {
      // The write-only secrets' versions: a plan refreshes each with GetSecretValue, which Secrets
      // Manager decrypts with the caller's permissions (kms:ViaService, that secret's ARN as context).
      const refresh = new DataAwsIamPolicyDocument(this, "plan-refreshed-secrets", {
        statement: [
          { sid: "RefreshWriteOnlySecrets", effect: "Allow", actions: ["secretsmanager:GetSecretValue"], resources: [...refreshed] },
          {
            sid: "DecryptThemThroughSecretsManager",
            effect: "Allow",
            actions: ["kms:Decrypt"],
            resources: [`arn:${partition}:kms:${props.target.region}:${accountId}:key/*`],
            condition: [
              { test: "StringEquals", variable: "kms:ViaService", values: [`secretsmanager.${props.target.region}.amazonaws.com`] },
              { test: "ArnLike", variable: "kms:EncryptionContext:SecretARN", values: [...refreshed] },
            ],
          },
        ],
      });
      new IamRolePolicy(this, "plan-refreshed-secrets-policy", { name: "refreshed-secrets", role: planRole.id, policy: refresh.json });
    }
    // What no CI role may do (state, audit, trust, other environments' resources), as explicit denies.
    const guardrailStatements = ciGuardrailStatements({
      name: props.name,
      target: props.target,
      ownsAccountSingletons: props.ownsAccountSingletons ?? false,
      ...(props.stateAccess === undefined ? {} : { stateBucket: props.stateAccess.bucket }),
      ...(props.stateAccess?.kmsKeyArn?.startsWith("arn:") === true ? { stateKmsKeyArn: props.stateAccess.kmsKeyArn } : {}),
    });
    const guardrails = new DataAwsIamPolicyDocument(this, "guardrails", { statement: guardrailStatements });
    new IamRolePolicy(this, "plan-guardrails-policy", { name: "ci-guardrails", role: planRole.id, policy: guardrails.json });
    // The plan role reads configuration, not data: pull requests reach it.
    const planDataReads = new DataAwsIamPolicyDocument(this, "plan-no-data-reads", {
      statement: [
        { sid: "NoDataReads", effect: "Deny", actions: [...PLAN_DATA_READ_ACTIONS], resources: ["*"] },
        ...(props.stateAccess === undefined
          ? []
          : [
              {
                // ReadOnlyAccess reads every object of the account: in the state bucket, only our prefix
                // and the upstream state a plan reads through remote state (the account layer's).
                sid: "OnlyOurState",
                effect: "Deny",
                actions: ["s3:GetObject", "s3:GetObjectVersion"],
                notResources: [
                  `arn:${partition}:s3:::${props.stateAccess.bucket}/${props.stateAccess.keyPrefix}*`,
                  ...(props.stateAccess.readOnlyKeys ?? []).map((key) => `arn:${partition}:s3:::${props.stateAccess?.bucket}/${key}`),
                ],
              },
            ]),
      ],
    });
    new IamRolePolicy(this, "plan-no-data-reads-policy", { name: "no-data-reads", role: planRole.id, policy: planDataReads.json });
    // A plan opens the stacks' ephemeral resources: Secrets Manager's GetRandomPassword makes a
    // password for a write-only attribute (Grafana's admin credential) that no plan or state keeps.
    // It reads no secret and names no resource (IAM takes only `*` for it); ReadOnlyAccess lacks it.
    const planEphemeral = new DataAwsIamPolicyDocument(this, "plan-ephemeral-values", {
      statement: [{ sid: "GenerateEphemeralPasswords", effect: "Allow", actions: ["secretsmanager:GetRandomPassword"], resources: ["*"] }],
    });
    new IamRolePolicy(this, "plan-ephemeral-values-policy", { name: "ephemeral-values", role: planRole.id, policy: planEphemeral.json });
    if (props.stateAccess !== undefined) {
      const state = props.stateAccess;
      const objects = `arn:${partition}:s3:::${state.bucket}/${state.keyPrefix}`;
      const statePolicy = new DataAwsIamPolicyDocument(this, "plan-state", {
        statement: [
          { sid: "ReadState", actions: ["s3:GetObject"], resources: [`${objects}*`] },
          ...((state.readOnlyKeys ?? []).length === 0
            ? []
            : [
                {
                  sid: "ReadUpstreamState",
                  actions: ["s3:GetObject"],
                  resources: (state.readOnlyKeys ?? []).map((key) => `arn:${partition}:s3:::${state.bucket}/${key}`),
                },
              ]),
          ...(state.readOnlyKmsKeyArn === undefined || (state.readOnlyKeys ?? []).length === 0
            ? []
            : [
                state.readOnlyKmsKeyArn.startsWith("alias/")
                  ? {
                      sid: "ReadUpstreamStateKey",
                      actions: ["kms:Decrypt"],
                      resources: [`arn:${partition}:kms:*:${accountId}:key/*`],
                      condition: [{ test: "ForAnyValue:StringEquals", variable: "kms:ResourceAliases", values: [state.readOnlyKmsKeyArn] }],
                    }
                  : { sid: "ReadUpstreamStateKey", actions: ["kms:Decrypt"], resources: [state.readOnlyKmsKeyArn] },
              ]),
          { sid: "ListState", actions: ["s3:ListBucket"], resources: [`arn:${partition}:s3:::${state.bucket}`] },
          { sid: "LockState", actions: ["s3:PutObject", "s3:DeleteObject"], resources: [`${objects}*.tflock`] },
          ...(state.kmsKeyArn === undefined
            ? []
            : state.kmsKeyArn.startsWith("alias/")
              ? [
                  {
                    sid: "StateKey",
                    actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
                    resources: [`arn:${partition}:kms:*:${accountId}:key/*`],
                    condition: [{ test: "ForAnyValue:StringEquals", variable: "kms:ResourceAliases", values: [state.kmsKeyArn] }],
                  },
                ]
              : [{ sid: "StateKey", actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], resources: [state.kmsKeyArn] }]),
        ],
      });
      new IamRolePolicy(this, "plan-state-policy", { name: "terraform-state", role: planRole.id, policy: statePolicy.json });
    }

    // Push: the book's group gets the managed policy; the deploy role gets the same statements
    // inline (a managed policy attached to the deploy role would be one it could rewrite).
    const push = new DataAwsIamPolicyDocument(this, "push", {
      statement: [
        // GetAuthorizationToken has no resource-level permissions: "*" is the only resource it takes.
        { sid: "RegistryLogin", actions: ["ecr:GetAuthorizationToken"], resources: ["*"] },
        { sid: "PushImages", actions: [...ECR_PUSH_ACTIONS], resources: [...props.ecrRepositoryArns] },
      ],
    });
    const pushPolicy = new IamPolicy(this, "push-policy", {
      name: ecrPushName(props.name),
      description: `Push images to the ${props.name} application repositories`,
      policy: push.json,
    });
    const group = new IamGroup(this, "push-group", { name: ecrPushName(props.name) });
    new IamGroupPolicyAttachment(this, "push-group-policy", { group: group.name, policyArn: pushPolicy.arn });

    // The ceiling of every role the deploy role creates or changes: anything but IAM (beyond
    // reading and service-linked roles), Organizations and account settings. A role under it can
    // never grant itself or anyone more, so the deploy role cannot escalate through a role it makes.
    // The CI guardrails ride along: a role the deploy role makes (and assumes) cannot do what CI may not.
    const boundaryDocument = new DataAwsIamPolicyDocument(this, "boundary", {
      statement: [
        { sid: "ServicesButIdentity", notActions: ["iam:*", "organizations:*", "account:*"], resources: ["*"] },
        { sid: "ReadIdentity", actions: ["iam:Get*", "iam:List*", "iam:CreateServiceLinkedRole"], resources: ["*"] },
        // Strictest form: a role the deploy role makes never sets up the audit services either.
        ...ciGuardrailStatements({
          name: props.name,
          target: props.target,
          ownsAccountSingletons: false,
          ...(props.stateAccess === undefined ? {} : { stateBucket: props.stateAccess.bucket }),
          ...(props.stateAccess?.kmsKeyArn?.startsWith("arn:") === true ? { stateKmsKeyArn: props.stateAccess.kmsKeyArn } : {}),
        }),
      ],
    });
    const boundary = new IamPolicy(this, "permissions-boundary", {
      name: permissionsBoundaryName(props.name),
      description: `Permissions boundary of every role the ${props.name} deploy role creates or changes`,
      policy: boundaryDocument.json,
    });

    // Deploy: only from the GitHub environment named like ours, whose protection rules gate it.
    const deployRole = new IamRole(this, "deploy-role", {
      name: ciRoleNames(props.name).deploy,
      description: `terraform apply and image push for ${props.name} from ${props.repository}`,
      assumeRolePolicy: trust("deploy", [`repo:${props.repository}:environment:${props.name}`]).json,
      maxSessionDuration: DEPLOY_SESSION_SECONDS,
    });
    const guardrailsPolicy = new IamRolePolicy(this, "deploy-guardrails-policy", {
      name: "ci-guardrails",
      role: deployRole.id,
      policy: guardrails.json,
    });
    // PowerUserAccess goes on only once the guardrails are there (a first apply).
    new IamRolePolicyAttachment(this, "deploy-power-user", {
      role: deployRole.name,
      policyArn: `arn:${partition}:iam::aws:policy/PowerUserAccess`,
      dependsOn: [guardrailsPolicy],
    });
    new IamRolePolicy(this, "deploy-push", { name: "ecr-push", role: deployRole.id, policy: push.json });
    const prefix = `${props.name}-`;
    const boundaryArn = permissionsBoundaryArn(props.target, props.name);
    // The CI identity: these roles, the boundary, the push policy and its group (an administrator's);
    // the runners' roles and policies, which the deploy role creates once and never changes.
    const ciRoles = [
      iamArn(`role/${ciRoleNames(props.name).plan}`),
      iamArn(`role/${ciRoleNames(props.name).deploy}`),
      iamArn(`policy/${ecrPushName(props.name)}`),
      iamArn(`group/${ecrPushName(props.name)}`),
      iamArn(`policy/${deployIamPolicyName(props.name)}`),
    ];
    const runnerNames = [runnerProjectName(props.name), planRunnerProjectName(props.name)];
    const runnerRoles = runnerNames.map((runner) => iamArn(`role/${runner}`));
    const runnerPolicies = runnerNames.map((runner) => iamArn(`policy/${runner}`));
    const withBoundary = { test: "StringEquals", variable: "iam:PermissionsBoundary", values: [boundaryArn] };
    const environmentTag = (key: "aws:RequestTag/environment" | "aws:ResourceTag/environment") => ({
      test: "StringEquals",
      variable: key,
      values: [props.name],
    });
    const eksOidcProviders = iamArn(`oidc-provider/oidc.eks.${props.target.region}.amazonaws.com/id/*`);
    // What the deploy role may do in IAM (a customer-managed policy: IAM allows a role 10,240
    // characters of inline policies in all, and this and the guardrails together are more; see
    // docs/operations.md, "IAM quotas of the CI roles").
    const iamScope = new DataAwsIamPolicyDocument(this, "deploy-iam", {
      statement: [
        {
          sid: "ReadEnvironmentRoles",
          actions: [
            "iam:GetRole",
            "iam:ListRolePolicies",
            "iam:GetRolePolicy",
            "iam:ListAttachedRolePolicies",
            "iam:ListInstanceProfilesForRole",
            "iam:ListRoleTags",
          ],
          resources: [iamArn(`role/${prefix}*`)],
        },
        {
          // Every change of a role's permissions or trust requires our boundary on that role.
          sid: "ManageEnvironmentRolesWithinBoundary",
          actions: [
            "iam:CreateRole",
            "iam:DeleteRole",
            "iam:UpdateRole",
            "iam:UpdateRoleDescription",
            "iam:UpdateAssumeRolePolicy",
            "iam:PutRolePolicy",
            "iam:DeleteRolePolicy",
            "iam:AttachRolePolicy",
            "iam:DetachRolePolicy",
            "iam:PutRolePermissionsBoundary",
          ],
          resources: [iamArn(`role/${prefix}*`)],
          condition: [withBoundary],
        },
        { sid: "TagEnvironmentRoles", actions: ["iam:TagRole", "iam:UntagRole"], resources: [iamArn(`role/${prefix}*`)] },
        {
          sid: "PassEnvironmentRolesToServices",
          actions: ["iam:PassRole"],
          resources: [iamArn(`role/${prefix}*`)],
          condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: [...PASS_ROLE_SERVICES] }],
        },
        {
          sid: "ManageEnvironmentPolicies",
          actions: [
            "iam:CreatePolicy",
            "iam:DeletePolicy",
            "iam:GetPolicy",
            "iam:GetPolicyVersion",
            "iam:ListPolicyVersions",
            "iam:CreatePolicyVersion",
            "iam:DeletePolicyVersion",
            "iam:TagPolicy",
            "iam:UntagPolicy",
            "iam:ListPolicyTags",
          ],
          resources: [iamArn(`policy/${prefix}*`)],
        },
        {
          sid: "ReadEnvironmentGroups",
          actions: ["iam:GetGroup", "iam:ListAttachedGroupPolicies", "iam:ListGroupPolicies"],
          resources: [iamArn(`group/${prefix}*`)],
        },
        { sid: "ManageEnvironmentGroups", actions: ["iam:CreateGroup", "iam:DeleteGroup"], resources: [iamArn(`group/${prefix}*`)] },
        {
          // Groups hold people: only the environment's own policies go on them.
          sid: "AttachEnvironmentPoliciesToGroups",
          actions: ["iam:AttachGroupPolicy", "iam:DetachGroupPolicy"],
          resources: [iamArn(`group/${prefix}*`)],
          condition: [{ test: "ArnLike", variable: "iam:PolicyARN", values: [iamArn(`policy/${prefix}*`)] }],
        },
        {
          sid: "ManageEnvironmentInstanceProfiles",
          actions: [
            "iam:CreateInstanceProfile",
            "iam:DeleteInstanceProfile",
            "iam:GetInstanceProfile",
            "iam:TagInstanceProfile",
            "iam:AddRoleToInstanceProfile",
            "iam:RemoveRoleFromInstanceProfile",
          ],
          resources: [iamArn(`instance-profile/${prefix}*`)],
        },
        {
          // The GitHub provider is read (looked up, refreshed), never changed by a deploy.
          sid: "ReadGithubOidcProvider",
          actions: ["iam:GetOpenIDConnectProvider"],
          resources: [githubOidcProviderArn(props.target)],
        },
        {
          // The clusters' IRSA providers: random ids, so scoped by the environment tag the stacks put on them.
          sid: "CreateClusterOidcProvidersOfEnvironment",
          actions: ["iam:CreateOpenIDConnectProvider"],
          resources: [eksOidcProviders],
          condition: [environmentTag("aws:RequestTag/environment")],
        },
        {
          // Tags go on our providers only: one tagged as ours, or one being created (no tag yet). Another
          // environment's provider, tagged as its own, cannot be re-tagged as ours and then deleted.
          sid: "TagClusterOidcProvidersOfEnvironment",
          actions: ["iam:TagOpenIDConnectProvider"],
          resources: [eksOidcProviders],
          condition: [environmentTag("aws:RequestTag/environment"), environmentTag("aws:ResourceTag/environment")],
        },
        {
          sid: "TagNewClusterOidcProviders",
          actions: ["iam:TagOpenIDConnectProvider"],
          resources: [eksOidcProviders],
          condition: [
            environmentTag("aws:RequestTag/environment"),
            { test: "Null", variable: "aws:ResourceTag/environment", values: ["true"] },
          ],
        },
        {
          sid: "ReadClusterOidcProviders",
          actions: ["iam:GetOpenIDConnectProvider", "iam:ListOpenIDConnectProviderTags"],
          resources: [eksOidcProviders],
        },
        {
          sid: "ManageClusterOidcProvidersOfEnvironment",
          actions: [
            "iam:DeleteOpenIDConnectProvider",
            "iam:UntagOpenIDConnectProvider",
            "iam:UpdateOpenIDConnectProviderThumbprint",
            "iam:AddClientIDToOpenIDConnectProvider",
            "iam:RemoveClientIDFromOpenIDConnectProvider",
          ],
          resources: [eksOidcProviders],
          condition: [environmentTag("aws:ResourceTag/environment")],
        },
      ],
    });
    // What it may never do in IAM, whatever an allow says: inline, where no IAM call of its own reaches.
    const iamGuardrails = new DataAwsIamPolicyDocument(this, "deploy-iam-guardrails", {
      statement: [
        {
          // The CI identity itself (these roles, their boundary, the deploy role's IAM policy)
          // changes only by an administrator's apply.
          sid: "NeverTheCiIdentity",
          effect: "Deny",
          actions: [
            "iam:Create*",
            "iam:Delete*",
            "iam:Update*",
            "iam:Put*",
            "iam:Attach*",
            "iam:Detach*",
            "iam:Tag*",
            "iam:Untag*",
            "iam:PassRole",
            "iam:SetDefaultPolicyVersion",
            "iam:AddRoleToInstanceProfile",
            "iam:AddUserToGroup",
            "iam:RemoveUserFromGroup",
          ],
          resources: [...ciRoles, boundaryArn],
        },
        {
          // The runners' roles: created with their boundary and their own policy, then never changed
          // (a runner takes jobs from pull requests: its role must stay the minimal one).
          sid: "RunnersOnlyAsCreated",
          effect: "Deny",
          actions: [
            "iam:DeleteRole",
            "iam:UpdateRole",
            "iam:PutRolePolicy",
            "iam:DeleteRolePolicy",
            "iam:DetachRolePolicy",
            "iam:PutRolePermissionsBoundary",
            "iam:UpdateAssumeRolePolicy",
            "iam:AddRoleToInstanceProfile",
          ],
          resources: runnerRoles,
        },
        // Each runner's role takes its own policy only (the plan runner, which pull requests reach, never the deploy runner's).
        ...runnerNames.map((runner, index) => ({
          sid: index === 0 ? "RunnerOnlyItsOwnPolicy" : "PlanRunnerOnlyItsOwnPolicy",
          effect: "Deny",
          actions: ["iam:AttachRolePolicy"],
          resources: [iamArn(`role/${runner}`)],
          condition: [{ test: "ArnNotEquals", variable: "iam:PolicyARN", values: [iamArn(`policy/${runner}`)] }],
        })),
        {
          sid: "RunnerPoliciesOnlyAsCreated",
          effect: "Deny",
          actions: ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicyVersion", "iam:DeletePolicy"],
          resources: runnerPolicies,
        },
        {
          sid: "NeverRemoveABoundary",
          effect: "Deny",
          actions: ["iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"],
          resources: ["*"],
        },
      ],
    });
    // Same address and name as when it also held the allows: an in-place PutRolePolicy, so the denies
    // never leave the role (a new name would add one, past the 10,240 characters, before the old went).
    const iamGuardrailsPolicy = new IamRolePolicy(this, "deploy-iam-policy", {
      name: "environment-iam",
      role: deployRole.id,
      policy: iamGuardrails.json,
    });
    const iamPolicy = new IamPolicy(this, "deploy-iam-managed-policy", {
      name: deployIamPolicyName(props.name),
      description: `What the ${props.name} deploy role may do in IAM (its denies are inline: environment-iam, ci-guardrails)`,
      policy: iamScope.json,
    });
    // The allows go on only once the denies are there: on a first apply, and when an upgrade moves them here.
    new IamRolePolicyAttachment(this, "deploy-iam-attachment", {
      role: deployRole.name,
      policyArn: iamPolicy.arn,
      dependsOn: [iamGuardrailsPolicy, guardrailsPolicy],
    });

    this.planRoleArn = planRole.arn;
    this.deployRoleArn = deployRole.arn;
    this.ecrPushGroupName = group.name;
    this.ecrPushPolicyArn = pushPolicy.arn;
    this.permissionsBoundaryArn = boundary.arn;
  }
}
