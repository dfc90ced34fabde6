import {
  getToHaveDataSourceWithProperties,
  getToHaveProviderWithProperties,
  getToHaveResourceWithProperties,
  returnMatcherToJest,
  type TerraformConstructor,
} from "cdktf/lib/testing/matchers";
import { expect } from "vitest";

/**
 * vitest matchers built on cdktf's `testingMatchers`: partial matching at every level, camelCase or
 * snake_case keys, and on failure the resources of that type that were found.
 * `received` is synthesized JSON (Testing.synth) or a path to a cdk.tf.json.
 */
expect.extend({
  toHaveResource(received: string, type: TerraformConstructor) {
    return returnMatcherToJest(getToHaveResourceWithProperties()(received, type, {}));
  },
  toHaveResourceWithProperties(received: string, type: TerraformConstructor, properties: Record<string, unknown>) {
    return returnMatcherToJest(getToHaveResourceWithProperties()(received, type, properties));
  },
  toHaveDataSource(received: string, type: TerraformConstructor) {
    return returnMatcherToJest(getToHaveDataSourceWithProperties()(received, type, {}));
  },
  toHaveDataSourceWithProperties(received: string, type: TerraformConstructor, properties: Record<string, unknown>) {
    return returnMatcherToJest(getToHaveDataSourceWithProperties()(received, type, properties));
  },
  toHaveProviderWithProperties(received: string, type: TerraformConstructor, properties: Record<string, unknown>) {
    return returnMatcherToJest(getToHaveProviderWithProperties()(received, type, properties));
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
  // vitest declares Matchers<T = any>; a merged declaration must repeat it exactly.
  interface Matchers<T = any> extends CdktfMatchers<T> {}
}
