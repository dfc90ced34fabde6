import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { AwsTarget } from "../core/aws-target";

/**
 * What no CI identity may ever do, whatever a managed policy (PowerUserAccess, ReadOnlyAccess)
 * grants: the explicit denies every CI role carries inline (the plan and deploy roles, the runner
 * roles). Resource policies repeat the ones a resource can carry (the state bucket, the state and
 * audit keys, the audit bucket), so neither side alone lifts them.
 */

/** Name patterns of every CI role of every environment (for resource policies that name CI principals). */
const CI_ROLE_NAME_PATTERNS = ["*-github-plan", "*-github-deploy", "*-github-runner", "*-github-plan-runner"] as const;

/** The ARN patterns of {@link CI_ROLE_NAME_PATTERNS} in one account. */
function ciPrincipalArnPatterns(target: Pick<AwsTarget, "accountId" | "partition">): string[] {
  return CI_ROLE_NAME_PATTERNS.map((pattern) => `arn:${target.partition}:iam::${target.accountId}:role/${pattern}`);
}

/** Alias patterns of the keys no CI role may re-key, disable or delete: the state keys and the audit key. */
const PROTECTED_KEY_ALIASES = ["alias/terraform-state/*", "alias/*/audit"] as const;

/** Bucket-level changes that could expose, un-version or expire a protected bucket. */
const BUCKET_CONTROL_ACTIONS = [
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketVersioning",
  "s3:PutLifecycleConfiguration",
  "s3:PutBucketObjectLockConfiguration",
  "s3:PutEncryptionConfiguration",
  "s3:PutBucketPublicAccessBlock",
  "s3:PutBucketOwnershipControls",
  "s3:PutBucketAcl",
  "s3:PutReplicationConfiguration",
  "s3:DeleteBucket",
] as const;

/** Object-level actions that destroy history in a versioned bucket. */
const OBJECT_HISTORY_ACTIONS = ["s3:DeleteObjectVersion", "s3:PutObjectRetention", "s3:BypassGovernanceRetention"] as const;

/** Key changes that lock the account out of a key or destroy it. */
const KEY_CONTROL_ACTIONS = [
  "kms:PutKeyPolicy",
  "kms:ScheduleKeyDeletion",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:CreateGrant",
  "kms:ReplicateKey",
  "kms:UpdatePrimaryRegion",
] as const;

/** Actions that stop, blind or erase the account's audit services, for every CI role. */
const AUDIT_DISABLING_ACTIONS = [
  "cloudtrail:StopLogging",
  "cloudtrail:DeleteTrail",
  "cloudtrail:UpdateTrail",
  "cloudtrail:PutEventSelectors",
  "cloudtrail:PutInsightSelectors",
  "cloudtrail:RemoveTags",
  "guardduty:DeleteDetector",
  "guardduty:DisassociateFromMasterAccount",
  "guardduty:DisassociateFromAdministratorAccount",
  "guardduty:CreateFilter",
  "guardduty:UpdateFilter",
  "guardduty:CreateIPSet",
  "guardduty:UpdateIPSet",
  "guardduty:ArchiveFindings",
  "guardduty:DeletePublishingDestination",
  "guardduty:UpdatePublishingDestination",
  "guardduty:DeleteMembers",
  "guardduty:DisassociateMembers",
  "guardduty:StopMonitoringMembers",
  "config:StopConfigurationRecorder",
  "config:DeleteConfigurationRecorder",
  "config:DeleteDeliveryChannel",
  "config:DeleteRetentionConfiguration",
  "access-analyzer:DeleteAnalyzer",
  "access-analyzer:CreateArchiveRule",
  "access-analyzer:UpdateArchiveRule",
  "access-analyzer:ApplyArchiveRule",
  "access-analyzer:UpdateFindings",
] as const;

/**
 * What creates or reconfigures the audit services: denied to every CI role of an environment that
 * does not own the account's singletons. The owner's deploy role applies them (until an
 * administrator applies the account layer); the SCP of docs/organization-policies.json holds the
 * audit denies at the organization's level (test/attack/organization-policies.test.ts).
 */
const AUDIT_SETUP_ACTIONS = [
  "cloudtrail:CreateTrail",
  "cloudtrail:StartLogging",
  "cloudtrail:AddTags",
  "guardduty:CreateDetector",
  "guardduty:UpdateDetector",
  "config:PutConfigurationRecorder",
  "config:PutDeliveryChannel",
  "config:StartConfigurationRecorder",
  "config:PutRetentionConfiguration",
  "access-analyzer:CreateAnalyzer",
] as const;

/** The EventBridge rules that route security findings to the alert topic: `<owner>-security-*`. */
const SECURITY_RULE_NAME_PATTERN = "*-security-*";

export interface CiGuardrailsProps {
  /** Environment name (the state prefix `<name>/`, the `environment` tag). */
  readonly name: string;
  readonly target: AwsTarget;
  /**
   * The environment's S3 state bucket.
   * @default none (local state: no bucket statement)
   */
  readonly stateBucket?: string;
  /**
   * The state key's ARN when the environment file names it (besides the alias-based deny).
   * @default only the keys aliased `alias/terraform-state/*`
   */
  readonly stateKmsKeyArn?: string;
  /** The environment owns the account's singletons, and applies the audit services (see AUDIT_SETUP_ACTIONS). */
  readonly ownsAccountSingletons: boolean;
}

/** The deny statements every CI role of an environment carries. */
export function ciGuardrailStatements(props: CiGuardrailsProps): DataAwsIamPolicyDocumentStatement[] {
  const { partition, accountId } = props.target;
  const kmsArn = (resource: string) => `arn:${partition}:kms:*:${accountId}:${resource}`;
  const auditBuckets = `arn:${partition}:s3:::*-audit-logs-${accountId}`;
  // A tag that is present and names another environment (an untagged resource or request is not matched:
  // a negated operator alone would match a missing key, and deny every untagged call).
  const notOurs = (key: string) => [
    { test: "StringNotEquals", variable: key, values: [props.name] },
    { test: "Null", variable: key, values: ["false"] },
  ];
  const statements: DataAwsIamPolicyDocumentStatement[] = [];
  if (props.stateBucket !== undefined) {
    const bucket = `arn:${partition}:s3:::${props.stateBucket}`;
    statements.push(
      { sid: "NeverTheStateBucketControls", effect: "Deny", actions: [...BUCKET_CONTROL_ACTIONS], resources: [bucket] },
      { sid: "NeverStateHistory", effect: "Deny", actions: [...OBJECT_HISTORY_ACTIONS], resources: [`${bucket}/*`] },
    );
  }
  statements.push(
    {
      sid: "NeverTheStateOrAuditKeys",
      effect: "Deny",
      actions: [...KEY_CONTROL_ACTIONS],
      resources: ["*"],
      condition: [{ test: "ForAnyValue:StringLike", variable: "kms:ResourceAliases", values: [...PROTECTED_KEY_ALIASES] }],
    },
    {
      // Moving or removing the alias first would take the key out of the condition above. (Creating
      // one stays: the owner creates the audit key's alias, and a taken name cannot be created again.)
      sid: "NeverTheStateOrAuditAliases",
      effect: "Deny",
      actions: ["kms:DeleteAlias", "kms:UpdateAlias"],
      resources: PROTECTED_KEY_ALIASES.map((alias) => kmsArn(alias)),
    },
  );
  if (props.stateKmsKeyArn !== undefined) {
    statements.push({ sid: "NeverTheNamedStateKey", effect: "Deny", actions: [...KEY_CONTROL_ACTIONS], resources: [props.stateKmsKeyArn] });
  }
  statements.push(
    {
      sid: "NeverAuditHistory",
      effect: "Deny",
      actions: ["s3:DeleteObject", ...OBJECT_HISTORY_ACTIONS],
      resources: [`${auditBuckets}/*`],
    },
    {
      sid: "NeverTheAuditBucketControls",
      effect: "Deny",
      // The owner creates the bucket's configuration once; its bucket policy then denies every CI role these.
      actions: props.ownsAccountSingletons ? ["s3:DeleteBucketPolicy", "s3:DeleteBucket"] : [...BUCKET_CONTROL_ACTIONS],
      resources: [auditBuckets],
    },
    { sid: "NeverDisableTheAuditServices", effect: "Deny", actions: [...AUDIT_DISABLING_ACTIONS], resources: ["*"] },
    {
      sid: "NeverTheSecurityFindingRules",
      effect: "Deny",
      actions: props.ownsAccountSingletons
        ? ["events:DisableRule", "events:DeleteRule", "events:RemoveTargets"]
        : ["events:DisableRule", "events:DeleteRule", "events:RemoveTargets", "events:PutRule", "events:PutTargets"],
      resources: [`arn:${partition}:events:*:${accountId}:rule/${SECURITY_RULE_NAME_PATTERN}`],
    },
  );
  if (!props.ownsAccountSingletons) {
    statements.push({ sid: "NeverSetUpTheAuditServices", effect: "Deny", actions: [...AUDIT_SETUP_ACTIONS], resources: ["*"] });
  }
  statements.push(
    {
      // Trust is what a boundary cannot cap: a trust policy changes only by an administrator's apply.
      sid: "NeverChangeATrustPolicy",
      effect: "Deny",
      actions: ["iam:UpdateAssumeRolePolicy"],
      resources: ["*"],
    },
    {
      // ABAC between environments sharing an account: another environment's secrets, clusters
      // (access entries included) and runner projects are out of reach.
      sid: "OnlyThisEnvironmentsTaggedResources",
      effect: "Deny",
      actions: ["secretsmanager:*", "eks:*", "codebuild:*"],
      resources: ["*"],
      condition: notOurs("aws:ResourceTag/environment"),
    },
    {
      sid: "NeverTagAsAnotherEnvironment",
      effect: "Deny",
      actions: ["secretsmanager:*", "eks:*", "codebuild:*"],
      resources: ["*"],
      condition: notOurs("aws:RequestTag/environment"),
    },
  );
  return statements;
}

/** Statements for a protected bucket's own policy: no CI role changes its controls or destroys history. */
export function ciBucketDenyStatements(
  target: Pick<AwsTarget, "accountId" | "partition">,
  bucketArn: string,
): DataAwsIamPolicyDocumentStatement[] {
  const ci = [{ test: "ArnLike", variable: "aws:PrincipalArn", values: ciPrincipalArnPatterns(target) }];
  const everyone = [{ type: "*", identifiers: ["*"] }];
  return [
    {
      sid: "NoCiBucketControls",
      effect: "Deny",
      principals: everyone,
      actions: [...BUCKET_CONTROL_ACTIONS],
      resources: [bucketArn],
      condition: ci,
    },
    {
      sid: "NoCiHistoryDeletion",
      effect: "Deny",
      principals: everyone,
      actions: [...OBJECT_HISTORY_ACTIONS],
      resources: [`${bucketArn}/*`],
      condition: ci,
    },
  ];
}

/**
 * Statements for a shared state bucket's policy: every role of each environment (`<env>-*`: its
 * CI roles, and any role its deploy role makes) reads and writes objects under its own prefix
 * `<env>/` only. Environment names never prefix one another (environments/rules.ts).
 */
export function ciStatePrefixStatements(
  target: Pick<AwsTarget, "accountId" | "partition">,
  bucketArn: string,
  environments: readonly string[],
  sharedReadKeys: readonly string[] = [],
): DataAwsIamPolicyDocumentStatement[] {
  return environments.flatMap((environment) => {
    const sid = environment.replace(/[^A-Za-z0-9]/g, "");
    const own = `${bucketArn}/${environment}/*`;
    const roles = [
      { test: "ArnLike", variable: "aws:PrincipalArn", values: [`arn:${target.partition}:iam::${target.accountId}:role/${environment}-*`] },
    ];
    const everyone = [{ type: "*", identifiers: ["*"] }];
    if (sharedReadKeys.length === 0) {
      return [
        {
          sid: `OnlyOwnPrefix${sid}`,
          effect: "Deny",
          principals: everyone,
          actions: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject"],
          notResources: [own],
          condition: roles,
        },
      ];
    }
    // The shared keys (the account layer's state, which every environment's network reads) are read only.
    return [
      {
        sid: `OnlyOwnPrefix${sid}`,
        effect: "Deny",
        principals: everyone,
        actions: ["s3:PutObject", "s3:DeleteObject"],
        notResources: [own],
        condition: roles,
      },
      {
        sid: `OnlyOwnPrefixOrShared${sid}`,
        effect: "Deny",
        principals: everyone,
        actions: ["s3:GetObject", "s3:GetObjectVersion"],
        notResources: [own, ...sharedReadKeys.map((key) => `${bucketArn}/${key}`)],
        condition: roles,
      },
    ];
  });
}

/** Statements for a protected key's policy: no CI role changes, disables or deletes it. */
export function ciKeyDenyStatements(target: Pick<AwsTarget, "accountId" | "partition">): DataAwsIamPolicyDocumentStatement[] {
  return [
    {
      sid: "NoCiKeyControls",
      effect: "Deny",
      principals: [{ type: "AWS", identifiers: ["*"] }],
      actions: [...KEY_CONTROL_ACTIONS, "kms:DeleteAlias", "kms:UpdateAlias"],
      resources: ["*"],
      condition: [{ test: "ArnLike", variable: "aws:PrincipalArn", values: ciPrincipalArnPatterns(target) }],
    },
  ];
}

/** Alias (without `alias/`) of a state bucket's own key (state no environment owns: the account layer's). */
export function bucketStateKeyAlias(bucket: string): string {
  return `terraform-state/${bucket.replace(/\./g, "-")}`;
}

/** Alias (without `alias/`) of an environment's own state key in a shared bucket. */
export function environmentStateKeyAlias(bucket: string, environment: string): string {
  return `terraform-state/${bucket.replace(/\./g, "-")}/${environment}`;
}

/**
 * Statements for an environment's state key: no CI role changes it, and no role of the other
 * environments sharing the bucket (`<other>-*`: their CI roles and the roles their deploy roles
 * make) may use it.
 */
export function ciEnvironmentKeyStatements(
  target: Pick<AwsTarget, "accountId" | "partition">,
  environment: string,
  sharing: readonly string[],
): DataAwsIamPolicyDocumentStatement[] {
  const others = sharing.filter((other) => other !== environment);
  return [
    ...ciKeyDenyStatements(target),
    ...(others.length === 0
      ? []
      : [
          {
            sid: "NotOtherEnvironments",
            effect: "Deny",
            principals: [{ type: "AWS", identifiers: ["*"] }],
            actions: [
              "kms:Decrypt",
              "kms:Encrypt",
              "kms:GenerateDataKey",
              "kms:GenerateDataKeyWithoutPlaintext",
              "kms:ReEncryptFrom",
              "kms:ReEncryptTo",
            ],
            resources: ["*"],
            condition: [
              {
                test: "ArnLike",
                variable: "aws:PrincipalArn",
                values: others.map((other) => `arn:${target.partition}:iam::${target.accountId}:role/${other}-*`),
              },
            ],
          },
        ]),
  ];
}
