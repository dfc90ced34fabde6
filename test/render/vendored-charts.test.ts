import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { readChartArchive, remoteChartVersions, VENDOR_DIR, vendoredFiles } from "../../scripts/chart-archive";

/*
 * Every remote chart of the chart table (modules/core/chart-versions.ts), at every version it
 * lists, is vendored as charts/vendor/<chart>-<version>.tgz, packaged from the chart's source at
 * its release tag (npm run charts:vendor, docs/testing.md): the render tests read nothing else.
 */

const table = remoteChartVersions();

describe("vendored charts", () => {
  it("GIVEN the chart table WHEN its remote charts are listed THEN every chart the workloads stacks install is there", () => {
    expect(new Set(table.map(([, chart]) => chart))).toEqual(
      new Set([
        "aws-load-balancer-controller",
        "secrets-store-csi-driver",
        "secrets-store-csi-driver-provider-aws",
        "external-dns",
        "karpenter",
        "karpenter-crd",
        "metrics-server",
        "kube-prometheus-stack",
        "fluent-bit",
      ]),
    );
  });

  it.each(table)("%s %s %s is vendored, and the archive is that chart at that version", (_name, chart, version) => {
    const file = path.join(VENDOR_DIR, `${chart}-${version}.tgz`);
    expect(existsSync(file), `charts/vendor/${chart}-${version}.tgz is missing: npm run charts:vendor (docs/testing.md)`).toBe(true);
    const packaged = readChartArchive(readFileSync(file), file);
    expect({ name: packaged.name, version: packaged.version }).toEqual({ name: chart, version });
  });

  it("GIVEN charts/vendor WHEN listed THEN it holds no archive the table does not list (a version left behind by a bump)", () => {
    const expected = new Set(table.map(([, chart, version]) => `${chart}-${version}.tgz`));
    expect(vendoredFiles().filter((file) => !expected.has(file))).toEqual([]);
  });

  it("GIVEN kube-prometheus-stack WHEN read THEN its remote dependencies are packaged inside it at the versions its Chart.yaml asks", () => {
    const [, chart, version] = table.find(([, c]) => c === "kube-prometheus-stack")!;
    const packaged = readChartArchive(readFileSync(path.join(VENDOR_DIR, `${chart}-${version}.tgz`)), chart);
    expect([...packaged.subcharts.keys()].sort()).toEqual(
      ["crds", "grafana", "kube-state-metrics", "prometheus-node-exporter", "prometheus-windows-exporter"].sort(),
    );
  });
});
