import { describe, expect, it } from "vitest";
import type { TerraformJson } from "../../e2e/scratch";
import { checkPlacement, checkWiring, upstreamStacks } from "../../e2e/wiring";

/** The wiring check derived from the layer contracts (e2e/wiring.ts), on a platform stack's references to the network's outputs. */

const NETWORK: Record<string, unknown> = {
  vpc_id: "vpc-1",
  private_app_subnet_ids: ["subnet-a", "subnet-b"],
  private_data_subnet_cidrs: ["10.0.1.0/24", "10.0.2.0/24"],
  logs_kms_key_arn: "arn:aws:kms:eu-west-1:111111111111:key/k",
};
const outputs = (read: string, name: string) => (read === "network-state" ? NETWORK[name] : undefined);

function platform(): TerraformJson {
  return {
    data: { terraform_remote_state: { "network-state": { backend: "s3", config: { bucket: "b", key: "dev/network.tfstate" } } } },
    resource: {
      aws_eks_cluster: {
        eks: { vpc_config: { subnet_ids: "${data.terraform_remote_state.network-state.outputs.private_app_subnet_ids}" } },
      },
      aws_security_group: { db: { vpc_id: "${data.terraform_remote_state.network-state.outputs.vpc_id}" } },
      aws_cloudwatch_log_group: { cache: { kms_key_id: "${data.terraform_remote_state.network-state.outputs.logs_kms_key_arn}" } },
      aws_vpc_security_group_ingress_rule: {
        from_data: { cidr_ipv4: "${element(data.terraform_remote_state.network-state.outputs.private_data_subnet_cidrs, 1)}" },
      },
    },
  };
}

const state = (overrides: Record<string, Record<string, unknown>> = {}) =>
  [
    { address: "aws_eks_cluster.eks", values: { vpc_config: [{ subnet_ids: ["subnet-b", "subnet-a"] }] } },
    { address: "aws_security_group.db", values: { vpc_id: "vpc-1" } },
    { address: "aws_cloudwatch_log_group.cache", values: { kms_key_id: "arn:aws:kms:eu-west-1:111111111111:key/k" } },
    { address: "aws_vpc_security_group_ingress_rule.from_data", values: { cidr_ipv4: "10.0.2.0/24" } },
  ].map((resource) => ({ ...resource, values: { ...resource.values, ...(overrides[resource.address] ?? {}) } }));

describe("checkWiring", () => {
  it("GIVEN every resource placed from the network's outputs as published WHEN checked THEN each attribute holding an output is compared and equal", () => {
    const result = checkWiring(platform(), state(), outputs);

    expect(result.checks.map((check) => `${check.address}.${check.attribute} ${check.ok}`)).toEqual([
      "aws_eks_cluster.eks.vpc_config.subnet_ids true",
      "aws_security_group.db.vpc_id true",
      "aws_cloudwatch_log_group.cache.kms_key_id true",
      "aws_vpc_security_group_ingress_rule.from_data.cidr_ipv4 true",
    ]);
  });

  it("GIVEN a log group encrypted with another key than the network's (any resource, not a list of three) WHEN checked THEN that attribute fails, naming the output", () => {
    const result = checkWiring(
      platform(),
      state({ "aws_cloudwatch_log_group.cache": { kms_key_id: "arn:aws:kms:eu-west-1:111111111111:key/other" } }),
      outputs,
    );

    expect(result.checks.filter((check) => !check.ok)).toMatchObject([
      { address: "aws_cloudwatch_log_group.cache", attribute: "kms_key_id", output: "network-state.logs_kms_key_arn" },
    ]);
  });

  it("GIVEN an element of a list output in the wrong place WHEN checked THEN it fails", () => {
    const result = checkWiring(
      platform(),
      state({ "aws_vpc_security_group_ingress_rule.from_data": { cidr_ipv4: "10.0.1.0/24" } }),
      outputs,
    );

    expect(result.checks.filter((check) => !check.ok).map((check) => check.address)).toEqual([
      "aws_vpc_security_group_ingress_rule.from_data",
    ]);
  });

  it("GIVEN a resource missing from the state WHEN checked THEN its references are listed as not checked, not passed", () => {
    const result = checkWiring(
      platform(),
      state().filter((resource) => resource.address !== "aws_security_group.db"),
      outputs,
    );

    expect(result.unchecked).toEqual(["aws_security_group.db.vpc_id (network-state.vpc_id): the resource is not in the state"]);
    expect(result.checks).toHaveLength(3);
  });

  it("GIVEN a stack without references WHEN checked THEN no check: the caller fails on an empty selection", () => {
    expect(checkWiring({ resource: { aws_s3_bucket: { b: { bucket: "x" } } } }, [], outputs).checks).toEqual([]);
  });
});

describe("checkWiring on data sources", () => {
  const ARN = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com";
  const network: TerraformJson = {
    data: {
      terraform_remote_state: { "account-state": { backend: "s3", config: { key: "account/111111111111.tfstate" } } },
      aws_iam_policy_document: {
        trust: {
          statement: [
            {
              principals: [
                { type: "Federated", identifiers: ["${data.terraform_remote_state.account-state.outputs.github_oidc_provider_arn}"] },
              ],
            },
          ],
        },
      },
    },
  };
  const account = (read: string, name: string) => (read === "account-state" && name === "github_oidc_provider_arn" ? ARN : undefined);
  const trustState = (identifier: string) => [
    {
      address: "data.aws_iam_policy_document.trust",
      values: { statement: [{ principals: [{ type: "Federated", identifiers: [identifier] }] }] },
    },
  ];

  it("GIVEN the account layer's ARN read only by a policy document WHEN checked THEN that data source's attribute is compared and equal", () => {
    const result = checkWiring(network, trustState(ARN), account);
    expect(result.checks.map((check) => [check.address, check.attribute, check.ok])).toEqual([
      ["data.aws_iam_policy_document.trust", "statement[0].principals[0].identifiers[0]", true],
    ]);
  });

  it("GIVEN a policy document trusting another provider WHEN checked THEN the check fails", () => {
    const result = checkWiring(network, trustState("arn:aws:iam::111111111111:oidc-provider/other"), account);
    expect(result.checks.map((check) => check.ok)).toEqual([false]);
  });
});

describe("upstreamStacks", () => {
  it("GIVEN a remote-state read of dev/network.tfstate WHEN read THEN it reads the network layer of the environment", () => {
    expect([...upstreamStacks(platform(), "dev")]).toEqual([["network-state", { layer: "network", stack: "network-dev" }]]);
  });

  it("GIVEN a remote-state read of the account layer's account/<id>.tfstate WHEN read THEN it reads the account-<id> stack, not a folder of the environment", () => {
    const network = {
      data: { terraform_remote_state: { "account-state": { backend: "s3", config: { key: "account/111111111111.tfstate" } } } },
    };
    expect([...upstreamStacks(network, "dev")]).toEqual([["account-state", { layer: "account", stack: "account-111111111111" }]]);
  });

  it("GIVEN a local-state read of the account layer WHEN read THEN it reads the account-<id> stack", () => {
    const network = {
      data: {
        terraform_remote_state: { "account-state": { backend: "local", config: { path: "../../../.state/account/222222222222.tfstate" } } },
      },
    };
    expect([...upstreamStacks(network, "qa")]).toEqual([["account-state", { layer: "account", stack: "account-222222222222" }]]);
  });
});

describe("checkPlacement", () => {
  const network = (name: string) =>
    ({ vpc_id: "vpc-1", private_app_subnet_ids: ["a1", "a2"], private_data_subnet_ids: ["d1", "d2"] })[name];
  const platformState = (nodeSubnets: string[]) => [
    { address: "aws_eks_cluster.eks", values: { vpc_config: [{ subnet_ids: ["a2", "a1"] }] } },
    { address: "aws_eks_node_group.system", values: { subnet_ids: nodeSubnets } },
    { address: "aws_db_subnet_group.db", values: { subnet_ids: ["d1", "d2"] } },
    { address: "aws_security_group.db", values: { vpc_id: "vpc-1" } },
  ];

  it("GIVEN every resource in its tier WHEN checked THEN nothing wrong, each rule applied", () => {
    expect(checkPlacement(platformState(["a1", "a2"]), network)).toEqual({ wrong: [], empty: [], checked: 4 });
  });

  it("GIVEN a node group on other subnets WHEN checked THEN it is named with the tier it belongs in", () => {
    expect(checkPlacement(platformState(["p1", "p2"]), network).wrong).toEqual([
      'aws_eks_node_group.system.subnet_ids = ["p1","p2"], not the network\'s private_app_subnet_ids ["a1","a2"] (nodes in the private-app subnets)',
    ]);
  });

  it("GIVEN a state without node groups WHEN checked THEN the rule that selected nothing is reported", () => {
    expect(
      checkPlacement(
        platformState([]).filter((resource) => !resource.address.startsWith("aws_eks_node_group")),
        network,
      ).empty,
    ).toEqual(["aws_eks_node_group (nodes in the private-app subnets)"]);
  });
});
