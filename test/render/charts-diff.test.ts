import { describe, expect, it } from "vitest";
import { fieldChanges, renderDiff } from "../../scripts/charts-diff";

describe("npm run charts:diff, the object-level difference", () => {
  it("GIVEN two renders WHEN compared THEN objects added, removed and changed are listed, the changed with their fields", () => {
    const before = [
      { apiVersion: "v1", kind: "Service", metadata: { name: "a", namespace: "x" }, spec: { ports: [{ port: 80 }] } },
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "gone", namespace: "x" } },
    ];
    const after = [
      { apiVersion: "v1", kind: "Service", metadata: { name: "a", namespace: "x" }, spec: { ports: [{ port: 8080 }] } },
      { apiVersion: "v1", kind: "Secret", metadata: { name: "new", namespace: "x" } },
    ];
    expect(renderDiff(before, after)).toEqual([
      "+ Secret x/new",
      "- ConfigMap x/gone",
      "~ Service x/a",
      "    spec.ports[0].port: 80 -> 8080",
    ]);
  });

  it("GIVEN a field added and one removed WHEN compared THEN each shows as absent on its side", () => {
    expect(fieldChanges({ a: 1 }, { b: "x" })).toEqual(["a: 1 -> (absent)", 'b: (absent) -> "x"']);
  });
});
