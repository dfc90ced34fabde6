import { describe, expect, it } from "vitest";
import { loadEnvironments } from "../environments/load";
import { outputName, type OutputSpecs } from "../stacks/contract";
import { networkContract } from "../stacks/network/contract";
import { platformContract } from "../stacks/platform/contract";
import { synthesizedStack } from "./support/synthesized";

const environments = loadEnvironments();

describe.each(environments.map((env) => [env.name, env] as const))("layer contracts in %s", (name, env) => {
  const upstreams = [
    { contract: networkContract, readers: [`platform-${name}`, `workloads-${name}`] },
    { contract: platformContract, readers: [`workloads-${name}`] },
  ];

  it.each(upstreams.map((u) => [u.contract.layer, u] as const))(
    "the %s layer publishes every output its contract declares",
    (layer, { contract }) => {
      const published = synthesizedStack(`${layer}-${name}`).doc.output ?? {};
      const specs = Object.entries(contract.outputs as OutputSpecs);
      // Every required output, and an optional one where the stack has a value for it.
      for (const [key, spec] of specs.filter(([, spec]) => spec.kind !== "optional-string")) {
        expect(published[outputName(key)]?.description, outputName(key)).toBe(spec.description);
      }
      const declared = new Set(specs.map(([key]) => outputName(key)));
      expect(Object.keys(published).filter((output) => !declared.has(output))).toEqual([]);
    },
  );

  it.each(upstreams.flatMap((u) => u.readers.map((reader) => [reader, u.contract.layer, u] as const)))(
    "%s reads only outputs the %s layer publishes",
    (reader, layer) => {
      const published = new Set(Object.keys(synthesizedStack(`${layer}-${name}`).doc.output ?? {}));
      const text = synthesizedStack(reader).json;
      const reads = [...text.matchAll(new RegExp(`data\\.terraform_remote_state\\.${layer}-state\\.outputs\\.([a-z0-9_]+)`, "g"))].map(
        (m) => m[1],
      );
      for (const output of reads) expect(published, `${reader} reads ${output}`).toContain(output);
    },
  );

  it.each(upstreams.flatMap((u) => u.readers.map((reader) => [reader, u.contract.layer] as const)))(
    "%s reads the %s state from exactly where that stack's backend writes it",
    (reader, layer) => {
      const upstream = synthesizedStack(`${layer}-${name}`).doc;
      const remote = synthesizedStack(reader).doc.data?.["terraform_remote_state"]?.[`${layer}-state`];
      expect(remote).toBeDefined();
      const [backendType, backendConfig] = Object.entries(upstream.terraform?.backend ?? {})[0]!;
      expect(remote?.["backend"]).toBe(backendType);
      const config = remote?.["config"] as Record<string, unknown>;
      if (backendType === "s3") {
        expect(config["bucket"]).toBe(backendConfig["bucket"]);
        expect(config["key"]).toBe(backendConfig["key"]);
        expect(config["key"]).toBe(`${env.name}/${layer}.tfstate`);
        expect(config["region"]).toBe(backendConfig["region"]);
      } else {
        expect(config["path"]).toBe(backendConfig["path"]);
      }
    },
  );
});
