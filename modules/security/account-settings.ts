import { IamAccountPasswordPolicy } from "@cdktf/provider-aws/lib/iam-account-password-policy";
import { S3AccountPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-account-public-access-block";
import type { Construct } from "constructs";

/** The IAM password policy for the account's IAM users (CIS 1.8, 1.9; FSBP IAM.7). */
export interface PasswordPolicySettings {
  /**
   * Minimum number of characters, 6 to 128.
   * @default 14
   */
  readonly minimumLength?: number;
  /**
   * Require at least one lowercase letter.
   * @default true
   */
  readonly requireLowercase?: boolean;
  /**
   * Require at least one uppercase letter.
   * @default true
   */
  readonly requireUppercase?: boolean;
  /**
   * Require at least one digit.
   * @default true
   */
  readonly requireNumbers?: boolean;
  /**
   * Require at least one non-alphanumeric character.
   * @default true
   */
  readonly requireSymbols?: boolean;
  /**
   * Days a password is valid, 1 to 1095.
   * @default 90
   */
  readonly maxAgeDays?: number;
  /**
   * Number of previous passwords that cannot be reused, 1 to 24.
   * @default 24
   */
  readonly reusePrevention?: number;
  /**
   * Users may change their own password.
   * @default true
   */
  readonly allowUsersToChange?: boolean;
  /**
   * An expired password can only be reset by an administrator.
   * @default false
   */
  readonly hardExpiry?: boolean;
}

/**
 * Adds the account-wide IAM and S3 settings to `scope` (the account baseline, whose addresses they
 * keep): the IAM password policy and the account's S3 public access block.
 */
export function addAccountSettings(scope: Construct, accountId: string, password: Required<PasswordPolicySettings>): void {
  new IamAccountPasswordPolicy(scope, "password-policy", {
    minimumPasswordLength: password.minimumLength,
    requireLowercaseCharacters: password.requireLowercase,
    requireUppercaseCharacters: password.requireUppercase,
    requireNumbers: password.requireNumbers,
    requireSymbols: password.requireSymbols,
    maxPasswordAge: password.maxAgeDays,
    passwordReusePrevention: password.reusePrevention,
    allowUsersToChangePassword: password.allowUsersToChange,
    hardExpiry: password.hardExpiry,
  });
  new S3AccountPublicAccessBlock(scope, "s3-account-public-access-block", {
    accountId,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
}

/** The password policy with defaults filled in, refused when AWS would refuse it. */
export function resolvePasswordPolicy(name: string, settings: PasswordPolicySettings): Required<PasswordPolicySettings> {
  const resolved: Required<PasswordPolicySettings> = {
    minimumLength: settings.minimumLength ?? 14,
    requireLowercase: settings.requireLowercase ?? true,
    requireUppercase: settings.requireUppercase ?? true,
    requireNumbers: settings.requireNumbers ?? true,
    requireSymbols: settings.requireSymbols ?? true,
    maxAgeDays: settings.maxAgeDays ?? 90,
    reusePrevention: settings.reusePrevention ?? 24,
    allowUsersToChange: settings.allowUsersToChange ?? true,
    hardExpiry: settings.hardExpiry ?? false,
  };
  const ranges: readonly [keyof PasswordPolicySettings, number, number][] = [
    ["minimumLength", 6, 128],
    ["maxAgeDays", 1, 1095],
    ["reusePrevention", 1, 24],
  ];
  for (const [field, min, max] of ranges) {
    const value = resolved[field] as number;
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`Account baseline ${name}: passwordPolicy.${field} must be a whole number from ${min} to ${max}, got ${value}`);
    }
  }
  return resolved;
}
