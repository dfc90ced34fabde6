import { tmpdir } from "node:os";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { App, TerraformResource, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { GITHUB_OIDC_URL } from "../../modules/ci/github-ci-identity";
import type { AwsTarget } from "../../modules/core/aws-target";
import { alertTopicName } from "../../modules/observability/alert-topic";
import { AccountBaseline } from "../../modules/security/account-baseline";

/** What the account's singletons are named after and where they live. */
export interface AccountSingletonsProps {
  /**
   * Prefix of their names: the environment that owns the account's singletons (`dev`: trail
   * `dev-audit`, bucket `dev-audit-logs-<account>`, key alias `dev/audit`). The names they had
   * when that environment's network stack created them, so existing ones are imported, not renamed.
   */
  readonly name: string;
  readonly target: AwsTarget;
}

/** The account's singletons, as {@link addAccountSingletons} returns them. */
export interface AccountSingletons {
  readonly githubOidcProvider: IamOpenidConnectProvider;
  readonly baseline: AccountBaseline;
}

/**
 * Construct ids of the singletons under their stack. They are the ids they had in
 * `network-<owner env>`, so their Terraform addresses are the same in both stacks: the old stack's
 * `removed` blocks and the new stack's `import` blocks name the same addresses.
 */
const CI_SCOPE = "ci";
const OIDC_ID = "github-oidc";
const BASELINE_ID = "account-baseline";

/**
 * Adds what exists once per AWS account to `stack`: the GitHub Actions OIDC provider and the
 * security baseline (GuardDuty, CloudTrail, AWS Config, IAM password policy, the account's S3
 * public access block, IAM Access Analyzer and the rules sending findings to the owner's alert topic). Used by the account stack only; {@link accountSingletonAddresses} builds it
 * in a scratch stack to name the addresses the owner's network stack hands over.
 */
export function addAccountSingletons(stack: TerraformStack, props: AccountSingletonsProps): AccountSingletons {
  const githubOidcProvider = new IamOpenidConnectProvider(new Construct(stack, CI_SCOPE), OIDC_ID, {
    url: GITHUB_OIDC_URL,
    clientIdList: ["sts.amazonaws.com"],
    tags: { Name: "github-actions" },
  });
  // prevent_destroy on the audit bucket in every account: the account layer is never torn down
  // with an environment, and the audit trail outlives all of them.
  // Security findings go to the owner's alert topic, named, not referenced: network-<owner> creates
  // it after the account layer (EventBridge accepts a target before its topic exists).
  const { accountId, region, partition } = props.target;
  const baseline = new AccountBaseline(stack, BASELINE_ID, {
    name: props.name,
    target: props.target,
    protectFromDestroy: true,
    alertsTopicArn: `arn:${partition}:sns:${region}:${accountId}:${alertTopicName(props.name)}`,
  });
  return { githubOidcProvider, baseline };
}

/** Every managed resource of a scope, depth first. */
export function managedResourcesOf(scope: Construct): TerraformResource[] {
  return scope.node.findAll().filter((construct): construct is TerraformResource => TerraformResource.isTerraformResource(construct));
}

/**
 * The Terraform addresses (`type.name`) of the account singletons of `props`, the same in the
 * account stack and in the network stack that created them before the account layer existed.
 */
export function accountSingletonAddresses(props: AccountSingletonsProps): string[] {
  // Never synthesized: the app's outdir (which App creates) is the system's temporary folder.
  const scratch = new TerraformStack(new App({ outdir: tmpdir(), skipValidation: true }), "scratch");
  addAccountSingletons(scratch, props);
  return managedResourcesOf(scratch).map((resource) => `${resource.terraformResourceType}.${resource.friendlyUniqueId}`);
}
