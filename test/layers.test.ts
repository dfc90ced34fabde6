import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { listStacks } from "../scripts/stacks";
import { addEnvironmentStacks, layerStacks } from "../stacks/environment-stacks";
import { LAYERS } from "../stacks/layers";
import { withoutTokenCreationStacks } from "../stacks/token-creation-stacks";
import { ENVIRONMENTS } from "./support/fixtures";

/**
 * stacks/layers.ts declares the layers once; the stacks of an environment, the stack listing the
 * workflows build their matrices from (and CI's stack count) follow from it. Here LAYERS is the
 * oracle on purpose: the behaviour under test is "every declared layer, nothing else".
 */
describe("the layer declaration", () => {
  it("declares network, platform and workloads in deployment order", () => {
    expect(LAYERS).toEqual(["network", "platform", "workloads"]);
  });

  it("gives every environment one stack per declared layer, named <layer>-<env>, in declared order", () => {
    const app = Testing.app();
    withoutTokenCreationStacks(() => {
      for (const environment of ENVIRONMENTS) {
        const stacks = layerStacks(addEnvironmentStacks(app, environment));
        expect(stacks.map((stack) => [stack.layer, stack.node.id])).toEqual(LAYERS.map((layer) => [layer, `${layer}-${environment.name}`]));
      }
    });
  });

  it("lists one stack per declared layer for every environment file (the workflows' matrices)", () => {
    const listed = listStacks();
    for (const environment of ENVIRONMENTS) {
      expect(listed.filter((stack) => stack.environment === environment.name).map((stack) => stack.layer)).toEqual([...LAYERS]);
    }
    expect(listed).toHaveLength(LAYERS.length * ENVIRONMENTS.length);
  });
});
