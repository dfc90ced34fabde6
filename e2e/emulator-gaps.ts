/**
 * THE list of emulator gaps: what moto 5.2.1 (with the AWS provider 5.100.0) cannot do, so the
 * end-to-end run leaves these resources, and whatever refers to them, out of the apply. The run
 * prints how many it left out, per stack. Every entry was checked by running it and by reading
 * moto's source (github.com/getmoto/moto at 5.2.1). Anything not listed here that fails is a
 * failure of the run: a defect of ours until proven otherwise.
 */
export interface EmulatorGap {
  /** Terraform resource type. */
  readonly type: string;
  /** Only the blocks this selects (default: every block of the type). */
  readonly when?: (block: Readonly<Record<string, unknown>>) => boolean;
  /** Short description of the condition, when `when` is set. */
  readonly condition?: string;
  /**
   * Attributes the emulator does not keep: the resource is applied, and the scratch copy ignores
   * changes to these attributes only (an override file adds them to `lifecycle.ignore_changes`).
   * @default none: the whole resource is left out
   */
  readonly ignoreAttributes?: readonly string[];
  /** What the emulator does wrong. */
  readonly wrong: string;
  /** How we know: the error observed and where moto's source shows it. */
  readonly evidence: string;
}

export const EMULATOR_GAPS: readonly EmulatorGap[] = [
  {
    type: "aws_s3_bucket_policy",
    wrong:
      "moto evaluates a bucket policy on every object request, and a Deny statement whose Condition does not match counts as a denial: with our policies (deny without TLS, deny customer-provided keys) every GetObject, HeadObject and PutObject answers 403, the S3 backend included.",
    evidence:
      "moto/iam/access_control.py IAMPolicyStatement.is_action_permitted: `if not self._check_conditions(incoming_condition_values): return PermissionResult.DENIED` whatever the Effect, and moto/s3/models.py FakeBucket.get_permission passes no condition values; observed: `terraform init` of network-dev: HeadObject dev/network.tfstate 403 Forbidden right after the state bucket's policy was applied.",
  },
  {
    type: "aws_kms_key",
    ignoreAttributes: ["rotation_period_in_days"],
    wrong: "EnableKeyRotation ignores RotationPeriodInDays and GetKeyRotationStatus returns none, so the provider reads 0 and the next plan wants 365 again.",
    evidence: "moto/kms has no occurrence of RotationPeriodInDays (grep, 5.2.1); observed: plan after apply of bootstrap-111111111111: `rotation_period_in_days = 0 -> 365`.",
  },
  {
    type: "aws_cloudtrail",
    wrong: "StartLogging addressed by the trail's ARN (what the provider sends) raises KeyError inside moto; the provider retries it for many minutes.",
    evidence:
      "moto/cloudtrail/models.py get_trail(name) looks the trail up by name only (self.trails[name]) while the provider calls StartLogging with Name=<trail ARN>; moto answers HTTP 500 (KeyError) and the provider keeps retrying.",
  },
  {
    type: "aws_guardduty_detector_feature",
    wrong: "UpdateDetector replaces the detector's whole feature list with the one feature sent, so five feature resources overwrite each other and every plan shows four of them changed.",
    evidence: "moto/guardduty/models.py Detector.update(...): `self.features = features` (assignment, not a merge by feature name).",
  },
  {
    type: "aws_s3_account_public_access_block",
    wrong: "s3control addresses the account as a host name prefix (<account>.<endpoint>), which cannot resolve to 127.0.0.1 with a custom endpoint.",
    evidence: "The provider sends PutPublicAccessBlock to http://222222222222.127.0.0.1:<port>/v20180820/configuration/publicAccessBlock (host prefix from the s3control model's endpoint rule: `{AccountId}.`); the request never reaches moto.",
  },
  {
    type: "aws_eks_access_entry",
    wrong: "EKS access entries are not implemented: CreateAccessEntry answers 404.",
    evidence: "moto/eks/urls.py routes clusters, nodegroups and fargate profiles only; no /clusters/<name>/access-entries route.",
  },
  {
    type: "aws_eks_access_policy_association",
    wrong: "EKS access policy associations are not implemented: AssociateAccessPolicy answers 404.",
    evidence: "moto/eks/urls.py: no /clusters/<name>/access-entries/<principal>/access-policies route.",
  },
  {
    type: "aws_eks_addon",
    wrong: "EKS add-ons are not implemented: CreateAddon answers 404.",
    evidence: "moto/eks/urls.py: no /clusters/<name>/addons route.",
  },
  {
    type: "aws_autoscaling_group_tag",
    wrong: "The emulated managed node group has no Auto Scaling group: the group named in its resources does not exist in the autoscaling backend.",
    evidence: "moto/eks/models.py ManagedNodegroup invents an autoScalingGroups name (random) without creating the group in moto/autoscaling; CreateOrUpdateTags then fails with ValidationError (group not found).",
  },
  {
    type: "aws_appautoscaling_target",
    wrong: "Application Auto Scaling has no ListTagsForResource, which the provider calls after every create and read.",
    evidence: "moto/applicationautoscaling/responses.py has no list_tags_for_resource handler (5.2.1): the call answers an error and the apply fails.",
  },
  {
    type: "aws_elasticache_user_group",
    wrong: "ElastiCache user groups are not implemented (CreateUserGroup).",
    evidence: "moto/elasticache/responses.py has create_user but no create_user_group (5.2.1).",
  },
  {
    type: "aws_elasticache_replication_group",
    wrong: "The replication group's member clusters are never created, so the provider's wait for the member clusters never ends.",
    evidence: "moto/elasticache/models.py create_replication_group stores the group with member_clusters names but creates no CacheCluster for them; DescribeCacheClusters of a member answers CacheClusterNotFound.",
  },
  {
    type: "aws_instance",
    when: (block) => block["monitoring"] === true,
    condition: "with monitoring = true",
    wrong: "MonitorInstances (detailed monitoring) is not implemented.",
    evidence: "moto/ec2/responses/instances.py has no monitor_instances action (5.2.1): the call answers 500/NotImplemented.",
  },
  {
    type: "aws_elasticache_subnet_group",
    wrong: "DeleteCacheSubnetGroup is not implemented, so destroy fails.",
    evidence: "moto/elasticache/responses.py has create/describe cache subnet group but no delete_cache_subnet_group (5.2.1).",
  },
];

/** The gap a resource block falls into, as a printable reason, or undefined. */
export function gapOf(type: string, block: Readonly<Record<string, unknown>>, gaps: readonly EmulatorGap[] = EMULATOR_GAPS): string | undefined {
  const gap = gaps.find((entry) => entry.ignoreAttributes === undefined && entry.type === type && (entry.when === undefined || entry.when(block)));
  return gap === undefined ? undefined : `emulator gap: ${gap.type}${gap.condition === undefined ? "" : ` ${gap.condition}`}`;
}

/** Attributes of a resource block whose changes the run ignores (emulator gaps of single attributes). */
export function ignoredAttributesOf(type: string, block: Readonly<Record<string, unknown>>, gaps: readonly EmulatorGap[] = EMULATOR_GAPS): string[] {
  return gaps
    .filter((entry) => entry.ignoreAttributes !== undefined && entry.type === type && (entry.when === undefined || entry.when(block)))
    .flatMap((entry) => [...entry.ignoreAttributes!]);
}
