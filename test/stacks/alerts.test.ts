import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { alertsSchema } from "../../environments/alerts-schema";
import { ENVIRONMENTS } from "../support/fixtures";
import { environmentsDir } from "../../environments/load";
import { allSynthesizedStacks, resourcesOf, synthesizedStack, type TerraformJson } from "../support/synthesized";
import { terraformDir, terraformIn } from "../support/terraform";

/**
 * Issue 13, item 7: alerts go somewhere. Per environment an encrypted SNS topic with the
 * subscriptions of the environment file; CloudWatch alarms on what pages a human, each notifying
 * the topic; Alertmanager routed to the topic over SigV4 with its own role; Enhanced Monitoring in
 * production.
 */
type Body = Record<string, unknown>;
const fromNetwork = (output: string) => `\${data.terraform_remote_state.network-state.outputs.${output}}`;
const alarms = (doc: TerraformJson) => Object.values(resourcesOf(doc, "aws_cloudwatch_metric_alarm"));
const statementsOf = (doc: TerraformJson, reference: unknown) => {
  const key = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(String(reference))?.[1];
  return ((key === undefined ? undefined : doc.data?.["aws_iam_policy_document"]?.[key]?.["statement"]) ?? []) as Body[];
};

describe.each(ENVIRONMENTS.map((env) => [env.name, env] as const))("alerts of %s", (name, env) => {
  const network = synthesizedStack(`network-${name}`).doc;
  const platform = synthesizedStack(`platform-${name}`).doc;
  const workloads = synthesizedStack(`workloads-${name}`).doc;
  const topics = Object.entries(resourcesOf(network, "aws_sns_topic"));
  const topicArn = `\${aws_sns_topic.${topics[0]?.[0]}.arn}`;

  it("network: one topic <env>-alerts, encrypted with a key CloudWatch of this account may use", () => {
    expect(topics.map(([, topic]) => topic["name"])).toEqual([`${name}-alerts`]);
    const keyReference = String(topics[0]![1]["kms_master_key_id"]);
    const keyName = /^\$\{aws_kms_key\.([^.]+)\.arn\}$/.exec(keyReference)?.[1];
    expect(keyName).toBeDefined();
    const keyPolicy = statementsOf(network, resourcesOf(network, "aws_kms_key")[keyName!]!["policy"]);
    const forCloudWatch = keyPolicy.find((s) => JSON.stringify(s["principals"]).includes("cloudwatch.amazonaws.com"));
    expect(forCloudWatch?.["actions"]).toEqual(expect.arrayContaining(["kms:Decrypt", "kms:GenerateDataKey"]));
    expect(forCloudWatch?.["condition"]).toEqual([{ test: "StringEquals", variable: "aws:SourceAccount", values: [env.account.id] }]);
    expect(network.output?.["alerts_topic_arn"]?.value).toBe(topicArn);
  });

  it("network: the topic's subscriptions are exactly those of the environment file", () => {
    const file = parse(readFileSync(path.join(environmentsDir(), `${name}.yaml`), "utf8")) as {
      alerts?: { subscriptions?: { protocol: string; endpoint: string }[] };
    };
    const subscribed = Object.values(resourcesOf(network, "aws_sns_topic_subscription")).map((s) => ({
      protocol: s["protocol"],
      endpoint: s["endpoint"],
      topic: s["topic_arn"],
    }));
    expect(subscribed).toEqual((file.alerts?.subscriptions ?? []).map((s) => ({ ...s, topic: topicArn })));
  });

  it("every alarm of the three layers notifies the topic when it fires and when it recovers", () => {
    const all = [
      ...alarms(network).map((alarm) => [alarm, topicArn] as const),
      ...alarms(platform).map((alarm) => [alarm, fromNetwork("alerts_topic_arn")] as const),
      ...alarms(workloads).map((alarm) => [alarm, fromNetwork("alerts_topic_arn")] as const),
    ];
    expect(all.length).toBeGreaterThan(0);
    for (const [alarm, topic] of all) {
      expect(alarm["alarm_actions"], String(alarm["alarm_name"])).toEqual([topic]);
      expect(alarm["ok_actions"], String(alarm["alarm_name"])).toEqual([topic]);
    }
  });

  it("alarms on Aurora, ElastiCache, NAT gateways, node capacity and (with the ALB entry) the load balancer", () => {
    const names = [...alarms(network), ...alarms(platform), ...alarms(workloads)].map((alarm) => String(alarm["alarm_name"]));
    const db = env.platform.database;
    const expected = [
      `${name}-aurora-cpu`,
      `${name}-aurora-freeable-memory`,
      ...(db.capacity.mode === "serverless" ? [`${name}-aurora-acu-at-max`] : []),
      ...(db.instances > 1 ? [`${name}-aurora-replica-lag`] : []),
      ...Array.from({ length: env.platform.cache.replicas }, (_, i) => [
        `${name}-cache-${i + 1}-engine-cpu`,
        `${name}-cache-${i + 1}-memory`,
        `${name}-cache-${i + 1}-evictions`,
      ]).flat(),
      ...Array.from({ length: env.network.natGateways === "perAz" ? env.network.azCount : 1 }, (_, i) => [
        `${name}-nat-${i}-port-allocation-errors`,
        `${name}-nat-${i}-packets-dropped`,
      ]).flat(),
      `${name}-unschedulable-pods`,
      `${name}-karpenter-interruption-queue-age`,
      ...(env.workloads.entry.type === "alb" ? [`${name}-alb-target-5xx`, `${name}-alb-elb-5xx`, `${name}-alb-unhealthy-targets`] : []),
    ];
    expect(names.sort()).toEqual(expected.sort());
  });

  it("GIVEN the ALB entry WHEN its lookup is synthesized THEN it finds the load balancer the controller tagged for the Gateway frontend/public of this cluster, read after the Gateway's release", () => {
    const lookups = Object.values(workloads.data?.["aws_lbs"] ?? {});
    expect(lookups.map((lookup) => lookup["tags"])).toEqual([
      { "elbv2.k8s.aws/cluster": name, "gateway.k8s.aws.alb/stack": "frontend/public", "gateway.k8s.aws.alb/resource": "LoadBalancer" },
    ]);
    const [gatewayRelease] = Object.entries(resourcesOf(workloads, "helm_release")).find(
      ([, release]) => release["name"] === "public-gateway",
    )!;
    expect(lookups[0]!["depends_on"]).toEqual([`helm_release.${gatewayRelease}`]);
  });

  it("GIVEN the ALB entry WHEN its alarms are synthesized THEN each of the three exists once, without count (a lookup read at apply cannot decide one)", () => {
    const entry = alarms(workloads).filter((alarm) => String(alarm["alarm_name"]).startsWith(`${name}-alb-`));
    expect(entry.map((alarm) => alarm["alarm_name"]).sort()).toEqual([
      `${name}-alb-elb-5xx`,
      `${name}-alb-target-5xx`,
      `${name}-alb-unhealthy-targets`,
    ]);
    expect(entry.filter((alarm) => "count" in alarm || "for_each" in alarm).map((alarm) => alarm["alarm_name"])).toEqual([]);
  });

  it("GIVEN the ALB entry WHEN its lookup finds no load balancer or more than one THEN the read fails, saying what to check", () => {
    const [lookup] = Object.values(workloads.data?.["aws_lbs"] ?? {});
    const postconditions = (lookup!["lifecycle"] as { postcondition: { condition: string; error_message: string }[] }).postcondition;
    expect(postconditions.map((p) => p.condition)).toEqual(["${length(self.arns) == 1}"]);
    expect(postconditions[0]!.error_message).toContain("Gateway frontend/public: expected exactly one load balancer tagged");
    expect(postconditions[0]!.error_message).toContain("kubectl -n frontend describe gateway public");
  });

  it("GIVEN the load balancer found WHEN the ALB alarms read it THEN the 5xx alarms use its LoadBalancer dimension and the target alarm a query filtered on that dimension", () => {
    const byName = (suffix: string) => alarms(workloads).find((alarm) => alarm["alarm_name"] === `${name}-alb-${suffix}`)!;
    const [lookup] = Object.keys(workloads.data?.["aws_lbs"] ?? {});
    const dimension = `\${element(split(":loadbalancer/", one(tolist(data.aws_lbs.${lookup}.arns))), 1)}`;
    expect([byName("target-5xx")["metric_name"], byName("target-5xx")["statistic"], byName("target-5xx")["dimensions"]]).toEqual([
      "HTTPCode_Target_5XX_Count",
      "Sum",
      { LoadBalancer: dimension },
    ]);
    expect([byName("elb-5xx")["metric_name"], byName("elb-5xx")["dimensions"]]).toEqual([
      "HTTPCode_ELB_5XX_Count",
      { LoadBalancer: dimension },
    ]);
    expect((byName("unhealthy-targets")["metric_query"] as Body[])[0]?.["expression"]).toBe(
      `SELECT MAX(UnHealthyHostCount) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer, TargetGroup) WHERE LoadBalancer = '${dimension}'`,
    );
  });

  it("the Aurora CPU alarm takes the busiest instance (Maximum), not the average of writer and readers", () => {
    const cpu = alarms(platform).find((alarm) => alarm["alarm_name"] === `${name}-aurora-cpu`)!;
    expect([cpu["metric_name"], cpu["statistic"]]).toEqual(["CPUUtilization", "Maximum"]);
  });

  it("Alertmanager: routed to the topic by its SNS receiver with SigV4, as its own service account and role", () => {
    const release = Object.values(resourcesOf(workloads, "helm_release")).find((r) => r["chart"] === "kube-prometheus-stack")!;
    const values = JSON.parse((release["values"] as string[])[0]!) as { alertmanager: Body };
    const config = values.alertmanager["config"] as { route: { receiver: string }; receivers: { name: string; sns_configs?: Body[] }[] };
    const receiver = config.receivers.find((r) => r.name === config.route.receiver);
    expect(receiver?.sns_configs).toEqual([
      expect.objectContaining({ topic_arn: fromNetwork("alerts_topic_arn"), sigv4: { region: env.account.region }, send_resolved: true }),
    ]);
    expect(values.alertmanager["serviceAccount"]).toEqual({
      create: true,
      name: "alertmanager",
      // EKS Pod Identity: the association (platform layer) binds monitoring/alertmanager.
      annotations: {},
    });

    const [roleKey] = Object.entries(resourcesOf(platform, "aws_iam_role")).find(([, r]) => r["name"] === `${name}-alertmanager`)!;
    const association = Object.values(resourcesOf(platform, "aws_eks_pod_identity_association")).find(
      (candidate) => candidate["namespace"] === "monitoring",
    );
    expect(association).toMatchObject({ service_account: "alertmanager", role_arn: `\${aws_iam_role.${roleKey}.arn}` });
    const policy = Object.values(resourcesOf(platform, "aws_iam_role_policy")).find((p) => p["role"] === `\${aws_iam_role.${roleKey}.id}`)!;
    const publish = statementsOf(platform, policy["policy"]).filter((s) => (s["actions"] as string[]).includes("sns:Publish"));
    expect(publish.map((s) => s["resources"])).toEqual([[fromNetwork("alerts_topic_arn")]]);
  });

  it("Enhanced Monitoring: every Aurora instance every 60 s in production, off elsewhere", () => {
    for (const instance of Object.values(resourcesOf(platform, "aws_rds_cluster_instance"))) {
      if (env.stage === "production") {
        expect(instance["monitoring_interval"]).toBe(60);
        expect(String(instance["monitoring_role_arn"])).toMatch(/^\$\{aws_iam_role\./);
      } else {
        expect(instance["monitoring_interval"]).toBe(0);
      }
    }
  });
});

describe("alarms that need no console setting", () => {
  it("GIVEN every synthesized stack WHEN an alarm is a Metrics Insights query THEN it filters on dimensions, never on tags (tag filters need CloudWatch's resource tags for telemetry, an account setting no resource of the pinned provider sets), and there is at least one", () => {
    const queries = allSynthesizedStacks().flatMap((stack) =>
      Object.values(resourcesOf(stack.doc, "aws_cloudwatch_metric_alarm")).flatMap((alarm) =>
        ((alarm["metric_query"] as Body[] | undefined) ?? []).map((query) => [
          `${stack.name} ${String(alarm["alarm_name"])}`,
          String(query["expression"]),
        ]),
      ),
    );
    expect(queries.length).toBeGreaterThan(0);
    expect(queries.filter(([, expression]) => /\btag\s*\./i.test(expression))).toEqual([]);
  });

  const albArn = "arn:aws:elasticloadbalancing:eu-west-1:222222222222:loadbalancer/app/k8s-frontend-public-1a2b3c4d5e/50dc6c495c0c9188";
  /**
   * The prod lookup's postcondition and the alarm's dimension, evaluated by terraform itself: a
   * built-in `terraform_data` stands in for the data source (its `input` for `arns`), with the
   * synthesized condition, message and expression.
   */
  function planLookup(arns: readonly string[]) {
    const workloads = synthesizedStack("workloads-prod").doc;
    const [lookup] = Object.values(workloads.data?.["aws_lbs"] ?? {});
    const alarm = Object.values(resourcesOf(workloads, "aws_cloudwatch_metric_alarm")).find(
      (a) => a["alarm_name"] === "prod-alb-target-5xx",
    )!;
    const postcondition = (lookup!["lifecycle"] as { postcondition: { condition: string; error_message: string }[] }).postcondition[0]!;
    const dimension = String((alarm["dimensions"] as Body)["LoadBalancer"]).replace(
      /data\.aws_lbs\.[A-Za-z0-9_-]+\.arns/g,
      "terraform_data.lbs.input",
    );
    const dir = terraformDir();
    writeFileSync(
      path.join(dir, "main.tf.json"),
      JSON.stringify(
        {
          resource: {
            terraform_data: {
              lbs: {
                input: arns,
                lifecycle: {
                  postcondition: [
                    { condition: postcondition.condition.replace("self.arns", "self.input"), error_message: postcondition.error_message },
                  ],
                },
              },
            },
          },
          output: { dimension: { value: dimension } },
        },
        null,
        2,
      ), // one argument a line: terraform quotes only the failing line, never the message's
    );
    return terraformIn(dir, ["plan", "-lock=false"]);
  }

  it("GIVEN one load balancer found WHEN Terraform evaluates the lookup and the alarms' dimension THEN the read passes and the dimension is the ARN's suffix app/<name>/<id>", () => {
    const plan = planLookup([albArn]);
    expect(plan.ok, plan.output).toBe(true);
    expect(plan.output).toContain('+ dimension = "app/k8s-frontend-public-1a2b3c4d5e/50dc6c495c0c9188"');
  });

  it.each([
    ["none", [] as string[]],
    ["two", [albArn, albArn.replace("50dc6c495c0c9188", "60dc6c495c0c9188")]],
  ])(
    "GIVEN %s found WHEN Terraform evaluates the lookup THEN it fails with the message naming the Gateway and what to check",
    (_, arns) => {
      const plan = planLookup(arns);
      expect(plan.ok).toBe(false);
      const failed = plan.output.replace(/[│\s]+/g, " ");
      expect(failed).toContain("Error: Resource postcondition failed");
      expect(failed).toContain("Gateway frontend/public: expected exactly one load balancer tagged elbv2.k8s.aws/cluster=prod");
    },
  );
});

describe("upgrading from the counted ALB alarms", () => {
  it("GIVEN an alarm applied at instance [0] (the release that counted them) WHEN planned at its address without count THEN Terraform moves it by itself: nothing destroyed or created", () => {
    const workloads = synthesizedStack("workloads-prod").doc;
    const [address] = Object.entries(resourcesOf(workloads, "aws_cloudwatch_metric_alarm")).find(
      ([, a]) => a["alarm_name"] === "prod-alb-target-5xx",
    )!;
    // The built-in terraform_data stands in for the alarm: the move is decided by the address alone.
    const dir = terraformDir();
    const write = (block: Body) =>
      writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify({ resource: { terraform_data: { [address]: block } } }));
    write({ count: 1, input: "prod-alb-target-5xx" });
    expect(terraformIn(dir, ["apply", "-auto-approve", "-lock=false"]).ok).toBe(true);
    write({ input: "prod-alb-target-5xx" });
    const plan = terraformIn(dir, ["plan", "-lock=false"]);
    expect(plan.output).toContain(`terraform_data.${address}[0] has moved to terraform_data.${address}`);
    expect(plan.output).toContain("Plan: 0 to add, 0 to change, 0 to destroy.");
  });
});

describe("alerts in the environment file", () => {
  it("GIVEN a subscription whose endpoint does not fit its protocol WHEN parsed THEN the endpoint is named", () => {
    const result = alertsSchema.safeParse({ subscriptions: [{ protocol: "email", endpoint: "https://hooks.example/x" }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join("."), issue.message])).toEqual([
      ["subscriptions.0.endpoint", "must be an email address for protocol email"],
    ]);
  });

  it("GIVEN no alerts key WHEN parsed THEN the topic has no subscription (the default)", () => {
    expect(alertsSchema.parse(undefined)).toEqual({ subscriptions: [] });
  });
});

/**
 * Issue 20, item 9: security findings alert. The account layer (account-<id>) holds the rules and
 * the analyzer with the account's other singletons; they target the owner's alert topic by its
 * ARN, since network-<owner> creates the topic after the account layer.
 */
describe.each(ENVIRONMENTS.filter((env) => env.account.ownsAccountSingletons).map((env) => [env.name, env.account.id] as const))(
  "security findings of %s's account",
  (name, accountId) => {
    const network = synthesizedStack(`network-${name}`).doc;
    const account = synthesizedStack(`account-${accountId}`).doc;
    const topics = Object.entries(resourcesOf(network, "aws_sns_topic"));

    it("GuardDuty, Config and Access Analyzer findings reach the alert topic through EventBridge, which the topic and its key admit", () => {
      expect(topics.map(([, topic]) => topic["name"])).toEqual([`${name}-alerts`]);
      const rules = Object.entries(resourcesOf(account, "aws_cloudwatch_event_rule"));
      const sources = rules.flatMap(([, rule]) => (JSON.parse(String(rule["event_pattern"])) as { source: string[] }).source);
      expect(sources.sort()).toEqual(["aws.access-analyzer", "aws.config", "aws.guardduty"]);
      const targets = Object.values(resourcesOf(account, "aws_cloudwatch_event_target"));
      expect(targets.map((target) => [target["rule"], target["arn"]]).sort()).toEqual(
        rules.map(([key]) => [`\${aws_cloudwatch_event_rule.${key}.name}`, `arn:aws:sns:eu-west-1:${accountId}:${name}-alerts`]).sort(),
      );
      expect(Object.values(resourcesOf(account, "aws_accessanalyzer_analyzer")).map((analyzer) => analyzer["type"])).toEqual(["ACCOUNT"]);
      const topicPolicy = Object.values(resourcesOf(network, "aws_sns_topic_policy"))[0]!;
      expect(JSON.stringify(statementsOf(network, topicPolicy["policy"]))).toContain("events.amazonaws.com");
      const keyName = /^\$\{aws_kms_key\.([^.]+)\.arn\}$/.exec(String(topics[0]![1]["kms_master_key_id"]))![1]!;
      expect(JSON.stringify(statementsOf(network, resourcesOf(network, "aws_kms_key")[keyName]!["policy"]))).toContain(
        "events.amazonaws.com",
      );
    });

    it("the owner's network stack holds no finding rule (the account layer does)", () => {
      expect(resourcesOf(network, "aws_cloudwatch_event_rule")).toEqual({});
    });
  },
);
