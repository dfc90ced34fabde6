import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { CHART_VERSIONS } from "../../core/chart-versions";
import { loadBalancerControllerStatements } from "./iam-policy";

/**
 * The controller's IAM policy is tied to the controller's version: the upstream recommended policy
 * of the tag the chart runs (docs/install/iam_policy.json) is vendored next to this test as
 * `upstream-iam-policy.<tag>.json`. A chart bump fails here until the policy of the new tag is
 * vendored and our statements reviewed against it.
 */
const FOLDER = __dirname;
const vendored = readdirSync(FOLDER)
  .map((name) => /^upstream-iam-policy\.(v\d+\.\d+\.\d+)\.json$/.exec(name))
  .filter((match): match is RegExpExecArray => match !== null);

interface UpstreamStatement {
  readonly Action: string | readonly string[];
}

function upstreamActions(file: string): Set<string> {
  const document = JSON.parse(readFileSync(path.join(FOLDER, file), "utf8")) as { Statement: readonly UpstreamStatement[] };
  return new Set(
    document.Statement.flatMap((statement) => (typeof statement.Action === "string" ? [statement.Action] : [...statement.Action])),
  );
}

describe("the AWS Load Balancer Controller policy and the chart version", () => {
  it("vendors exactly one upstream policy, of the tag the default chart runs", () => {
    expect(vendored.map((match) => match[1])).toHaveLength(1);
    const entry = CHART_VERSIONS.awsLoadBalancerController;
    expect(entry.versions[entry.default].appVersion).toBe(vendored[0]?.[1]);
  });

  it("grants every action of that upstream policy and no other", () => {
    const granted = new Set(
      loadBalancerControllerStatements({ clusterName: "prod-platform", partition: "aws" }).flatMap((statement) => statement.actions ?? []),
    );
    const upstream = upstreamActions(vendored[0]?.[0] ?? "");
    expect([...upstream].filter((action) => !granted.has(action)).sort()).toEqual([]);
    expect([...granted].filter((action) => !upstream.has(action)).sort()).toEqual([]);
  });
});
