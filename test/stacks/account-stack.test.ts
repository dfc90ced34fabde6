import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import { ConfigConfigurationRecorder } from "@cdktf/provider-aws/lib/config-configuration-recorder";
import { GuarddutyDetector } from "@cdktf/provider-aws/lib/guardduty-detector";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AccountStack } from "../../stacks/account/account-stack";
import { environment } from "../support/fixtures";
import { resourcesOf, synthesizedStack, type TerraformJson } from "../support/synthesized";

/**
 * The account layer: one `account-<account id>` stack per AWS account (the bootstrap app builds
 * it) holds what exists once per account; the environments' network stacks hold none of it and
 * read the OIDC provider's ARN from its state.
 */

interface ImportBlock {
  readonly to: string;
  readonly id: string;
}
interface RemovedBlock {
  readonly from: string;
  readonly lifecycle: { readonly destroy: boolean };
}
type Doc = TerraformJson & { readonly import?: readonly ImportBlock[]; readonly removed?: readonly RemovedBlock[] };

const docOf = (name: string) => synthesizedStack(name).doc as Doc;
const withImports = () => {
  const stack = new AccountStack(Testing.app(), { owner: environment("dev"), importExisting: true });
  return { stack, doc: JSON.parse(Testing.synth(stack)) as Doc };
};
const managedAddresses = (doc: TerraformJson) =>
  Object.entries(doc.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`));

describe("account stack", () => {
  it.each([
    ["account-111111111111", "dev"],
    ["account-222222222222", "prod"],
  ])("GIVEN the environment files WHEN the bootstrap app builds %s THEN it holds the singletons named after %s", (name, owner) => {
    const json = synthesizedStack(name).json;
    expect(json).toHaveResourceWithProperties(IamOpenidConnectProvider, {
      url: "https://token.actions.githubusercontent.com",
      client_id_list: ["sts.amazonaws.com"],
    });
    expect(json).toHaveResource(GuarddutyDetector);
    expect(json).toHaveResourceWithProperties(Cloudtrail, { name: `${owner}-audit` });
    expect(json).toHaveResource(ConfigConfigurationRecorder);
    expect(json).toHaveResourceWithProperties(S3Bucket, { bucket: `${owner}-audit-logs-${name.slice("account-".length)}` });
  });

  it.each(["account-111111111111", "account-222222222222"])(
    "GIVEN %s WHEN synthesized THEN its audit bucket refuses destroy in every account, development's too",
    (name) => {
      const bucket = Object.values(resourcesOf(docOf(name), "aws_s3_bucket"))[0];
      expect(bucket?.["lifecycle"]).toEqual({ prevent_destroy: true });
    },
  );

  it("GIVEN the non-production account WHEN synthesized THEN its state is account/<id>.tfstate in the account's state bucket, encrypted and locked", () => {
    expect(docOf("account-111111111111").terraform?.["backend"]).toEqual({
      s3: {
        bucket: "acme-nonprod-terraform-state",
        key: "account/111111111111.tfstate",
        kms_key_id: "alias/terraform-state/acme-nonprod-terraform-state",
        region: "eu-west-1",
        encrypt: true,
        use_lockfile: true,
      },
    });
  });

  it("GIVEN the account stack WHEN synthesized THEN it publishes the OIDC provider's ARN as github_oidc_provider_arn", () => {
    expect(Object.keys(docOf("account-111111111111").output ?? {})).toEqual(
      expect.arrayContaining(["github_oidc_provider_arn", "guardduty_detector_id", "audit_trail_arn", "audit_bucket_name"]),
    );
  });

  it("GIVEN no import asked for WHEN synthesized THEN the account stack has no import block (a new account has nothing to adopt)", () => {
    expect(docOf("account-111111111111").import).toBeUndefined();
  });
});

describe("account stack with importExisting (the migration from network-<owner>)", () => {
  it("GIVEN importExisting WHEN synthesized THEN every singleton but GuardDuty's five detector features has an import block", () => {
    const { doc } = withImports();
    const imported = (doc.import ?? []).map((block) => block.to);
    const notImported = managedAddresses(doc).filter((address) => !imported.includes(address));
    expect(notImported.sort()).toEqual([
      "aws_guardduty_detector_feature.account-baseline_guardduty-ebs-malware-protection_E64D1F55",
      "aws_guardduty_detector_feature.account-baseline_guardduty-eks-audit-logs_32E22D9E",
      "aws_guardduty_detector_feature.account-baseline_guardduty-rds-login-events_83207294",
      "aws_guardduty_detector_feature.account-baseline_guardduty-runtime-monitoring_0A605F12",
      "aws_guardduty_detector_feature.account-baseline_guardduty-s3-data-events_AFBE0EE9",
    ]);
    // 24 baseline and OIDC singletons, the access analyzer, three finding rules and their three targets.
    expect(imported).toHaveLength(31);
  });

  it.each([
    [
      "aws_iam_openid_connect_provider.ci_github-oidc_1184DECD",
      "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com",
    ],
    ["aws_s3_bucket.account-baseline_audit-bucket_private-bucket_8FC5DD5E", "dev-audit-logs-111111111111"],
    ["aws_cloudtrail.account-baseline_trail_9DE33CF2", "arn:aws:cloudtrail:eu-west-1:111111111111:trail/dev-audit"],
    ["aws_iam_role_policy.account-baseline_config-delivery-policy_21EBA9D1", "dev-config-recorder:deliver-to-audit-bucket"],
    [
      "aws_iam_role_policy_attachment.account-baseline_config-managed-policy_4A127ED5",
      "dev-config-recorder/arn:aws:iam::aws:policy/service-role/AWS_ConfigRole",
    ],
    ["aws_config_retention_configuration.account-baseline_config-retention_0A1CCCAF", "default"],
    ["aws_s3_account_public_access_block.account-baseline_s3-account-public-access-block_D8CE1E6D", "111111111111"],
    ["aws_kms_key.account-baseline_key_3429315E", "${data.aws_kms_alias.import-audit-key-alias.target_key_id}"],
    ["aws_guardduty_detector.account-baseline_guardduty_74E24D54", "${data.aws_guardduty_detector.import-guardduty-detector.id}"],
  ])("GIVEN importExisting WHEN synthesized THEN %s is imported from %s", (to, id) => {
    expect(withImports().doc.import).toContainEqual({ to, id });
  });

  it("GIVEN importExisting WHEN synthesized THEN the ids AWS chose are looked up: the key by its alias alias/dev/audit", () => {
    const alias = Object.values(withImports().doc.data?.["aws_kms_alias"] ?? {})[0];
    expect(alias?.["name"]).toBe("alias/dev/audit");
  });
});

describe("network stacks after the account layer", () => {
  it.each(["network-dev", "network-staging", "network-prod"])("GIVEN %s WHEN synthesized THEN it holds no account singleton", (name) => {
    const types = Object.keys(docOf(name).resource ?? {});
    for (const singleton of [
      "aws_iam_openid_connect_provider",
      "aws_guardduty_detector",
      "aws_cloudtrail",
      "aws_config_configuration_recorder",
      "aws_iam_account_password_policy",
      "aws_s3_account_public_access_block",
    ]) {
      expect(types).not.toContain(singleton);
    }
  });

  it.each([
    ["network-dev", "111111111111"],
    ["network-prod", "222222222222"],
  ])(
    "GIVEN %s, which created its account's singletons, WHEN synthesized THEN it forgets every one without destroying it",
    (name, account) => {
      const removed = docOf(name).removed ?? [];
      expect(removed.every((block) => block.lifecycle.destroy === false)).toBe(true);
      expect(removed.map((block) => block.from)).toEqual(
        expect.arrayContaining([
          "aws_iam_openid_connect_provider.ci_github-oidc_1184DECD",
          "aws_s3_bucket.account-baseline_audit-bucket_private-bucket_8FC5DD5E",
          "aws_kms_key.account-baseline_key_3429315E",
          "aws_guardduty_detector.account-baseline_guardduty_74E24D54",
          "aws_cloudtrail.account-baseline_trail_9DE33CF2",
        ]),
      );
      // Exactly what the account stack now holds, address for address.
      expect(removed.map((block) => block.from).sort()).toEqual(managedAddresses(docOf(`account-${account}`)).sort());
    },
  );

  it("GIVEN network-staging, which never held the singletons, WHEN synthesized THEN it has no removed block", () => {
    expect(docOf("network-staging").removed).toBeUndefined();
  });

  it.each([
    ["network-dev", "111111111111", "acme-nonprod-terraform-state"],
    ["network-staging", "111111111111", "acme-nonprod-terraform-state"],
    ["network-prod", "222222222222", "acme-prod-terraform-state"],
  ])("GIVEN %s WHEN synthesized THEN it reads the account layer's state account/%s.tfstate from %s", (name, account, bucket) => {
    const remote = docOf(name).data?.["terraform_remote_state"]?.["account-state"];
    expect(remote?.["backend"]).toBe("s3");
    expect(remote?.["config"]).toMatchObject({ bucket, key: `account/${account}.tfstate` });
  });

  it("GIVEN network-staging WHEN synthesized THEN its CI roles trust the OIDC provider the account layer publishes", () => {
    const documents = Object.values(docOf("network-staging").data?.["aws_iam_policy_document"] ?? {});
    const federated = documents
      .flatMap((document) => (document["statement"] as { principals?: { type: string; identifiers: string[] }[] }[] | undefined) ?? [])
      .flatMap((statement) => statement.principals ?? [])
      .filter((principal) => principal.type === "Federated")
      .flatMap((principal) => principal.identifiers);
    expect(federated).toEqual([
      "${data.terraform_remote_state.account-state.outputs.github_oidc_provider_arn}",
      "${data.terraform_remote_state.account-state.outputs.github_oidc_provider_arn}",
    ]);
  });
});
