import { TerraformOutput, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { LayerContract } from "../stacks/contract";
import { LayerStack } from "../stacks/layer-stack";
import { environment } from "./support/fixtures";
import type { TerraformJson } from "./support/synthesized";

const contract = new LayerContract("network", {
  vpcId: { kind: "string", description: "the VPC" },
  subnetIds: { kind: "list", description: "subnets" },
  azCount: { kind: "number", description: "zones" },
  repositoryUrls: { kind: "map", description: "repositories" },
});

function stacks(downstreamEnv = "dev") {
  const app = Testing.app();
  const upstream = new LayerStack(app, { environment: environment("dev"), layer: "network" });
  const downstream = new LayerStack(app, { environment: environment(downstreamEnv), layer: "platform" });
  return { upstream, downstream };
}

describe("LayerContract", () => {
  it("publishes every declared output under its snake_case name with its description", () => {
    const { upstream } = stacks();
    contract.publish(upstream, { vpcId: "vpc-1", subnetIds: ["a"], azCount: 2, repositoryUrls: { web: "url" } });
    const outputs = (JSON.parse(Testing.synth(upstream)) as TerraformJson).output;
    expect(outputs).toEqual({
      vpc_id: { value: "vpc-1", description: "the VPC" },
      subnet_ids: { value: ["a"], description: "subnets" },
      az_count: { value: 2, description: "zones" },
      repository_urls: { value: { web: "url" }, description: "repositories" },
    });
  });

  it("reads each declared output from the upstream's remote state, whatever its kind", () => {
    const { upstream, downstream } = stacks();
    const values = contract.read(downstream, upstream);
    new TerraformOutput(downstream, "uses-string", { value: values.vpcId });
    new TerraformOutput(downstream, "uses-list", { value: values.subnetIds });
    new TerraformOutput(downstream, "uses-number", { value: values.azCount });
    new TerraformOutput(downstream, "uses-map", { value: values.repositoryUrls });
    const text = Testing.synth(downstream);
    for (const output of ["vpc_id", "subnet_ids", "az_count", "repository_urls"]) {
      expect(text).toContain(`data.terraform_remote_state.network-state.outputs.${output}`);
    }
  });

  it("records the upstream as a dependency of the reader", () => {
    const { upstream, downstream } = stacks();
    contract.read(downstream, upstream);
    expect(downstream.dependencies).toContain(upstream);
  });

  it("GIVEN plan placeholders are off WHEN read THEN the remote state has no defaults", () => {
    const { upstream, downstream } = stacks();
    contract.read(downstream, upstream);
    const remote = (JSON.parse(Testing.synth(downstream)) as TerraformJson).data?.["terraform_remote_state"]?.["network-state"];
    expect(remote).toBeDefined();
    expect(remote?.["defaults"]).toBeUndefined();
  });

  it("GIVEN plan placeholders are on WHEN read THEN every declared output has a placeholder of its kind", () => {
    const { upstream, downstream } = stacks();
    contract.read(downstream, upstream, { planPlaceholders: true });
    const remote = (JSON.parse(Testing.synth(downstream)) as TerraformJson).data?.["terraform_remote_state"]?.["network-state"];
    expect(remote?.["defaults"]).toEqual({
      vpc_id: "plan-placeholder-vpc_id",
      subnet_ids: ["plan-placeholder-subnet_ids"],
      az_count: 0,
      repository_urls: {},
    });
  });

  it("refuses to read another environment's layer", () => {
    const { upstream, downstream } = stacks("prod");
    expect(() => contract.read(downstream, upstream)).toThrow(
      "platform-prod may read only its own environment's network layer, not network-dev",
    );
  });

  it("refuses to publish through a stack of another layer", () => {
    const { downstream } = stacks();
    expect(() => contract.publish(downstream, { vpcId: "v", subnetIds: [], azCount: 1, repositoryUrls: {} })).toThrow(
      "the network contract cannot publish through platform-dev, a platform stack",
    );
  });
});
