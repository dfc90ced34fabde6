/**
 * The retention periods CloudWatch Logs accepts, in days (PutRetentionPolicy's `retentionInDays`,
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html).
 * The environment schema and every module that creates a log group check against this one list.
 */
export const CLOUDWATCH_LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Whether CloudWatch Logs accepts `days` as a retention period. */
export function isCloudWatchLogRetention(days: number): boolean {
  return (CLOUDWATCH_LOG_RETENTION_DAYS as readonly number[]).includes(days);
}
