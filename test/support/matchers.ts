import {
  getToHaveDataSourceWithProperties,
  getToHaveProviderWithProperties,
  getToHaveResourceWithProperties,
  returnMatcherToJest,
  type TerraformConstructor,
} from "cdktf/lib/testing/matchers";
import { expect } from "vitest";

interface AsymmetricMatcher {
  asymmetricMatch(other: unknown): boolean;
}

function isAsymmetric(value: unknown): value is AsymmetricMatcher {
  return typeof value === "object" && value !== null && typeof (value as Partial<AsymmetricMatcher>).asymmetricMatch === "function";
}

const snakeCase = (key: string) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/**
 * cdktf's matching rules (partial objects at every level, camelCase or snake_case keys, arrays of
 * equal length) plus vitest's asymmetric matchers (`expect.stringContaining(...)`, `expect.anything()`).
 */
export function matchesPartially(expected: unknown, received: unknown): boolean {
  if (isAsymmetric(expected)) return expected.asymmetricMatch(received);
  if (Array.isArray(expected)) {
    return (
      Array.isArray(received) && expected.length === received.length && expected.every((item, i) => matchesPartially(item, received[i]))
    );
  }
  if (typeof expected === "object" && expected !== null) {
    if (typeof received !== "object" || received === null) return false;
    const actual = received as Record<string, unknown>;
    return Object.entries(expected).every(([key, value]) => {
      const name = key in actual ? key : snakeCase(key);
      return name in actual && matchesPartially(value, actual[name]);
    });
  }
  return expected === received;
}

const anyItemMatches = (items: unknown, properties: Record<string, unknown>) =>
  (items as unknown[]).some((item) => matchesPartially(properties, item));

/**
 * vitest matchers built on cdktf's `testingMatchers`: on failure they print the resources of that
 * type that were found. `received` is synthesized JSON (Testing.synth) or a path to a cdk.tf.json.
 */
expect.extend({
  toHaveResource(received: string, type: TerraformConstructor) {
    return returnMatcherToJest(getToHaveResourceWithProperties(anyItemMatches)(received, type, {}));
  },
  toHaveResourceWithProperties(received: string, type: TerraformConstructor, properties: Record<string, unknown>) {
    return returnMatcherToJest(getToHaveResourceWithProperties(anyItemMatches)(received, type, properties));
  },
  toHaveDataSource(received: string, type: TerraformConstructor) {
    return returnMatcherToJest(getToHaveDataSourceWithProperties(anyItemMatches)(received, type, {}));
  },
  toHaveDataSourceWithProperties(received: string, type: TerraformConstructor, properties: Record<string, unknown>) {
    return returnMatcherToJest(getToHaveDataSourceWithProperties(anyItemMatches)(received, type, properties));
  },
  toHaveProviderWithProperties(received: string, type: TerraformConstructor, properties: Record<string, unknown>) {
    return returnMatcherToJest(getToHaveProviderWithProperties(anyItemMatches)(received, type, properties));
  },
});

interface CdktfMatchers<R = unknown> {
  toHaveResource(type: TerraformConstructor): R;
  toHaveResourceWithProperties(type: TerraformConstructor, properties: Record<string, unknown>): R;
  toHaveDataSource(type: TerraformConstructor): R;
  toHaveDataSourceWithProperties(type: TerraformConstructor, properties: Record<string, unknown>): R;
  toHaveProviderWithProperties(type: TerraformConstructor, properties: Record<string, unknown>): R;
}

declare module "vitest" {
  // biome-ignore lint/suspicious/noExplicitAny: vitest declares Matchers<T = any>; a merged declaration must repeat it exactly.
  interface Matchers<T = any> extends CdktfMatchers<T> {}
}
