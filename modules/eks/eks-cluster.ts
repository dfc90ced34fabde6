import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { EksAccessPolicyAssociation } from "@cdktf/provider-aws/lib/eks-access-policy-association";
import { EksCluster as AwsEksCluster } from "@cdktf/provider-aws/lib/eks-cluster";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import type { AwsTarget } from "../core/aws-target";
import { KmsKey } from "../security/kms-key";

/** Control-plane log types EKS can export to CloudWatch. */
export type ControlPlaneLogType = "api" | "audit" | "authenticator" | "controllerManager" | "scheduler";

/**
 * What an IAM principal may do in the cluster: `admin` everything and `viewer` read without
 * Secrets, each through an EKS access policy; `planner` nothing through EKS: only what the RBAC of
 * its `kubernetesGroups` grants (the workloads layer binds them; ADR 0012), so the plan role reads
 * the kinds Terraform refreshes and Helm's release records, never a synced credential.
 */
export type ClusterAccessLevel = "admin" | "viewer" | "planner";

/** An IAM principal mapped to the cluster through an access entry. */
export interface ClusterAccessGrant {
  /** Stable construct id of the grant (principal ARNs may be tokens). */
  readonly id: string;
  readonly principalArn: string;
  readonly level: ClusterAccessLevel;
  /**
   * Kubernetes groups of the access entry, which RBAC bindings name. Required (at least one) for
   * `planner`, which gets no access policy; never `system:`, `eks:`, `aws:`, `amazon:` or `iam:`
   * prefixed (EKS refuses them).
   * @default none
   */
  readonly kubernetesGroups?: readonly string[];
}

/** EKS access policies by level; `planner` has none (RBAC only). */
const ACCESS_POLICIES: { readonly [L in ClusterAccessLevel]: string | undefined } = {
  admin: "AmazonEKSClusterAdminPolicy",
  viewer: "AmazonEKSViewPolicy",
  planner: undefined,
};

/** Group prefixes EKS reserves (CreateAccessEntry refuses them in kubernetesGroups). */
const RESERVED_GROUP_PREFIXES = ["system:", "eks:", "aws:", "amazon:", "iam:"] as const;
/** A Kubernetes group name as RBAC subjects take it: printable, no spaces. */
const GROUP_NAME = /^[A-Za-z0-9][-A-Za-z0-9_.:@]{0,62}$/;

function validateGrant(cluster: string, grant: ClusterAccessGrant): void {
  const groups = grant.kubernetesGroups ?? [];
  if (grant.level === "planner" && groups.length === 0) {
    throw new Error(
      `EKS ${cluster}: access ${grant.id} is a planner, which has no access policy: name its kubernetesGroups (bound by RBAC)`,
    );
  }
  for (const group of groups) {
    const reserved = RESERVED_GROUP_PREFIXES.find((prefix) => group.startsWith(prefix));
    if (reserved !== undefined)
      throw new Error(`EKS ${cluster}: access ${grant.id}: group "${group}" uses the reserved prefix "${reserved}"`);
    if (!GROUP_NAME.test(group))
      throw new Error(`EKS ${cluster}: access ${grant.id}: group "${group}" is not a group name (letters, digits, -_.:@)`);
  }
  if (new Set(groups).size !== groups.length) throw new Error(`EKS ${cluster}: access ${grant.id} lists a group twice`);
}

export interface EksClusterProps {
  readonly name: string;
  readonly target: AwsTarget;
  /** Kubernetes minor version, e.g. `1.33`. */
  readonly kubernetesVersion: string;
  /** Private-app subnets for the control-plane network interfaces. */
  readonly subnetIds: string[];
  /** The cluster's additional security group (see EksSecurityGroups). */
  readonly securityGroupId: string;
  /**
   * Expose the API server publicly, to `publicAccessCidrs` only. The private endpoint is always on.
   * @default false
   */
  readonly endpointPublicAccess?: boolean;
  /**
   * Who may reach the public endpoint. Required when `endpointPublicAccess` is true; never 0.0.0.0/0.
   * @default []
   */
  readonly publicAccessCidrs?: readonly string[];
  /**
   * `API` (access entries only) or `API_AND_CONFIG_MAP` (also the aws-auth ConfigMap, for migrations).
   * @default "API"
   */
  readonly authenticationMode?: "API" | "API_AND_CONFIG_MAP";
  /** Control-plane log types to export. */
  readonly logTypes: readonly ControlPlaneLogType[];
  readonly logRetentionDays: number;
  /** KMS key of the control-plane log group (its policy must admit CloudWatch Logs). */
  readonly logsKmsKeyArn: string;
  /**
   * IAM principals and their access.
   * @default none: nobody, not even the creator, has access until granted
   */
  readonly access?: readonly ClusterAccessGrant[];
  /**
   * Create the cluster's IAM OIDC provider, which IAM roles for service accounts (IRSA) trust.
   * Workloads on EKS Pod Identity need none.
   * @default false
   */
  readonly oidcProvider?: boolean;
  /**
   * EKS refuses to delete the cluster while on (`deletion_protection`, AWS provider 6.x).
   * @default false
   */
  readonly deletionProtection?: boolean;
}

/**
 * An EKS cluster: its IAM role, a dedicated KMS key for envelope encryption of Secrets (rotation
 * on), control-plane logs to a KMS-encrypted log group with retention, the private endpoint on
 * (public only to an allow-list), access entries instead of the aws-auth ConfigMap, and, while
 * workloads still use IAM roles for service accounts, the IAM OIDC provider.
 */
export class EksCluster extends Construct {
  readonly clusterName: string;
  readonly clusterArn: string;
  readonly endpoint: string;
  readonly certificateAuthorityData: string;
  /** The cluster's OIDC issuer URL (EKS gives every cluster one). */
  readonly oidcIssuerUrl: string;
  /** The IAM OIDC provider's ARN; undefined without `oidcProvider`. */
  readonly oidcProviderArn?: string;
  /** The security group EKS creates and attaches to the control plane (and managed nodes by default). */
  readonly primarySecurityGroupId: string;
  readonly secretsKmsKeyArn: string;
  /** The cluster resource itself, for dependencies. */
  readonly cluster: AwsEksCluster;

  constructor(scope: Construct, id: string, props: EksClusterProps) {
    super(scope, id);
    const publicAccess = props.endpointPublicAccess ?? false;
    const publicCidrs = props.publicAccessCidrs ?? [];
    if (publicAccess && publicCidrs.length === 0) {
      throw new Error(`EKS ${props.name}: a public endpoint needs publicAccessCidrs (who may reach it)`);
    }
    if (publicCidrs.includes("0.0.0.0/0")) {
      throw new Error(`EKS ${props.name}: the public endpoint must not be open to 0.0.0.0/0`);
    }
    if (props.logTypes.length === 0) throw new Error(`EKS ${props.name}: export at least the audit log`);
    const { partition } = props.target;

    const secretsKey = new KmsKey(this, "secrets-key", {
      target: props.target,
      alias: `${props.name}/eks-secrets`,
      description: `Envelope encryption of Kubernetes secrets in ${props.name}`,
    });

    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        {
          actions: ["sts:AssumeRole", "sts:TagSession"],
          principals: [{ type: "Service", identifiers: ["eks.amazonaws.com"] }],
        },
      ],
    });
    const role = new IamRole(this, "role", { name: `${props.name}-cluster`, assumeRolePolicy: trust.json });
    const attachments = ["AmazonEKSClusterPolicy", "AmazonEKSVPCResourceController"].map(
      (policy) =>
        new IamRolePolicyAttachment(this, `role-${policy}`, { role: role.name, policyArn: `arn:${partition}:iam::aws:policy/${policy}` }),
    );

    const logGroup = new CloudwatchLogGroup(this, "log-group", {
      // EKS writes to this exact name; creating it first gives it our retention and key.
      name: `/aws/eks/${props.name}/cluster`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logsKmsKeyArn,
    });

    const cluster = new AwsEksCluster(this, "cluster", {
      name: props.name,
      version: props.kubernetesVersion,
      roleArn: role.arn,
      vpcConfig: {
        subnetIds: props.subnetIds,
        securityGroupIds: [props.securityGroupId],
        endpointPrivateAccess: true,
        endpointPublicAccess: publicAccess,
        ...(publicAccess ? { publicAccessCidrs: [...publicCidrs] } : {}),
      },
      encryptionConfig: { resources: ["secrets"], provider: { keyArn: secretsKey.keyArn } },
      enabledClusterLogTypes: [...props.logTypes],
      accessConfig: {
        authenticationMode: props.authenticationMode ?? "API",
        bootstrapClusterCreatorAdminPermissions: false,
      },
      upgradePolicy: { supportType: "STANDARD" },
      deletionProtection: props.deletionProtection ?? false,
      dependsOn: [logGroup, ...attachments],
    });

    for (const grant of props.access ?? []) {
      validateGrant(props.name, grant);
      const groups = grant.kubernetesGroups ?? [];
      const entry = new EksAccessEntry(this, `access-${grant.id}`, {
        clusterName: cluster.name,
        principalArn: grant.principalArn,
        type: "STANDARD",
        ...(groups.length === 0 ? {} : { kubernetesGroups: [...groups] }),
      });
      const policy = ACCESS_POLICIES[grant.level];
      if (policy === undefined) continue;
      new EksAccessPolicyAssociation(this, `access-${grant.id}-policy`, {
        clusterName: cluster.name,
        principalArn: entry.principalArn,
        policyArn: `arn:${partition}:eks::aws:cluster-access-policy/${policy}`,
        accessScope: { type: "cluster" },
      });
    }

    const issuer = cluster.identity.get(0).oidc.get(0).issuer;
    const oidc =
      props.oidcProvider === true
        ? new IamOpenidConnectProvider(this, "oidc", {
            url: issuer,
            clientIdList: ["sts.amazonaws.com"],
            tags: { Name: `${props.name}-irsa` },
          })
        : undefined;

    this.cluster = cluster;
    this.clusterName = cluster.name;
    this.clusterArn = cluster.arn;
    this.endpoint = cluster.endpoint;
    this.certificateAuthorityData = cluster.certificateAuthority.get(0).data;
    this.oidcIssuerUrl = issuer;
    this.oidcProviderArn = oidc?.arn;
    this.primarySecurityGroupId = cluster.vpcConfig.clusterSecurityGroupId;
    this.secretsKmsKeyArn = secretsKey.keyArn;
  }
}
