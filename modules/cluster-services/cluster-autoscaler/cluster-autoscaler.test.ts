import { describe, expect, it } from "vitest";
import { ClusterAutoscaler, type ClusterAutoscalerValues } from "./cluster-autoscaler";
import { releaseOf, valuesOf, synth } from "../../../test/support/helm-release";

describe("ClusterAutoscaler", () => {
  const ROLE = "arn:aws:iam::123456789012:role/dev-cluster-autoscaler";
  const build = () =>
    synth(
      (scope) =>
        new ClusterAutoscaler(scope, "autoscaler", {
          chartVersion: "9.59.0",
          roleArn: ROLE,
          clusterName: "dev",
          region: "eu-west-1",
        }),
    );

  it("auto-discovers the cluster's node groups by its name in its region", () => {
    expect(valuesOf<ClusterAutoscalerValues>(build(), "cluster-autoscaler")).toMatchObject({
      cloudProvider: "aws",
      autoDiscovery: { clusterName: "dev" },
      awsRegion: "eu-west-1",
    });
  });

  it("balances similar node groups, scales down emptyDir nodes and expands the least-waste group", () => {
    expect(valuesOf<ClusterAutoscalerValues>(build(), "cluster-autoscaler").extraArgs).toEqual({
      "balance-similar-node-groups": true,
      "skip-nodes-with-local-storage": false,
      expander: "least-waste",
    });
  });

  it("runs in kube-system under the service account its IAM role trusts", () => {
    const json = build();
    expect(releaseOf(json, "cluster-autoscaler")).toMatchObject({ namespace: "kube-system", version: "9.59.0" });
    expect(valuesOf<ClusterAutoscalerValues>(json, "cluster-autoscaler").rbac.serviceAccount).toEqual({
      create: true,
      name: "cluster-autoscaler",
      annotations: { "eks.amazonaws.com/role-arn": ROLE },
    });
  });
});
