import { mkdtempSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { TEARDOWN_COMMAND } from "../scripts/commands";
import { describeTeardown, planTeardown, teardownStamp, TeardownRefused, type TeardownPlan } from "../scripts/teardown";
import { environment } from "./support/fixtures";
import { testTmp } from "./support/paths";

/** `npm run teardown`: the order, the guards it lifts by name, and production's refusal. */

const plans = new Map<string, TeardownPlan>();
const planOf = (name: string): TeardownPlan => {
  const cached = plans.get(name);
  if (cached !== undefined) return cached;
  const plan = planTeardown(environment(name), { stamp: "20261206-0412", outdir: mkdtempSync(path.join(testTmp(), "teardown-")) });
  plans.set(name, plan);
  return plan;
};
const stepsOf = (plan: TeardownPlan) =>
  plan.steps.map((step) =>
    step.kind === "terraform" ? `${step.stack}: ${step.args.filter((arg) => !arg.startsWith("-")).join(" ")}` : `${step.stack}: wait`,
  );

describe("npm run teardown", () => {
  it("GIVEN prod, a production environment, WHEN a teardown is planned THEN it is refused, naming the file and its stage", () => {
    expect(() => planTeardown(environment("prod"))).toThrow(TeardownRefused);
    expect(() => planTeardown(environment("prod"))).toThrow(
      "environments/prod.yaml stage: production: the teardown command refuses production",
    );
  });

  it("GIVEN staging WHEN a teardown is planned THEN workloads go first, the Gateway before the rest and a wait between, then platform, then network", () => {
    expect(stepsOf(planOf("staging"))).toEqual([
      "workloads-staging: init",
      "workloads-staging: apply",
      "workloads-staging: destroy",
      "workloads-staging: wait",
      "workloads-staging: apply",
      "workloads-staging: destroy",
      "platform-staging: init",
      "platform-staging: apply",
      "platform-staging: destroy",
      "network-staging: init",
      "network-staging: destroy",
    ]);
  });

  it("GIVEN staging WHEN a teardown is planned THEN the Gateway alone is destroyed before the load balancer controller goes", () => {
    const first = planOf("staging").steps.find((step) => step.kind === "terraform" && step.args[0] === "destroy");
    expect(first?.kind === "terraform" ? first.args : []).toEqual([
      "destroy",
      "-input=false",
      "-auto-approve",
      "-target=helm_release.public-gateway_release_6CE73552",
    ]);
  });

  it("GIVEN staging's deletion-protected database WHEN a teardown is planned THEN the lifts are named: prevent_destroy, deletion protection, a final snapshot", () => {
    expect(planOf("staging").lifted["platform-staging"]).toEqual(
      expect.arrayContaining([
        { address: "aws_rds_cluster.database_cluster_FAF2FB92", lifted: "prevent_destroy = false" },
        { address: "aws_rds_cluster.database_cluster_FAF2FB92", lifted: "deletion_protection = false" },
        { address: "aws_rds_cluster.database_cluster_FAF2FB92", lifted: "final snapshot staging-app-teardown-20261206-0412" },
      ]),
    );
  });

  it("GIVEN staging WHEN the lifted stacks are written THEN the database's deletion protection is off and its final snapshot has the teardown's name", () => {
    const plan = planOf("staging");
    const platform = plan.steps.find((step) => step.stack === "platform-staging");
    const doc = JSON.parse(readFileSync(path.join(platform?.kind === "terraform" ? platform.dir : "", "cdk.tf.json"), "utf8")) as {
      resource: Record<string, Record<string, Record<string, unknown>>>;
    };
    const cluster = doc.resource["aws_rds_cluster"]?.["database_cluster_FAF2FB92"];
    expect(cluster).toMatchObject({
      deletion_protection: false,
      skip_final_snapshot: false,
      final_snapshot_identifier: "staging-app-teardown-20261206-0412",
      lifecycle: { prevent_destroy: false },
    });
  });

  it("GIVEN staging's deletion-protected EKS cluster WHEN a teardown is planned THEN its prevent_destroy and deletion protection are lifted, by name", () => {
    expect(planOf("staging").lifted["platform-staging"]).toEqual(
      expect.arrayContaining([
        { address: "aws_eks_cluster.eks_cluster_55B0C966", lifted: "prevent_destroy = false" },
        { address: "aws_eks_cluster.eks_cluster_55B0C966", lifted: "deletion_protection = false" },
      ]),
    );
  });

  it("GIVEN dev, whose file keeps no snapshots, WHEN a teardown is planned THEN no final snapshot is named", () => {
    const lifts = Object.values(planOf("dev").lifted)
      .flat()
      .map((guard) => guard.lifted);
    expect(lifts.filter((lift) => lift.startsWith("final snapshot"))).toEqual([]);
  });

  it("GIVEN dev's Grafana admin secret WHEN a teardown is planned THEN it is deleted without a recovery window, so the re-created dev can create it again", () => {
    expect(planOf("dev").lifted["platform-dev"]).toContainEqual({
      address: "aws_secretsmanager_secret.grafana-admin-secret_89236D4D",
      lifted: "recovery_window_in_days = 0 (deleted at once: the re-created environment takes the name again)",
    });
    const platform = planOf("dev").steps.find((step) => step.stack === "platform-dev");
    const doc = JSON.parse(readFileSync(path.join(platform?.kind === "terraform" ? platform.dir : "", "cdk.tf.json"), "utf8")) as {
      resource: Record<string, Record<string, Record<string, unknown>>>;
    };
    expect(doc.resource["aws_secretsmanager_secret"]?.["grafana-admin-secret_89236D4D"]?.["recovery_window_in_days"]).toBe(0);
  });

  it("GIVEN staging WHEN a teardown is planned THEN the ALB lookup has no postcondition (its destroy reads it after the ALB is gone) and its dimension falls back", () => {
    const workloads = planOf("staging").steps.find((step) => step.stack === "workloads-staging");
    const doc = JSON.parse(readFileSync(path.join(workloads?.kind === "terraform" ? workloads.dir : "", "cdk.tf.json"), "utf8")) as {
      data: Record<string, Record<string, Record<string, unknown>>>;
      resource: Record<string, Record<string, Record<string, unknown>>>;
    };
    const lookups = Object.values(doc.data["aws_lbs"] ?? {});
    expect(lookups).toHaveLength(1);
    expect(lookups[0]!["lifecycle"]).toBeUndefined();
    const alarm = Object.values(doc.resource["aws_cloudwatch_metric_alarm"] ?? {}).find((a) => a["alarm_name"] === "staging-alb-elb-5xx");
    expect(String(((alarm?.["dimensions"] ?? {}) as Record<string, string>)["LoadBalancer"])).toMatch(
      /^\$\{try\(element\(split\(.*\), "none"\)\}$/,
    );
  });

  it("GIVEN dev WHEN a teardown is planned THEN no step touches the account layer", () => {
    expect(new Set(planOf("dev").steps.map((step) => step.stack))).toEqual(new Set(["workloads-dev", "platform-dev", "network-dev"]));
  });

  it("GIVEN a plan WHEN described THEN every lifted guard is printed with its stack and address", () => {
    expect(describeTeardown(planOf("staging"))).toContain(
      "  platform-staging: aws_rds_cluster.database_cluster_FAF2FB92: deletion_protection = false",
    );
  });

  it("GIVEN a date WHEN stamped THEN it is yyyymmdd-hhmm in UTC", () => {
    expect(teardownStamp(new Date("2026-12-06T04:12:59Z"))).toBe("20261206-0412");
  });

  it("GIVEN the command's options THEN it takes --env and --dry-run", () => {
    expect(Object.keys(TEARDOWN_COMMAND.options).sort()).toEqual(["dry-run", "env"]);
  });
});
