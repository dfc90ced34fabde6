import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileAtomically } from "../scripts/atomic-file";
import { testTmp } from "./support/paths";

describe("a cache file written whole or not at all", () => {
  it("creates the missing folders, writes the data and leaves no temporary file beside it", () => {
    const file = path.join(testTmp(), "atomic-file", "a", "b", "entry.json");
    writeFileAtomically(file, '{"cached":true}');
    expect(readFileSync(file, "utf8")).toBe('{"cached":true}');
    expect(readdirSync(path.dirname(file))).toEqual(["entry.json"]);
  });

  it("replaces an earlier copy whole", () => {
    const file = path.join(testTmp(), "atomic-file", "replaced.json");
    writeFileAtomically(file, "first, and longer than the second");
    writeFileAtomically(file, "second");
    expect(readFileSync(file, "utf8")).toBe("second");
  });

  it("gives the file the mode asked for (the helm binary must be executable)", () => {
    const file = path.join(testTmp(), "atomic-file", "mode", "tool");
    writeFileAtomically(file, new Uint8Array([0x23, 0x21]), 0o755);
    expect(statSync(file).mode & 0o777).toBe(0o755);
    expect(readdirSync(path.dirname(file))).toEqual(["tool"]);
  });
});
