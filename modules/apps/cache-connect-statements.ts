import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { allow, concatList, expectList, expectMatch, regionalArn } from "../core/iam-statements";

const REPLICATION_GROUP_ARN = regionalArn("elasticache", "replicationgroup:[a-z][a-z0-9-]{0,39}");
const CACHE_USER_ARN = regionalArn("elasticache", "user:[A-Za-z][A-Za-z0-9-]{0,39}");

/** IAM authentication to one ElastiCache replication group as these users (both are checked by elasticache:Connect). */
export function cacheConnectStatements(params: {
  replicationGroupArn: string;
  userArns: readonly string[];
}): DataAwsIamPolicyDocumentStatement[] {
  const context = "cache connect policy";
  expectMatch(
    params.replicationGroupArn,
    REPLICATION_GROUP_ARN,
    `${context}: "${params.replicationGroupArn}" is not an ElastiCache replication group ARN (arn:<partition>:elasticache:<region>:<account>:replicationgroup:<id>)`,
  );
  expectList(params.userArns, context, "user ARN", (arn) =>
    expectMatch(
      arn,
      CACHE_USER_ARN,
      `${context}: "${arn}" is not an ElastiCache user ARN (arn:<partition>:elasticache:<region>:<account>:user:<id>)`,
    ),
  );
  return [
    allow({
      sid: "ConnectToCache",
      actions: ["elasticache:Connect"],
      resources: concatList([params.replicationGroupArn], params.userArns),
    }),
  ];
}
