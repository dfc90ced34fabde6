import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { Token } from "cdktf";
import { REGION, allow, expectMatch } from "../core/iam-statements";

/** A PostgreSQL role name that IAM can name exactly: no pattern characters, nothing to quote. */
const DATABASE_USER = /^[a-z_][a-z0-9_]{0,62}$/;
/** `cluster-` and 26 upper-case letters and digits, as RDS gives a cluster's resource id. */
const CLUSTER_RESOURCE_ID = /^cluster-[A-Z0-9]{26}$/;

/**
 * IAM database authentication to one Aurora cluster as exactly one database user:
 * `rds-db:connect` on `arn:<partition>:rds-db:<region>:<account>:dbuser:<cluster resource id>/<user>`.
 * No wildcard: the role cannot sign a token for any other user (the master user included).
 */
export function databaseConnectStatements(params: {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  /** The cluster's resource id (`cluster-...`, the `cluster_resource_id` attribute), not its name. */
  readonly clusterResourceId: string;
  readonly userName: string;
}): DataAwsIamPolicyDocumentStatement[] {
  const context = "database connect policy";
  expectMatch(params.region, REGION, `${context}: "${params.region}" is not an AWS region (e.g. eu-west-1)`);
  if (!/^\d{12}$/.test(params.accountId)) throw new Error(`${context}: "${params.accountId}" is not an account id`);
  if (!Token.isUnresolved(params.userName) && !DATABASE_USER.test(params.userName)) {
    throw new Error(
      `${context}: user "${params.userName}" must be one lowercase PostgreSQL role name (letters, digits, _), never a pattern`,
    );
  }
  expectMatch(
    params.clusterResourceId,
    CLUSTER_RESOURCE_ID,
    `${context}: "${params.clusterResourceId}" is not a cluster resource id (cluster-...)`,
  );
  return [
    allow({
      sid: "ConnectAsTheAppUser",
      actions: ["rds-db:connect"],
      resources: [
        `arn:${params.partition}:rds-db:${params.region}:${params.accountId}:dbuser:${params.clusterResourceId}/${params.userName}`,
      ],
    }),
  ];
}
