import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { EphemeralRandomPassword } from "./ephemeral-random-password";

export interface GeneratedCredentialSecretProps {
  /** Name of the secret, e.g. `dev/grafana/admin` (the environment first: the CI guardrails' ABAC tag does the rest). */
  readonly name: string;
  readonly description: string;
  /** ARN of the customer-managed KMS key the secret is encrypted with (never the AWS managed key). */
  readonly kmsKeyArn: string;
  /** The user name stored next to the password (`username` in the secret's JSON). */
  readonly username: string;
  /**
   * Generation of the password: raising it makes the next apply write a new random password
   * (a new secret version); the value itself never reaches the plan or the state.
   * @default 1
   */
  readonly passwordVersion?: number;
  /**
   * Days a deleted secret can be restored, 7 to 30 (Secrets Manager's range).
   * @default 30 (Secrets Manager's default, and the deletion window of the environment's KMS keys)
   */
  readonly recoveryWindowInDays?: number;
  /**
   * Length of the generated password.
   * @default 32
   */
  readonly passwordLength?: number;
}

/** Secret names: letters, digits and /_+=.@- (Secrets Manager), at most 512 characters. */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

/**
 * A Secrets Manager secret holding `{"username": ..., "password": ...}`, encrypted with a
 * customer-managed KMS key, whose password no configuration, plan or state ever holds: Secrets
 * Manager generates it (`GetRandomPassword`, an ephemeral resource) and the provider writes it
 * through the write-only attribute `secret_string_wo` (Terraform 1.11+, AWS provider 5.90+). The
 * state keeps only `secret_string_wo_version`; raising `passwordVersion` rotates the password.
 *
 * The first version is Terraform's; later versions written by people (`put-secret-value`) are not
 * overwritten, since a write-only attribute is never read back or compared.
 */
export class GeneratedCredentialSecret extends Construct {
  readonly secretArn: string;
  readonly secretName: string;
  readonly secret: SecretsmanagerSecret;

  constructor(scope: Construct, id: string, props: GeneratedCredentialSecretProps) {
    super(scope, id);
    const what = `Secret ${props.name}`;
    if (!SECRET_NAME.test(props.name)) throw new Error(`${what}: the name may hold only letters, digits and /_+=.@- (1 to 512)`);
    if (!Token.isUnresolved(props.kmsKeyArn) && !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/.test(props.kmsKeyArn)) {
      throw new Error(`${what}: kmsKeyArn "${props.kmsKeyArn}" is not a KMS key ARN (key/<id>)`);
    }
    const recoveryWindowInDays = props.recoveryWindowInDays ?? 30;
    if (!Number.isInteger(recoveryWindowInDays) || recoveryWindowInDays < 7 || recoveryWindowInDays > 30) {
      throw new Error(`${what}: recovery window ${recoveryWindowInDays} must be 7 to 30 days`);
    }
    const passwordVersion = props.passwordVersion ?? 1;
    if (!Number.isInteger(passwordVersion) || passwordVersion < 1) {
      throw new Error(`${what}: passwordVersion ${passwordVersion} must be a positive integer`);
    }
    if (props.username.trim() === "") throw new Error(`${what}: the username must not be empty`);

    this.secret = new SecretsmanagerSecret(this, "secret", {
      name: props.name,
      description: props.description,
      kmsKeyId: props.kmsKeyArn,
      recoveryWindowInDays,
    });
    const password = new EphemeralRandomPassword(this, "password", { length: props.passwordLength ?? 32 });
    new SecretsmanagerSecretVersion(this, "version", {
      secretId: this.secret.id,
      secretStringWo: Fn.jsonencode({ username: props.username, password: password.value }),
      secretStringWoVersion: passwordVersion,
    });
    this.secretArn = this.secret.arn;
    this.secretName = props.name;
  }
}
