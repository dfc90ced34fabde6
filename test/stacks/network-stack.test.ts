import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { describe, expect, it } from "vitest";
import { networkContract } from "../../stacks/network/contract";
import { outputName } from "../../stacks/contract";
import { ENVIRONMENTS } from "../support/fixtures";
import { resourcesOf, synthesizedStack } from "../support/synthesized";

const countOf = (stack: string, type: string) => Object.keys(resourcesOf(synthesizedStack(stack).doc, type)).length;
const serviceNames = (stack: string) => Object.values(resourcesOf(synthesizedStack(stack).doc, "aws_vpc_endpoint")).map((e) => e["service_name"]);

describe("network stack: what each environment gets", () => {
  it("dev is cheap: two AZs, one NAT gateway, only the STS interface endpoint", () => {
    expect(countOf("network-dev", "aws_subnet")).toBe(6);
    expect(countOf("network-dev", "aws_nat_gateway")).toBe(1);
    expect(serviceNames("network-dev").sort()).toEqual(["com.amazonaws.eu-west-1.s3", "com.amazonaws.eu-west-1.sts"]);
  });

  it("prod is resilient: three AZs, a NAT gateway per AZ, private endpoints for images, credentials, logs and secrets", () => {
    expect(countOf("network-prod", "aws_subnet")).toBe(9);
    expect(countOf("network-prod", "aws_nat_gateway")).toBe(3);
    expect(serviceNames("network-prod")).toEqual(
      expect.arrayContaining(["ecr.api", "ecr.dkr", "sts", "logs", "kms", "secretsmanager"].map((s) => `com.amazonaws.eu-west-1.${s}`)),
    );
  });

  it("staging shares dev's account, so it looks up the GitHub OIDC provider dev creates", () => {
    expect(synthesizedStack("network-dev").json).toHaveResource(IamOpenidConnectProvider);
    expect(synthesizedStack("network-staging").json).not.toHaveResource(IamOpenidConnectProvider);
    expect(synthesizedStack("network-staging").json).toHaveDataSource(DataAwsIamOpenidConnectProvider);
  });

  it("prod keeps its flow logs for a year, dev for a month", () => {
    const retention = (stack: string) =>
      Object.values(resourcesOf(synthesizedStack(stack).doc, "aws_cloudwatch_log_group")).find((group) => String(group["name"]).endsWith("/flow-logs"))?.[
        "retention_in_days"
      ];
    expect(retention("network-prod")).toBe(365);
    expect(retention("network-dev")).toBe(30);
  });
});

describe.each(ENVIRONMENTS.map((env) => [env.name, env] as const))("network-%s", (name, env) => {
  const stack = synthesizedStack(`network-${name}`);

  it("lays out the subnets of the environment's plan as literal CIDRs", () => {
    const cidrs = Object.values(resourcesOf(stack.doc, "aws_subnet")).map((s) => s["cidr_block"]);
    expect(cidrs.sort()).toEqual([...env.subnetPlan.public, ...env.subnetPlan.privateApp, ...env.subnetPlan.privateData].sort());
    for (const cidr of cidrs) expect(cidr).toMatch(/^\d+\.\d+\.\d+\.\d+\/\d+$/);
  });

  it("records all VPC traffic", () => {
    expect(stack.json).toHaveResourceWithProperties(FlowLog, { traffic_type: "ALL" });
  });

  it("has one image repository per configured application, named <env>/<app>", () => {
    for (const repo of env.ecr.repositories) {
      expect(stack.json).toHaveResourceWithProperties(EcrRepository, { name: `${name}/${repo.name}`, image_tag_mutability: "IMMUTABLE" });
    }
  });

  it("publishes its contract's outputs, repository URLs keyed by application", () => {
    const outputs = stack.doc.output ?? {};
    expect(Object.keys(outputs).sort()).toEqual(Object.keys(networkContract.outputs).map(outputName).sort());
    const urls = outputs["ecr_repository_urls"]?.value as Record<string, string>;
    expect(Object.keys(urls).sort()).toEqual(env.ecr.repositories.map((repo) => repo.name).sort());
  });
});
