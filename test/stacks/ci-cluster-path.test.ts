import { IPv4CidrRange } from "ip-num";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { environmentsDir } from "../../environments/load";
import { ENVIRONMENTS } from "../support/fixtures";
import { naclVerdict, type AclRule } from "../support/nacl";
import { resourcesOf, synthesizedStack } from "../support/synthesized";

/**
 * Issue 13, item 2: every environment has a network path from CI to its cluster's private API,
 * made by this repository: a GitHub Actions runner hosted by CodeBuild in the private-app subnets
 * (where the control plane's network interfaces live), admitted by the cluster security group,
 * allowed by the tier's NACL, routed to the internet (GitHub) through NAT; and the workflow jobs
 * that plan or apply a workloads stack run there.
 */
const fromNetwork = (output: string) => `\${data.terraform_remote_state.network-state.outputs.${output}}`;
/** A host inside a CIDR (its tenth address): a runner ENI or a control-plane ENI. */
const hostIn = (cidr: string) => {
  const [base] = cidr.split("/");
  const parts = base!.split(".").map(Number);
  parts[3] = parts[3]! + 10;
  return parts.join(".");
};

describe.each(ENVIRONMENTS.map((env) => [env.name, env] as const))("CI's path to the cluster API in %s", (name, env) => {
  const network = synthesizedStack(`network-${name}`).doc;
  const platform = synthesizedStack(`platform-${name}`).doc;
  const projects = Object.entries(resourcesOf(network, "aws_codebuild_project"));
  const deployRunner = () => projects.find(([, p]) => p["name"] === `${name}-github-runner`)!;

  it("network: two CodeBuild runners, <env>-github-runner (deploy) and <env>-github-plan-runner (plan), and no other", () => {
    expect(projects.map(([, p]) => p["name"]).sort()).toEqual([`${name}-github-plan-runner`, `${name}-github-runner`]);
  });

  it.each([
    ["deploy", `${name}-github-runner`, "ci_runner_security_group_id"],
    ["plan", `${name}-github-plan-runner`, "ci_plan_runner_security_group_id"],
  ])("network: the %s runner runs in the private-app subnets, behind its own security group", (_purpose, projectName, output) => {
    const [, project] = projects.find(([, p]) => p["name"] === projectName)!;
    const vpc = project["vpc_config"] as Record<string, unknown>;
    const subnetIds = Object.entries(resourcesOf(network, "aws_subnet"))
      .filter(([, subnet]) => env.subnetPlan.privateApp.includes(String(subnet["cidr_block"])))
      .map(([key]) => `\${aws_subnet.${key}.id}`);
    expect(subnetIds).toHaveLength(env.network.azCount);
    expect([...(vpc["subnets"] as string[])].sort()).toEqual(subnetIds.sort());
    const groups = vpc["security_group_ids"] as string[];
    expect(groups).toHaveLength(1);
    // The runner's group admits nothing: each job is started by CodeBuild, never reached from outside.
    expect(
      Object.values(resourcesOf(network, "aws_vpc_security_group_ingress_rule")).filter((r) => r["security_group_id"] === groups[0]),
    ).toEqual([]);
    expect(network.output?.[output]?.value).toBe(groups[0]);
  });

  it("network: the deploy runner reads GitHub through the connection the environment file names, and takes the named people's deploy jobs on the deploy branch", () => {
    const file = parse(readFileSync(path.join(environmentsDir(), `${name}.yaml`), "utf8")) as {
      github: { connectionArn: string; runnerActorIds: string[] };
    };
    const [key, project] = deployRunner();
    expect(project["source"]).toMatchObject({
      type: "GITHUB",
      location: `https://github.com/${env.github.repository}.git`,
      auth: { type: "CODECONNECTIONS", resource: file.github.connectionArn },
    });
    const hooks = Object.values(resourcesOf(network, "aws_codebuild_webhook")).filter(
      (hook) => hook["project_name"] === `\${aws_codebuild_project.${key}.name}`,
    );
    expect(hooks).toHaveLength(1);
    expect(hooks[0]!["filter_group"]).toEqual([
      {
        filter: [
          { type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" },
          { type: "ACTOR_ACCOUNT_ID", pattern: `^(${file.github.runnerActorIds.join("|")})$` },
          { type: "WORKFLOW_NAME", pattern: "^(Deploy|Release)$" },
          { type: "HEAD_REF", pattern: "^(refs/heads/main)$" },
        ],
      },
    ]);
    // No token in configuration (hence none in state): the connection holds the GitHub authorization.
    expect(Object.keys(resourcesOf(network, "aws_codebuild_source_credential"))).toEqual([]);
  });

  it.each(["ci_runner_security_group_id", "ci_plan_runner_security_group_id"])(
    "platform: the cluster security group admits %s on 443",
    (output) => {
      const cluster = Object.entries(resourcesOf(platform, "aws_security_group")).find(([, sg]) => sg["name"] === `${name}-cluster`)![0];
      const fromRunner = Object.values(resourcesOf(platform, "aws_vpc_security_group_ingress_rule")).filter(
        (rule) =>
          rule["security_group_id"] === `\${aws_security_group.${cluster}.id}` &&
          rule["referenced_security_group_id"] === fromNetwork(output),
      );
      expect(fromRunner.map((rule) => [rule["ip_protocol"], rule["from_port"], rule["to_port"]])).toEqual([["tcp", 443, 443]]);
    },
  );

  it.each(["ci_runner_security_group_id", "ci_plan_runner_security_group_id"])(
    "platform: %s may send to the cluster security group on 443 (the runner's only egress inside the VPC besides the endpoints)",
    (output) => {
      const cluster = Object.entries(resourcesOf(platform, "aws_security_group")).find(([, sg]) => sg["name"] === `${name}-cluster`)![0];
      const toCluster = Object.values(resourcesOf(platform, "aws_vpc_security_group_egress_rule")).filter(
        (rule) => rule["security_group_id"] === fromNetwork(output),
      );
      expect(
        toCluster.map((rule) => [rule["referenced_security_group_id"], rule["ip_protocol"], rule["from_port"], rule["to_port"]]),
      ).toEqual([[`\${aws_security_group.${cluster}.id}`, "tcp", 443, 443]]);
    },
  );

  it("network: each runner's group sends HTTPS to the public-internet prefix list and the endpoints' group only, and the list leaves out the VPC and every private range", () => {
    const [listKey, list] = Object.entries(resourcesOf(network, "aws_ec2_managed_prefix_list")).find(
      ([, l]) => l["name"] === `${name}-public-internet`,
    )!;
    const entries = (list["entry"] as { cidr: string }[]).map((entry) => entry.cidr);
    expect(list["max_entries"]).toBe(entries.length);
    const inside = (cidr: string, address: string) => IPv4CidrRange.fromCidr(cidr).contains(IPv4CidrRange.fromCidr(`${address}/32`));
    for (const address of [hostIn(env.network.vpcCidr), "10.0.0.1", "172.16.0.1", "192.168.0.1", "100.64.0.1"])
      expect(
        entries.filter((cidr) => inside(cidr, address)),
        address,
      ).toEqual([]);
    for (const address of ["140.82.112.3", "52.94.0.1"])
      expect(
        entries.filter((cidr) => inside(cidr, address)),
        address,
      ).toHaveLength(1);
    const endpoints = Object.entries(resourcesOf(network, "aws_security_group")).find(([, sg]) =>
      String(sg["name"] ?? "").includes("endpoints"),
    )![0];
    for (const [, project] of projects) {
      const group = ((project["vpc_config"] as Record<string, unknown>)["security_group_ids"] as string[])[0];
      const egress = Object.values(resourcesOf(network, "aws_vpc_security_group_egress_rule")).filter(
        (rule) => rule["security_group_id"] === group,
      );
      expect(
        egress
          .map((rule) => [rule["prefix_list_id"] ?? rule["referenced_security_group_id"] ?? rule["cidr_ipv4"], rule["from_port"]])
          .sort(),
      ).toEqual(
        [
          [`\${aws_ec2_managed_prefix_list.${listKey}.id}`, 443],
          [`\${aws_security_group.${endpoints}.id}`, 443],
        ].sort(),
      );
    }
  });

  it("NACL: the private-app tier lets a runner in one AZ reach the API server's interfaces in every AZ on 443, and the replies back", () => {
    const acl = Object.values(resourcesOf(network, "aws_network_acl")).find(
      (a) => (a["tags"] as Record<string, string>)["tier"] === "private-app",
    )!;
    const ingress = acl["ingress"] as AclRule[];
    const egress = acl["egress"] as AclRule[];
    for (const runnerSubnet of env.subnetPlan.privateApp) {
      for (const apiSubnet of env.subnetPlan.privateApp) {
        expect(naclVerdict(egress, hostIn(apiSubnet), 443)).toBe("allow");
        expect(naclVerdict(ingress, hostIn(runnerSubnet), 443)).toBe("allow");
        expect(naclVerdict(egress, hostIn(runnerSubnet), 50000)).toBe("allow");
        expect(naclVerdict(ingress, hostIn(apiSubnet), 50000)).toBe("allow");
      }
    }
  });

  it("routes: every private-app route table sends internet traffic (GitHub, the registries) through a NAT gateway", () => {
    const appTables = Object.entries(resourcesOf(network, "aws_route_table"))
      .filter(([, table]) => String((table["tags"] as Record<string, string>)["Name"] ?? "").includes("private-app"))
      .map(([key]) => `\${aws_route_table.${key}.id}`);
    expect(appTables.length).toBeGreaterThan(0);
    for (const table of appTables) {
      const routes = Object.values(resourcesOf(network, "aws_route")).filter(
        (r) => r["route_table_id"] === table && r["destination_cidr_block"] === "0.0.0.0/0",
      );
      expect(routes).toHaveLength(1);
      expect(String(routes[0]!["nat_gateway_id"])).toMatch(/^\$\{aws_nat_gateway\./);
    }
  });
});
