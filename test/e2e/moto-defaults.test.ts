import { existsSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { EMULATOR_DEFAULTS, type EmulatorDefault } from "../../e2e/emulator-gaps";
import { motoDefaultsDirectory, motoEnvironment, unconfirmedDefaults, unconfirmedFixes } from "../../e2e/processes";

/**
 * The defaults every moto_server of the end-to-end run starts with (e2e/emulator-gaps.ts
 * EMULATOR_DEFAULTS, set by e2e/moto-defaults/sitecustomize.py). The patch itself runs in Python:
 * test/integration/moto-defaults.test.ts runs it, and every e2e run refuses a moto_server that
 * does not confirm it.
 */

const RDS_CA: EmulatorDefault = {
  module: "moto.rds.models",
  className: "DBInstance",
  parameter: "ca_certificate_identifier",
  moto: "rds-ca-default",
  aws: "rds-ca-rsa2048-g1",
  wrong: "w",
  evidence: "e",
};

describe("the emulator defaults moto_server starts with", () => {
  it("GIVEN the list WHEN the RDS instance's CA is looked up THEN a new instance gets AWS's default rds-ca-rsa2048-g1 where moto has rds-ca-default", () => {
    const entry = EMULATOR_DEFAULTS.find((item) => item.module === "moto.rds.models" && item.parameter === "ca_certificate_identifier");

    expect(entry?.className).toBe("DBInstance");
    expect(entry?.moto).toBe("rds-ca-default");
    expect(entry?.aws).toBe("rds-ca-rsa2048-g1");
  });

  it("GIVEN every entry WHEN read THEN each says what moto does wrong and cites moto's source", () => {
    for (const entry of EMULATOR_DEFAULTS) {
      expect(entry.wrong.length, entry.parameter).toBeGreaterThan(30);
      expect(entry.evidence, entry.parameter).toMatch(/moto\/[a-z_/]+\.py \(5\.2\.1\) line \d+/);
    }
  });

  it("GIVEN a caller's PYTHONPATH WHEN moto's environment is built THEN the defaults' folder comes first, the caller's after it", () => {
    const env = motoEnvironment({ PYTHONPATH: "/opt/lib", PATH: "/bin" }, "111111111111", "/x/moto-defaults", [RDS_CA]);

    expect(env["PYTHONPATH"]).toBe(`/x/moto-defaults${path.delimiter}/opt/lib`);
    expect(env["MOTO_ACCOUNT_ID"]).toBe("111111111111");
    expect(env["PATH"]).toBe("/bin");
  });

  it("GIVEN the list WHEN moto's environment is built THEN it carries each default for sitecustomize.py to set", () => {
    const env = motoEnvironment({}, "222222222222", "/x/moto-defaults");

    expect(env["PYTHONPATH"]).toBe("/x/moto-defaults");
    expect(JSON.parse(env["E2E_MOTO_DEFAULTS"] ?? "[]")).toContainEqual({
      module: "moto.rds.models",
      className: "DBInstance",
      parameter: "ca_certificate_identifier",
      moto: "rds-ca-default",
      aws: "rds-ca-rsa2048-g1",
    });
  });

  it("GIVEN the sources WHEN the defaults' folder is looked up THEN it holds sitecustomize.py (the name Python loads at start)", () => {
    expect(existsSync(path.join(motoDefaultsDirectory(), "sitecustomize.py"))).toBe(true);
  });
});

describe("a moto_server's confirmation of its defaults", () => {
  it("GIVEN the line sitecustomize.py prints for a default set WHEN read THEN it is confirmed", () => {
    const output =
      " * Running on http://127.0.0.1:5000\ne2e moto default: moto.rds.models.DBInstance.__init__ ca_certificate_identifier = rds-ca-rsa2048-g1 (moto's own: rds-ca-default)\n";

    expect(unconfirmedDefaults(output, [RDS_CA])).toEqual([]);
  });

  it("GIVEN no line (sitecustomize.py not loaded) WHEN read THEN the default is named as not confirmed", () => {
    expect(unconfirmedDefaults(" * Running on http://127.0.0.1:5000\n", [RDS_CA])).toEqual([
      "moto.rds.models.DBInstance.__init__ ca_certificate_identifier: not confirmed (sitecustomize.py not loaded?)",
    ]);
  });

  it("GIVEN moto with another default than the entry names WHEN read THEN the refusal is the reason", () => {
    const output =
      "e2e moto default: NOT SET moto.rds.models.DBInstance.__init__ ca_certificate_identifier: its default is 'rds-ca-2019', not 'rds-ca-default'\n";

    expect(unconfirmedDefaults(output, [RDS_CA])).toEqual([
      "NOT SET moto.rds.models.DBInstance.__init__ ca_certificate_identifier: its default is 'rds-ca-2019', not 'rds-ca-default'",
    ]);
  });

  it("GIVEN a line confirming moto's own default WHEN read THEN it is not confirmed", () => {
    const output =
      "e2e moto default: moto.rds.models.DBInstance.__init__ ca_certificate_identifier = rds-ca-default (moto's own: rds-ca-default)\n";

    expect(unconfirmedDefaults(output, [RDS_CA])).toHaveLength(1);
  });
});

describe("a moto_server's confirmation of its thread-safety fix", () => {
  it("GIVEN the line sitecustomize.py prints once the response pickers copy their transformers WHEN read THEN it is confirmed", () => {
    const output =
      " * Running on http://127.0.0.1:5000\ne2e moto default: moto.core.serialize.AttributePicker copies the response transformers it is given (a thread-safety fix)\n";

    expect(unconfirmedFixes(output)).toEqual([]);
  });

  it("GIVEN a moto_server that printed nothing of it WHEN read THEN the fix is named as not confirmed", () => {
    expect(unconfirmedFixes(" * Running on http://127.0.0.1:5000\n")).toEqual([
      "moto.core.serialize.AttributePicker thread-safety fix: not confirmed (sitecustomize.py not loaded?)",
    ]);
  });

  it("GIVEN a moto whose serializer changed WHEN sitecustomize.py could not patch it THEN its reason is given", () => {
    const output =
      "e2e moto default: NOT SET moto.core.serialize.AttributePicker copy: AttributeError: module has no attribute 'AttributePicker'\n";

    expect(unconfirmedFixes(output)).toEqual([
      "NOT SET moto.core.serialize.AttributePicker copy: AttributeError: module has no attribute 'AttributePicker'",
    ]);
  });
});
