import { describe, expect, it } from "vitest";
import { Karpenter, type KarpenterValues } from "./karpenter";
import { KarpenterNodePools, nodeClass, nodePool, type KarpenterNodePoolsValues, type NodePoolSettings } from "./node-pools";
import { releaseOf, valuesOf, synth } from "../../../test/support/helm-release";

const POOL: NodePoolSettings = {
  name: "general",
  capacityTypes: ["on-demand"],
  instanceCategories: ["c", "m"],
  minInstanceGeneration: 7,
  architectures: ["arm64"],
  limits: { cpu: 32, memoryGiB: 128 },
  consolidationPolicy: "WhenEmpty",
  consolidateAfter: "5m",
  expireAfter: "336h",
  disruptionBudgets: [{ nodes: "1" }],
  labels: {},
};
const CLASS_PROPS = { clusterName: "dev", nodeRoleName: "dev-karpenter-nodes", amiAlias: "al2023@latest", rootVolumeGiB: 50 };

describe("Karpenter", () => {
  const build = (roleArn?: string) =>
    synth(
      (scope) =>
        new Karpenter(scope, "karpenter", {
          chartVersion: "1.14.1",
          clusterName: "dev",
          clusterEndpoint: "https://ABC.gr7.eu-west-1.eks.amazonaws.com",
          interruptionQueueName: "dev-karpenter",
          ...(roleArn === undefined ? {} : { roleArn }),
        }),
    );

  it("points the controller at its cluster and interruption queue", () => {
    expect(valuesOf<KarpenterValues>(build(), "karpenter").settings).toEqual({
      clusterName: "dev",
      clusterEndpoint: "https://ABC.gr7.eu-west-1.eks.amazonaws.com",
      interruptionQueue: "dev-karpenter",
    });
  });

  it("installs the CRDs from the karpenter-crd chart of the same version and skips the karpenter chart's crds/", () => {
    const json = build();
    expect(releaseOf(json, "karpenter-crd")).toMatchObject({ version: "1.14.1", namespace: "kube-system" });
    expect(releaseOf(json, "karpenter")).toMatchObject({ version: "1.14.1", skip_crds: true });
    expect(releaseOf(json, "karpenter").depends_on).toEqual([expect.stringMatching(/^helm_release\.karpenter_crds_release_/)]);
  });

  it("runs the controller image of the chart's version by the digest of its index, tolerating the system node group's taint", () => {
    const values = valuesOf<KarpenterValues>(build(), "karpenter");
    // The digest Karpenter's release job wrote into the published chart 1.14.1 (modules/core/image-digests.ts cites it).
    expect(values.controller.image).toEqual({
      tag: "1.14.1",
      digest: "sha256:445baefaaa689029cc12ac1f659b916b0b82fb14308ce536f8521fcf079116fa",
    });
    expect(values.tolerations).toEqual([{ key: "CriticalAddonsOnly", operator: "Exists" }]);
  });

  it("annotates its service account only for IRSA", () => {
    expect(valuesOf<KarpenterValues>(build(), "karpenter").serviceAccount).toEqual({ create: true, name: "karpenter", annotations: {} });
    const arn = "arn:aws:iam::111111111111:role/dev-karpenter";
    expect(valuesOf<KarpenterValues>(build(arn), "karpenter").serviceAccount.annotations).toEqual({ "eks.amazonaws.com/role-arn": arn });
  });
});

describe("Karpenter's EC2NodeClass", () => {
  const spec = nodeClass(CLASS_PROPS).spec;

  it("requires IMDSv2 with a hop limit of 1", () => {
    expect(spec.metadataOptions).toEqual({
      httpEndpoint: "enabled",
      httpProtocolIPv6: "disabled",
      httpPutResponseHopLimit: 1,
      httpTokens: "required",
    });
  });

  it("boots AL2023 by alias, with an encrypted gp3 root volume and no public IP", () => {
    expect(spec.amiSelectorTerms).toEqual([{ alias: "al2023@latest" }]);
    expect(spec.blockDeviceMappings[0]?.ebs).toEqual({ volumeSize: "50Gi", volumeType: "gp3", encrypted: true, deleteOnTermination: true });
    expect(spec.associatePublicIPAddress).toBe(false);
  });

  it("finds subnets and security groups by the cluster's discovery tag", () => {
    expect(spec.subnetSelectorTerms).toEqual([{ tags: { "karpenter.sh/discovery": "dev" } }]);
    expect(spec.securityGroupSelectorTerms).toEqual([{ tags: { "karpenter.sh/discovery": "dev" } }]);
  });

  it("encrypts the root volume with the given key", () => {
    const key = "arn:aws:kms:eu-west-1:111111111111:key/0123abcd-0123-abcd-0123-0123456789ab";
    expect(nodeClass({ ...CLASS_PROPS, rootVolumeKmsKeyArn: key }).spec.blockDeviceMappings[0]?.ebs.kmsKeyID).toBe(key);
  });

  it("refuses an AMI alias other than AL2023's", () => {
    expect(() => nodeClass({ ...CLASS_PROPS, amiAlias: "al2@latest" })).toThrow('Karpenter EC2NodeClass: AMI alias "al2@latest"');
  });
});

describe("Karpenter's NodePools", () => {
  it("requires the capacity types, categories, generation (strictly greater than one less), architectures and Linux", () => {
    expect(nodePool(POOL).spec.template.spec.requirements).toEqual([
      { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
      { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c", "m"] },
      { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["6"] },
      { key: "kubernetes.io/arch", operator: "In", values: ["arm64"] },
      { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
    ]);
  });

  it("caps CPU and memory and sets consolidation, expiry and budgets", () => {
    const spec = nodePool(POOL).spec;
    expect(spec.limits).toEqual({ cpu: "32", memory: "128Gi" });
    expect(spec.disruption).toEqual({ consolidationPolicy: "WhenEmpty", consolidateAfter: "5m", budgets: [{ nodes: "1" }] });
    expect(spec.template.spec.expireAfter).toBe("336h");
  });

  it("releases the class and the pools through the local chart after Karpenter", () => {
    const json = synth((scope) => new KarpenterNodePools(scope, "pools", { ...CLASS_PROPS, nodePools: [POOL] }));
    const releases = Object.values(
      (JSON.parse(json) as { resource: { helm_release: Record<string, { name: string; values: string[] }> } }).resource.helm_release,
    );
    expect(releases.map((release) => release.name)).toEqual(["karpenter-node-pools"]);
    const values = JSON.parse(releases[0]?.values[0] ?? "{}") as KarpenterNodePoolsValues;
    expect(values.nodePools.map((pool) => pool.metadata.name)).toEqual(["general"]);
    expect(values.nodeClasses.map((c) => c.metadata.name)).toEqual(["default"]);
  });

  it("refuses a pool listed twice", () => {
    expect(() => synth((scope) => new KarpenterNodePools(scope, "pools", { ...CLASS_PROPS, nodePools: [POOL, POOL] }))).toThrow(
      "Karpenter: NodePool general is listed twice",
    );
  });
});
