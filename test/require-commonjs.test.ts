import { createRequire } from "node:module";
import * as path from "node:path";
import { App } from "cdktf";
import { describe, expect, it } from "vitest";
import { requireCommonJs } from "./support/require-commonjs.mjs";

/** The test run's plugin (vitest.config.mts): the large CommonJS packages load with require, not import(). */

const nodeRequire = createRequire(__filename);
const importer = path.join(__dirname, "stacks", "network-stack.test.ts");

describe("the test run loads cdktf, constructs, the providers and typescript-5 with require", () => {
  it.each([
    "cdktf",
    "cdktf/lib/testing/matchers",
    "constructs",
    "@cdktf/provider-aws/lib/vpc",
    "@cdktf/provider-kubernetes/lib/deployment-v1",
    "typescript-5",
  ])("GIVEN an import of %s WHEN resolved THEN it is the module of the run that requires the file Node's require resolves", (specifier) => {
    const plugin = requireCommonJs();

    const id = plugin.resolveId(specifier, importer);

    expect(id).toBe(`\0require-commonjs:${nodeRequire.resolve(specifier)}`);
    expect(plugin.load(id ?? "")).toBe(`module.exports = require(${JSON.stringify(nodeRequire.resolve(specifier))});\n`);
  });

  it.each(["zod", "vitest", "yaml", "cdktf-cli", "constructs-extra", "@cdktf/hcl2json", "../stacks/network/network-stack", "node:fs"])(
    "GIVEN an import of %s WHEN resolved THEN the plugin leaves it to Vite",
    (specifier) => {
      expect(requireCommonJs().resolveId(specifier, importer)).toBeNull();
    },
  );

  it("GIVEN a module of another plugin or a file WHEN loaded THEN the plugin leaves it alone", () => {
    expect(requireCommonJs().load(importer)).toBeNull();
  });

  it("GIVEN cdktf imported by a test WHEN compared with the cdktf require loads THEN they are one module (one App class for the stacks and the tests)", () => {
    expect(App).toBe((nodeRequire("cdktf") as { App: unknown }).App);
  });
});
