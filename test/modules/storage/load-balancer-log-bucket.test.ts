import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { LoadBalancerLogBucket, type LoadBalancerLogBucketProps } from "../../../modules/storage/load-balancer-log-bucket";
import { resourcesOf, type TerraformJson } from "../../support/synthesized";

const props: LoadBalancerLogBucketProps = {
  name: "prod-alb-access-logs-222222222222-eu-west-1",
  region: "eu-west-1",
  accountId: "222222222222",
  partition: "aws",
  prefix: "frontend",
  retentionDays: 90,
};
const synth = (overrides: Partial<LoadBalancerLogBucketProps> = {}) =>
  JSON.parse(Testing.synthScope((scope) => new LoadBalancerLogBucket(scope, "logs", { ...props, ...overrides }))) as TerraformJson;
interface Statement {
  sid?: string;
  effect?: string;
  principals?: { type: string; identifiers: string[] }[];
  actions?: string[];
  resources?: string[];
  condition?: { test: string; variable: string; values: string[] }[];
}
const statements = (doc: TerraformJson) =>
  doc.data?.["aws_iam_policy_document"] ? (Object.values(doc.data["aws_iam_policy_document"])[0]!["statement"] as Statement[]) : [];
const only = (doc: TerraformJson, type: string) => {
  const all = Object.values(resourcesOf(doc, type));
  expect(all).toHaveLength(1);
  return all[0]!;
};

describe("LoadBalancerLogBucket", () => {
  it("encrypts with SSE-S3 (ALB log delivery supports no KMS key), blocks public access, enforces bucket ownership and keeps versions", () => {
    const doc = synth();
    expect(JSON.stringify(only(doc, "aws_s3_bucket_server_side_encryption_configuration")["rule"])).toContain('"sse_algorithm":"AES256"');
    expect(only(doc, "aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(JSON.stringify(only(doc, "aws_s3_bucket_ownership_controls")["rule"])).toContain("BucketOwnerEnforced");
    expect(JSON.stringify(only(doc, "aws_s3_bucket_versioning")["versioning_configuration"])).toContain('"status":"Enabled"');
    expect(only(doc, "aws_s3_bucket")["force_destroy"]).toBe(false);
  });

  it("GIVEN eu-west-1 (opened before August 2022) THEN only its Elastic Load Balancing account may put objects, under <prefix>/AWSLogs/<account>/", () => {
    const allow = statements(synth()).filter((s) => s.effect === "Allow");
    expect(allow).toHaveLength(1);
    // The oracle: the ELB User Guide's table of log delivery accounts (eu-west-1: 156460612806).
    expect(allow[0]).toMatchObject({
      principals: [{ type: "AWS", identifiers: ["arn:aws:iam::156460612806:root"] }],
      actions: ["s3:PutObject"],
    });
    expect(allow[0]!.resources![0]).toMatch(/\/frontend\/AWSLogs\/222222222222\/\*$/);
  });

  it("GIVEN a region opened later THEN the log delivery service principal, for this account only", () => {
    const allow = statements(synth({ region: "ap-southeast-5" })).filter((s) => s.effect === "Allow");
    expect(allow[0]).toMatchObject({
      principals: [{ type: "Service", identifiers: ["logdelivery.elasticloadbalancing.amazonaws.com"] }],
      condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["222222222222"] }],
    });
  });

  it("refuses plain HTTP and expires the logs after the retention", () => {
    const deny = statements(synth()).find((s) => s.effect === "Deny");
    expect(deny?.condition).toEqual([{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }]);
    expect(JSON.stringify(only(synth({ retentionDays: 30 }), "aws_s3_bucket_lifecycle_configuration")["rule"])).toContain('"days":30');
  });

  it("refuses a prefix ELB would reject and a retention that is not a positive number of days", () => {
    expect(() => synth({ prefix: "/frontend" })).toThrow('prefix "/frontend"');
    expect(() => synth({ prefix: "x/AWSLogs" })).toThrow('prefix "x/AWSLogs"');
    expect(() => synth({ retentionDays: 0 })).toThrow("retentionDays must be a positive integer (got 0)");
  });
});
