import { describe, expect, it } from "vitest";
import { ENVIRONMENTS } from "../support/fixtures";
import { allSynthesizedStacks, eachResource, synthesizedStack } from "../support/synthesized";

/**
 * A destroy never stops half-way: every resource AWS refuses to delete carries prevent_destroy,
 * so Terraform refuses before deleting anything (issue 21: staging's destroy deleted 65 resources
 * before its database refused).
 */
const lifecycleOf = (body: Record<string, unknown>) => body["lifecycle"] as { prevent_destroy?: boolean } | undefined;
const stacks = allSynthesizedStacks();

describe("destroy guards", () => {
  it("GIVEN every synthesized stack WHEN a database has deletion protection THEN it also has prevent_destroy, and there is at least one", () => {
    const protectedClusters = stacks.flatMap((stack) =>
      eachResource(stack.doc)
        .filter(([, type, body]) => type === "aws_rds_cluster" && body["deletion_protection"] === true)
        .map(([address, , body]) => [`${stack.name} ${address}`, lifecycleOf(body)?.prevent_destroy] as const),
    );
    expect(protectedClusters.length).toBeGreaterThan(0);
    expect(protectedClusters.filter(([, guarded]) => guarded !== true)).toEqual([]);
  });

  it("GIVEN every synthesized stack WHEN a bucket must be emptied before deletion THEN it has prevent_destroy, and there is at least one", () => {
    const buckets = stacks.flatMap((stack) =>
      eachResource(stack.doc)
        .filter(([, type, body]) => type === "aws_s3_bucket" && body["force_destroy"] !== true)
        .map(([address, , body]) => [`${stack.name} ${address}`, lifecycleOf(body)?.prevent_destroy] as const),
    );
    expect(buckets.length).toBeGreaterThan(0);
    expect(buckets.filter(([, guarded]) => guarded !== true)).toEqual([]);
  });

  it.each([
    ["platform-prod", true, { prevent_destroy: true }],
    ["platform-staging", true, { prevent_destroy: true }],
    ["platform-dev", false, undefined],
  ])(
    "GIVEN %s's EKS cluster WHEN synthesized THEN deletion protection is %s, and prevent_destroy with it (EKS refuses DeleteCluster while it is on)",
    (name, protectedCluster, lifecycle) => {
      const cluster = eachResource(synthesizedStack(name).doc).find(([, type]) => type === "aws_eks_cluster");
      expect([cluster?.[2]["deletion_protection"], cluster?.[2]["lifecycle"]]).toEqual([protectedCluster, lifecycle]);
    },
  );

  it("GIVEN every production environment WHEN synthesized THEN its EKS cluster has deletion protection and prevent_destroy", () => {
    const production = ENVIRONMENTS.filter((env) => env.stage === "production");
    expect(production.length).toBeGreaterThan(0);
    for (const env of production) {
      const cluster = eachResource(synthesizedStack(`platform-${env.name}`).doc).find(([, type]) => type === "aws_eks_cluster");
      expect([env.name, cluster?.[2]["deletion_protection"], lifecycleOf(cluster?.[2] ?? {})?.prevent_destroy]).toEqual([
        env.name,
        true,
        true,
      ]);
    }
  });

  it("GIVEN staging's database, deletion protected outside production, WHEN synthesized THEN it refuses destroy", () => {
    const cluster = eachResource(synthesizedStack("platform-staging").doc).find(([, type]) => type === "aws_rds_cluster");
    expect(cluster?.[2]["lifecycle"]).toEqual({ prevent_destroy: true });
  });

  it("GIVEN dev's database without deletion protection WHEN synthesized THEN it may be destroyed", () => {
    const cluster = eachResource(synthesizedStack("platform-dev").doc).find(([, type]) => type === "aws_rds_cluster");
    expect(cluster?.[2]["lifecycle"]).toBeUndefined();
  });

  it.each([
    ["workloads-prod", true],
    ["workloads-staging", true],
    ["workloads-dev", undefined],
  ])(
    "GIVEN %s WHEN synthesized THEN the Gateway's release refuses destroy exactly when the ALB has deletion protection (%s)",
    (name, guarded) => {
      const release = eachResource(synthesizedStack(name).doc).find(([address]) => address.startsWith("helm_release.public-gateway_"));
      expect(lifecycleOf(release?.[2] ?? {})?.prevent_destroy).toBe(guarded);
    },
  );
});
