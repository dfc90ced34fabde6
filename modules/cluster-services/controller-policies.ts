import type {
  DataAwsIamPolicyDocumentStatement,
  DataAwsIamPolicyDocumentStatementCondition,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { Fn, Token } from "cdktf";

/*
 * IAM statements for the Kubernetes controllers whose roles the platform layer creates. Pure
 * functions: the caller puts the statements in a `DataAwsIamPolicyDocument` (IrsaRole does).
 *
 * Rules every function keeps:
 * - every action spelled out (no `ec2:Describe*`);
 * - `"*"` as a resource only for actions that have no resource-level permissions in the Service
 *   Authorization Reference, each such statement saying so;
 * - the conditions AWS's (or the project's) own recommended policy uses, tightened where a value
 *   is known (the cluster name instead of "tag present");
 * - inputs validated unless they are tokens resolved at plan time (`Token.isUnresolved`).
 */

type Statement = DataAwsIamPolicyDocumentStatement;
type Condition = DataAwsIamPolicyDocumentStatementCondition;

const PARTITION = /^aws(-[a-z]+)*$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
/** EKS: 1-100 characters, letters, digits, hyphens and underscores, starting with a letter or digit. */
const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
const HOSTED_ZONE_ID = /^Z[A-Z0-9]+$/;
const ARN_PREFIX = String.raw`arn:aws(?:-[a-z]+)*`;
const ACCOUNT_REGION = String.raw`[a-z]{2}(?:-[a-z]+)+-\d+:\d{12}`;
const LOG_GROUP_ARN = new RegExp(String.raw`^${ARN_PREFIX}:logs:${ACCOUNT_REGION}:log-group:[A-Za-z0-9_\-/.#]{1,512}$`);
/** Names take letters, digits and /_+=.@- ; service-managed secrets add "!" (RDS: `rds!cluster-<id>`). */
const SECRET_ARN = new RegExp(String.raw`^${ARN_PREFIX}:secretsmanager:${ACCOUNT_REGION}:secret:[A-Za-z0-9/_+=.@!-]+$`);
/** A full secret ARN ends in "-" and six random characters; IAM does not match a partial ARN. */
const SECRET_SUFFIX = /-[A-Za-z0-9]{6}$/;
const KMS_KEY_ARN = new RegExp(
  String.raw`^${ARN_PREFIX}:kms:${ACCOUNT_REGION}:key/(?:mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`,
);
const KMS_ALIAS_ARN = new RegExp(String.raw`^${ARN_PREFIX}:kms:${ACCOUNT_REGION}:alias/`);
const REPLICATION_GROUP_ARN = new RegExp(String.raw`^${ARN_PREFIX}:elasticache:${ACCOUNT_REGION}:replicationgroup:[a-z][a-z0-9-]{0,39}$`);
const CACHE_USER_ARN = new RegExp(String.raw`^${ARN_PREFIX}:elasticache:${ACCOUNT_REGION}:user:[A-Za-z][A-Za-z0-9-]{0,39}$`);

/** The tag the AWS Load Balancer Controller puts on everything it creates, valued with the cluster name. */
export const LBC_CLUSTER_TAG = "elbv2.k8s.aws/cluster";

/** Throws `message` when a known (non-token) value does not match. */
function expectMatch(value: string, pattern: RegExp, message: string): void {
  if (Token.isUnresolved(value)) return;
  if (!pattern.test(value)) throw new Error(message);
}

/** A non-empty list, unless it is a list token; `each` checks the known elements. */
function expectList(values: readonly string[], context: string, what: string, each: (value: string) => void): void {
  if (Token.isUnresolved(values)) return;
  if (values.length === 0) throw new Error(`${context}: at least one ${what} is required`);
  const seen = new Set<string>();
  for (const value of values) {
    if (Token.isUnresolved(value)) continue;
    if (seen.has(value)) throw new Error(`${context}: ${what} "${value}" is listed twice`);
    seen.add(value);
    each(value);
  }
}

function expectPartition(partition: string, context: string): void {
  expectMatch(partition, PARTITION, `${context}: partition "${partition}" is not an AWS partition (aws, aws-cn, aws-us-gov, ...)`);
}

function expectClusterName(clusterName: string, context: string): void {
  expectMatch(
    clusterName,
    EKS_CLUSTER_NAME,
    `${context}: cluster name "${clusterName}" is not a valid EKS cluster name (1-100 letters, digits, "-" or "_", starting with a letter or digit)`,
  );
}

/**
 * `fixed` followed by `list`. A list token cannot take extra elements in a literal array (cdktf
 * throws at synth), so a tokenized list is joined with Terraform's concat().
 */
function concatList(fixed: readonly string[], list: readonly string[]): string[] {
  if (!Token.isUnresolved(list) || fixed.length === 0) return [...fixed, ...list];
  return Token.asList(Fn.concat([[...fixed], list]));
}

const allow = (statement: Omit<Statement, "effect">): Statement => ({ effect: "Allow", ...statement });
const stringEquals = (variable: string, ...values: string[]): Condition => ({ test: "StringEquals", variable, values });
/** `Null` test: `true` means the key is absent from the request, `false` that it is present. */
const isNull = (variable: string, absent: boolean): Condition => ({ test: "Null", variable, values: [String(absent)] });

/**
 * The AWS Load Balancer Controller: the upstream recommended policy (`docs/install/iam_policy.json`,
 * identical from v2.17.1 to v3.5.0) with every resource-level permission used:
 * - each `"*"` the upstream policy grants on an action that does have resource-level permissions is
 *   narrowed to the ARN type the action acts on (security groups, ALB/NLB load balancers, target
 *   groups, listeners, rules, regional web ACLs...);
 * - each "`elbv2.k8s.aws/cluster` tag present" condition becomes "equals this cluster's name"
 *   (the value the controller writes), so one cluster's controller cannot touch another's resources;
 *   the "request does not set the tag" (`Null` = true) conditions stay as upstream.
 */
export function loadBalancerControllerStatements(params: { clusterName: string; partition: string }): DataAwsIamPolicyDocumentStatement[] {
  const context = "AWS Load Balancer Controller policy";
  expectClusterName(params.clusterName, context);
  expectPartition(params.partition, context);
  const { clusterName, partition } = params;

  const ec2 = (resource: string) => `arn:${partition}:ec2:*:*:${resource}`;
  const elb = (resource: string) => `arn:${partition}:elasticloadbalancing:*:*:${resource}`;
  const securityGroups = ec2("security-group/*");
  /** loadbalancer/<type>/<name>/<id> */
  const loadBalancers = [elb("loadbalancer/app/*/*"), elb("loadbalancer/net/*/*")];
  const applicationLoadBalancers = elb("loadbalancer/app/*/*");
  /** targetgroup/<name>/<id> */
  const targetGroups = elb("targetgroup/*/*");
  /** listener/<type>/<lb-name>/<lb-id>/<listener-id> */
  const listeners = [elb("listener/app/*/*/*"), elb("listener/net/*/*/*")];
  /** listener-rule/<type>/<lb-name>/<lb-id>/<listener-id>/<rule-id> */
  const rules = [elb("listener-rule/app/*/*/*/*"), elb("listener-rule/net/*/*/*/*")];

  const requestTagIsCluster = stringEquals(`aws:RequestTag/${LBC_CLUSTER_TAG}`, clusterName);
  const resourceTagIsCluster = stringEquals(`aws:ResourceTag/${LBC_CLUSTER_TAG}`, clusterName);
  const requestLeavesClusterTag = isNull(`aws:RequestTag/${LBC_CLUSTER_TAG}`, true);

  return [
    allow({
      sid: "CreateElbServiceLinkedRole",
      actions: ["iam:CreateServiceLinkedRole"],
      resources: [`arn:${partition}:iam::*:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing`],
      condition: [stringEquals("iam:AWSServiceName", "elasticloadbalancing.amazonaws.com")],
    }),
    // None of these List/Read actions has resource-level permissions: "*" is the only resource they take.
    allow({
      sid: "LbcReadWithoutResourceLevelPermissions",
      actions: [
        "ec2:DescribeAccountAttributes",
        "ec2:DescribeAddresses",
        "ec2:DescribeAvailabilityZones",
        "ec2:DescribeInternetGateways",
        "ec2:DescribeVpcs",
        "ec2:DescribeVpcPeeringConnections",
        "ec2:DescribeSubnets",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeInstances",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeTags",
        "ec2:DescribeCoipPools",
        "ec2:DescribeIpamPools",
        "ec2:DescribeRouteTables",
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeListenerCertificates",
        "elasticloadbalancing:DescribeSSLPolicies",
        "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetGroupAttributes",
        "elasticloadbalancing:DescribeTargetHealth",
        "elasticloadbalancing:DescribeTags",
        "elasticloadbalancing:DescribeTrustStores",
        "elasticloadbalancing:DescribeListenerAttributes",
        "elasticloadbalancing:DescribeCapacityReservation",
        "acm:ListCertificates",
        "iam:ListServerCertificates",
        "shield:GetSubscriptionState",
      ],
      resources: ["*"],
    }),
    // shield:CreateProtection and elasticloadbalancing:SetWebAcl have no resource-level permissions: "*" only.
    allow({
      sid: "LbcWriteWithoutResourceLevelPermissions",
      actions: ["shield:CreateProtection", "elasticloadbalancing:SetWebAcl"],
      resources: ["*"],
    }),
    allow({ sid: "CoipPoolUsage", actions: ["ec2:GetCoipPoolUsage"], resources: [ec2("coip-pool/*")] }),
    allow({ sid: "VpcSecurityGroups", actions: ["ec2:GetSecurityGroupsForVpc"], resources: [ec2("vpc/*")] }),
    allow({
      sid: "CognitoUserPoolClients",
      actions: ["cognito-idp:DescribeUserPoolClient"],
      resources: [`arn:${partition}:cognito-idp:*:*:userpool/*`],
    }),
    allow({ sid: "AcmCertificates", actions: ["acm:DescribeCertificate"], resources: [`arn:${partition}:acm:*:*:certificate/*`] }),
    allow({ sid: "IamServerCertificates", actions: ["iam:GetServerCertificate"], resources: [`arn:${partition}:iam::*:server-certificate/*`] }),
    allow({
      sid: "WafRegionalWebAcls",
      actions: ["waf-regional:GetWebACL", "waf-regional:GetWebACLForResource", "waf-regional:AssociateWebACL", "waf-regional:DisassociateWebACL"],
      resources: [`arn:${partition}:waf-regional:*:*:webacl/*`, applicationLoadBalancers],
    }),
    allow({
      sid: "WafV2WebAcls",
      actions: ["wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL"],
      // An ALB takes a REGIONAL web ACL only (CLOUDFRONT ones live in us-east-1 for distributions).
      resources: [`arn:${partition}:wafv2:*:*:regional/webacl/*/*`, applicationLoadBalancers],
    }),
    allow({
      sid: "ShieldProtections",
      actions: ["shield:DescribeProtection", "shield:DeleteProtection"],
      resources: [`arn:${partition}:shield::*:protection/*`],
    }),
    allow({ sid: "CreateSecurityGroups", actions: ["ec2:CreateSecurityGroup"], resources: [securityGroups, ec2("vpc/*")] }),
    allow({
      sid: "TagNewSecurityGroups",
      actions: ["ec2:CreateTags"],
      resources: [securityGroups],
      condition: [stringEquals("ec2:CreateAction", "CreateSecurityGroup"), requestTagIsCluster],
    }),
    allow({
      sid: "RetagOwnSecurityGroups",
      actions: ["ec2:CreateTags", "ec2:DeleteTags"],
      resources: [securityGroups],
      condition: [requestLeavesClusterTag, resourceTagIsCluster],
    }),
    // Unconditioned as upstream: the controller opens the node and cluster security groups, which it did not create.
    allow({
      sid: "SecurityGroupIngress",
      actions: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
      resources: [securityGroups],
    }),
    allow({ sid: "DeleteOwnSecurityGroups", actions: ["ec2:DeleteSecurityGroup"], resources: [securityGroups], condition: [resourceTagIsCluster] }),
    allow({
      sid: "CreateLoadBalancers",
      actions: ["elasticloadbalancing:CreateLoadBalancer"],
      resources: loadBalancers,
      condition: [requestTagIsCluster],
    }),
    allow({
      sid: "CreateTargetGroups",
      actions: ["elasticloadbalancing:CreateTargetGroup"],
      resources: [targetGroups],
      condition: [requestTagIsCluster],
    }),
    allow({ sid: "CreateListeners", actions: ["elasticloadbalancing:CreateListener"], resources: loadBalancers }),
    allow({
      sid: "ManageListeners",
      actions: [
        "elasticloadbalancing:DeleteListener",
        "elasticloadbalancing:ModifyListener",
        "elasticloadbalancing:AddListenerCertificates",
        "elasticloadbalancing:RemoveListenerCertificates",
        "elasticloadbalancing:CreateRule",
      ],
      resources: listeners,
    }),
    allow({
      sid: "ManageRules",
      actions: ["elasticloadbalancing:DeleteRule", "elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities"],
      resources: rules,
    }),
    allow({
      sid: "TagNewLoadBalancersAndTargetGroups",
      actions: ["elasticloadbalancing:AddTags"],
      resources: [targetGroups, ...loadBalancers],
      condition: [stringEquals("elasticloadbalancing:CreateAction", "CreateTargetGroup", "CreateLoadBalancer"), requestTagIsCluster],
    }),
    allow({
      sid: "RetagOwnLoadBalancersAndTargetGroups",
      actions: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      resources: [targetGroups, ...loadBalancers],
      condition: [requestLeavesClusterTag, resourceTagIsCluster],
    }),
    allow({
      sid: "TagListenersAndRules",
      actions: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      resources: [...listeners, ...rules],
    }),
    allow({
      sid: "ModifyOwnLoadBalancers",
      actions: [
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:SetIpAddressType",
        "elasticloadbalancing:SetSecurityGroups",
        "elasticloadbalancing:SetSubnets",
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:ModifyCapacityReservation",
        "elasticloadbalancing:ModifyIpPools",
      ],
      resources: loadBalancers,
      condition: [resourceTagIsCluster],
    }),
    allow({
      sid: "ModifyOwnTargetGroups",
      actions: [
        "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:ModifyTargetGroupAttributes",
        "elasticloadbalancing:DeleteTargetGroup",
      ],
      resources: [targetGroups],
      condition: [resourceTagIsCluster],
    }),
    allow({
      sid: "ModifyOwnListenerAttributes",
      actions: ["elasticloadbalancing:ModifyListenerAttributes"],
      resources: listeners,
      condition: [resourceTagIsCluster],
    }),
    // Unconditioned as upstream: TargetGroupBinding registers pods in target groups made outside the cluster.
    allow({
      sid: "RegisterTargets",
      actions: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
      resources: [targetGroups],
    }),
  ];
}

/**
 * cluster-autoscaler (AWS cloud provider): read the groups, instance types and node groups; change
 * the size only of groups tagged `k8s.io/cluster-autoscaler/<cluster>` = `owned` (EksNodeGroup tags
 * its groups so).
 */
export function clusterAutoscalerStatements(params: {
  clusterName: string;
  /**
   * Partition in the ARNs.
   * @default "*" (credentials never cross partitions, so this grants nothing more)
   */
  partition?: string;
}): DataAwsIamPolicyDocumentStatement[] {
  const context = "cluster-autoscaler policy";
  expectClusterName(params.clusterName, context);
  const partition = params.partition ?? "*";
  if (params.partition !== undefined) expectPartition(params.partition, context);
  const { clusterName } = params;
  return [
    // None of these Describe/List actions has resource-level permissions: "*" is the only resource they take.
    allow({
      sid: "AutoscalerReadWithoutResourceLevelPermissions",
      actions: [
        "autoscaling:DescribeAutoScalingGroups",
        "autoscaling:DescribeAutoScalingInstances",
        "autoscaling:DescribeLaunchConfigurations",
        "autoscaling:DescribeScalingActivities",
        "autoscaling:DescribeTags",
        "ec2:DescribeImages",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeLaunchTemplateVersions",
        "ec2:GetInstanceTypesFromInstanceRequirements",
      ],
      resources: ["*"],
    }),
    // eks:DescribeNodegroup has resource-level permissions: this cluster's node groups only.
    allow({
      sid: "DescribeClusterNodegroups",
      actions: ["eks:DescribeNodegroup"],
      resources: [`arn:${partition}:eks:*:*:nodegroup/${clusterName}/*/*`],
    }),
    allow({
      sid: "ScaleOwnedAutoScalingGroups",
      actions: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
      resources: [`arn:${partition}:autoscaling:*:*:autoScalingGroup:*:autoScalingGroupName/*`],
      condition: [stringEquals(`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`, "owned")],
    }),
  ];
}

/**
 * external-dns (AWS provider): records and tags of one hosted zone. Both tag reads are granted on
 * that zone: external-dns up to v0.15 calls ListTagsForResource, v0.16 and later the batched
 * ListTagsForResources (its docs/tutorials/aws.md).
 */
export function externalDnsStatements(params: { hostedZoneId: string; partition: string }): DataAwsIamPolicyDocumentStatement[] {
  const context = "external-dns policy";
  expectMatch(
    params.hostedZoneId,
    HOSTED_ZONE_ID,
    `${context}: hosted zone id "${params.hostedZoneId}" must be a bare Route 53 zone id: "Z" then capitals and digits, without "/hostedzone/"`,
  );
  expectPartition(params.partition, context);
  return [
    allow({
      sid: "ChangeRecordsInZone",
      actions: [
        "route53:ChangeResourceRecordSets",
        "route53:ListResourceRecordSets",
        "route53:ListTagsForResource",
        "route53:ListTagsForResources",
      ],
      resources: [`arn:${params.partition}:route53:::hostedzone/${params.hostedZoneId}`],
    }),
    // route53:ListHostedZones has no resource-level permissions: "*" is the only resource it takes.
    allow({ sid: "ListHostedZones", actions: ["route53:ListHostedZones"], resources: ["*"] }),
  ];
}

/**
 * fluent-bit shipping to one existing log group (the platform creates it, with retention and KMS).
 *
 * No logs:DescribeLogGroups: neither output plugin calls it. fluent-bit's `cloudwatch_logs` (C)
 * calls CreateLogStream and PutLogEvents (CreateLogGroup/PutRetentionPolicy only with
 * `auto_create_group`); with `auto_create_group` off it learns a missing group from CreateLogStream's
 * ResourceNotFoundException. DescribeLogStreams is for the older Go `cloudwatch` plugin, which lists it
 * among its required permissions. No CreateLogGroup: keep `auto_create_group` off.
 */
export function fluentBitStatements(params: { logGroupArn: string }): DataAwsIamPolicyDocumentStatement[] {
  const context = "fluent-bit policy";
  const arn = params.logGroupArn;
  if (!Token.isUnresolved(arn) && arn.endsWith(":*")) {
    throw new Error(`${context}: log group ARN "${arn}" must not end in ":*" (the policy adds the streams itself)`);
  }
  expectMatch(arn, LOG_GROUP_ARN, `${context}: "${arn}" is not a CloudWatch Logs log group ARN (arn:<partition>:logs:<region>:<account>:log-group:<name>)`);
  return [
    allow({
      sid: "WriteContainerLogs",
      actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      resources: [arn, `${arn}:*`],
    }),
  ];
}

/**
 * Read exactly these secrets, and decrypt with these keys only when Secrets Manager in `region`
 * asks for one of these secrets (kms:ViaService and the SecretARN encryption context Secrets Manager
 * sets). Secrets under the AWS managed key `aws/secretsmanager` need no key: give `kmsKeyArns: []`.
 */
export function secretReaderStatements(params: {
  secretArns: readonly string[];
  kmsKeyArns: readonly string[];
  region: string;
}): DataAwsIamPolicyDocumentStatement[] {
  const context = "secret reader policy";
  expectMatch(params.region, REGION, `${context}: "${params.region}" is not an AWS region (e.g. eu-west-1)`);
  expectList(params.secretArns, context, "secret ARN", (arn) => {
    if (/[*?]/.test(arn)) throw new Error(`${context}: secret ARN "${arn}" must name one secret, not a pattern`);
    expectMatch(arn, SECRET_ARN, `${context}: "${arn}" is not a Secrets Manager secret ARN`);
    expectMatch(
      arn,
      SECRET_SUFFIX,
      `${context}: "${arn}" is a partial secret ARN; IAM matches the full ARN, which ends in "-" and six random characters`,
    );
  });
  if (!Token.isUnresolved(params.kmsKeyArns)) {
    for (const arn of params.kmsKeyArns) {
      if (KMS_ALIAS_ARN.test(arn)) {
        throw new Error(`${context}: "${arn}" is an alias ARN; kms:Decrypt is authorized on the key ARN (key/<id>)`);
      }
      expectMatch(arn, KMS_KEY_ARN, `${context}: "${arn}" is not a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)`);
    }
  }
  const statements: Statement[] = [
    allow({
      sid: "ReadSecrets",
      actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
      resources: concatList([], params.secretArns),
    }),
  ];
  if (Token.isUnresolved(params.kmsKeyArns) || params.kmsKeyArns.length > 0) {
    statements.push(
      allow({
        sid: "DecryptSecretsThroughSecretsManager",
        actions: ["kms:Decrypt"],
        resources: concatList([], params.kmsKeyArns),
        condition: [
          stringEquals("kms:ViaService", `secretsmanager.${params.region}.amazonaws.com`),
          { test: "StringEquals", variable: "kms:EncryptionContext:SecretARN", values: concatList([], params.secretArns) },
        ],
      }),
    );
  }
  return statements;
}

/** IAM authentication to one ElastiCache replication group as these users (both are checked by elasticache:Connect). */
export function cacheConnectStatements(params: { replicationGroupArn: string; userArns: readonly string[] }): DataAwsIamPolicyDocumentStatement[] {
  const context = "cache connect policy";
  expectMatch(
    params.replicationGroupArn,
    REPLICATION_GROUP_ARN,
    `${context}: "${params.replicationGroupArn}" is not an ElastiCache replication group ARN (arn:<partition>:elasticache:<region>:<account>:replicationgroup:<id>)`,
  );
  expectList(params.userArns, context, "user ARN", (arn) =>
    expectMatch(arn, CACHE_USER_ARN, `${context}: "${arn}" is not an ElastiCache user ARN (arn:<partition>:elasticache:<region>:<account>:user:<id>)`),
  );
  return [
    allow({
      sid: "ConnectToCache",
      actions: ["elasticache:Connect"],
      resources: concatList([params.replicationGroupArn], params.userArns),
    }),
  ];
}
