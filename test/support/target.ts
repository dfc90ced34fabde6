import type { AwsTarget } from "../../modules/core/aws-target";

/** An account and region for module tests (no environment file involved). */
export const TEST_TARGET: AwsTarget = { accountId: "123456789012", region: "eu-west-1", partition: "aws" };
