import { describe, expect, it } from "vitest";
import { environmentJsonSchema } from "../environments/write-json-schema";

/**
 * Editors show a field's description and default from environments/environment.schema.json:
 * every field a user can write (every leaf of the schema) has a description that says what it
 * is, and a field with a default names it with `@default`.
 */

/** The parts of a JSON Schema node this check reads. */
interface Node {
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly default?: unknown;
  readonly properties?: Readonly<Record<string, Node>>;
  readonly additionalProperties?: Node | boolean;
  readonly items?: Node;
  readonly anyOf?: readonly Node[];
  readonly oneOf?: readonly Node[];
}

/** A field as a user writes it: its path, and the description and default it is shown with. */
interface Leaf {
  readonly path: string;
  readonly description: string | undefined;
  readonly hasDefault: boolean;
}

/** Every leaf under `node`; a field's own description counts for the variants and items below it. */
function leaves(node: Node, path: string, description: string | undefined, hasDefault: boolean): Leaf[] {
  const variants = node.anyOf ?? node.oneOf;
  if (node.properties !== undefined) {
    const own = Object.entries(node.properties).flatMap(([key, child]) =>
      leaves(child, `${path}.${key}`, child.description, child.default !== undefined),
    );
    const extra =
      typeof node.additionalProperties === "object" && node.additionalProperties.properties !== undefined
        ? leaves(node.additionalProperties, `${path}.*`, description, false)
        : [];
    return [...own, ...extra];
  }
  if (variants?.some((variant) => variant.properties !== undefined)) {
    return variants.flatMap((variant) => leaves(variant, path, description, hasDefault));
  }
  if (node.items?.properties !== undefined) return leaves(node.items, `${path}[]`, description, hasDefault);
  return [{ path, description: description ?? node.description, hasDefault: hasDefault || node.default !== undefined }];
}

const ALL = leaves(JSON.parse(environmentJsonSchema()) as Node, "", undefined, false);

describe("the descriptions editors show", () => {
  it("finds the fields (the walk reaches into objects, lists of objects and variants)", () => {
    // A few leaves written out by hand, from each kind of nesting.
    expect(ALL.map((leaf) => leaf.path)).toEqual(
      expect.arrayContaining([
        ".stage",
        ".account.id",
        ".state.bucket",
        ".platform.nodeGroups[].minSize",
        ".platform.nodeGroups[].taints[].effect",
        ".platform.database.capacity.instanceClass",
        ".workloads.frontend.limits.memory",
      ]),
    );
    expect(ALL.length).toBeGreaterThan(100);
  });

  it("gives every field a description that says what it is, not only its default", () => {
    const undescribed = ALL.filter((leaf) => leaf.description === undefined || /^\s*@default/.test(leaf.description)).map(
      (leaf) => leaf.path,
    );
    expect([...new Set(undescribed)]).toEqual([]);
  });

  it("names the default of every field that has one", () => {
    const unnamed = ALL.filter((leaf) => leaf.hasDefault && !(leaf.description ?? "").includes("@default")).map((leaf) => leaf.path);
    expect([...new Set(unnamed)]).toEqual([]);
  });
});
