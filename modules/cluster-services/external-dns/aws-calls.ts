import type { ServiceAwsCalls } from "../../core/aws-calls";

/** What external-dns calls with its role: records of the environment's hosted zone. */
export const EXTERNAL_DNS_AWS_CALLS: ServiceAwsCalls = {
  service: "external-dns",
  roleName: "external-dns",
  calls: [
    { action: "route53:ListHostedZones", resource: "*", why: "find the zone" },
    {
      action: "route53:ListResourceRecordSets",
      resource: "arn:${Partition}:route53:::hostedzone/${HostedZoneId}",
      why: "read the records it owns",
    },
    {
      action: "route53:ChangeResourceRecordSets",
      resource: "arn:${Partition}:route53:::hostedzone/${HostedZoneId}",
      why: "write the records of routes",
    },
    {
      action: "route53:ListTagsForResources",
      resource: "arn:${Partition}:route53:::hostedzone/${HostedZoneId}",
      why: "zone filter by tags (v0.16+)",
    },
  ],
};
