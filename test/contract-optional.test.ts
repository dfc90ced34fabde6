import { TerraformOutput, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { LayerContract } from "../stacks/contract";
import { LayerStack } from "../stacks/layer-stack";
import { ENVIRONMENTS, environment } from "./support/fixtures";
import { synthesizedStack, type TerraformJson } from "./support/synthesized";

/**
 * An optional output is a kind of its own: the upstream publishes no output when it has no value,
 * and a downstream stack reads `undefined`, so it decides from the contract what exists instead of
 * reading the upstream's configuration (or an empty string).
 */
const contract = new LayerContract("network", {
  vpcId: { kind: "string", description: "the VPC" },
  managementCidr: { kind: "optional-string", description: "the management VPC, where there is one" },
});

function stacks() {
  const app = Testing.app();
  const upstream = new LayerStack(app, { environment: environment("dev"), layer: "network" });
  const downstream = new LayerStack(app, { environment: environment("dev"), layer: "platform" });
  return { upstream, downstream };
}

const outputsOf = (stack: LayerStack) => (JSON.parse(Testing.synth(stack)) as TerraformJson).output ?? {};

describe("optional contract outputs", () => {
  it("GIVEN no value WHEN published THEN the output does not exist (no empty string)", () => {
    const { upstream } = stacks();
    contract.publish(upstream, { vpcId: "vpc-1", managementCidr: undefined });
    expect(Object.keys(outputsOf(upstream))).toEqual(["vpc_id"]);
  });

  it("GIVEN a value WHEN published THEN the output exists with it", () => {
    const { upstream } = stacks();
    contract.publish(upstream, { vpcId: "vpc-1", managementCidr: "10.130.0.0/24" });
    expect(outputsOf(upstream)["management_cidr"]).toEqual({
      value: "10.130.0.0/24",
      description: "the management VPC, where there is one",
    });
  });

  it("reads undefined downstream for an output the upstream did not publish, and no placeholder for it", () => {
    const { upstream, downstream } = stacks();
    contract.publish(upstream, { vpcId: "vpc-1", managementCidr: undefined });
    const values = contract.read(downstream, upstream, { planPlaceholders: true });
    expect(values.managementCidr).toBeUndefined();
    const remote = (JSON.parse(Testing.synth(downstream)) as TerraformJson).data?.["terraform_remote_state"]?.["network-state"];
    expect(remote?.["defaults"]).toEqual({ vpc_id: "plan-placeholder-vpc_id" });
  });

  it("reads a remote-state reference downstream for an optional output the upstream published", () => {
    const { upstream, downstream } = stacks();
    contract.publish(upstream, { vpcId: "vpc-1", managementCidr: "10.130.0.0/24" });
    const values = contract.read(downstream, upstream);
    expect(values.managementCidr).toBeDefined();
    new TerraformOutput(downstream, "uses", { value: values.managementCidr });
    expect(Testing.synth(downstream)).toContain("data.terraform_remote_state.network-state.outputs.management_cidr");
  });

  it("refuses to read before the upstream published (what exists is not known yet)", () => {
    const { upstream, downstream } = stacks();
    expect(() => contract.read(downstream, upstream)).toThrow("platform-dev reads network-dev before it published its outputs");
  });

  it("refuses a missing value for an output that is not optional", () => {
    const { upstream } = stacks();
    expect(() => contract.publish(upstream, { vpcId: undefined as unknown as string, managementCidr: undefined })).toThrow(
      "network-dev: the network output vpcId is not optional and has no value",
    );
  });
});

describe("the management network across layers, in every environment", () => {
  for (const env of ENVIRONMENTS) {
    const hasManagement = env.network.management !== undefined;
    it(`${env.name}: the network publishes the management outputs ${hasManagement ? "" : "not "}and the platform ${hasManagement ? "admits" : "does not reference"} the operator host`, () => {
      const network = synthesizedStack(`network-${env.name}`).doc.output ?? {};
      const platform = synthesizedStack(`platform-${env.name}`).json;
      expect("management_cidr" in network).toBe(hasManagement);
      expect("operator_security_group_id" in network).toBe(hasManagement);
      expect(platform.includes("outputs.operator_security_group_id")).toBe(hasManagement);
      expect(platform.includes("outputs.management_cidr")).toBe(hasManagement);
    });
  }
});
