import { describe, expect, it } from "vitest";
import { eachResource, type TerraformJson } from "./support/synthesized";

/** A document of two resources, new for each test. */
function twoResources(): { resource: Record<string, Record<string, Record<string, unknown>>> } {
  return { resource: { aws_s3_bucket: { logs: { bucket: "logs" } }, aws_kms_key: { key: { enable_key_rotation: true } } } };
}

describe("eachResource: the resources of a synthesized document", () => {
  it("GIVEN a document WHEN listed THEN each resource is [address, type, body]", () => {
    expect(eachResource(twoResources())).toEqual([
      ["aws_s3_bucket.logs", "aws_s3_bucket", { bucket: "logs" }],
      ["aws_kms_key.key", "aws_kms_key", { enable_key_rotation: true }],
    ]);
  });

  it("GIVEN a document listed once WHEN listed again THEN the same list comes back, with a body changed since", () => {
    const doc = twoResources();
    const first = eachResource(doc);
    doc.resource["aws_s3_bucket"]!["logs"]!["bucket"] = "renamed";
    expect(eachResource(doc)).toBe(first);
    expect(first[0]?.[2]).toEqual({ bucket: "renamed" });
  });

  it("GIVEN a document listed once WHEN a test adds or removes a resource THEN that fails at once instead of leaving the list stale", () => {
    const doc: TerraformJson & ReturnType<typeof twoResources> = twoResources();
    eachResource(doc);
    expect(() => {
      doc.resource["aws_s3_bucket"]!["other"] = { bucket: "other" };
    }).toThrow(TypeError);
    expect(() => {
      doc.resource["aws_iam_role"] = {};
    }).toThrow(TypeError);
    expect(() => {
      delete doc.resource["aws_kms_key"];
    }).toThrow(TypeError);
  });
});
