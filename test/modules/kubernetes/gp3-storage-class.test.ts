import { StorageClassV1 } from "@cdktf/provider-kubernetes/lib/storage-class-v1";
import { describe, expect, it } from "vitest";
import { Gp3StorageClass } from "../../../modules/kubernetes/gp3-storage-class";
import { synth } from "../../support/helm-release";

describe("Gp3StorageClass", () => {
  it("is the default class: encrypted gp3 through the EBS CSI driver, bound in the consumer's zone, expandable", () => {
    expect(synth((scope) => new Gp3StorageClass(scope, "gp3"))).toHaveResourceWithProperties(StorageClassV1, {
      metadata: { name: "gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      storage_provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true" },
      volume_binding_mode: "WaitForFirstConsumer",
      reclaim_policy: "Delete",
      allow_volume_expansion: true,
    });
  });

  it("GIVEN a KMS key THEN volumes are encrypted with it", () => {
    const key = "arn:aws:kms:eu-west-1:123456789012:key/volumes";
    expect(synth((scope) => new Gp3StorageClass(scope, "gp3", { kmsKeyArn: key }))).toHaveResourceWithProperties(StorageClassV1, {
      parameters: { type: "gp3", encrypted: "true", kmsKeyId: key },
    });
  });
});
