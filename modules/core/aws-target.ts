/** The account, region and partition a construct builds ARNs and service names for. */
export interface AwsTarget {
  /** 12-digit account id. */
  readonly accountId: string;
  /** Region, e.g. `eu-west-1`. */
  readonly region: string;
  /** ARN partition: `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: string;
}

/** The ARN partition of a region, so ARNs are literal in plans and tests. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}
