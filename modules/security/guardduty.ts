import { GuarddutyDetector } from "@cdktf/provider-aws/lib/guardduty-detector";
import { GuarddutyDetectorFeature } from "@cdktf/provider-aws/lib/guardduty-detector-feature";
import type { Construct } from "constructs";

/**
 * GuardDuty protection plans switched on, as `aws_guardduty_detector_feature` names them (the
 * detector's `datasources` block is deprecated). Runtime monitoring lets GuardDuty manage its EKS
 * add-on; RUNTIME_MONITORING supersedes EKS_RUNTIME_MONITORING, and the two cannot both be on.
 */
const GUARDDUTY_FEATURES: readonly { readonly name: string; readonly additionalConfiguration?: readonly string[] }[] = [
  { name: "EKS_AUDIT_LOGS" },
  { name: "RUNTIME_MONITORING", additionalConfiguration: ["EKS_ADDON_MANAGEMENT"] },
  { name: "S3_DATA_EVENTS" },
  { name: "EBS_MALWARE_PROTECTION" },
  { name: "RDS_LOGIN_EVENTS" },
];

/**
 * Adds the account's GuardDuty detector, findings published every 15 minutes, with every plan of
 * GUARDDUTY_FEATURES on. The resources are created in `scope` itself (the account baseline), so
 * their Terraform addresses are the baseline's.
 * @returns the detector id
 */
export function addGuardDuty(scope: Construct): string {
  const detector = new GuarddutyDetector(scope, "guardduty", {
    enable: true,
    findingPublishingFrequency: "FIFTEEN_MINUTES",
  });
  for (const feature of GUARDDUTY_FEATURES) {
    new GuarddutyDetectorFeature(scope, `guardduty-${feature.name.toLowerCase().replace(/_/g, "-")}`, {
      detectorId: detector.id,
      name: feature.name,
      status: "ENABLED",
      ...(feature.additionalConfiguration === undefined
        ? {}
        : { additionalConfiguration: feature.additionalConfiguration.map((extra) => ({ name: extra, status: "ENABLED" })) }),
    });
  }
  return detector.id;
}
