import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository as AwsEcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { EcrRepository, type EcrRepositoryProps } from "../../../modules/ci/ecr-repository";
import { resourcesOf, type TerraformJson } from "../../support/synthesized";

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/abc";
const synth = (overrides: Partial<EcrRepositoryProps> = {}) =>
  Testing.synthScope((scope) => new EcrRepository(scope, "repo", { name: "dev/frontend", kmsKeyArn: KEY, ...overrides }));

interface LifecyclePolicyDocument {
  rules: { rulePriority: number; selection: { tagStatus: string; countType: string; countNumber: number } }[];
}
const lifecycle = (json: string): LifecyclePolicyDocument =>
  JSON.parse(
    String(Object.values(resourcesOf(JSON.parse(json) as TerraformJson, "aws_ecr_lifecycle_policy"))[0]?.["policy"]),
  ) as LifecyclePolicyDocument;

describe("EcrRepository", () => {
  it("makes tags immutable, scans on push and encrypts with the given KMS key", () => {
    expect(synth()).toHaveResourceWithProperties(AwsEcrRepository, {
      name: "dev/frontend",
      image_tag_mutability: "IMMUTABLE",
      image_scanning_configuration: { scan_on_push: true },
      encryption_configuration: [{ encryption_type: "KMS", kms_key: KEY }],
      force_delete: false,
    });
  });

  it("GIVEN lifecycle settings WHEN synthesized THEN untagged images expire after N days and N tagged images are kept", () => {
    const json = synth({ keepTaggedImages: 12, untaggedExpiryDays: 3 });
    expect(json).toHaveResource(EcrLifecyclePolicy);
    const rules = lifecycle(json).rules;
    expect(rules.find((rule) => rule.selection.tagStatus === "untagged")?.selection).toMatchObject({
      countType: "sinceImagePushed",
      countNumber: 3,
    });
    expect(rules.find((rule) => rule.selection.tagStatus === "tagged")?.selection).toMatchObject({
      countType: "imageCountMoreThan",
      countNumber: 12,
    });
  });

  it("keeps 30 tagged images and expires untagged ones after 7 days by default", () => {
    const rules = lifecycle(synth()).rules;
    expect(rules.map((rule) => rule.selection.countNumber).sort((a, b) => a - b)).toEqual([7, 30]);
  });

  it("refuses a lifecycle that would keep no tagged image", () => {
    expect(() => synth({ keepTaggedImages: 0 })).toThrow("ECR repository dev/frontend: keepTaggedImages must be >= 1, got 0");
  });
});
