import { readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadActionModels, type ActionModel } from "../../e2e/arns";
import { parseE2eCommandLine } from "../../e2e/command";
import { iamActionOf, iamRequestsOf, parseApiLog, type IamRequest } from "../../e2e/calls";
import { ignoredAttributesOf } from "../../e2e/emulator-gaps";
import { judgeLogs } from "../../e2e/role-check";
import { evaluate, type RolePolicies } from "../../e2e/roles";
import { leaveOutGaps, type TerraformJson } from "../../e2e/scratch";
import { serviceRequests } from "../../e2e/service-roles";
import { Verdicts } from "../../e2e/verdicts";
import { checkWiring } from "../../e2e/wiring";
import { VPC_CNI_AWS_CALLS } from "../../modules/eks/vpc-cni-aws-calls";

/**
 * The mutation test of the end-to-end suite, at unit level (fast, in npm test): each of the nine
 * defects issue 23 planted in the product, planted here in recorded calls or synthesized JSON, and
 * the checker that must catch it, catching it. The live set (the same defects through a whole
 * `npm run e2e -- --env dev`) is e2e/mutations.sh.
 */

const WHERE = { account: "111111111111", region: "eu-west-1" };
const calls = parseApiLog(readFileSync(path.join(__dirname, "fixtures", "provider-calls.log"), "utf8")).calls;
let models: Map<string, ActionModel>;
beforeAll(async () => {
  models = await loadActionModels(new Set(calls.map((call) => iamActionOf(call))));
});

const requestsOf = (service: string, operation: string): IamRequest[] =>
  calls.filter((call) => call.service === service && call.operation === operation).flatMap((call) => iamRequestsOf(call, WHERE, models));

const role = (statements: unknown[]): RolePolicies => ({
  roleArn: "arn:aws:iam::111111111111:role/dev-github-deploy",
  policies: [{ name: "deploy", policy: { Version: "2012-10-17", Statement: statements } }],
});

describe("the nine defects of issue 23, planted, are caught", () => {
  it("1. GIVEN a Deny scoped to the cluster's ARN WHEN the recorded DescribeCluster is checked THEN it is denied (it was allowed on *)", async () => {
    const deploy = role([
      { Effect: "Allow", Action: "eks:*", Resource: "*" },
      { Effect: "Deny", Action: "eks:DescribeCluster", Resource: "arn:aws:eks:eu-west-1:111111111111:cluster/dev" },
    ]);

    const violations = await evaluate("platform-dev", deploy, "111111111111", requestsOf("EKS", "DescribeCluster"));

    expect(violations.map((violation) => `${violation.action} ${violation.resource}`)).toEqual([
      "eks:DescribeCluster arn:aws:eks:eu-west-1:111111111111:cluster/dev",
    ]);
  });

  it("2. GIVEN a deploy role without iam:TagRole WHEN the recorded CreateRole with tags is checked THEN iam:TagRole is a violation", async () => {
    const deploy = role([{ Effect: "Allow", Action: ["iam:CreateRole", "iam:PassRole"], Resource: "*" }]);

    const violations = await evaluate("network-dev", deploy, "111111111111", requestsOf("IAM", "CreateRole"));

    expect(violations.map((violation) => violation.action)).toContain("iam:TagRole");
    expect(violations.find((violation) => violation.action === "iam:TagRole")?.call).toContain("tags on create (iam:CreateRole)");
  });

  it("3. GIVEN a permissions boundary that also denies ec2:* WHEN the CNI's calls are exercised on the node role THEN they are refused", async () => {
    const nodes: RolePolicies = {
      roleArn: "arn:aws:iam::111111111111:role/dev-nodes",
      policies: [{ name: "cni", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ec2:*", Resource: "*" }] } }],
      permissionsBoundary: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: "*", Resource: "*" },
          { Effect: "Deny", Action: "ec2:*", Resource: "*" },
        ],
      },
    };
    const facts = { Partition: "aws", Region: "eu-west-1", Account: "111111111111", Environment: "dev", ClusterName: "dev" };

    const violations = await evaluate("platform-dev", nodes, "111111111111", serviceRequests(VPC_CNI_AWS_CALLS, facts));

    expect(violations.length).toBe(VPC_CNI_AWS_CALLS.calls.length);
  });

  it("4. GIVEN a resource other than the cluster placed from a wrong value WHEN the wiring is checked THEN it fails, naming the attribute", () => {
    const platform: TerraformJson = {
      resource: {
        aws_cloudwatch_log_group: { eks: { kms_key_id: "${data.terraform_remote_state.network-state.outputs.logs_kms_key_arn}" } },
      },
    };
    const result = checkWiring(
      platform,
      [{ address: "aws_cloudwatch_log_group.eks", values: { kms_key_id: "arn:aws:kms:eu-west-1:1:key/wrong" } }],
      () => "arn:aws:kms:eu-west-1:1:key/right",
    );

    expect(result.checks.filter((check) => !check.ok).map((check) => `${check.address}.${check.attribute}`)).toEqual([
      "aws_cloudwatch_log_group.eks.kms_key_id",
    ]);
  });

  it("4b. GIVEN nothing to compare WHEN the wiring is checked THEN no check is counted (the run fails an empty selection)", () => {
    expect(checkWiring({ resource: {} }, [], () => undefined).checks).toEqual([]);
  });

  it("5. GIVEN the wiring check throws WHEN the role check of the same stack runs THEN both verdicts stand and the stack is failed", async () => {
    const verdicts = new Verdicts();
    await verdicts.check("birth", "platform-dev", "wiring", () => Promise.reject(new Error("wiring broken")));
    verdicts.pass("birth", "platform-dev", "role check (apply)", "0 violations");

    expect(verdicts.all().map((verdict) => verdict.check)).toEqual(["wiring", "role check (apply)"]);
    expect(verdicts.green()).toBe(false);
  });

  it("6. GIVEN --env devv WHEN the command line is parsed THEN refused with exit 2 (not 0 stacks and exit 0)", () => {
    expect(parseE2eCommandLine(["--env", "devv"], ["dev", "prod", "staging"])).toMatchObject({ exitCode: 2 });
  });

  it("7. GIVEN a log whose format changed (no entry readable) WHEN judged THEN it fails as unreadable and as no calls recorded", () => {
    const changed = parseApiLog('{"@message":"HTTP Request Sent","service":"EC2","method":"DescribeVpcs"}\n');

    expect(judgeLogs("apply", [changed]).map((problem) => problem.check)).toEqual(["log readable (apply)", "calls recorded (apply)"]);
  });

  it("8. GIVEN the backend's policy document names the left-out cache WHEN gaps are left out THEN the backend's role policy is kept (applied and checked)", () => {
    const platform: TerraformJson = {
      resource: {
        aws_elasticache_replication_group: { cache: {} },
        aws_iam_role_policy: { backend: { policy: "${data.aws_iam_policy_document.backend.json}" } },
      },
      data: { aws_iam_policy_document: { backend: { statement: [{ resources: ["${aws_elasticache_replication_group.cache.arn}"] }] } } },
    };

    const result = leaveOutGaps(platform, (type) => (type === "aws_elasticache_replication_group" ? "gap" : undefined));

    expect(result.leftOut.map((entry) => entry.address)).toEqual(["aws_elasticache_replication_group.cache"]);
    expect(Object.keys(result.stack.resource?.["aws_iam_role_policy"] ?? {})).toEqual(["backend"]);
  });

  it("9. GIVEN a new security group rule with a group reference WHEN its ignored attributes are asked THEN none: a perpetual diff in its description shows", () => {
    expect(
      ignoredAttributesOf("aws_vpc_security_group_ingress_rule", { referenced_security_group_id: "sg-1" }, undefined, "new-rule_ABCD1234"),
    ).toEqual([]);
  });
});
