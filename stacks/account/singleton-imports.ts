import { DataAwsGuarddutyDetector } from "@cdktf/provider-aws/lib/data-aws-guardduty-detector";
import { DataAwsKmsAlias } from "@cdktf/provider-aws/lib/data-aws-kms-alias";
import type { TerraformStack } from "cdktf";
import { githubOidcProviderArn } from "../../modules/ci/github-ci-identity";
import { trailIdentity } from "../../modules/security/cloudtrail";
import { SECURITY_FINDING_SOURCES } from "../../modules/security/security-findings";
import { managedResourcesOf, type AccountSingletonsProps } from "./account-singletons";

/** What an import id may need besides the names: ids AWS chose, read at plan time. */
interface Lookups {
  /** The account's GuardDuty detector id (one detector per account and region). */
  readonly detectorId: () => string;
  /** The id of the key behind `alias/<name>/audit`. */
  readonly auditKeyId: () => string;
}

type ImportId = (props: AccountSingletonsProps, lookups: Lookups) => string;

/**
 * The import id of every account singleton, by its construct path under the stack, in the form
 * the AWS provider's importer takes for that resource type. A singleton without an entry here
 * fails {@link importAccountSingletons}, so a new one cannot be forgotten.
 */
const IMPORT_IDS: Readonly<Record<string, ImportId>> = {
  "ci/github-oidc": ({ target }) => githubOidcProviderArn(target),
  "account-baseline/key": (_props, lookups) => lookups.auditKeyId(),
  "account-baseline/key-alias": ({ name }) => `alias/${name}/audit`,
  "account-baseline/guardduty": (_props, lookups) => lookups.detectorId(),
  "account-baseline/audit-bucket/private-bucket/bucket": auditBucket,
  "account-baseline/audit-bucket/private-bucket/versioning": auditBucket,
  "account-baseline/audit-bucket/private-bucket/encryption": auditBucket,
  "account-baseline/audit-bucket/private-bucket/public-access-block": auditBucket,
  "account-baseline/audit-bucket/private-bucket/ownership": auditBucket,
  "account-baseline/audit-bucket/bucket-policy": auditBucket,
  "account-baseline/audit-bucket/lifecycle": auditBucket,
  "account-baseline/trail-log-group": ({ name, target }) => trailIdentity(name, target).logGroupName,
  "account-baseline/trail-logs-role": ({ name }) => `${name}-cloudtrail-logs`,
  "account-baseline/trail-logs-policy": ({ name }) => `${name}-cloudtrail-logs:write-trail-events`,
  "account-baseline/trail": ({ name, target }) => trailIdentity(name, target).trailArn,
  "account-baseline/config-role": ({ name }) => `${name}-config-recorder`,
  "account-baseline/config-managed-policy": ({ name, target }) =>
    `${name}-config-recorder/arn:${target.partition}:iam::aws:policy/service-role/AWS_ConfigRole`,
  "account-baseline/config-delivery-policy": ({ name }) => `${name}-config-recorder:deliver-to-audit-bucket`,
  "account-baseline/config-recorder": ({ name }) => `${name}-recorder`,
  "account-baseline/config-delivery-channel": ({ name }) => `${name}-delivery`,
  "account-baseline/config-recorder-status": ({ name }) => `${name}-recorder`,
  // AWS Config names the account's one retention configuration itself.
  "account-baseline/config-retention": () => "default",
  "account-baseline/password-policy": () => "iam-account-password-policy",
  "account-baseline/access-analyzer": ({ name }) => `${name}-external-access`,
  ...Object.fromEntries(
    SECURITY_FINDING_SOURCES.flatMap((source): [string, ImportId][] => [
      [`account-baseline/security-${source}-rule`, ({ name }) => `${name}-security-${source}`],
      [`account-baseline/security-${source}-target`, ({ name }) => `${name}-security-${source}/alerts`],
    ]),
  ),
  "account-baseline/s3-account-public-access-block": ({ target }) => target.accountId,
};

/**
 * GuardDuty's detector features: the provider (5.100) has no importer for
 * `aws_guardduty_detector_feature`. Declaring one calls UpdateDetector with the status it already
 * has, so the account stack creates them (in place, nothing deleted) instead of importing them.
 */
const NOT_IMPORTABLE = /^account-baseline\/guardduty-[a-z0-9-]+$/;

function auditBucket({ name, target }: AccountSingletonsProps): string {
  return `${name}-audit-logs-${target.accountId}`;
}

/** Which singletons an import covers and which are declared again, by address. */
export interface SingletonImports {
  readonly imported: readonly string[];
  readonly declaredAgain: readonly string[];
}

/**
 * Adds an `import` block for every account singleton of `stack` (built by addAccountSingletons),
 * so a first apply of the account stack adopts what `network-<owner>` created instead of creating
 * it again (which would fail on the names or, for GuardDuty and Config, on the account's one-only
 * limits). Only for the migration of an existing account: on an account without them, an import
 * fails ("Cannot import non-existent remote object").
 * @throws when a singleton has no import id (IMPORT_IDS must name every one).
 */
export function importAccountSingletons(stack: TerraformStack, props: AccountSingletonsProps): SingletonImports {
  let detector: DataAwsGuarddutyDetector | undefined;
  let alias: DataAwsKmsAlias | undefined;
  const lookups: Lookups = {
    detectorId: () => {
      detector = detector ?? new DataAwsGuarddutyDetector(stack, "import-guardduty-detector");
      return detector.id;
    },
    auditKeyId: () => {
      alias = alias ?? new DataAwsKmsAlias(stack, "import-audit-key-alias", { name: `alias/${props.name}/audit` });
      return alias.targetKeyId;
    },
  };
  const prefix = `${stack.node.path}/`;
  const imported: string[] = [];
  const declaredAgain: string[] = [];
  for (const resource of managedResourcesOf(stack)) {
    const path = resource.node.path.slice(prefix.length);
    const address = `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
    const id = IMPORT_IDS[path];
    if (id !== undefined) {
      resource.importFrom(id(props, lookups));
      imported.push(address);
    } else if (NOT_IMPORTABLE.test(path)) {
      declaredAgain.push(address);
    } else {
      throw new Error(`${stack.node.id}: account singleton ${path} (${resource.terraformResourceType}) has no import id in IMPORT_IDS`);
    }
  }
  return { imported, declaredAgain };
}
