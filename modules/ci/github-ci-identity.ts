import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamGroup } from "@cdktf/provider-aws/lib/iam-group";
import { IamGroupPolicyAttachment } from "@cdktf/provider-aws/lib/iam-group-policy-attachment";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import type { AwsTarget } from "../core/aws-target";

/** GitHub Actions' OIDC issuer. */
export const GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com";
const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

/** Actions that push an image to a repository (and nothing that deletes or re-tags). */
export const ECR_PUSH_ACTIONS = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:InitiateLayerUpload",
  "ecr:UploadLayerPart",
  "ecr:CompleteLayerUpload",
  "ecr:PutImage",
] as const;

/** A deploy applies three layers in one session; two hours covers a fresh environment's EKS and Aurora. */
export const DEPLOY_SESSION_SECONDS = 7200;

/** Names of an environment's CI roles; the workflows derive the ARNs they assume from these. */
export function ciRoleNames(environment: string): { readonly plan: string; readonly deploy: string } {
  return { plan: `${environment}-github-plan`, deploy: `${environment}-github-deploy` };
}

/** The state objects the plan role reads and the lock file it writes. */
export interface StateAccess {
  readonly bucket: string;
  /** Key prefix of this environment's state, e.g. `dev/`. */
  readonly keyPrefix: string;
  /** @default the bucket's default encryption (no KMS permission needed) */
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
   * Create the account's GitHub OIDC provider (the environment owns account singletons), or look up
   * the one another environment created.
   */
  readonly createOidcProvider: boolean;
  /** Repositories the push policy covers. */
  readonly ecrRepositoryArns: readonly string[];
  /**
   * S3 state the plan role may read and lock.
   * @default none (local state)
   */
  readonly stateAccess?: StateAccess;
}

/**
 * CI's identity in the account, keyless:
 * - the GitHub Actions OIDC provider (created once per account, looked up elsewhere);
 * - `<env>-github-plan`: read-only, for `terraform plan` on pull requests and the deploy branch;
 * - `<env>-github-deploy`: applies and pushes, assumable only from the GitHub environment `<env>`
 *   (so its protection rules gate every apply), IAM limited to names starting `<env>-`;
 * - `<env>-ecr-push`: a policy with GetAuthorizationToken and push on these repositories only,
 *   attached to the deploy role and to the IAM group `<env>-ecr-push` for people and tools.
 */
export class GithubCiIdentity extends Construct {
  readonly oidcProviderArn: string;
  readonly planRoleArn: string;
  readonly deployRoleArn: string;
  readonly ecrPushGroupName: string;
  readonly ecrPushPolicyArn: string;

  constructor(scope: Construct, id: string, props: GithubCiIdentityProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(props.repository)) {
      throw new Error(`GitHub repository "${props.repository}" must be owner/name`);
    }
    if (props.ecrRepositoryArns.length === 0) throw new Error("GitHub CI identity: the push policy needs at least one ECR repository");
    const { accountId, partition } = props.target;
    const iamArn = (resource: string) => `arn:${partition}:iam::${accountId}:${resource}`;

    this.oidcProviderArn = props.createOidcProvider
      ? new IamOpenidConnectProvider(this, "github-oidc", {
          url: GITHUB_OIDC_URL,
          clientIdList: ["sts.amazonaws.com"],
          tags: { Name: "github-actions" },
        }).arn
      : new DataAwsIamOpenidConnectProvider(this, "github-oidc", { url: GITHUB_OIDC_URL }).arn;

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

    // Plan: pull requests and the deploy branch, read-only everywhere, plus the state lock.
    const planRole = new IamRole(this, "plan-role", {
      name: ciRoleNames(props.name).plan,
      description: `terraform plan for ${props.name} from ${props.repository}`,
      assumeRolePolicy: trust("plan", [
        `repo:${props.repository}:pull_request`,
        `repo:${props.repository}:ref:refs/heads/${props.deployBranch}`,
      ]).json,
      maxSessionDuration: 3600,
    });
    new IamRolePolicyAttachment(this, "plan-read-only", {
      role: planRole.name,
      policyArn: `arn:${partition}:iam::aws:policy/ReadOnlyAccess`,
    });
    if (props.stateAccess !== undefined) {
      const state = props.stateAccess;
      const objects = `arn:${partition}:s3:::${state.bucket}/${state.keyPrefix}`;
      const statePolicy = new DataAwsIamPolicyDocument(this, "plan-state", {
        statement: [
          { sid: "ReadState", actions: ["s3:GetObject"], resources: [`${objects}*`] },
          { sid: "ListState", actions: ["s3:ListBucket"], resources: [`arn:${partition}:s3:::${state.bucket}`] },
          { sid: "LockState", actions: ["s3:PutObject", "s3:DeleteObject"], resources: [`${objects}*.tflock`] },
          ...(state.kmsKeyArn === undefined
            ? []
            : [{ sid: "StateKey", actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], resources: [state.kmsKeyArn] }]),
        ],
      });
      new IamRolePolicy(this, "plan-state-policy", { name: "terraform-state", role: planRole.id, policy: statePolicy.json });
    }

    // Push: the book's group, and the same policy for the deploy role.
    const push = new DataAwsIamPolicyDocument(this, "push", {
      statement: [
        // GetAuthorizationToken has no resource-level permissions: "*" is the only resource it takes.
        { sid: "RegistryLogin", actions: ["ecr:GetAuthorizationToken"], resources: ["*"] },
        { sid: "PushImages", actions: [...ECR_PUSH_ACTIONS], resources: [...props.ecrRepositoryArns] },
      ],
    });
    const pushPolicy = new IamPolicy(this, "push-policy", {
      name: `${props.name}-ecr-push`,
      description: `Push images to the ${props.name} application repositories`,
      policy: push.json,
    });
    const group = new IamGroup(this, "push-group", { name: `${props.name}-ecr-push` });
    new IamGroupPolicyAttachment(this, "push-group-policy", { group: group.name, policyArn: pushPolicy.arn });

    // Deploy: only from the GitHub environment named like ours, whose protection rules gate it.
    const deployRole = new IamRole(this, "deploy-role", {
      name: ciRoleNames(props.name).deploy,
      description: `terraform apply and image push for ${props.name} from ${props.repository}`,
      assumeRolePolicy: trust("deploy", [`repo:${props.repository}:environment:${props.name}`]).json,
      maxSessionDuration: DEPLOY_SESSION_SECONDS,
    });
    new IamRolePolicyAttachment(this, "deploy-power-user", {
      role: deployRole.name,
      policyArn: `arn:${partition}:iam::aws:policy/PowerUserAccess`,
    });
    new IamRolePolicyAttachment(this, "deploy-push", { role: deployRole.name, policyArn: pushPolicy.arn });
    const prefix = `${props.name}-`;
    const iamScope = new DataAwsIamPolicyDocument(this, "deploy-iam", {
      statement: [
        {
          sid: "ManageEnvironmentRoles",
          actions: [
            "iam:CreateRole", "iam:DeleteRole", "iam:GetRole", "iam:UpdateRole", "iam:UpdateRoleDescription",
            "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:PassRole",
            "iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy", "iam:ListRolePolicies",
            "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:ListAttachedRolePolicies",
            "iam:ListInstanceProfilesForRole",
          ],
          resources: [iamArn(`role/${prefix}*`)],
        },
        {
          sid: "ManageEnvironmentPolicies",
          actions: [
            "iam:CreatePolicy", "iam:DeletePolicy", "iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions",
            "iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:TagPolicy", "iam:UntagPolicy",
          ],
          resources: [iamArn(`policy/${prefix}*`)],
        },
        {
          sid: "ManageEnvironmentGroups",
          actions: [
            "iam:CreateGroup", "iam:DeleteGroup", "iam:GetGroup", "iam:AttachGroupPolicy", "iam:DetachGroupPolicy",
            "iam:ListAttachedGroupPolicies", "iam:ListGroupPolicies",
          ],
          resources: [iamArn(`group/${prefix}*`)],
        },
        {
          sid: "ManageEnvironmentInstanceProfiles",
          actions: [
            "iam:CreateInstanceProfile", "iam:DeleteInstanceProfile", "iam:GetInstanceProfile", "iam:TagInstanceProfile",
            "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile",
          ],
          resources: [iamArn(`instance-profile/${prefix}*`)],
        },
        ...(props.createOidcProvider
          ? [
              {
                // The account baseline (owned by this environment) sets the password policy; it has no resource ARN.
                sid: "ManageAccountPasswordPolicy",
                actions: ["iam:GetAccountPasswordPolicy", "iam:UpdateAccountPasswordPolicy", "iam:DeleteAccountPasswordPolicy"],
                resources: ["*"],
              },
            ]
          : []),
        {
          sid: "ManageOidcProviders",
          actions: [
            "iam:CreateOpenIDConnectProvider", "iam:DeleteOpenIDConnectProvider", "iam:GetOpenIDConnectProvider",
            "iam:TagOpenIDConnectProvider", "iam:UntagOpenIDConnectProvider", "iam:UpdateOpenIDConnectProviderThumbprint",
            "iam:AddClientIDToOpenIDConnectProvider", "iam:RemoveClientIDFromOpenIDConnectProvider",
          ],
          resources: [iamArn("oidc-provider/*")],
        },
      ],
    });
    new IamRolePolicy(this, "deploy-iam-policy", { name: "environment-iam", role: deployRole.id, policy: iamScope.json });

    this.planRoleArn = planRole.arn;
    this.deployRoleArn = deployRole.arn;
    this.ecrPushGroupName = group.name;
    this.ecrPushPolicyArn = pushPolicy.arn;
  }
}
