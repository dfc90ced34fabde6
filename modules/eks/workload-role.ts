import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { EksPodIdentityAssociation } from "@cdktf/provider-aws/lib/eks-pod-identity-association";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { type IdentityMode, usesIrsa, usesPodIdentity } from "../core/identity-modes";
import type { ServiceAccountRef } from "./service-account";

/** The service principal of EKS Pod Identity: the agent on each node assumes roles as it. */
const POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com";

/** The cluster a role is for, and how its workloads get roles. */
export interface WorkloadIdentityCluster {
  /** `podIdentity`, `both` or `irsa` (see IDENTITY_MODES). */
  readonly mode: IdentityMode;
  /** Name of the cluster (the associations' `cluster_name`). */
  readonly clusterName: string;
  /** ARN of the cluster: the only `aws:SourceArn` the Pod Identity trust admits. */
  readonly clusterArn: string;
  /** Account of the cluster: the only `aws:SourceAccount` the Pod Identity trust admits. */
  readonly accountId: string;
  /** ARN of the cluster's IAM OIDC provider; required unless the mode is `podIdentity`. */
  readonly oidcProviderArn?: string;
  /** The cluster's OIDC issuer URL; required unless the mode is `podIdentity`. */
  readonly oidcIssuerUrl?: string;
}

export interface WorkloadRoleProps {
  /** IAM role name. */
  readonly roleName: string;
  readonly cluster: WorkloadIdentityCluster;
  /** The only service account the role is for. */
  readonly serviceAccount: ServiceAccountRef;
  /**
   * Inline permissions.
   * @default none
   */
  readonly statements?: readonly DataAwsIamPolicyDocumentStatement[];
  /**
   * AWS-managed policies to attach, by ARN.
   * @default none
   */
  readonly managedPolicyArns?: readonly string[];
}

/**
 * The IAM role of one Kubernetes service account of one cluster. With EKS Pod Identity (the
 * default) the role trusts `pods.eks.amazonaws.com` (`sts:AssumeRole` and `sts:TagSession`, the
 * cluster's account and ARN as `aws:SourceAccount` / `aws:SourceArn`) and an
 * `aws_eks_pod_identity_association` binds it to the service account; with IRSA it trusts the
 * cluster's OIDC provider for exactly that service account (audience `sts.amazonaws.com`,
 * subject `system:serviceaccount:<ns>:<name>`); during a migration (`both`) it trusts both.
 *
 * Its children keep the ids of the former IrsaRole (`trust`, `role`, `policy`, `managed-<n>`), so
 * the roles of existing environments keep their Terraform addresses.
 */
export class WorkloadRole extends Construct {
  readonly roleArn: string;
  readonly roleName: string;
  /** The Pod Identity association, unless the mode is `irsa`. */
  readonly association?: EksPodIdentityAssociation;

  constructor(scope: Construct, id: string, props: WorkloadRoleProps) {
    super(scope, id);
    const statements = props.statements ?? [];
    const managed = props.managedPolicyArns ?? [];
    if (statements.length === 0 && managed.length === 0) {
      throw new Error(`Workload role ${props.roleName}: give it statements or managed policies; a role without permissions is a mistake`);
    }
    const { cluster } = props;
    const { namespace, name } = props.serviceAccount;
    const trustStatements: DataAwsIamPolicyDocumentStatement[] = [];
    if (usesPodIdentity(cluster.mode)) {
      trustStatements.push({
        sid: "EksPodIdentity",
        actions: ["sts:AssumeRole", "sts:TagSession"],
        principals: [{ type: "Service", identifiers: [POD_IDENTITY_PRINCIPAL] }],
        condition: [
          { test: "StringEquals", variable: "aws:SourceAccount", values: [cluster.accountId] },
          { test: "ArnEquals", variable: "aws:SourceArn", values: [cluster.clusterArn] },
        ],
      });
    }
    if (usesIrsa(cluster.mode)) {
      if (cluster.oidcProviderArn === undefined || cluster.oidcIssuerUrl === undefined) {
        throw new Error(`Workload role ${props.roleName}: identity mode ${cluster.mode} needs the cluster's OIDC provider and issuer`);
      }
      const issuer = Fn.replace(cluster.oidcIssuerUrl, "https://", "");
      trustStatements.push({
        sid: "Irsa",
        actions: ["sts:AssumeRoleWithWebIdentity"],
        principals: [{ type: "Federated", identifiers: [cluster.oidcProviderArn] }],
        condition: [
          { test: "StringEquals", variable: `${issuer}:aud`, values: ["sts.amazonaws.com"] },
          { test: "StringEquals", variable: `${issuer}:sub`, values: [`system:serviceaccount:${namespace}:${name}`] },
        ],
      });
    }

    const trust = new DataAwsIamPolicyDocument(this, "trust", { statement: trustStatements });
    const role = new IamRole(this, "role", {
      name: props.roleName,
      description: `Workload role of ${namespace}/${name}`,
      assumeRolePolicy: trust.json,
    });
    if (statements.length > 0) {
      const permissions = new DataAwsIamPolicyDocument(this, "permissions", { statement: [...statements] });
      new IamRolePolicy(this, "policy", { name: "permissions", role: role.id, policy: permissions.json });
    }
    for (const [index, policyArn] of managed.entries())
      new IamRolePolicyAttachment(this, `managed-${index}`, { role: role.name, policyArn });
    if (usesPodIdentity(cluster.mode)) {
      this.association = new EksPodIdentityAssociation(this, "pod-identity", {
        clusterName: cluster.clusterName,
        namespace,
        serviceAccount: name,
        roleArn: role.arn,
      });
    }
    this.roleArn = role.arn;
    this.roleName = role.name;
  }
}
