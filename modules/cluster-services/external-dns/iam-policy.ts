import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { allow, expectMatch, expectPartition } from "../../core/iam-statements";

const HOSTED_ZONE_ID = /^Z[A-Z0-9]+$/;

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
