import { describe, expect, it } from "vitest";
import { EMULATOR_GAPS, gapOf, ignoredAttributesOf } from "../../e2e/emulator-gaps";
import { ciIdentityAddresses } from "../../e2e/scratch";
import { parseApiCalls } from "../../e2e/calls";

/** The one list of emulator gaps (e2e/emulator-gaps.ts) and what the harness does with it. */
describe("emulator gaps", () => {
  it("says for every gap what the emulator does wrong and how we know", () => {
    for (const gap of EMULATOR_GAPS) {
      expect(gap.wrong.length, gap.type).toBeGreaterThan(30);
      expect(gap.evidence, gap.type).toMatch(/moto\//);
    }
  });

  it("leaves a whole resource out only for a resource gap, and only the blocks its condition selects", () => {
    expect(gapOf("aws_cloudtrail", {})).toBe("emulator gap: aws_cloudtrail");
    expect(gapOf("aws_instance", { monitoring: true })).toBe("emulator gap: aws_instance with monitoring = true");
    expect(gapOf("aws_instance", { monitoring: false })).toBeUndefined();
    expect(gapOf("aws_vpc", {})).toBeUndefined();
    // An attribute gap keeps the resource.
    expect(gapOf("aws_kms_key", {})).toBeUndefined();
    expect(ignoredAttributesOf("aws_kms_key", {})).toEqual(["rotation_period_in_days"]);
  });

  it("ignores a rule's description only where moto drops it (prefix lists, group references)", () => {
    expect(ignoredAttributesOf("aws_vpc_security_group_egress_rule", { prefix_list_id: "pl-1" })).toEqual(["description"]);
    expect(ignoredAttributesOf("aws_vpc_security_group_egress_rule", { cidr_ipv4: "10.0.0.0/16" })).toEqual([]);
  });
});

describe("attribute gaps per resource address, not per type", () => {
  it("GIVEN every attribute gap WHEN listed THEN each names the resources it is known for", () => {
    const unnamed = EMULATOR_GAPS.filter((gap) => (gap.ignoreAttributes ?? []).length > 0 && (gap.names ?? []).length === 0).map(
      (gap) => gap.type,
    );

    expect(unnamed).toEqual([]);
  });

  it("GIVEN a node group the gap names and a new one it does not WHEN their ignored attributes are asked THEN only the named one ignores update_config", () => {
    expect(ignoredAttributesOf("aws_eks_node_group", {}, undefined, "node-group-system_node-group_7C1EA68C")).toEqual([
      "remote_access",
      "update_config",
    ]);
    expect(ignoredAttributesOf("aws_eks_node_group", {}, undefined, "node-group-gpu_node-group_0000")).toEqual([]);
  });

  it("GIVEN a security group rule with a description the gap does not name WHEN asked THEN its description is planned like any other attribute", () => {
    expect(
      ignoredAttributesOf("aws_vpc_security_group_ingress_rule", { referenced_security_group_id: "sg-1" }, undefined, "new-rule_0000"),
    ).toEqual([]);
  });
});

describe("ciIdentityAddresses", () => {
  it("selects the resources of the stack's ci construct, which an administrator applies", () => {
    const stack = {
      resource: {
        aws_iam_role: {
          ci_deploy: { "//": { metadata: { path: "network-dev/ci/deploy-role" } } },
          flow: { "//": { metadata: { path: "network-dev/flow-logs/role" } } },
          runner: { "//": { metadata: { path: "network-dev/ci-runner/role" } } },
        },
      },
    };
    expect(ciIdentityAddresses(stack, "network-dev")).toEqual(["aws_iam_role.ci_deploy"]);
  });
});

describe("parseApiCalls, provider in debug mode", () => {
  it("reads the JSON lines a reattached provider logs", () => {
    const line = JSON.stringify({
      "@message": "HTTP Request Sent",
      "rpc.service": "EKS",
      "rpc.method": "CreateCluster",
      "http.url": "http://127.0.0.1:1/clusters",
      "http.request.body": '{"roleArn":"arn:aws:iam::1:role/dev-cluster"}\n',
    });
    const calls = parseApiCalls(`{"@message":"HTTP Response Received","rpc.method":"X","rpc.service":"EKS"}\n${line}\n`);
    expect(calls).toEqual([
      {
        service: "EKS",
        operation: "CreateCluster",
        url: "http://127.0.0.1:1/clusters",
        body: '{"roleArn":"arn:aws:iam::1:role/dev-cluster"}',
      },
    ]);
  });
});
