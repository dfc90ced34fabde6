import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseApiLog } from "../../e2e/calls";
import type { StackEntry } from "../../e2e/context";
import { ignoredAttributesOf } from "../../e2e/emulator-gaps";
import { PLANTINGS, type Planting } from "../../e2e/plantings";
import { judgeLogs } from "../../e2e/role-check";
import type { TerraformJson } from "../../e2e/scratch";
import { synthesizedStack } from "../support/synthesized";

/**
 * The live plantings (e2e/plantings.ts): one per item of issue 23, each still finding, in what the
 * app synthesizes today, what it plants into, and planting the defect its item names.
 */

const planting = (name: string): Planting => {
  const found = PLANTINGS[name];
  if (found === undefined) throw new Error(`no planting ${name}`);
  return found;
};

/** dev's stack of a layer as synthesized, with one planting's change made to it. */
function planted(name: string, layer: "network" | "platform"): TerraformJson {
  const stack = structuredClone(synthesizedStack(`${layer}-dev`).doc) as TerraformJson;
  const plant = planting(name).stacks?.[layer];
  if (plant === undefined) throw new Error(`${name} plants nothing in ${layer}`);
  plant(stack);
  return stack;
}

type Statement = { sid?: string; effect?: string; actions?: string[]; resources?: string[] };
const statements = (stack: TerraformJson): Statement[] =>
  Object.values(stack.data?.["aws_iam_policy_document"] ?? {}).flatMap(
    (document) => (document["statement"] as Statement[] | undefined) ?? [],
  );

describe("the plantings", () => {
  it("GIVEN the plantings WHEN their items are listed THEN each of the nine items of issue 23 has one", () => {
    expect(
      Object.values(PLANTINGS)
        .map((entry) => entry.item)
        .sort((a, b) => a - b),
    ).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it.each(Object.keys(PLANTINGS))("GIVEN %s WHEN read THEN it plants something and expects at least one line", (name) => {
    const entry = planting(name);
    const plants = [...Object.values(entry.stacks ?? {}), entry.selection, entry.log].filter((hook) => hook !== undefined);

    expect(plants.length).toBeGreaterThan(0);
    expect(entry.expect.length).toBeGreaterThan(0);
  });
});

describe.each(
  Object.entries(PLANTINGS).flatMap(([name, entry]) =>
    (Object.keys(entry.stacks ?? {}) as ("network" | "platform")[]).map((layer) => [name, layer] as const),
  ),
)("the planting %s in %s-dev", (name, layer) => {
  it("GIVEN the stack as synthesized WHEN planted THEN the stack changes", () => {
    const before = JSON.stringify(synthesizedStack(`${layer}-dev`).doc);

    expect(JSON.stringify(planted(name, layer))).not.toBe(before);
  });
});

describe("what each planting plants", () => {
  it("1. GIVEN deny-scoped-to-cluster WHEN planted THEN a deploy role policy denies eks:DescribeCluster on cluster ARNs only", () => {
    const denies = statements(planted("deny-scoped-to-cluster", "network")).filter((statement) => statement.effect === "Deny");

    expect(denies.filter((statement) => statement.actions?.includes("eks:DescribeCluster"))).toEqual([
      { sid: "PlantedDenyDescribeCluster", effect: "Deny", actions: ["eks:DescribeCluster"], resources: ["arn:aws:eks:*:*:cluster/*"] },
    ]);
  });

  it("1b. GIVEN deny-scoped-to-cluster WHEN planted THEN the deny is in a document of the deploy role alone, not the plan role's", () => {
    const stack = planted("deny-scoped-to-cluster", "network");
    const documentOf = (role: string) =>
      Object.values(stack.resource?.["aws_iam_role_policy"] ?? {})
        .filter((policy) => String(policy["role"]).includes(role))
        .map((policy) => /aws_iam_policy_document\.([\w-]+)\.json/.exec(String(policy["policy"]))?.[1] ?? "");
    const denying = Object.entries(stack.data?.["aws_iam_policy_document"] ?? {})
      .filter(([, document]) => JSON.stringify(document).includes("PlantedDenyDescribeCluster"))
      .map(([name]) => name);

    expect(denying).toHaveLength(1);
    expect(documentOf("ci_deploy-role")).toContain(denying[0]);
    expect(documentOf("ci_plan-role")).not.toContain(denying[0]);
  });

  it("2. GIVEN deploy-role-without-tag-role WHEN planted THEN no statement grants iam:TagRole", () => {
    expect(
      statements(planted("deploy-role-without-tag-role", "network")).filter((statement) => statement.actions?.includes("iam:TagRole")),
    ).toEqual([]);
  });

  it("4. GIVEN node-group-on-public-subnets WHEN planted THEN every node group reads the public subnets' output", () => {
    const groups = Object.values(planted("node-group-on-public-subnets", "platform").resource?.["aws_eks_node_group"] ?? {});

    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) expect(String(group["subnet_ids"])).toMatch(/\.outputs\.public_subnet_ids\b/);
  });

  it("5. GIVEN wiring-and-role-defects-together WHEN read THEN it plants both item 1's deny (network) and item 4's placement (platform)", () => {
    expect(Object.keys(planting("wiring-and-role-defects-together").stacks ?? {}).sort()).toEqual(["network", "platform"]);
    expect(statements(planted("wiring-and-role-defects-together", "network")).some((s) => s.sid === "PlantedDenyDescribeCluster")).toBe(
      true,
    );
  });

  it("6. GIVEN stacks-listed-under-another-environment WHEN dev's stacks are listed through it THEN none is dev's", () => {
    const dev = ["network", "platform", "workloads"].map((layer) => ({ name: `${layer}-dev`, layer, environment: "dev" }) as StackEntry);

    const listed = planting("stacks-listed-under-another-environment").selection?.(dev) ?? dev;

    expect(listed.filter((stack) => stack.environment === "dev")).toEqual([]);
    expect(listed).toHaveLength(3);
  });

  it("7. GIVEN log-format-changed WHEN a recorded log is rewritten THEN no call is readable and both log checks fail", () => {
    const log = readFileSync(path.join(__dirname, "fixtures", "provider-calls.log"), "utf8");
    expect(parseApiLog(log).calls.length).toBeGreaterThan(0);

    const parsed = parseApiLog(planting("log-format-changed").log?.(log) ?? log);

    expect(parsed.calls).toEqual([]);
    expect(judgeLogs("apply", [parsed]).map((problem) => problem.check)).toEqual(["log readable (apply)", "calls recorded (apply)"]);
  });

  it("7b. GIVEN log-format-changed WHEN a text entry of terraform's own log is rewritten THEN it is unreadable too", () => {
    const entry = "2026-12-06T07:00:00.000Z [DEBUG] HTTP Request Sent: rpc.service=S3 rpc.method=GetObject http.url=http://127.0.0.1/b/k\n";

    const parsed = parseApiLog(planting("log-format-changed").log?.(entry) ?? entry);

    expect([parsed.calls.length, parsed.unparsable]).toEqual([0, 1]);
  });

  it("8. GIVEN backend-policy-wrong-database-user WHEN planted THEN the backend may connect as another user and its policy still names the cache", () => {
    const stack = planted("backend-policy-wrong-database-user", "platform");
    const connect = statements(stack).find(
      (statement) => statement.actions?.includes("rds-db:connect") && statement.sid === "ConnectAsTheAppUser",
    );

    expect(connect?.resources?.map((resource) => resource.split("/").pop())).toEqual(["planted-admin"]);
    expect(JSON.stringify(stack.data?.["aws_iam_policy_document"])).toContain("aws_elasticache_replication_group.");
  });

  it("9. GIVEN unnamed-key-loses-rotation-period WHEN planted THEN a new key has a rotation period that no attribute gap ignores", () => {
    const key = planted("unnamed-key-loses-rotation-period", "network").resource?.["aws_kms_key"]?.["planted-key"];

    expect(key?.["rotation_period_in_days"]).toBe(365);
    expect(ignoredAttributesOf("aws_kms_key", key ?? {}, undefined, "planted-key")).toEqual([]);
  });
});
