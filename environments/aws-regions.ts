/**
 * The AWS regions an environment file may name, each with the names of its availability zones.
 * One table, read by the schema (`account.region`, `state.region`, `account.availabilityZones`).
 *
 * Sources, checked on 2026-12-02:
 * - regions: botocore 1.43.11 `botocore/data/endpoints.json`, partitions `aws`, `aws-cn` and
 *   `aws-us-gov` (the AWS SDKs' own list; `aws ec2 describe-regions --all-regions` agrees);
 * - zone names: moto 5.2.1 `moto/ec2/models/availability_zones_and_regions.py`, which mirrors what
 *   `aws ec2 describe-availability-zones` returns in a recent account, plus the two names AWS
 *   still hands to older accounts (`ap-northeast-1b`, `us-west-1c`; see "Availability Zones" in
 *   the AWS Regions and Availability Zones user guide: zone names map to zone IDs per account).
 *
 * A new region or zone is one line here, with its source; the isolated partitions (`us-iso-*`,
 * `eusc-*`) are left out until an environment needs one.
 */
export const AWS_REGION_ZONES: Readonly<Record<string, readonly string[]>> = {
  "af-south-1": ["a", "b", "c"],
  "ap-east-1": ["a", "b", "c"],
  "ap-east-2": ["a", "b", "c"],
  "ap-northeast-1": ["a", "b", "c", "d"],
  "ap-northeast-2": ["a", "b", "c", "d"],
  "ap-northeast-3": ["a", "b", "c"],
  "ap-south-1": ["a", "b", "c"],
  "ap-south-2": ["a", "b", "c"],
  "ap-southeast-1": ["a", "b", "c"],
  "ap-southeast-2": ["a", "b", "c"],
  "ap-southeast-3": ["a", "b", "c"],
  "ap-southeast-4": ["a", "b", "c"],
  "ap-southeast-5": ["a", "b", "c"],
  "ap-southeast-6": ["a", "b", "c"],
  "ap-southeast-7": ["a", "b", "c"],
  "ca-central-1": ["a", "b", "d"],
  "ca-west-1": ["a", "b", "c"],
  "cn-north-1": ["a", "b"],
  "cn-northwest-1": ["a", "b", "c"],
  "eu-central-1": ["a", "b", "c"],
  "eu-central-2": ["a", "b", "c"],
  "eu-north-1": ["a", "b", "c"],
  "eu-south-1": ["a", "b", "c"],
  "eu-south-2": ["a", "b", "c"],
  "eu-west-1": ["a", "b", "c"],
  "eu-west-2": ["a", "b", "c"],
  "eu-west-3": ["a", "b", "c"],
  "il-central-1": ["a", "b", "c"],
  "me-central-1": ["a", "b", "c"],
  "me-south-1": ["a", "b", "c"],
  "mx-central-1": ["a", "b", "c"],
  "sa-east-1": ["a", "b", "c"],
  "us-east-1": ["a", "b", "c", "d", "e", "f"],
  "us-east-2": ["a", "b", "c"],
  "us-gov-east-1": ["a", "b", "c"],
  "us-gov-west-1": ["a", "b", "c"],
  "us-west-1": ["a", "b", "c"],
  "us-west-2": ["a", "b", "c", "d"],
};

/** True when `region` is in the table. */
export function isKnownRegion(region: string): boolean {
  return Object.hasOwn(AWS_REGION_ZONES, region);
}

/** The availability zone names of a known region (`eu-west-1a`, ...); empty for an unknown one. */
export function zonesOf(region: string): readonly string[] {
  return (isKnownRegion(region) ? (AWS_REGION_ZONES[region] ?? []) : []).map((letter) => `${region}${letter}`);
}
