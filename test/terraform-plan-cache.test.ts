import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { testTmp } from "./support/paths";
import { planVariables } from "./support/terraform";

/*
 * planVariables keeps terraform's verdict under the hash of the binary, the variables and the
 * values. A stand-in terraform that logs each call shows when the real one would have run.
 */

let dir: string;
let calls: string;
let binary: string;
const before = process.env["TERRAFORM_BINARY_NAME"];

/** Writes the stand-in: it logs its arguments and answers with `answer` on stderr and exit status 1. */
function standIn(answer: string): void {
  writeFileSync(binary, `#!/bin/sh\necho "$*" >> "${calls}"\necho "${answer}" >&2\nexit 1\n`);
  chmodSync(binary, 0o755);
}
const callCount = () =>
  readFileSync(calls, "utf8")
    .split("\n")
    .filter((line) => line !== "").length;

beforeEach(() => {
  dir = mkdtempSync(path.join(testTmp(), "plan-cache-"));
  calls = path.join(dir, "calls.log");
  writeFileSync(calls, "");
  binary = path.join(dir, "terraform");
  // A new folder per test: the key holds the binary's path, so no test reads another's verdicts.
  standIn("Invalid value for variable");
  process.env["TERRAFORM_BINARY_NAME"] = binary;
});
afterEach(() => {
  if (before === undefined) delete process.env["TERRAFORM_BINARY_NAME"];
  else process.env["TERRAFORM_BINARY_NAME"] = before;
});

const VARIABLES = { tag: { type: "string" } };

describe("terraform's verdicts on variables, kept between runs", () => {
  it("GIVEN the same variables and values WHEN planned twice THEN terraform runs once and both verdicts are its own", () => {
    const first = planVariables(VARIABLES, { tag: "latest" });
    const second = planVariables(VARIABLES, { tag: "latest" });
    expect(callCount()).toBe(1);
    expect(first).toEqual({ ok: false, output: "Invalid value for variable\n" });
    expect(second).toEqual(first);
  });

  it("GIVEN another value or another variable WHEN planned THEN terraform runs again", () => {
    planVariables(VARIABLES, { tag: "latest" });
    planVariables(VARIABLES, { tag: "v1" });
    planVariables({ tag: { type: "string", default: "v1" } }, { tag: "v1" });
    expect(callCount()).toBe(3);
  });

  it("GIVEN another terraform at the same path WHEN the same plan is asked THEN it runs, and its verdict is the one returned", () => {
    planVariables(VARIABLES, { tag: "latest" });
    standIn("a newer terraform's different answer");
    expect(planVariables(VARIABLES, { tag: "latest" }).output).toBe("a newer terraform's different answer\n");
    expect(callCount()).toBe(2);
  });
});
