import { readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadActionModels, requestParameters, requestTagsOf, resourcesOf, responseParameters, type ActionModel } from "../../e2e/arns";
import { iamActionOf, iamRequestsOf, parseApiLog, passedRoles, type ApiCall, type IamRequest } from "../../e2e/calls";

/**
 * The IAM requests of recorded calls (test/e2e/fixtures/provider-calls.log: requests and responses
 * the AWS provider 5.100.0 logged against moto 5.2.1 while applying network-dev and platform-dev),
 * with the ARNs the service authorization reference (iam-data) gives them.
 */

const WHERE = { account: "111111111111", region: "eu-west-1" };
const calls = parseApiLog(readFileSync(path.join(__dirname, "fixtures", "provider-calls.log"), "utf8")).calls;
let models: Map<string, ActionModel>;

function recorded(service: string, operation: string, index = 0): ApiCall {
  const found = calls.filter((call) => call.service === service && call.operation === operation)[index];
  if (found === undefined) throw new Error(`no ${service} ${operation} in the fixture`);
  return found;
}

function requestsOf(service: string, operation: string, index = 0): IamRequest[] {
  return iamRequestsOf(recorded(service, operation, index), WHERE, models);
}

beforeAll(async () => {
  models = await loadActionModels(new Set([...calls.map((call) => iamActionOf(call)), "ssm:GetParameter"]));
});

describe("parseApiLog pairs each request with its response", () => {
  it("GIVEN the provider's JSON log WHEN parsed THEN every request has the response of the same tf_req_id, service and operation", () => {
    const subnet = recorded("EC2", "CreateSubnet");

    expect(subnet.responseBody).toContain("<subnetId>subnet-");
  });

  it("GIVEN a request entry that is not valid JSON WHEN parsed THEN it is counted as unparsable, never skipped silently", () => {
    const parsed = parseApiLog('{"@message":"HTTP Request Sent","rpc.service":"EC2"\n{"@message":"HTTP Request Sent"}\n');

    expect(parsed.unparsable).toBe(2);
    expect(parsed.calls).toEqual([]);
  });
});

describe("resources AWS authorizes a call on", () => {
  it("GIVEN CreateSubnet WHEN derived THEN the subnet (id from the response) and the VPC (from the request) are concrete ARNs", () => {
    const own = requestsOf("EC2", "CreateSubnet").filter((request) => request.action === "ec2:CreateSubnet");

    expect(own.every((request) => request.kind === "concrete")).toBe(true);
    expect(own.map((request) => request.resource.replace(/(subnet|vpc)-[0-9a-f]+/, "$1-ID"))).toEqual([
      "arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-ID",
      "arn:aws:ec2:eu-west-1:111111111111:vpc/vpc-ID",
    ]);
  });

  it("GIVEN EKS DescribeCluster (REST path /clusters/dev) WHEN derived THEN the cluster ARN", () => {
    expect(requestsOf("EKS", "DescribeCluster")[0]).toMatchObject({
      action: "eks:DescribeCluster",
      resource: "arn:aws:eks:eu-west-1:111111111111:cluster/dev",
      kind: "concrete",
    });
  });

  it("GIVEN CreateDBCluster WHEN derived THEN the cluster, its parameter group and its subnet group, by the API's parameter names", () => {
    const resources = requestsOf("RDS", "CreateDBCluster")
      .filter((request) => request.action === "rds:CreateDBCluster")
      .map((request) => request.resource);

    expect(resources).toEqual(
      expect.arrayContaining([
        "arn:aws:rds:eu-west-1:111111111111:cluster:dev-app",
        "arn:aws:rds:eu-west-1:111111111111:cluster-pg:dev-app-aurora-postgresql16",
        "arn:aws:rds:eu-west-1:111111111111:subgrp:dev-app-aurora",
      ]),
    );
  });

  it("GIVEN KMS CreateAlias WHEN derived THEN the alias (without alias/) and the target key", () => {
    const resources = requestsOf("KMS", "CreateAlias").map((request) => request.resource);

    expect(resources).toEqual([
      "arn:aws:kms:eu-west-1:111111111111:alias/dev/ecr",
      "arn:aws:kms:eu-west-1:111111111111:key/7714e559-facc-4175-9a42-ec354abb1263",
    ]);
  });

  it("GIVEN DescribeVpcs, which takes no resource WHEN derived THEN it is wildcard-only, not a derivation failure", () => {
    expect(requestsOf("EC2", "DescribeVpcs")).toMatchObject([{ resource: "*", kind: "wildcard-only" }]);
  });

  it("GIVEN PutConfigurationRecorder, whose recorder ARN holds an id no call carries WHEN derived THEN it is underived and names the missing type", () => {
    const model = models.get("config:putconfigurationrecorder");
    const call = recorded("Config Service", "PutConfigurationRecorder");

    const derived = resourcesOf(model, requestParameters(call), responseParameters(call.responseBody ?? ""), WHERE);

    expect(derived).toEqual({ kind: "underived", resources: ["*"], missing: ["ConfigurationRecorder"] });
  });

  it("GIVEN ReplaceNetworkAclAssociation, whose subnet no parameter names WHEN derived THEN the network ACL it spells is its concrete resource", () => {
    expect(requestsOf("EC2", "ReplaceNetworkAclAssociation")).toMatchObject([
      { resource: "arn:aws:ec2:eu-west-1:111111111111:network-acl/acl-cbe6b86d2580d881c", kind: "concrete" },
    ]);
  });

  it("GIVEN a direct EC2 CreateTags on a route table WHEN derived THEN the route table's ARN, from the id's prefix", () => {
    expect(requestsOf("EC2", "CreateTags")[0]).toMatchObject({
      resource: "arn:aws:ec2:eu-west-1:111111111111:route-table/rtb-834914f1723f1afcb",
      kind: "concrete",
    });
  });
});

describe("services whose requests name a resource inside another value (Karpenter's queue and rules)", () => {
  const jsonCall = (body: object): Pick<ApiCall, "body" | "url"> => ({ body: JSON.stringify(body), url: "http://127.0.0.1:5000/" });

  it("GIVEN an SQS call naming the queue by its QueueUrl WHEN derived THEN the queue's ARN, from the URL's last segment", async () => {
    const extra = await loadActionModels(["sqs:SetQueueAttributes"]);
    const call = jsonCall({ QueueUrl: "http://127.0.0.1:5000/111111111111/dev-karpenter-interruptions", Attributes: { Policy: "{}" } });

    const derived = resourcesOf(extra.get("sqs:setqueueattributes"), requestParameters(call), new Map(), WHERE);

    expect(derived).toEqual({
      kind: "concrete",
      resources: ["arn:aws:sqs:eu-west-1:111111111111:dev-karpenter-interruptions"],
      missing: [],
    });
  });

  it("GIVEN EventBridge PutTargets naming its rule `Rule` WHEN derived THEN the rule's ARN on the default bus", async () => {
    const extra = await loadActionModels(["events:PutTargets"]);
    const call = jsonCall({
      Rule: "dev-karpenter-spot-interruption",
      Targets: [{ Id: "queue", Arn: "arn:aws:sqs:eu-west-1:111111111111:q" }],
    });

    const derived = resourcesOf(extra.get("events:puttargets"), requestParameters(call), new Map(), WHERE);

    expect(derived).toEqual({
      kind: "concrete",
      resources: ["arn:aws:events:eu-west-1:111111111111:rule/dev-karpenter-spot-interruption"],
      missing: [],
    });
  });
});

describe("actions AWS requires besides the one called", () => {
  it("GIVEN CreateRole with tags WHEN its requests are derived THEN iam:TagRole on the same role, with the request tags", () => {
    const tagging = requestsOf("IAM", "CreateRole").find((request) => request.action === "iam:TagRole");

    expect(tagging).toMatchObject({ resource: "arn:aws:iam::111111111111:role/dev-vpc-flow-logs", kind: "concrete" });
    expect(tagging?.context["aws:RequestTag/managed-by"]).toBe("cdktf");
  });

  it("GIVEN CreateOpenIDConnectProvider with tags WHEN derived THEN iam:TagOpenIDConnectProvider", () => {
    expect(requestsOf("IAM", "CreateOpenIDConnectProvider").map((request) => request.action)).toContain("iam:TagOpenIDConnectProvider");
  });

  it("GIVEN CreateSubnet with a tag specification WHEN derived THEN ec2:CreateTags on the new subnet with ec2:CreateAction", () => {
    const tagging = requestsOf("EC2", "CreateSubnet").find((request) => request.action === "ec2:CreateTags");

    expect(tagging?.resource).toMatch(/^arn:aws:ec2:eu-west-1:111111111111:subnet\/subnet-[0-9a-f]+$/);
    expect(tagging?.context["ec2:CreateAction"]).toBe("CreateSubnet");
  });

  it("GIVEN CreateLogGroup with a tags map WHEN derived THEN logs:TagResource with aws:TagKeys", () => {
    const tagging = requestsOf("CloudWatch Logs", "CreateLogGroup").find((request) => request.action === "logs:TagResource");

    expect(tagging?.context["aws:TagKeys"]).toEqual(["layer", "managed-by", "owner", "cost-center", "environment"]);
  });
});

describe("iam:PassRole from every parameter that carries a role ARN", () => {
  it.each([
    ["EKS", "CreateCluster", "arn:aws:iam::111111111111:role/dev-cluster", "eks.amazonaws.com"],
    ["EKS", "CreateNodegroup", "arn:aws:iam::111111111111:role/dev-nodes", "eks.amazonaws.com"],
    ["Config Service", "PutConfigurationRecorder", "arn:aws:iam::111111111111:role/dev-config-recorder", "config.amazonaws.com"],
    ["EC2", "CreateFlowLogs", "arn:aws:iam::111111111111:role/dev-vpc-flow-logs", "vpc-flow-logs.amazonaws.com"],
  ])("GIVEN %s %s WHEN derived THEN PassRole of %s to %s", (service, operation, roleArn, toService) => {
    expect(passedRoles(recorded(service, operation))).toMatchObject([{ roleArn, toService }]);
  });

  it("GIVEN a Fargate profile's pod execution role and a database's monitoring role (no list of operations) WHEN derived THEN both are passed", () => {
    const fargate: ApiCall = {
      service: "EKS",
      operation: "CreateFargateProfile",
      url: "http://127.0.0.1:1/clusters/dev/fargate-profiles",
      body: '{"fargateProfileName":"kube-system","podExecutionRoleArn":"arn:aws:iam::111111111111:role/dev-fargate"}',
    };
    const database: ApiCall = {
      service: "RDS",
      operation: "CreateDBInstance",
      url: "http://127.0.0.1:1/",
      body: "Action=CreateDBInstance&DBInstanceIdentifier=x&MonitoringRoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Fdev-rds-monitoring",
    };

    expect(passedRoles(fargate)).toMatchObject([
      { roleArn: "arn:aws:iam::111111111111:role/dev-fargate", toService: "eks-fargate-pods.amazonaws.com" },
    ]);
    expect(passedRoles(database)).toMatchObject([
      { roleArn: "arn:aws:iam::111111111111:role/dev-rds-monitoring", toService: "monitoring.rds.amazonaws.com" },
    ]);
  });

  it("GIVEN an access entry naming a role as its principal WHEN derived THEN no PassRole (the role is not handed to EKS)", () => {
    const entry: ApiCall = {
      service: "EKS",
      operation: "CreateAccessEntry",
      url: "http://127.0.0.1:1/clusters/dev/access-entries",
      body: '{"principalArn":"arn:aws:iam::111111111111:role/dev-github-deploy"}',
    };

    expect(passedRoles(entry)).toEqual([]);
  });
});

describe("requestTagsOf", () => {
  it.each([
    ["IAM members", "Action=CreateRole&Tags.member.1.Key=team&Tags.member.1.Value=platform", { team: "platform" }],
    [
      "an EC2 tag specification",
      "TagSpecification.1.ResourceType=vpc&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=dev",
      { Name: "dev" },
    ],
    ["a JSON list with TagKey", '{"Tags":[{"TagKey":"team","TagValue":"platform"}]}', { team: "platform" }],
    ["a JSON map", '{"tags":{"team":"platform"}}', { team: "platform" }],
  ])("GIVEN %s WHEN read THEN the tags", (_, body, tags) => {
    expect(requestTagsOf({ body })).toEqual(tags);
  });
});

describe("AWS's public parameters", () => {
  it("GIVEN GetParameter of /aws/service/... (moto answers with our account in its ARN) WHEN derived THEN the ARN has no account, as AWS's public parameters have", () => {
    const call: ApiCall = {
      service: "SSM",
      operation: "GetParameter",
      url: "http://127.0.0.1:1/",
      body: '{"Name":"/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"}',
      responseBody:
        '{"Parameter":{"Name":"/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64","ARN":"arn:aws:ssm:eu-west-1:222222222222:parameter/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"}}',
    };

    expect(iamRequestsOf(call, WHERE, models)[0]?.resource).toBe(
      "arn:aws:ssm:eu-west-1::parameter/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
    );
  });
});
