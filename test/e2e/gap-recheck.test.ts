import { describe, expect, it } from "vitest";
import { recheckReport, resourceGapRechecks, withBlocksRestored, type GapRecheck } from "../../e2e/gap-recheck";
import { leaveOutGaps, type TerraformJson } from "../../e2e/scratch";

/** `--recheck-gaps` for resource gaps (e2e/gap-recheck.ts): which blocks each gap puts back, and what is reported. */

const platform: TerraformJson = {
  resource: {
    aws_eks_cluster: { cluster: { name: "dev" } },
    aws_eks_addon: {
      coredns: { cluster_name: "${aws_eks_cluster.cluster.name}" },
      "kube-proxy": { cluster_name: "${aws_eks_cluster.cluster.name}" },
    },
    aws_eks_access_entry: { ci: { cluster_name: "${aws_eks_cluster.cluster.name}" } },
    aws_eks_access_policy_association: {
      ci: { cluster_name: "${aws_eks_cluster.cluster.name}", depends_on: ["aws_eks_access_entry.ci"] },
    },
    aws_elasticache_replication_group: { cache: { user_group_ids: ["${aws_elasticache_user_group.users.id}"] } },
    aws_elasticache_user_group: { users: { user_ids: ["default"] } },
    aws_cloudwatch_metric_alarm: { cache: { dimensions: { id: "${aws_elasticache_replication_group.cache.id}" } } },
  },
  data: { aws_iam_policy_document: { app: { statement: [{ resources: ["${aws_elasticache_replication_group.cache.arn}"] }] } } },
};
const GAPS = new Set([
  "aws_eks_addon",
  "aws_eks_access_entry",
  "aws_eks_access_policy_association",
  "aws_elasticache_replication_group",
  "aws_elasticache_user_group",
]);
const prepared = leaveOutGaps(platform, (type) => (GAPS.has(type) ? `emulator gap: ${type}` : undefined));
const rechecks = resourceGapRechecks(platform, prepared.leftOut);
const recheckOf = (gap: string): GapRecheck | undefined => rechecks.find((entry) => entry.gap === `emulator gap: ${gap}`);

describe("resourceGapRechecks", () => {
  it("GIVEN five resource gaps in a stack WHEN the rechecks are selected THEN one per gap, in the order they were left out", () => {
    expect(rechecks.map((entry) => entry.gap)).toEqual([
      "emulator gap: aws_eks_addon",
      "emulator gap: aws_eks_access_entry",
      "emulator gap: aws_eks_access_policy_association",
      "emulator gap: aws_elasticache_replication_group",
      "emulator gap: aws_elasticache_user_group",
    ]);
  });

  it("GIVEN a gap whose blocks need nothing left out WHEN selected THEN its blocks alone, in isolation", () => {
    expect(recheckOf("aws_eks_addon")).toEqual({
      gap: "emulator gap: aws_eks_addon",
      addresses: ["aws_eks_addon.coredns", "aws_eks_addon.kube-proxy"],
      restore: ["aws_eks_addon.coredns", "aws_eks_addon.kube-proxy"],
      alsoGaps: [],
    });
  });

  it("GIVEN a gap whose block depends_on another gap's WHEN selected THEN both are put back, the other gap named", () => {
    expect(recheckOf("aws_eks_access_policy_association")).toMatchObject({
      restore: ["aws_eks_access_policy_association.ci", "aws_eks_access_entry.ci"],
      alsoGaps: ["emulator gap: aws_eks_access_entry"],
    });
  });

  it("GIVEN a gap whose block refers to another gap's WHEN selected THEN both are put back", () => {
    expect(recheckOf("aws_elasticache_replication_group")?.restore).toEqual([
      "aws_elasticache_replication_group.cache",
      "aws_elasticache_user_group.users",
    ]);
  });

  it("GIVEN a block left out only because it refers to a gap WHEN selected THEN it is no recheck of its own and not put back", () => {
    const everything = rechecks.flatMap((entry) => entry.restore);

    expect(everything).not.toContain("aws_cloudwatch_metric_alarm.cache");
    expect(prepared.leftOut.map((entry) => entry.address)).toContain("aws_cloudwatch_metric_alarm.cache");
  });

  it("GIVEN nothing left out WHEN selected THEN no recheck", () => {
    expect(resourceGapRechecks({ resource: { aws_vpc: { main: {} } } }, [])).toEqual([]);
  });
});

describe("withBlocksRestored", () => {
  it("GIVEN the prepared stack WHEN a gap's blocks are put back THEN they are there as synthesized, and the prepared stack is unchanged", () => {
    const restored = withBlocksRestored(prepared.stack, platform, ["aws_eks_addon.coredns"]);

    expect(restored.resource?.["aws_eks_addon"]).toEqual({ coredns: { cluster_name: "${aws_eks_cluster.cluster.name}" } });
    expect(prepared.stack.resource?.["aws_eks_addon"]).toBeUndefined();
  });

  it("GIVEN an address the synthesized stack does not have WHEN put back THEN an error naming it", () => {
    expect(() => withBlocksRestored(prepared.stack, platform, ["aws_eks_addon.nosuch"])).toThrow(
      "aws_eks_addon.nosuch is not in the synthesized stack",
    );
  });
});

describe("recheckReport", () => {
  const addon = recheckOf("aws_eks_addon") as GapRecheck;
  const association = recheckOf("aws_eks_access_policy_association") as GapRecheck;

  it("GIVEN a gap whose apply failed WHEN reported THEN still open, with the step and the error, and nothing closed", () => {
    expect(recheckReport([{ recheck: addon, failedAt: "apply", detail: "Error: creating EKS Add-On: 404" }])).toEqual({
      lines: ["emulator gap: aws_eks_addon, 2 blocks: still open (apply failed: Error: creating EKS Add-On: 404)"],
      closed: [],
    });
  });

  it("GIVEN a gap that applied, planned empty and destroyed WHEN reported THEN closed, named", () => {
    expect(recheckReport([{ recheck: addon }]).closed).toEqual(["emulator gap: aws_eks_addon"]);
  });

  it("GIVEN a gap rechecked with another WHEN reported THEN the line says it was not in isolation", () => {
    expect(recheckReport([{ recheck: association, failedAt: "plan (not empty)" }]).lines).toEqual([
      "emulator gap: aws_eks_access_policy_association, 1 block (not in isolation: with emulator gap: aws_eks_access_entry): still open (plan (not empty) failed)",
    ]);
  });
});
