import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Fn } from "cdktf";
import { Construct } from "constructs";

/** A Kubernetes service account: the one identity an IRSA role trusts. */
export interface ServiceAccountRef {
  readonly namespace: string;
  readonly name: string;
}

export interface IrsaRoleProps {
  /** IAM role name. */
  readonly roleName: string;
  /** ARN of the cluster's IAM OIDC provider. */
  readonly oidcProviderArn: string;
  /** The cluster's OIDC issuer URL (`https://oidc.eks.<region>.amazonaws.com/id/...`). */
  readonly oidcIssuerUrl: string;
  /** The only service account that may assume the role. */
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
 * IAM roles for service accounts: a role that exactly one namespace/service account of one
 * cluster can assume (audience `sts.amazonaws.com`, subject `system:serviceaccount:<ns>:<name>`).
 */
export class IrsaRole extends Construct {
  readonly roleArn: string;
  readonly roleName: string;

  constructor(scope: Construct, id: string, props: IrsaRoleProps) {
    super(scope, id);
    const statements = props.statements ?? [];
    const managed = props.managedPolicyArns ?? [];
    if (statements.length === 0 && managed.length === 0) {
      throw new Error(`IRSA role ${props.roleName}: give it statements or managed policies; a role without permissions is a mistake`);
    }
    const issuer = Fn.replace(props.oidcIssuerUrl, "https://", "");
    const { namespace, name } = props.serviceAccount;

    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        {
          actions: ["sts:AssumeRoleWithWebIdentity"],
          principals: [{ type: "Federated", identifiers: [props.oidcProviderArn] }],
          condition: [
            { test: "StringEquals", variable: `${issuer}:aud`, values: ["sts.amazonaws.com"] },
            { test: "StringEquals", variable: `${issuer}:sub`, values: [`system:serviceaccount:${namespace}:${name}`] },
          ],
        },
      ],
    });
    const role = new IamRole(this, "role", {
      name: props.roleName,
      description: `IRSA for ${namespace}/${name}`,
      assumeRolePolicy: trust.json,
    });
    if (statements.length > 0) {
      const permissions = new DataAwsIamPolicyDocument(this, "permissions", { statement: [...statements] });
      new IamRolePolicy(this, "policy", { name: "permissions", role: role.id, policy: permissions.json });
    }
    for (const [index, policyArn] of managed.entries())
      new IamRolePolicyAttachment(this, `managed-${index}`, { role: role.name, policyArn });
    this.roleArn = role.arn;
    this.roleName = role.name;
  }
}
