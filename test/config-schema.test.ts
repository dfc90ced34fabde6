import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { environmentsDir } from "../environments/load";
import { ENVIRONMENT_JSON_SCHEMA_FILE, environmentJsonSchema } from "../environments/write-json-schema";

/** The parts of the generated JSON Schema this light check reads. */
interface ObjectSchema {
  readonly $schema?: string;
  readonly $id?: string;
  readonly title?: string;
  readonly description?: string;
  readonly type?: string;
  readonly properties?: Record<string, ObjectSchema>;
  readonly required?: readonly string[];
  readonly additionalProperties?: unknown;
}

/** Every environment file (a test about every environment reads the folder). */
const ENVIRONMENT_FILES = readdirSync(environmentsDir()).filter((entry) => /\.ya?ml$/.test(entry));

const committed = readFileSync(ENVIRONMENT_JSON_SCHEMA_FILE, "utf8");
const schema = JSON.parse(committed) as ObjectSchema;

const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

describe("environments/environment.schema.json", () => {
  it("GIVEN the committed file WHEN the schema is generated from environments/schema.ts now THEN both are identical", () => {
    expect(committed, "environments/environment.schema.json is stale: run `npm run schema` and commit the result").toBe(
      environmentJsonSchema(),
    );
  });

  it("GIVEN the generated text WHEN read THEN it is pretty-printed JSON ending in one newline", () => {
    const text = environmentJsonSchema();

    expect(text.endsWith("}\n")).toBe(true);
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
  });

  it("GIVEN the schema WHEN an editor reads it THEN it is draft-07 (what yaml-language-server validates) with an id, a title and a description", () => {
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(schema.$id).toBe("environment.schema.json");
    expect(schema.title).toContain("environments/<env>.yaml");
    expect(schema.description).toContain("npm run schema");
  });

  it("GIVEN the schema WHEN read THEN it describes the file as written: only keys without a default are required", () => {
    expect(schema.required).toEqual(["stage", "account", "state", "tags", "network", "dns", "platform", "workloads", "github"]);
    expect(schema.properties?.["network"]?.required).toEqual(["vpcCidr"]);
    expect(schema.properties?.["dns"]?.required).toEqual(["domain", "hostedZoneId"]);
    expect(schema.properties?.["platform"]?.required).toEqual(["kubernetesVersion", "nodeGroups"]);
    expect(schema.properties?.["platform"]?.properties?.["database"]?.required ?? []).toEqual([]);
    expect(schema.properties?.["platform"]?.properties?.["cache"]?.required ?? []).toEqual([]);
    expect(schema.additionalProperties).toBe(false);
  });

  it.each(ENVIRONMENT_FILES)(
    "GIVEN environments/%s WHEN read THEN its first line points the editor at ./environment.schema.json",
    (file) => {
      const firstLine = readFileSync(path.join(environmentsDir(), file), "utf8").split("\n")[0];

      expect(firstLine).toBe("# yaml-language-server: $schema=./environment.schema.json");
    },
  );

  it.each(ENVIRONMENT_FILES)(
    "GIVEN environments/%s WHEN checked against the schema's top level THEN it has every required key and no unknown one",
    (file) => {
      const document: unknown = parse(readFileSync(path.join(environmentsDir(), file), "utf8"));
      if (!isMapping(document)) throw new Error(`${file} is not a mapping`);
      const known = Object.keys(schema.properties ?? {});

      expect(
        Object.keys(document).filter((key) => !known.includes(key)),
        "unknown keys",
      ).toEqual([]);
      expect(
        (schema.required ?? []).filter((key) => !(key in document)),
        "missing keys",
      ).toEqual([]);
      for (const [key, section] of Object.entries(schema.properties ?? {})) {
        const value = document[key];
        if (section.type !== "object" || !isMapping(value)) continue;
        expect(
          (section.required ?? []).filter((name) => !(name in value)),
          `missing keys in ${key}`,
        ).toEqual([]);
      }
    },
  );
});
