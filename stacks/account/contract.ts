import { LayerContract } from "../contract";

/** What the account layer publishes; every environment of the account reads it through this. */
export const accountContract = new LayerContract("account", {
  githubOidcProviderArn: { kind: "string", description: "The account's GitHub Actions OIDC provider, which the CI roles trust" },
  guarddutyDetectorId: { kind: "string", description: "The account's GuardDuty detector in the region" },
  auditTrailArn: { kind: "string", description: "The account's multi-region CloudTrail" },
  auditBucketName: { kind: "string", description: "Bucket holding CloudTrail log files and AWS Config deliveries" },
});
