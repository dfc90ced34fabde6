import { describe, expect, it } from "vitest";
import { LAYERS } from "../stacks/layers";
import { ENVIRONMENTS } from "./support/fixtures";
import { allListedStacks } from "./support/listed-stacks";

/**
 * stacks/layers.ts declares the layers once; the stacks of an environment, the stack listing the
 * workflows build their matrices from (and CI's stack count) follow from it. Here LAYERS is the
 * oracle on purpose: the behaviour under test is "every declared layer, nothing else".
 */
describe("the layer declaration", () => {
  it("declares network, platform and workloads in deployment order", () => {
    expect(LAYERS).toEqual(["network", "platform", "workloads"]);
  });

  // The listing (npm run stacks) builds every environment's stacks with addEnvironmentStacks and
  // layerStacks; it is built once and shared (test/support/listed-stacks.ts). The order the app
  // writes them in (layerStacks') is held by commands.test.ts through synth's summary line.
  it("gives every environment one stack per declared layer, named <layer>-<env>, in declared order", () => {
    const listed = allListedStacks();
    for (const environment of ENVIRONMENTS) {
      expect(listed.filter((stack) => stack.environment === environment.name).map((stack) => [stack.layer, stack.name])).toEqual(
        LAYERS.map((layer) => [layer, `${layer}-${environment.name}`]),
      );
    }
  });

  it("lists one stack per declared layer for every environment file (the workflows' matrices)", () => {
    const listed = allListedStacks();
    for (const environment of ENVIRONMENTS) {
      expect(listed.filter((stack) => stack.environment === environment.name).map((stack) => stack.layer)).toEqual([...LAYERS]);
    }
    expect(listed).toHaveLength(LAYERS.length * ENVIRONMENTS.length);
  });
});
