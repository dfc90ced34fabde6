import type { EnvironmentConfig } from "../../environments/schema";

/**
 * The attack table: what someone holding one of an environment's CI identities would try, from
 * issue 20 (runners, state, audit trail, trust, ABAC, the push group) and the two reviews before
 * it (issue 13: the deploy role rewriting itself or its boundary, passing roles anywhere, the plan
 * role reading secrets or writing state). Every attempt must be denied. The expected outcome is
 * written here, never read from the code under test.
 */

/** Where the resource policy of an attempt's target comes from, if it has one. */
export type ResourcePolicySource =
  | { readonly kind: "state-bucket"; readonly bucket: string }
  | { readonly kind: "state-key"; readonly alias: string }
  | { readonly kind: "audit-bucket"; readonly bucket: string }
  | { readonly kind: "audit-key"; readonly alias: string }
  | { readonly kind: "trust"; readonly role: string; readonly stack: string };

export interface Attempt {
  /** What the attacker is after, in a few words (printed with a failure). */
  readonly why: string;
  readonly action: string;
  readonly resource: string;
  /** Request context IAM would see (tags of the resource, aliases of a key, the boundary of a role, ...). */
  readonly context?: Readonly<Record<string, string | string[]>>;
  /** The resource policy IAM evaluates besides the identity's (bucket, key, trust). */
  readonly resourcePolicy?: ResourcePolicySource;
}

/** The CI identities of an environment: role names by kind. */
export function ciIdentities(environment: string): {
  readonly plan: string;
  readonly deploy: string;
  readonly runner: string;
  readonly "plan runner": string;
} {
  return {
    plan: `${environment}-github-plan`,
    deploy: `${environment}-github-deploy`,
    runner: `${environment}-github-runner`,
    "plan runner": `${environment}-github-plan-runner`,
  };
}

/** What the attack table needs to know of the environments around one. */
export interface AttackScene {
  readonly env: EnvironmentConfig;
  /** The environment that owns the account's singletons (the audit trail's names). */
  readonly owner: string;
  /** Another environment of the same account and state bucket, or a stand-in name when there is none. */
  readonly neighbour: string;
  /** The neighbour really shares the state bucket (its key and prefix exist in the synthesized bootstrap). */
  readonly neighbourSharesBucket: boolean;
}

/** Every attempt against one environment, for any of its CI identities. */
export function attempts(scene: AttackScene): Attempt[] {
  const { env, owner, neighbour } = scene;
  const name = env.name;
  const account = env.account.id;
  const region = env.account.region;
  const iam = (resource: string) => `arn:aws:iam::${account}:${resource}`;
  const list: Attempt[] = [];
  const ci = ciIdentities(name);

  // --- Terraform state (issue 20, item 2 and item 6) ---
  if (env.state.backend === "s3") {
    const bucket = env.state.bucket;
    const bucketArn = `arn:aws:s3:::${bucket}`;
    const onBucket = { kind: "state-bucket", bucket } as const;
    for (const action of [
      "s3:PutBucketPolicy",
      "s3:DeleteBucketPolicy",
      "s3:PutBucketVersioning",
      "s3:PutLifecycleConfiguration",
      "s3:PutBucketObjectLockConfiguration",
      "s3:PutEncryptionConfiguration",
      "s3:PutBucketPublicAccessBlock",
      "s3:PutReplicationConfiguration",
      "s3:DeleteBucket",
    ]) {
      list.push({
        why: "rewrite the state bucket's controls (a cross-account grant is not public)",
        action,
        resource: bucketArn,
        resourcePolicy: onBucket,
      });
    }
    list.push({
      why: "erase the state's history",
      action: "s3:DeleteObjectVersion",
      resource: `${bucketArn}/${name}/network.tfstate`,
      resourcePolicy: onBucket,
    });
    if (scene.neighbourSharesBucket) {
      for (const action of ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]) {
        list.push({
          why: `read or rewrite ${neighbour}'s state in the shared bucket`,
          action,
          resource: `${bucketArn}/${neighbour}/platform.tfstate`,
          resourcePolicy: onBucket,
        });
      }
      const neighbourAlias = `alias/terraform-state/${bucket.replace(/\./g, "-")}/${neighbour}`;
      list.push({
        why: `decrypt ${neighbour}'s state with its key`,
        action: "kms:Decrypt",
        resource: `arn:aws:kms:${region}:${account}:key/state-${neighbour}`,
        context: { "kms:ResourceAliases": [neighbourAlias] },
        resourcePolicy: { kind: "state-key", alias: neighbourAlias },
      });
    }
    const stateKey =
      env.state.kmsKeyArn === undefined
        ? {
            resource: `arn:aws:kms:${region}:${account}:key/state-${name}`,
            alias: `alias/terraform-state/${bucket.replace(/\./g, "-")}/${name}`,
          }
        : { resource: env.state.kmsKeyArn, alias: undefined };
    for (const action of ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:DisableKeyRotation", "kms:CreateGrant"]) {
      list.push({
        why: "lock the account out of the state key or destroy it",
        action,
        resource: stateKey.resource,
        ...(stateKey.alias === undefined
          ? {}
          : {
              context: { "kms:ResourceAliases": [stateKey.alias] },
              resourcePolicy: { kind: "state-key", alias: stateKey.alias } as const,
            }),
      });
    }
    if (stateKey.alias !== undefined) {
      for (const action of ["kms:DeleteAlias", "kms:UpdateAlias"]) {
        list.push({
          why: "move the state key's alias away (out of the alias-based deny)",
          action,
          resource: `arn:aws:kms:${region}:${account}:${stateKey.alias}`,
        });
      }
    }
  }

  // --- The audit trail (item 2) ---
  const auditBucket = `${owner}-audit-logs-${account}`;
  const auditBucketArn = `arn:aws:s3:::${auditBucket}`;
  const onAuditBucket = { kind: "audit-bucket", bucket: auditBucket } as const;
  for (const action of ["s3:DeleteObject", "s3:DeleteObjectVersion"]) {
    list.push({
      why: "delete audit logs",
      action,
      resource: `${auditBucketArn}/cloudtrail/AWSLogs/${account}/CloudTrail/x.json.gz`,
      resourcePolicy: onAuditBucket,
    });
  }
  for (const action of [
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:PutLifecycleConfiguration",
    "s3:PutBucketVersioning",
    "s3:DeleteBucket",
  ]) {
    list.push({ why: "expire or expose the audit bucket", action, resource: auditBucketArn, resourcePolicy: onAuditBucket });
  }
  const auditAlias = `alias/${owner}/audit`;
  for (const action of ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey"]) {
    list.push({
      why: "make the audit logs unreadable",
      action,
      resource: `arn:aws:kms:${region}:${account}:key/audit`,
      context: { "kms:ResourceAliases": [auditAlias] },
      resourcePolicy: { kind: "audit-key", alias: auditAlias },
    });
  }
  list.push({
    why: "move the audit key's alias away",
    action: "kms:UpdateAlias",
    resource: `arn:aws:kms:${region}:${account}:${auditAlias}`,
  });
  const trail = `arn:aws:cloudtrail:${region}:${account}:trail/${owner}-audit`;
  for (const action of ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors"]) {
    list.push({ why: "stop or blind CloudTrail", action, resource: trail });
  }
  const detector = `arn:aws:guardduty:${region}:${account}:detector/0123456789abcdef0123456789abcdef`;
  list.push({ why: "switch GuardDuty off", action: "guardduty:DeleteDetector", resource: detector });
  list.push({
    why: "hide GuardDuty findings behind an archive filter",
    action: "guardduty:CreateFilter",
    resource: `${detector}/filter/quiet`,
  });
  // No resource-level permissions: "*" is what IAM sees.
  list.push({ why: "archive GuardDuty findings", action: "guardduty:ArchiveFindings", resource: "*" });
  list.push({ why: "trust an attacker's addresses in GuardDuty", action: "guardduty:CreateIPSet", resource: "*" });
  const recorder = `arn:aws:config:${region}:${account}:configuration-recorder/${owner}-config/abcdef`;
  for (const action of ["config:StopConfigurationRecorder", "config:DeleteConfigurationRecorder"]) {
    list.push({ why: "stop AWS Config", action, resource: recorder });
  }
  list.push({ why: "cut AWS Config's deliveries", action: "config:DeleteDeliveryChannel", resource: "*" });
  const analyzer = `arn:aws:access-analyzer:${region}:${account}:analyzer/${owner}-external-access`;
  for (const action of ["access-analyzer:DeleteAnalyzer", "access-analyzer:UpdateFindings"]) {
    list.push({ why: "silence IAM Access Analyzer", action, resource: analyzer });
  }
  list.push({
    why: "auto-archive Access Analyzer findings",
    action: "access-analyzer:CreateArchiveRule",
    resource: `${analyzer}/archive-rule/quiet`,
  });
  for (const action of ["events:DisableRule", "events:DeleteRule", "events:RemoveTargets"]) {
    list.push({
      why: "stop security findings reaching the alert topic",
      action,
      resource: `arn:aws:events:${region}:${account}:rule/${owner}-security-guardduty`,
    });
  }
  if (!env.account.ownsAccountSingletons) {
    for (const action of ["guardduty:UpdateDetector", "config:PutConfigurationRecorder", "events:PutRule", "cloudtrail:CreateTrail"]) {
      list.push({
        why: "reconfigure the audit services it does not own",
        action,
        resource:
          action === "events:PutRule"
            ? `arn:aws:events:${region}:${account}:rule/${owner}-security-guardduty`
            : action.startsWith("guardduty")
              ? detector
              : action.startsWith("config")
                ? recorder
                : trail,
      });
    }
  }

  // --- Trust (item 3) and the CI identity itself (items 3, 4; issue 13) ---
  const boundary = iam(`policy/${name}-permissions-boundary`);
  list.push({
    why: "make a role of the environment trust an outside account or repository",
    action: "iam:UpdateAssumeRolePolicy",
    resource: iam(`role/${name}-cluster`),
    context: { "iam:PermissionsBoundary": boundary },
  });
  for (const role of Object.values(ci)) {
    for (const action of ["iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:DeleteRole"]) {
      list.push({
        why: "change a CI role (its own or a sibling)",
        action,
        resource: iam(`role/${role}`),
        context: { "iam:PermissionsBoundary": boundary, "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess" },
      });
    }
  }
  for (const action of ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy"]) {
    list.push({ why: "rewrite the boundary", action, resource: boundary });
    list.push({ why: "rewrite the push policy that people hold (no boundary on users)", action, resource: iam(`policy/${name}-ecr-push`) });
  }
  // The deploy role's IAM allows are a managed policy (IAM's 10,240-character quota on a role's inline
  // policies): as out of reach as the inline ones, for every CI identity.
  const deployIamPolicy = iam(`policy/${name}-github-deploy-iam`);
  for (const action of ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicyVersion", "iam:DeletePolicy"]) {
    list.push({ why: "rewrite or delete the deploy role's managed IAM policy", action, resource: deployIamPolicy });
  }
  list.push({
    why: "tag the deploy role's managed IAM policy (then match it by tag)",
    action: "iam:TagPolicy",
    resource: deployIamPolicy,
  });
  for (const role of Object.values(ci)) {
    // A runner's role may be given its own policy (once, as created); any other runner's policy is another's.
    const otherRunnerPolicy = iam(`policy/${role === ci.runner ? ci["plan runner"] : ci.runner}`);
    for (const action of ["iam:AttachRolePolicy", "iam:DetachRolePolicy"]) {
      for (const policy of [deployIamPolicy, iam(`policy/${name}-anything`), otherRunnerPolicy]) {
        list.push({
          why: "attach a policy to a CI role, or detach the deploy role's managed IAM policy",
          action,
          resource: iam(`role/${role}`),
          context: { "iam:PermissionsBoundary": boundary, "iam:PolicyARN": policy },
        });
      }
    }
  }
  for (const runner of [ci.runner, ci["plan runner"]]) {
    for (const action of ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"]) {
      list.push({ why: "widen a runner's policy (runners take pull requests' jobs)", action, resource: iam(`policy/${runner}`) });
    }
  }
  list.push({
    why: "attach another environment policy to the push group",
    action: "iam:AttachGroupPolicy",
    resource: iam(`group/${name}-ecr-push`),
    context: { "iam:PolicyARN": iam(`policy/${name}-anything`) },
  });
  list.push({ why: "join the push group", action: "iam:AddUserToGroup", resource: iam(`group/${name}-ecr-push`) });
  list.push({ why: "remove a boundary", action: "iam:DeleteRolePermissionsBoundary", resource: iam(`role/${name}-cluster`) });
  list.push({ why: "create a role without the boundary", action: "iam:CreateRole", resource: iam(`role/${name}-escape`) });
  list.push({
    why: "create a role outside the environment's names",
    action: "iam:CreateRole",
    resource: iam("role/admin-backdoor"),
    context: { "iam:PermissionsBoundary": boundary },
  });
  list.push({
    why: "pass an environment role to a service that runs arbitrary code",
    action: "iam:PassRole",
    resource: iam(`role/${name}-cluster`),
    context: { "iam:PassedToService": "lambda.amazonaws.com" },
  });
  list.push({ why: "create an IAM user with keys", action: "iam:CreateUser", resource: iam("user/backdoor") });
  list.push({ why: "create access keys", action: "iam:CreateAccessKey", resource: iam("user/someone") });
  list.push({
    why: "trust another identity provider",
    action: "iam:CreateOpenIDConnectProvider",
    resource: iam("oidc-provider/token.example.com"),
    context: { "aws:RequestTag/environment": name },
  });
  const neighbourProvider = iam(`oidc-provider/oidc.eks.${region}.amazonaws.com/id/${neighbour.toUpperCase()}0000`);
  list.push({
    why: `re-tag ${neighbour}'s cluster OIDC provider as ours (then delete it)`,
    action: "iam:TagOpenIDConnectProvider",
    resource: neighbourProvider,
    context: { "aws:RequestTag/environment": name, "aws:ResourceTag/environment": neighbour, "aws:TagKeys": ["environment"] },
  });
  list.push({
    why: `delete ${neighbour}'s cluster OIDC provider`,
    action: "iam:DeleteOpenIDConnectProvider",
    resource: neighbourProvider,
    context: { "aws:ResourceTag/environment": neighbour },
  });
  if (scene.neighbourSharesBucket) {
    list.push({
      why: `assume ${neighbour}'s deploy role`,
      action: "sts:AssumeRole",
      resource: iam(`role/${neighbour}-github-deploy`),
      resourcePolicy: { kind: "trust", role: `${neighbour}-github-deploy`, stack: `network-${neighbour}` },
    });
  }
  list.push({
    why: "assume the environment's deploy role from another CI role",
    action: "sts:AssumeRole",
    resource: iam(`role/${name}-github-deploy`),
    resourcePolicy: { kind: "trust", role: `${name}-github-deploy`, stack: `network-${name}` },
  });

  // --- ABAC between environments of one account (item 6) ---
  const other = { "aws:ResourceTag/environment": neighbour };
  list.push({
    why: `read ${neighbour}'s secrets`,
    action: "secretsmanager:GetSecretValue",
    resource: `arn:aws:secretsmanager:${region}:${account}:secret:${neighbour}/database-AbCdEf`,
    context: other,
  });
  list.push({
    why: `open ${neighbour}'s secret to others`,
    action: "secretsmanager:PutResourcePolicy",
    resource: `arn:aws:secretsmanager:${region}:${account}:secret:${neighbour}/database-AbCdEf`,
    context: other,
  });
  for (const action of ["eks:CreateAccessEntry", "eks:UpdateClusterConfig"]) {
    list.push({
      why: `let itself into ${neighbour}'s cluster`,
      action,
      resource: `arn:aws:eks:${region}:${account}:cluster/${neighbour}`,
      context: other,
    });
  }
  list.push({
    why: `make its access entry to ${neighbour}'s cluster an admin`,
    action: "eks:AssociateAccessPolicy",
    resource: `arn:aws:eks:${region}:${account}:access-entry/${neighbour}/role/${account}/${name}-github-deploy/0a1b2c3d-0000-4000-8000-000000000000`,
    context: other,
  });
  for (const action of ["codebuild:UpdateProject", "codebuild:StartBuild", "codebuild:UpdateWebhook"]) {
    list.push({
      why: `change or run ${neighbour}'s runner`,
      action,
      resource: `arn:aws:codebuild:${region}:${account}:project/${neighbour}-github-runner`,
      context: other,
    });
  }
  list.push({
    why: "re-tag a secret as another environment's",
    action: "secretsmanager:TagResource",
    resource: `arn:aws:secretsmanager:${region}:${account}:secret:${name}/database-AbCdEf`,
    context: { "aws:ResourceTag/environment": name, "aws:RequestTag/environment": neighbour, "aws:TagKeys": ["environment"] },
  });
  return list;
}

/** What the plan role (reached by pull requests) must not read, besides the table above (items 7; issue 13). */
export function planOnlyAttempts(scene: AttackScene): Attempt[] {
  const { env, owner } = scene;
  const account = env.account.id;
  const region = env.account.region;
  const list: Attempt[] = [
    {
      why: "read a secret value",
      action: "secretsmanager:GetSecretValue",
      resource: `arn:aws:secretsmanager:${region}:${account}:secret:${env.name}/x-AbCdEf`,
      context: { "aws:ResourceTag/environment": env.name },
    },
    {
      // The plan role refreshes Grafana's write-only admin secret (`<env>/grafana/admin-??????`), no other.
      why: "read a secret whose name extends the one the plan refreshes",
      action: "secretsmanager:GetSecretValue",
      resource: `arn:aws:secretsmanager:${region}:${account}:secret:${env.name}/grafana/admin-extra-AbCdEf`,
      context: { "aws:ResourceTag/environment": env.name },
    },
    {
      why: "read a SecureString parameter",
      action: "ssm:GetParameter",
      resource: `arn:aws:ssm:${region}:${account}:parameter/${env.name}/token`,
    },
    {
      why: "read application logs",
      action: "logs:GetLogEvents",
      resource: `arn:aws:logs:${region}:${account}:log-group:/aws/eks/${env.name}/cluster:log-stream:x`,
    },
    {
      why: "search application logs",
      action: "logs:FilterLogEvents",
      resource: `arn:aws:logs:${region}:${account}:log-group:/aws/eks/${env.name}/cluster`,
    },
    { why: "read queue messages", action: "sqs:ReceiveMessage", resource: `arn:aws:sqs:${region}:${account}:${env.name}-jobs` },
    { why: "read table items", action: "dynamodb:Scan", resource: `arn:aws:dynamodb:${region}:${account}:table/${env.name}-data` },
    {
      why: "pull application images",
      action: "ecr:BatchGetImage",
      resource: `arn:aws:ecr:${region}:${account}:repository/${env.name}/backend`,
    },
    {
      why: "read the audit logs",
      action: "s3:GetObject",
      resource: `arn:aws:s3:::${owner}-audit-logs-${account}/cloudtrail/x.json.gz`,
      resourcePolicy: { kind: "audit-bucket", bucket: `${owner}-audit-logs-${account}` },
    },
  ];
  if (env.state.backend === "s3") {
    list.push({
      why: "write state from a pull request",
      action: "s3:PutObject",
      resource: `arn:aws:s3:::${env.state.bucket}/${env.name}/network.tfstate`,
      resourcePolicy: { kind: "state-bucket", bucket: env.state.bucket },
    });
  }
  return list;
}
