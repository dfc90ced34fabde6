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
  /**
   * The resources of our stacks (the name after the type, the same in every environment) this
   * attribute gap is known for: ignore_changes is added at these addresses only. A resource of the
   * type not named here is planned as any other, so a perpetual diff of our own making in the
   * attribute still fails the run. Required with `ignoreAttributes`.
   */
  readonly names?: readonly string[];
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
    names: [
      "account-baseline_key_3429315E",
      "acme-nonprod-terraform-state_key_5B3191AF",
      "acme-nonprod-terraform-state_key-dev_key_27C0C9D0",
      "acme-nonprod-terraform-state_key-staging_key_7EE0A4F7",
      "acme-prod-terraform-state_key_D5DC6E2B",
      "alerts-key_453745FF",
      "data-key_5D719C34",
      "eks_secrets-key_9F99D609",
      "images-key_D7BAF85A",
      "logs-key_44F95A88",
    ],
    ignoreAttributes: ["rotation_period_in_days"],
    wrong:
      "EnableKeyRotation ignores RotationPeriodInDays and GetKeyRotationStatus returns none, so the provider reads 0 and the next plan wants 365 again.",
    evidence:
      "moto/kms has no occurrence of RotationPeriodInDays (grep, 5.2.1); observed: plan after apply of bootstrap-111111111111: `rotation_period_in_days = 0 -> 365`.",
  },
  ...(["aws_vpc_security_group_egress_rule", "aws_vpc_security_group_ingress_rule"] as const).map(
    (type): EmulatorGap => ({
      type,
      when: (block) => typeof block["prefix_list_id"] === "string",
      condition: "with prefix_list_id",
      names: ["management_operator_egress-s3_447BE0E3", "ci-runner_https-internet_163727B3", "ci-plan-runner_https-internet_7AD5D37A"],
      ignoreAttributes: ["description"],
      wrong:
        "A rule to a prefix list loses its description: DescribeSecurityGroupRules returns it without one, and the next plan sets it again.",
      evidence:
        'moto/ec2/models/security_groups.py SecurityRule.__init__ keeps only `prefix_list_id["PrefixListId"]` (the description of a cidr or group rule lives in ip_range / source_group); observed: plan after apply of network-prod: aws_vpc_security_group_egress_rule.management_operator_egress-s3 (update: description).',
    }),
  ),
  {
    type: "aws_vpc_security_group_ingress_rule",
    when: (block) => typeof block["referenced_security_group_id"] === "string",
    condition: "with referenced_security_group_id",
    names: [
      "cache_security-group_client-ingress-0_F1E84C21",
      "cache_security-group_client-ingress-1_A0417511",
      "database_security-group_client-ingress-0_1E794B32",
      "database_security-group_client-ingress-1_0C39E5BB",
      "eks-security-groups_cluster-from-ci-runner_40AE56B8",
      "eks-security-groups_cluster-from-ci-plan-runner_0DF2F0F9",
      "eks-security-groups_cluster-from-nodes-443_DA0BA6AC",
      "eks-security-groups_nodes-from-cluster-10250_60E04903",
      "eks-security-groups_nodes-from-cluster-443_D7C59CB7",
      "eks-security-groups_nodes-from-cluster-4443_7CF61EE7",
      "eks-security-groups_nodes-from-cluster-6443_AE47FD70",
      "eks-security-groups_nodes-from-cluster-8443_A0F973BF",
      "eks-security-groups_nodes-from-cluster-9443_76D04B06",
      "eks-security-groups_nodes-from-nodes_996ED553",
    ],
    ignoreAttributes: ["description"],
    wrong: "A rule from another security group loses its description in DescribeSecurityGroupRules, and the next plan sets it again.",
    evidence:
      'moto/ec2/models/security_groups.py keeps the description in source_group["Description"], which the DescribeSecurityGroupRules response does not emit; observed: plan after apply of platform-dev: every group-to-group ingress rule (update: description null -> ...).',
  },
  {
    type: "aws_vpc_security_group_egress_rule",
    when: (block) => typeof block["referenced_security_group_id"] === "string",
    condition: "with referenced_security_group_id",
    names: [
      "ci-runner_https-endpoints_115D2201",
      "ci-plan-runner_https-endpoints_9B024836",
      "eks-security-groups_ci-runner-to-cluster_9F81AED9",
      "eks-security-groups_ci-plan-runner-to-cluster_BD7054D2",
    ],
    ignoreAttributes: ["description"],
    wrong:
      "A rule to another security group loses its description in DescribeSecurityGroupRules, and the next plan sets it again (as for ingress).",
    evidence:
      'moto/ec2/models/security_groups.py SecurityGroupRule.description reads ip_range["Description"] only, and a group rule keeps its description in source_group; observed on moto 5.2.1 with the AWS provider 5.100.0: an egress rule with referenced_security_group_id and a description, applied, then planned: `+ description = ...`.',
  },
  {
    type: "aws_eks_cluster",
    names: ["eks_cluster_55B0C966"],
    ignoreAttributes: ["access_config", "upgrade_policy"],
    wrong:
      "CreateCluster ignores accessConfig and upgradePolicy; DescribeCluster returns neither (nor resourcesVpcConfig.vpcId), so the next plan replaces the cluster (bootstrap_cluster_creator_admin_permissions forces a new cluster).",
    evidence:
      "moto/eks/responses.py create_cluster reads name, version, roleArn, resourcesVpcConfig, kubernetesNetworkConfig, logging, tags, encryptionConfig, remoteNetworkConfig only; observed: plan after apply of platform-dev: aws_eks_cluster delete/create on access_config.0.bootstrap_cluster_creator_admin_permissions.",
  },
  {
    type: "aws_eks_node_group",
    names: ["node-group-apps_node-group_B950DDD0", "node-group-spot_node-group_38B4D4CB", "node-group-system_node-group_7C1EA68C"],
    ignoreAttributes: ["remote_access", "update_config"],
    wrong:
      "A node group created without remote access is given one (ec2SshKey eksKeypair), and updateConfig is not kept: the next plan replaces every node group.",
    evidence:
      'moto/eks/models.py: DEFAULT_REMOTE_ACCESS = {"ec2SshKey": "eksKeypair"} and `self.remote_access = remote_access or DEFAULT_REMOTE_ACCESS`; observed: plan after apply of platform-dev: aws_eks_node_group delete/create on remote_access.',
  },
  {
    type: "aws_launch_template",
    names: [
      "node-group-apps_launch-template_1F82EB32",
      "node-group-spot_launch-template_BF6B8835",
      "node-group-system_launch-template_A4F6847C",
    ],
    ignoreAttributes: ["tag_specifications"],
    wrong:
      "The tags of the launch template itself (CreateLaunchTemplate's TagSpecifications, resource type launch-template) are copied into the template data's TagSpecifications, so the template seems to carry a tag specification nobody configured.",
    evidence:
      'moto/ec2/responses/launch_templates.py create_launch_template appends the request\'s tag specifications to parsed_template_data["TagSpecifications"]; observed: plan after apply of platform-dev: aws_launch_template (update: tag_specifications, a launch-template entry to remove).',
  },
  {
    type: "aws_rds_cluster",
    names: ["database_cluster_FAF2FB92"],
    ignoreAttributes: ["scaling_configuration"],
    wrong:
      "Every cluster, provisioned ones included, is described with a ScalingConfigurationInfo of nulls, which the provider reads as a scaling_configuration block (Serverless v1) to fill in.",
    evidence:
      "moto/rds/models.py DBCluster.scaling_configuration_info always returns a dict (MinCapacity, MaxCapacity, ... all None); observed: plan after apply of platform-dev: aws_rds_cluster (update: scaling_configuration).",
  },
  {
    type: "aws_rds_cluster_instance",
    names: ["database_instance-1_95FDBD23", "database_instance-2_67AB9804"],
    ignoreAttributes: [
      "performance_insights_enabled",
      "performance_insights_kms_key_id",
      "performance_insights_retention_period",
      "monitoring_interval",
      "monitoring_role_arn",
    ],
    wrong:
      "Performance Insights and Enhanced Monitoring settings are not kept: DescribeDBInstances reports both off, and the next plan turns them on again.",
    evidence:
      "moto/rds/models.py has no occurrence of performance_insights nor of monitoring_interval / MonitoringRoleArn (grep, 5.2.1) although CreateDBInstance carries them; observed: plan after apply of platform-dev: aws_rds_cluster_instance (update: performance_insights_enabled false -> true), of platform-prod (update: monitoring_interval, monitoring_role_arn).",
  },
  {
    type: "aws_iam_openid_connect_provider",
    when: (block) => JSON.stringify(block["url"] ?? "").includes("aws_eks_cluster."),
    condition: "of an EKS cluster (IRSA)",
    ignoreAttributes: [],
    wrong:
      "Every EKS cluster of one moto process gets the same OIDC issuer URL, so the second environment of an account cannot create its IRSA provider (EntityAlreadyExists). Worked around, nothing left out: each environment's EKS API is served by a moto_server of its own (same account id).",
    evidence:
      'moto/eks/models.py: ISSUER_TEMPLATE = "https://oidc.eks.{region}.amazonaws.com/id/" + random.get_random_string(length=10), evaluated once at import; observed: platform-staging after platform-dev in one moto: CreateOpenIDConnectProvider 409 EntityAlreadyExists.',
  },
  {
    type: "aws_cloudtrail",
    wrong:
      "StartLogging addressed by the trail's ARN (what the provider sends) raises KeyError inside moto; the provider retries it for many minutes.",
    evidence:
      "moto/cloudtrail/models.py get_trail(name) looks the trail up by name only (self.trails[name]) while the provider calls StartLogging with Name=<trail ARN>; moto answers HTTP 500 (KeyError) and the provider keeps retrying.",
  },
  {
    type: "aws_guardduty_detector",
    ignoreAttributes: ["tags", "tags_all"],
    names: ["account-baseline_guardduty_74E24D54"],
    wrong:
      "GuardDuty's TagResource and UntagResource are not served: a change of the detector's tags (the account layer adopting a detector whose default tags named the network layer) fails with 404.",
    evidence:
      "moto/guardduty/urls.py (5.2.1) routes /detector, /detector/<id>, /detector/<id>/filter, /admin and the organization paths, and no /tags/<resourceArn>; observed: apply of account-111111111111 with import blocks: `UntagResource, https response error StatusCode: 404`.",
  },
  {
    type: "aws_guardduty_detector_feature",
    wrong:
      "UpdateDetector replaces the detector's whole feature list with the one feature sent, so five feature resources overwrite each other and every plan shows four of them changed.",
    evidence:
      "moto/guardduty/models.py Detector.update(...): `if features is not None: self.features = features` (replaces the list, no merge by feature name).",
  },
  {
    type: "aws_s3_account_public_access_block",
    wrong:
      "s3control addresses the account as a host name prefix (<account>.<endpoint>), which cannot resolve to 127.0.0.1 with a custom endpoint.",
    evidence:
      "moto/s3control/urls.py routes only hosts `<account>.s3-control.<region>.amazonaws.com`; the SDK's s3control endpoint rules put the account id in front of any endpoint as a host prefix (`{AccountId}.`), so with the emulator's endpoint the request goes to `<account>.127.0.0.1`, which does not resolve.",
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
    type: "aws_eks_pod_identity_association",
    wrong: "EKS Pod Identity associations are not implemented: CreatePodIdentityAssociation answers 404.",
    evidence:
      "moto/eks/urls.py (5.2.1) routes /clusters, node-groups, fargate-profiles, update-config and tags only: no /clusters/<name>/pod-identity-associations route; moto/eks/responses.py has no create_pod_identity_association (grep PodIdentity: no match).",
  },
  {
    type: "aws_autoscaling_group_tag",
    wrong:
      "The emulated managed node group has no Auto Scaling group: the group named in its resources does not exist in the autoscaling backend.",
    evidence:
      'moto/eks/models.py ManagedNodegroup: `"autoScalingGroups": [{"name": "eks-" + self.uuid}]`, a name only: no group is created in moto/autoscaling, so CreateOrUpdateTags on it fails.',
  },
  {
    type: "aws_appautoscaling_target",
    wrong: "Application Auto Scaling has no ListTagsForResource, which the provider calls after every create and read.",
    evidence:
      "moto/applicationautoscaling/responses.py has no list_tags_for_resource handler (5.2.1): the call answers an error and the apply fails.",
  },
  {
    type: "aws_elasticache_user_group",
    wrong: "ElastiCache user groups are not implemented (CreateUserGroup).",
    evidence: "moto/elasticache/responses.py has create_user but no create_user_group (5.2.1).",
  },
  {
    type: "aws_elasticache_replication_group",
    wrong: "The replication group's member clusters are never created, so the provider's wait for the member clusters never ends.",
    evidence:
      "moto/elasticache/models.py ReplicationGroup lists member_clusters by name only; self.cache_clusters is filled by create_cache_cluster alone, so describe_cache_clusters(<member>) raises CacheClusterNotFound.",
  },
  {
    type: "aws_instance",
    when: (block) => block["monitoring"] === true,
    condition: "with monitoring = true",
    wrong: "MonitorInstances (detailed monitoring) is not implemented.",
    evidence:
      'moto/ec2/responses/monitoring.py monitor_instances: `raise NotImplementedError("Monitoring.monitor_instances is not yet implemented")`.',
  },
  {
    type: "aws_codebuild_webhook",
    wrong: "CreateWebhook is not implemented: moto answers 500 (NotImplementedError) and the provider retries it for minutes.",
    evidence:
      "moto/codebuild/responses.py (5.2.1) has create_project, batch_get_projects, delete_project, builds, but no create_webhook; observed in moto's log: `NotImplementedError: The create_webhook action has not been implemented` for network-prod.",
  },
  {
    type: "aws_codebuild_project",
    names: ["ci-runner_project_204F0227", "ci-plan-runner_project_8C6CD94F"],
    ignoreAttributes: ["concurrent_build_limit"],
    wrong: "CreateProject ignores concurrentBuildLimit and BatchGetProjects returns none, so the next plan sets the limit again.",
    evidence:
      "moto/codebuild (5.2.1): no occurrence of concurrentBuildLimit (grep); responses.py create_project passes name, description, source, artifacts, environment, serviceRole, tags, cache, timeoutInMinutes only; observed: plan after apply of network-dev: aws_codebuild_project.ci-runner_project_204F0227 (update: concurrent_build_limit).",
  },
  {
    type: "aws_accessanalyzer_analyzer",
    wrong:
      "moto has no IAM Access Analyzer: there is no endpoint to point the provider at, so CreateAnalyzer would leave for the real AWS.",
    evidence:
      "moto 5.2.1 has no accessanalyzer package and neither moto/backends.py nor moto/backend_index.py names the service (grep: 0 matches); observed: apply of network-dev: `CreateAnalyzer ... lookup access-analyzer.eu-west-1.amazonaws.com: no such host`.",
  },
  {
    type: "aws_vpc_endpoint",
    when: (block) => Array.isArray(block["subnet_configuration"]),
    condition: "with subnet_configuration",
    names: [
      "endpoints_interface-ecr-api_A66D6989",
      "endpoints_interface-ecr-dkr_69967351",
      "endpoints_interface-eks-auth_57E9199B",
      "endpoints_interface-kms_0906D5AE",
      "endpoints_interface-logs_9B50F411",
      "endpoints_interface-secretsmanager_1B2B3CA9",
      "endpoints_interface-sts_5CA10810",
    ],
    ignoreAttributes: ["subnet_configuration"],
    wrong:
      "CreateVpcEndpoint ignores SubnetConfigurations: the endpoint's network interfaces get random addresses, the provider reads those back, and the next plan wants the fixed ones again.",
    evidence:
      "moto/ec2/models/vpcs.py (5.2.1) create_vpc_endpoint: `self.create_network_interface(subnet_id, random_private_ip())` for each subnet, no SubnetConfigurations parameter; observed: plan after apply of network-dev: aws_vpc_endpoint.endpoints_interface-sts (update: subnet_configuration).",
  },
  {
    type: "aws_ec2_subnet_cidr_reservation",
    names: ["endpoints_endpoint-range-0_CE73766B", "endpoints_endpoint-range-1_E86DA8B7", "endpoints_endpoint-range-2_C7BE610A"],
    ignoreAttributes: ["description"],
    wrong:
      "CreateSubnetCidrReservation drops the Description: GetSubnetCidrReservations returns none, and since a reservation's description cannot be updated the next plan replaces it.",
    evidence:
      "moto/ec2/models/subnets.py (5.2.1) create_subnet_cidr_reservation(subnet_id, reservation_type, cidr, tags) takes no description and SubnetCidrReservation keeps none; observed: plan after apply of network-dev: aws_ec2_subnet_cidr_reservation.endpoints_endpoint-range-0 (delete/create: description).",
  },
  {
    type: "aws_elasticache_subnet_group",
    wrong: "DeleteCacheSubnetGroup is not implemented, so destroy fails.",
    evidence: "moto/elasticache/responses.py has create/describe cache subnet group but no delete_cache_subnet_group (5.2.1).",
  },
];

/** Whether a gap applies to this block: its type, its condition, and (attribute gaps) its named addresses. */
function applies(entry: EmulatorGap, type: string, block: Readonly<Record<string, unknown>>, name: string | undefined): boolean {
  if (entry.type !== type || (entry.when !== undefined && !entry.when(block))) return false;
  return entry.names === undefined || name === undefined || entry.names.includes(name);
}

/** The gap a resource block falls into, as a printable reason, or undefined. */
export function gapOf(
  type: string,
  block: Readonly<Record<string, unknown>>,
  gaps: readonly EmulatorGap[] = EMULATOR_GAPS,
  name?: string,
): string | undefined {
  const gap = gaps.find((entry) => entry.ignoreAttributes === undefined && applies(entry, type, block, name));
  return gap === undefined ? undefined : `emulator gap: ${gap.type}${gap.condition === undefined ? "" : ` ${gap.condition}`}`;
}

/** Attributes of a resource block whose changes the run ignores (emulator gaps of single attributes, at the named addresses only). */
export function ignoredAttributesOf(
  type: string,
  block: Readonly<Record<string, unknown>>,
  gaps: readonly EmulatorGap[] = EMULATOR_GAPS,
  name?: string,
): string[] {
  return gaps
    .filter((entry) => entry.ignoreAttributes !== undefined && entry.names !== undefined && applies(entry, type, block, name))
    .flatMap((entry) => [...(entry.ignoreAttributes ?? [])]);
}

/**
 * What moto 5.2.1 keeps after a delete that AWS removes with it, so the lifecycle's residue check
 * would name it after every teardown. Each entry selects exactly those objects (never a whole
 * kind): the residue listing leaves them out and the run prints how many, with the entry's kind.
 */
export interface ResidueGap {
  /** The residue kind (e2e/lifecycle/residue.ts), e.g. `ec2:network-acl`. */
  readonly kind: string;
  /** Which objects of the kind: the condition the listing checks through the AWS APIs. */
  readonly condition: string;
  readonly wrong: string;
  readonly evidence: string;
}

export const RESIDUE_GAPS: readonly ResidueGap[] = [
  {
    kind: "ec2:network-interface",
    condition: "the network interface of a NAT gateway in state deleted (DescribeNatGateways: natGatewayAddressSet.networkInterfaceId)",
    wrong:
      "DeleteNatGateway marks the gateway deleted and leaves its network interface: DescribeNetworkInterfaces still lists it after the VPC is gone (AWS deletes it with the gateway).",
    evidence:
      "moto/ec2/models/nat_gateways.py (5.2.1) line 31 NatGateway.__init__ `self._eni = self.ec2_backend.create_network_interface(...)`; lines 147-150 delete_nat_gateway only sets `nat_gw.state = \"deleted\"`, nothing calls delete_network_interface. Reproduced with moto's mock_aws: create VPC, subnet, EIP, NAT gateway; delete NAT gateway, release EIP, delete subnet, delete VPC: the NAT gateway's ENI is still listed. Seen as 1 ENI per teardown of dev (natGateways: single).",
  },
  {
    kind: "ec2:network-acl",
    condition: "a default network ACL (default = true) whose VPC no longer exists (not in DescribeVpcs)",
    wrong:
      "DeleteVpc deletes the VPC's main route table and default security group but not its default network ACL: DescribeNetworkAcls still lists it, for a VPC that is gone (AWS deletes it with the VPC).",
    evidence:
      "moto/ec2/models/vpcs.py (5.2.1) create_vpc line 810 `self.create_network_acl(vpc_id, default=True)`; delete_vpc (lines 838-883) deletes route tables (delete_route_table), the default security group and the DHCP options, never the network ACL. Reproduced with moto's mock_aws (create VPC, delete VPC: its default ACL is still listed, vpcId the deleted VPC). Seen as 1 network ACL per teardown of dev (one VPC).",
  },
];

/**
 * A default moto gets wrong where AWS documents another, and where the wrong one makes the
 * provider take a path AWS would not (a modify, a wait, a reboot). moto_server starts with the
 * AWS default set (e2e/moto-defaults/sitecustomize.py, loaded by the Python that runs it; the
 * run's header names each entry and a moto_server that does not confirm it is refused).
 */
export interface EmulatorDefault {
  /** The Python module of the class, e.g. `moto.rds.models`. */
  readonly module: string;
  readonly className: string;
  /** The keyword parameter of `__init__` whose default is replaced. */
  readonly parameter: string;
  /** moto's own default: the entry is refused when moto has another (its source changed: read it again). */
  readonly moto: string;
  /** What AWS gives a new object when the request names none. */
  readonly aws: string;
  /** What the emulator does wrong, and what it costs. */
  readonly wrong: string;
  /** How we know: moto's source line, AWS's documentation, the provider's code path. */
  readonly evidence: string;
}

export const EMULATOR_DEFAULTS: readonly EmulatorDefault[] = [
  {
    module: "moto.rds.models",
    className: "DBInstance",
    parameter: "ca_certificate_identifier",
    moto: "rds-ca-default",
    aws: "rds-ca-rsa2048-g1",
    wrong:
      "A DB instance created without CACertificateIdentifier gets rds-ca-default, an identifier AWS never had; AWS gives a new instance the account's default CA, rds-ca-rsa2048-g1 unless the account overrides it (ModifyCertificates, which moto does not implement). Our instances pin rds-ca-rsa2048-g1 (modules/data/aurora-postgres.ts), so the provider modifies, waits, reboots and waits again after every create: about 150 s per platform apply that AWS does not spend.",
    evidence:
      'moto/rds/models.py (5.2.1) line 1134, DBInstance.__init__ `ca_certificate_identifier: str = "rds-ca-default"`, and moto/rds/responses.py create_db_instance passes the request\'s parameters only; AWS RDS User Guide, "Using SSL/TLS to encrypt a connection to a DB instance or cluster", Certificate authorities: rds-ca-rsa2048-g1 is the default for new instances; terraform-provider-aws internal/service/rds/cluster_instance.go resourceClusterInstanceCreate: when ca_cert_identifier differs from the created instance\'s CACertificateIdentifier, ModifyDBInstance, waitDBInstanceAvailable (Delay 30 s), RebootDBInstance, waitDBInstanceAvailable; observed: about 190 s of every platform apply in aws_rds_cluster_instance.',
  },
];

/** One line per emulator default, for the run's header. */
export function describeDefaults(defaults: readonly EmulatorDefault[] = EMULATOR_DEFAULTS): string[] {
  return defaults.map(
    (entry) => `${entry.module} ${entry.className} ${entry.parameter}: ${entry.moto} -> ${entry.aws} (AWS's default for a new object)`,
  );
}
