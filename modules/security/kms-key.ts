import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
  type DataAwsIamPolicyDocumentStatementCondition,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey as AwsKmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import type { AwsTarget } from "../core/aws-target";

/** What a service that encrypts with a key may do with it (no key management): the key policies' service grants. */
export const KMS_SERVICE_USE_ACTIONS = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:DescribeKey",
] as const;

/** An AWS service allowed to use the key on the account's behalf. */
export interface KmsServiceGrant {
  /** Service principal, e.g. `logs.eu-west-1.amazonaws.com`. */
  readonly principal: string;
  /** Conditions narrowing the grant, e.g. the encryption context of this account's log groups. */
  readonly conditions?: readonly DataAwsIamPolicyDocumentStatementCondition[];
}

export interface KmsKeyProps {
  readonly target: AwsTarget;
  /** Alias without the `alias/` prefix, e.g. `dev/network-logs`. */
  readonly alias: string;
  readonly description: string;
  /**
   * Services that may encrypt and decrypt with the key.
   * @default none: only IAM principals of the account that are granted it by their own policies
   */
  readonly services?: readonly KmsServiceGrant[];
  /**
   * Deny statements added to the key policy (e.g. no CI role may change or delete the key).
   * @default none
   */
  readonly denyStatements?: readonly DataAwsIamPolicyDocumentStatement[];
  /**
   * Days a scheduled deletion waits, 7 to 30.
   * @default 30
   */
  readonly deletionWindowInDays?: number;
}

/**
 * A customer-managed symmetric KMS key with yearly rotation, an alias, and a key policy that
 * delegates to the account's IAM plus the named AWS services.
 */
export class KmsKey extends Construct {
  readonly keyArn: string;
  readonly keyId: string;
  readonly aliasName: string;

  constructor(scope: Construct, id: string, props: KmsKeyProps) {
    super(scope, id);
    const deletionWindowInDays = props.deletionWindowInDays ?? 30;
    if (deletionWindowInDays < 7 || deletionWindowInDays > 30) {
      throw new Error(`KMS key ${props.alias}: deletion window ${deletionWindowInDays} must be 7 to 30 days`);
    }
    const { accountId, partition } = props.target;

    const policy = new DataAwsIamPolicyDocument(this, "policy", {
      statement: [
        {
          sid: "AccountIamDelegation",
          principals: [{ type: "AWS", identifiers: [`arn:${partition}:iam::${accountId}:root`] }],
          actions: ["kms:*"],
          resources: ["*"],
        },
        ...(props.services ?? []).map((service, index) => ({
          sid: `ServiceUse${index}`,
          principals: [{ type: "Service", identifiers: [service.principal] }],
          actions: [...KMS_SERVICE_USE_ACTIONS],
          resources: ["*"],
          condition: [...(service.conditions ?? [])],
        })),
        ...(props.denyStatements ?? []).map((statement) => {
          if (statement.effect !== "Deny")
            throw new Error(`KMS key ${props.alias}: denyStatements holds an Allow (${statement.sid ?? "no sid"})`);
          return statement;
        }),
      ],
    });

    const key = new AwsKmsKey(this, "key", {
      description: props.description,
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays,
      policy: policy.json,
    });
    const alias = new KmsAlias(this, "alias", { name: `alias/${props.alias}`, targetKeyId: key.keyId });
    this.keyArn = key.arn;
    this.keyId = key.keyId;
    this.aliasName = alias.name;
  }
}
