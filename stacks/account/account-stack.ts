import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LocalBackend, S3Backend, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../../environments/schema";
import { partitionOf, type AwsTarget } from "../../modules/core/aws-target";
import { accountStateLocation, type StateLocation } from "../state-location";
import { addAccountSingletons } from "./account-singletons";
import { accountContract } from "./contract";
import { importAccountSingletons, type SingletonImports } from "./singleton-imports";

/** The stack of one account's account layer: `account-<account id>`. */
function accountStackName(accountId: string): string {
  return `account-${accountId}`;
}

export interface AccountStackProps {
  /** The environment that owns the account's singletons: names, region, state backend and tags come from it. */
  readonly owner: EnvironmentConfig;
  /**
   * Adopt the singletons `network-<owner>` created before the account layer existed: an `import`
   * block for each (docs/migrations/account-layer.md). Never on an account without them.
   * @default false
   */
  readonly importExisting?: boolean;
}

/**
 * `account-<account id>`: what exists once per AWS account (the GitHub Actions OIDC provider,
 * GuardDuty, CloudTrail, AWS Config, the password policy, the account's S3 public access block),
 * applied by an administrator before any environment of the account and never torn down with one.
 * Its state lives beside the environments' in the owner's state backend, key
 * `account/<account id>.tfstate`; it publishes {@link accountContract}.
 */
export class AccountStack extends TerraformStack {
  readonly layer = "account";
  readonly state: StateLocation;
  readonly target: AwsTarget;
  /** The singletons adopted with `import` blocks and those declared again; empty without importExisting. */
  readonly imports: SingletonImports;

  constructor(scope: Construct, props: AccountStackProps) {
    const owner = props.owner;
    super(scope, accountStackName(owner.account.id));
    const account = owner.account;
    this.target = { accountId: account.id, region: account.region, partition: partitionOf(account.region) };
    this.state = accountStateLocation(owner);
    if (this.state.backend === "s3") {
      const backend = new S3Backend(this, this.state.s3);
      // cdktf 0.21 has no typed field for S3-native locking (Terraform >= 1.10).
      backend.addOverride("use_lockfile", true);
    } else {
      new LocalBackend(this, { path: this.state.path });
    }
    new AwsProvider(this, "aws", {
      region: account.region,
      allowedAccountIds: [account.id],
      defaultTags: [
        {
          tags: {
            ...owner.tags.additional,
            layer: "account",
            "managed-by": "cdktf",
            owner: owner.tags.owner,
            "cost-center": owner.tags.costCenter,
          },
        },
      ],
    });

    const singletons = addAccountSingletons(this, { name: owner.name, target: this.target });
    this.imports =
      (props.importExisting ?? false)
        ? importAccountSingletons(this, { name: owner.name, target: this.target })
        : { imported: [], declaredAgain: [] };

    accountContract.publish(this, {
      githubOidcProviderArn: singletons.githubOidcProvider.arn,
      guarddutyDetectorId: singletons.baseline.detectorId,
      auditTrailArn: singletons.baseline.trailArn,
      auditBucketName: singletons.baseline.auditBucketName,
    });
  }
}

/** One AccountStack per account among `environments`, each built from the account's owner. */
export function addAccountStacks(scope: Construct, environments: readonly EnvironmentConfig[], importExisting = false): AccountStack[] {
  return environments
    .filter((environment) => environment.account.ownsAccountSingletons)
    .map((owner) => new AccountStack(scope, { owner, importExisting }));
}
