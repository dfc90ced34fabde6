import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { Ec2ClientVpnEndpoint } from "@cdktf/provider-aws/lib/ec2-client-vpn-endpoint";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import type { EnvironmentConfig } from "../../environments/schema";
import { IPv4CidrRange } from "ip-num";
import { networkContract } from "../../stacks/network/contract";
import { outputName } from "../../stacks/contract";
import { buildEnvironment, ENVIRONMENTS, environment } from "../support/fixtures";
import { naclVerdict, type AclRule } from "../support/nacl";
import { resourcesOf, synthesizedStack } from "../support/synthesized";

const countOf = (stack: string, type: string) => Object.keys(resourcesOf(synthesizedStack(stack).doc, type)).length;
/** Subnets of the application VPC's three tiers (the management VPC's are tagged tier=management). */
const applicationSubnetCount = (stack: string) =>
  Object.values(resourcesOf(synthesizedStack(stack).doc, "aws_subnet")).filter(
    (s) => (s["tags"] as Record<string, string>)["tier"] !== "management",
  ).length;
const serviceNames = (stack: string) =>
  Object.values(resourcesOf(synthesizedStack(stack).doc, "aws_vpc_endpoint")).map((e) => e["service_name"]);

describe("network stack: what each environment gets", () => {
  it("dev is cheap: two AZs, one NAT gateway, only the STS interface endpoint", () => {
    expect(countOf("network-dev", "aws_subnet")).toBe(6);
    expect(countOf("network-dev", "aws_nat_gateway")).toBe(1);
    expect(serviceNames("network-dev").sort()).toEqual(["com.amazonaws.eu-west-1.s3", "com.amazonaws.eu-west-1.sts"]);
  });

  it("prod is resilient: three AZs, a NAT gateway per AZ, private endpoints for images, credentials, logs and secrets", () => {
    expect(applicationSubnetCount("network-prod")).toBe(9);
    expect(countOf("network-prod", "aws_nat_gateway")).toBe(3);
    expect(serviceNames("network-prod")).toEqual(
      expect.arrayContaining(["ecr.api", "ecr.dkr", "sts", "logs", "kms", "secretsmanager"].map((s) => `com.amazonaws.eu-west-1.${s}`)),
    );
  });

  it.each(["network-dev", "network-staging", "network-prod"])(
    "GIVEN %s WHEN synthesized THEN it neither creates nor looks up the GitHub OIDC provider (the account layer publishes it)",
    (name) => {
      expect(synthesizedStack(name).json).not.toHaveResource(IamOpenidConnectProvider);
      expect(synthesizedStack(name).json).not.toHaveDataSource(DataAwsIamOpenidConnectProvider);
    },
  );

  it("prod keeps its flow logs for a year, dev for a month", () => {
    const retention = (stack: string) =>
      Object.values(resourcesOf(synthesizedStack(stack).doc, "aws_cloudwatch_log_group")).find((group) =>
        String(group["name"]).endsWith("/flow-logs"),
      )?.["retention_in_days"];
    expect(retention("network-prod")).toBe(365);
    expect(retention("network-dev")).toBe(30);
  });

  it("prod has the management VPC, peered with the application VPC, with the operator host; dev and staging do not", () => {
    expect(countOf("network-prod", "aws_vpc")).toBe(2);
    expect(countOf("network-prod", "aws_vpc_peering_connection")).toBe(1);
    expect(countOf("network-prod", "aws_instance")).toBe(1);
    expect(serviceNames("network-prod")).toEqual(
      expect.arrayContaining(["ssm", "ssmmessages", "ec2messages"].map((s) => `com.amazonaws.eu-west-1.${s}`)),
    );
    expect(synthesizedStack("network-prod").doc.output?.["management_cidr"]?.value).toBe("10.130.0.0/24");
    expect(synthesizedStack("network-prod").doc.output?.["operator_security_group_id"]?.value).toMatch(
      /^\$\{aws_security_group\.management_operator_sg_[A-Z0-9]+\.id\}$/,
    );
    for (const stack of ["network-dev", "network-staging"]) {
      expect(countOf(stack, "aws_vpc")).toBe(1);
      expect(countOf(stack, "aws_vpc_peering_connection")).toBe(0);
      expect(countOf(stack, "aws_instance")).toBe(0);
      // Optional outputs: absent, not empty strings (downstream reads undefined from the contract).
      expect(synthesizedStack(stack).doc.output).not.toHaveProperty("management_cidr");
      expect(synthesizedStack(stack).doc.output).not.toHaveProperty("operator_security_group_id");
    }
  });

  it("GIVEN prod with clientVpn WHEN synthesized THEN a Client VPN endpoint serves the management network; prod as committed has none", () => {
    const clientVpn = {
      serverCertificateArn: "arn:aws:acm:eu-west-1:222222222222:certificate/11111111-1111-4111-8111-111111111111",
      clientRootCertificateArn: "arn:aws:acm:eu-west-1:222222222222:certificate/22222222-2222-4222-8222-222222222222",
      clientCidr: "10.140.0.0/22",
    };
    const withVpn = environment(
      "prod",
      (env): EnvironmentConfig => ({
        ...env,
        network: { ...env.network, management: { vpcCidr: "10.130.0.0/24", clientVpn } },
      }),
    );
    const json = Testing.synth(buildEnvironment(withVpn).stacks.network);
    expect(json).toHaveResourceWithProperties(Ec2ClientVpnEndpoint, { client_cidr_block: "10.140.0.0/22", split_tunnel: true });
    expect(countOf("network-prod", "aws_ec2_client_vpn_endpoint")).toBe(0);
  });

  it("prod's private-app NACL admits a management host on 443 and not on SSH; dev's refuses that host on 443", () => {
    const appIngress = (stack: string) =>
      Object.values(resourcesOf(synthesizedStack(stack).doc, "aws_network_acl")).find(
        (acl) => (acl["tags"] as Record<string, string>)["tier"] === "private-app",
      )!["ingress"] as AclRule[];
    const operator = "10.130.0.10";
    expect(naclVerdict(appIngress("network-prod"), operator, 443)).toBe("allow");
    expect(naclVerdict(appIngress("network-prod"), operator, 22)).toBe("deny");
    expect(naclVerdict(appIngress("network-dev"), operator, 443)).toBe("deny");
  });
});

describe.each(ENVIRONMENTS.map((env) => [env.name, env] as const))("network-%s", (name, env) => {
  const stack = synthesizedStack(`network-${name}`);

  it("lays out the subnets of the environment's plan as literal CIDRs", () => {
    const cidrs = Object.values(resourcesOf(stack.doc, "aws_subnet")).map((s) => s["cidr_block"]);
    // The management VPC's two subnets are its two halves (computed here with ip-num, not by the module).
    const management =
      env.network.management === undefined
        ? []
        : IPv4CidrRange.fromCidr(env.network.management.vpcCidr)
            .split()
            .map((half) => half.toCidrString());
    expect(cidrs.sort()).toEqual(
      [...env.subnetPlan.public, ...env.subnetPlan.privateApp, ...env.subnetPlan.privateData, ...management].sort(),
    );
    for (const cidr of cidrs) expect(cidr).toMatch(/^\d+\.\d+\.\d+\.\d+\/\d+$/);
  });

  it("tags the private-app subnets, and only those, for Karpenter's discovery (karpenter.sh/discovery=<cluster>)", () => {
    const tagged = Object.values(resourcesOf(stack.doc, "aws_subnet"))
      .filter((subnet) => (subnet["tags"] as Record<string, string> | undefined)?.["karpenter.sh/discovery"] === name)
      .map((subnet) => subnet["cidr_block"]);
    expect(tagged.sort()).toEqual([...env.subnetPlan.privateApp].sort());
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
    // Every output but the management network's two, which exist only where it does.
    const optional = env.network.management === undefined ? ["management_cidr", "operator_security_group_id"] : [];
    expect(Object.keys(outputs).sort()).toEqual(
      Object.keys(networkContract.outputs)
        .map(outputName)
        .filter((name) => !optional.includes(name))
        .sort(),
    );
    const urls = outputs["ecr_repository_urls"]?.value as Record<string, string>;
    expect(Object.keys(urls).sort()).toEqual(env.ecr.repositories.map((repo) => repo.name).sort());
  });
});
