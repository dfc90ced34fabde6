import { describe, expect, it } from "vitest";
import type { TerraformJson } from "../support/synthesized";
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
    const violations = rule("log-group-encrypted-with-retention").check(resources({ aws_cloudwatch_log_group: { g: { name: "x" } } }), NON_PRODUCTION);
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
    expect(rule("no-internet-ingress-except-web").check(doc, NON_PRODUCTION).map((v) => v.address)).toEqual([
      "aws_vpc_security_group_ingress_rule.bad",
      "aws_security_group.inline",
    ]);
  });

  it("no-ssh: port 22 inside a range, even from a private CIDR", () => {
    const doc = resources({ aws_security_group_rule: { r: { type: "ingress", protocol: "tcp", from_port: 20, to_port: 30, cidr_blocks: ["10.0.0.0/8"] } } });
    expect(rule("no-ssh").check(doc, NON_PRODUCTION).map((v) => v.address)).toEqual(["aws_security_group_rule.r"]);
  });

  it("iam-no-allow-star-on-star: in a policy document and in literal JSON", () => {
    const doc: TerraformJson = {
      data: { aws_iam_policy_document: { d: { statement: [{ actions: ["*"], resources: ["*"] }, { actions: ["s3:GetObject"], resources: ["*"] }] } } },
      resource: { aws_iam_policy: { p: { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }) } } },
    };
    expect(rule("iam-no-allow-star-on-star").check(doc, NON_PRODUCTION).map((v) => v.address)).toEqual(["data.aws_iam_policy_document.d", "aws_iam_policy.p"]);
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
    expect(rule("subnets-assign-no-public-ip").check(resources({ aws_subnet: { s: { map_public_ip_on_launch: true } } }), NON_PRODUCTION)).toHaveLength(1);
  });

  it("vpc-flow-logs: a VPC nobody logs", () => {
    const doc = resources({ aws_vpc: { a: {}, b: {} }, aws_flow_log: { f: { vpc_id: "${aws_vpc.a.id}" } } });
    expect(rule("vpc-flow-logs").check(doc, NON_PRODUCTION).map((v) => v.address)).toEqual(["aws_vpc.b"]);
  });

  it("default-security-group-closed: a default group with rules, or none taken over", () => {
    expect(rule("default-security-group-closed").check(resources({ aws_default_security_group: { d: { ingress: [{}], egress: [] } } }), NON_PRODUCTION)).toHaveLength(1);
    expect(rule("default-security-group-closed").check(resources({ aws_vpc: { v: {} } }), NON_PRODUCTION)).toHaveLength(1);
  });

  it("ecr-hardened: mutable, unscanned, AES256", () => {
    const doc = resources({ aws_ecr_repository: { r: { image_tag_mutability: "MUTABLE", encryption_configuration: [{ encryption_type: "AES256" }] } } });
    expect(rule("ecr-hardened").check(doc, NON_PRODUCTION).map((v) => v.message)).toEqual(["mutable image tags", "no scan on push", "not KMS-encrypted"]);
  });

  it("imdsv2-required: a launch template with optional tokens", () => {
    const doc = resources({ aws_launch_template: { lt: { metadata_options: { http_tokens: "optional" } }, ok: { metadata_options: { http_tokens: "required" } } } });
    expect(rule("imdsv2-required").check(doc, NON_PRODUCTION).map((v) => v.address)).toEqual(["aws_launch_template.lt"]);
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
    expect(rule("ebs-encrypted").check(doc, NON_PRODUCTION).map((v) => v.address)).toEqual(["aws_launch_template.lt"]);
  });

  it("data-stores-encrypted: an unencrypted database, a plaintext cache, a cluster without secrets encryption", () => {
    const doc = resources({
      aws_rds_cluster: { db: { storage_encrypted: false } },
      aws_elasticache_replication_group: { cache: { at_rest_encryption_enabled: "true", kms_key_id: "k", transit_encryption_enabled: false } },
      aws_eks_cluster: { eks: {} },
    });
    expect(rule("data-stores-encrypted").check(doc, NON_PRODUCTION).map((v) => v.address)).toEqual([
      "aws_rds_cluster.db",
      "aws_elasticache_replication_group.cache",
      "aws_eks_cluster.eks",
    ]);
  });

  it("data-stores-not-reachable-from-cidrs: a CIDR rule on the database's group, not on another group", () => {
    const doc = resources({
      aws_rds_cluster: { db: { vpc_security_group_ids: ["${aws_security_group.db.id}"] } },
      aws_vpc_security_group_ingress_rule: {
        bad: { security_group_id: "${aws_security_group.db.id}", ip_protocol: "tcp", from_port: 5432, to_port: 5432, cidr_ipv4: "10.0.0.0/16" },
        elsewhere: { security_group_id: "${aws_security_group.web.id}", ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "10.0.0.0/16" },
      },
    });
    expect(rule("data-stores-not-reachable-from-cidrs").check(doc, NON_PRODUCTION).map((v) => v.address)).toEqual(["aws_vpc_security_group_ingress_rule.bad"]);
  });

  it("eks-endpoint-private: a public endpoint open to the internet and no private endpoint", () => {
    const doc = resources({ aws_eks_cluster: { c: { vpc_config: { endpoint_private_access: false, endpoint_public_access: true, public_access_cidrs: ["0.0.0.0/0"] } } } });
    expect(rule("eks-endpoint-private").check(doc, NON_PRODUCTION).map((v) => v.message)).toEqual(["private endpoint off", "public endpoint open to the internet"]);
  });

  it("no-plaintext-secrets: a master password in the configuration", () => {
    expect(rule("no-plaintext-secrets").check(resources({ aws_rds_cluster: { db: { master_password: "hunter2" } } }), NON_PRODUCTION)).toEqual([
      { address: "aws_rds_cluster.db", message: "sets master_password" },
    ]);
  });

  it("production-data-protected: applies in production only", () => {
    const doc = resources({ aws_rds_cluster: { db: { deletion_protection: false, skip_final_snapshot: true } } });
    expect(rule("production-data-protected").check(doc, { production: true })).toHaveLength(1);
    expect(rule("production-data-protected").check(doc, NON_PRODUCTION)).toHaveLength(0);
  });
});

