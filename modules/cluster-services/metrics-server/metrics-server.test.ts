import { describe, expect, it } from "vitest";
import { MetricsServer, type MetricsServerValues } from "./metrics-server";
import { releaseOf, valuesOf, synth } from "../../../test/support/helm-release";

describe("MetricsServer", () => {
  const build = (replicas?: number) =>
    synth((scope) => new MetricsServer(scope, "metrics", { chartVersion: "3.13.1", ...(replicas === undefined ? {} : { replicas }) }));

  it("runs two replicas in kube-system with a PodDisruptionBudget keeping one available", () => {
    const json = build();
    expect(releaseOf(json, "metrics-server")).toMatchObject({ namespace: "kube-system", version: "3.13.1" });
    expect(valuesOf<MetricsServerValues>(json, "metrics-server")).toMatchObject({
      replicas: 2,
      podDisruptionBudget: { enabled: true, minAvailable: 1 },
    });
  });

  it("GIVEN one replica THEN no PodDisruptionBudget blocks node drains", () => {
    expect(valuesOf<MetricsServerValues>(build(1), "metrics-server").podDisruptionBudget).toEqual({ enabled: false });
  });
});
