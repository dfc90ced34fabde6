import { POWER_USER_ACCESS, simulatedDecision, type IamPolicyJson } from "../support/iam-simulate";
import { ENVIRONMENTS } from "../support/fixtures";
import {
  boundaryOf,
  bucketPolicy,
  keyPolicyByAlias,
  policyOfReference,
  synthesizedRole,
  type SynthesizedRole,
} from "../support/policy-documents";
import { synthesizedStack, type TerraformJson } from "../support/synthesized";
import type { AttackScene, Attempt, ResourcePolicySource } from "./attempts";

/*
 * The CI identities of the attack suite as IAM evaluates them (policies as synthesized, AWS-managed
 * policies by the oracles below, boundary), the scene of an environment, and the synthesized
 * resource policy of a target: shared by ci-attacks.test.ts and organization-policies.test.ts.
 */

/**
 * ReadOnlyAccess as an attacker would use it: generous on purpose (data reads included), so the
 * plan role's own denies must hold whatever the managed policy grants.
 */
const READ_ONLY_ACCESS: IamPolicyJson = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Action: [
        "s3:Get*",
        "s3:List*",
        "secretsmanager:GetSecretValue",
        "secretsmanager:Describe*",
        "ssm:Get*",
        "logs:Get*",
        "logs:FilterLogEvents",
        "logs:StartQuery",
        "sqs:ReceiveMessage",
        "dynamodb:GetItem",
        "dynamodb:Scan",
        "dynamodb:Query",
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
        "eks:Describe*",
        "eks:List*",
        "kms:Describe*",
        "kms:Get*",
        "kms:List*",
        "codebuild:BatchGet*",
        "cloudtrail:Get*",
        "cloudtrail:LookupEvents",
        "iam:Get*",
        "iam:List*",
        "ec2:Describe*",
      ],
      Resource: "*",
    },
  ],
};

/** AWS-managed policies by ARN; any other attached policy fails the suite (it must be added here, read). */
const MANAGED: Readonly<Record<string, IamPolicyJson>> = {
  "arn:aws:iam::aws:policy/PowerUserAccess": POWER_USER_ACCESS,
  "arn:aws:iam::aws:policy/ReadOnlyAccess": READ_ONLY_ACCESS,
};

function identityPolicies(doc: TerraformJson, role: SynthesizedRole): { name: string; policy: IamPolicyJson }[] {
  const managed = role.attachedArns.map((arn) => {
    const policy = policyOfReference(doc, arn) ?? MANAGED[arn];
    if (policy === undefined)
      throw new Error(`${role.name} has ${arn} attached: add its document to MANAGED in test/attack/ci-attacks.test.ts`);
    return { name: arn, policy };
  });
  return [...managed, ...[...role.inline].map(([name, policy]) => ({ name: `inline ${name}`, policy }))];
}

function ownerOf(accountId: string): string {
  const owner = ENVIRONMENTS.find((env) => env.account.id === accountId && env.account.ownsAccountSingletons);
  if (owner === undefined) throw new Error(`no environment owns account ${accountId}'s singletons`);
  return owner.name;
}

export function sceneOf(name: string): AttackScene {
  const env = ENVIRONMENTS.find((candidate) => candidate.name === name)!;
  const sharing = ENVIRONMENTS.find(
    (other) =>
      other.name !== name &&
      other.account.id === env.account.id &&
      other.state.backend === "s3" &&
      env.state.backend === "s3" &&
      other.state.bucket === env.state.bucket,
  );
  return { env, owner: ownerOf(env.account.id), neighbour: sharing?.name ?? `not-${name}`, neighbourSharesBucket: sharing !== undefined };
}

function resourcePolicyOf(scene: AttackScene, source: ResourcePolicySource): IamPolicyJson {
  const bootstrap = () => synthesizedStack(`bootstrap-${scene.env.account.id}`).doc;
  // The audit bucket and key are account singletons: the account layer's stack holds them.
  const account = () => synthesizedStack(`account-${scene.env.account.id}`).doc;
  switch (source.kind) {
    case "state-bucket":
      return bucketPolicy(bootstrap(), `arn:aws:s3:::${source.bucket}`);
    case "state-key":
      return keyPolicyByAlias(bootstrap(), source.alias);
    case "audit-bucket":
      return bucketPolicy(account(), `arn:aws:s3:::${source.bucket}`);
    case "audit-key":
      return keyPolicyByAlias(account(), source.alias);
    case "trust":
      return synthesizedRole(synthesizedStack(source.stack).doc, source.role).trust;
  }
}

/** An identity as IAM evaluates it: its policies and, if any, its boundary. */
export interface Identity {
  readonly name: string;
  readonly policies: readonly { name: string; policy: IamPolicyJson }[];
  readonly boundary?: IamPolicyJson;
}

export function identityOf(scene: AttackScene, role: SynthesizedRole): Identity {
  const doc = synthesizedStack(`network-${scene.env.name}`).doc;
  const boundary = boundaryOf(doc, role);
  return { name: role.name, policies: identityPolicies(doc, role), ...(boundary === undefined ? {} : { boundary }) };
}

/** Organization policies around a request: SCPs (each level allows everything, then denies what it lists) and RCPs. */
export interface OrganizationPolicies {
  readonly serviceControlPolicies?: readonly IamPolicyJson[];
  readonly resourceControlPolicies?: readonly IamPolicyJson[];
  /** The organization the principal belongs to (`aws:PrincipalOrgID`). */
  readonly orgId?: string;
}

/** AWS's FullAWSAccess SCP, which every level of an organization carries unless replaced. */
const FULL_AWS_ACCESS: IamPolicyJson = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

/** Allowed, ImplicitlyDenied or ExplicitlyDenied: IAM's decision on one attempt of `role`, with the organization's policies if given. */
export async function decideAttempt(
  scene: AttackScene,
  role: Identity,
  attempt: Attempt,
  organization: OrganizationPolicies = {},
): Promise<string> {
  const account = scene.env.account.id;
  const principal = `arn:aws:iam::${account}:role/${role.name}`;
  const result = await simulatedDecision({
    request: {
      principal,
      action: attempt.action,
      resource: { resource: attempt.resource, accountId: account },
      contextVariables: {
        "aws:PrincipalArn": principal,
        "aws:PrincipalAccount": account,
        ...(organization.orgId === undefined ? {} : { "aws:PrincipalOrgID": organization.orgId }),
        ...attempt.context,
      },
    },
    identityPolicies: [...role.policies],
    ...(role.boundary === undefined ? {} : { permissionBoundaryPolicies: [{ name: "boundary", policy: role.boundary }] }),
    serviceControlPolicies:
      organization.serviceControlPolicies === undefined
        ? []
        : [
            {
              orgIdentifier: organization.orgId ?? "o-organization",
              policies: [
                { name: "FullAWSAccess", policy: FULL_AWS_ACCESS },
                ...organization.serviceControlPolicies.map((policy, index) => ({ name: `scp-${index}`, policy })),
              ],
            },
          ],
    resourceControlPolicies:
      organization.resourceControlPolicies === undefined
        ? []
        : [
            {
              orgIdentifier: organization.orgId ?? "o-organization",
              policies: organization.resourceControlPolicies.map((policy, index) => ({ name: `rcp-${index}`, policy })),
            },
          ],
    ...(attempt.resourcePolicy === undefined ? {} : { resourcePolicy: resourcePolicyOf(scene, attempt.resourcePolicy) }),
  });
  if (result.resultType === "error")
    throw new Error(`simulation error for ${attempt.action} on ${attempt.resource}: ${JSON.stringify(result.errors)}`);
  return result.overallResult;
}
