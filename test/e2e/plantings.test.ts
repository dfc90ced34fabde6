import { describe, expect, it } from "vitest";
import { PLANTINGS } from "../../e2e/plantings";
import type { TerraformJson } from "../../e2e/scratch";
import { synthesizedStack } from "../support/synthesized";

/** The live plantings (e2e/plantings.ts) still find, in what the app synthesizes today, what they plant into. */

describe.each(Object.entries(PLANTINGS))("the planting %s", (name, planting) => {
  it(`GIVEN dev's ${planting.layer} stack as synthesized WHEN planted THEN the stack changes`, () => {
    const stack = structuredClone(synthesizedStack(`${planting.layer}-dev`).doc) as TerraformJson;
    const before = JSON.stringify(stack);

    planting.plant(stack);

    expect(JSON.stringify(stack), name).not.toBe(before);
  });
});
