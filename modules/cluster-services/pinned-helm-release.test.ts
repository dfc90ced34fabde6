import { Release } from "@cdktf/provider-helm/lib/release";
import { describe, expect, it } from "vitest";
import { PinnedHelmRelease, type PinnedHelmReleaseProps } from "./pinned-helm-release";
import { valuesOf, synth } from "../../test/support/helm-release";

describe("PinnedHelmRelease", () => {
  const props: PinnedHelmReleaseProps<{ readonly replicaCount: number; readonly labels: { readonly team: string } }> = {
    releaseName: "demo",
    namespace: "demo",
    chart: "metricsServer",
    version: "3.13.1",
    values: { replicaCount: 2, labels: { team: "platform" } },
  };
  const build = (overrides: Partial<typeof props> = {}) =>
    synth((scope) => new PinnedHelmRelease(scope, "release", { ...props, ...overrides }));

  it("installs the exact chart version atomically, waits, keeps five revisions and never creates the namespace", () => {
    expect(build()).toHaveResourceWithProperties(Release, {
      name: "demo",
      namespace: "demo",
      // From the chart table's row, not from the caller.
      repository: "https://kubernetes-sigs.github.io/metrics-server/",
      chart: "metrics-server",
      version: "3.13.1",
      atomic: true,
      cleanup_on_fail: true,
      wait: true,
      timeout: 600,
      max_history: 5,
      create_namespace: false,
    });
  });

  it("serializes the typed values once, as one JSON document, with the image table's digest of the chart version merged in", () => {
    // metrics-server 3.13.1 runs registry.k8s.io/metrics-server/metrics-server:v0.8.1; its chart takes the digest in the tag.
    expect(valuesOf(build(), "metrics-server")).toEqual({
      replicaCount: 2,
      labels: { team: "platform" },
      image: { tag: "v0.8.1@sha256:b2d2efaf5ac3b366ed0f839d2412a2c4279d4fc2a2a733f12c52133faed36c41" },
    });
  });

  it.each(["^1.2.3", "1.2", "latest", "1.2.3-rc.1", "~1.2.3"])("refuses the chart version %s", (version) => {
    expect(() => build({ version })).toThrow(`Helm release demo: chart version "${version}" must be an exact version such as 1.2.3`);
  });

  it.each(["Demo", "demo_chart", "-demo", "d".repeat(54)])(
    "refuses the release name %s (a DNS label of at most 53 characters)",
    (releaseName) => {
      expect(() => build({ releaseName })).toThrow(
        `Helm release "${releaseName}": the name must be a DNS label (lowercase letters, digits, '-') of at most 53 characters`,
      );
    },
  );

  it("refuses an empty namespace", () => {
    expect(() => build({ namespace: " " })).toThrow("Helm release demo: namespace must not be empty");
  });

  it("refuses an exact version that the chart table does not list, naming the ones it does", () => {
    expect(() => build({ version: "3.12.2" })).toThrow(
      "Helm release demo: metrics-server 3.12.2 is not in the chart version table (modules/core/chart-versions.ts lists 3.13.1)",
    );
  });
});
