import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { motoDefaultsDirectory, motoEnvironment } from "../../e2e/processes";

/**
 * e2e/moto-defaults/sitecustomize.py run by python3 as moto_server runs it (loaded from
 * PYTHONPATH at start), over a stand-in for moto's module (moto itself is not needed here): the
 * default of a new instance's CA, a CA the request names, and a moto whose default has changed.
 */

function standIn(ownDefault: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "moto-stand-in-"));
  mkdirSync(path.join(dir, "moto", "rds"), { recursive: true });
  writeFileSync(path.join(dir, "moto", "__init__.py"), "");
  writeFileSync(path.join(dir, "moto", "rds", "__init__.py"), "");
  writeFileSync(
    path.join(dir, "moto", "rds", "models.py"),
    [
      "class DBInstance:",
      `    def __init__(self, backend, db_instance_identifier, ca_certificate_identifier: str = "${ownDefault}", **kwargs):`,
      "        self.ca_certificate_identifier = ca_certificate_identifier",
      "",
    ].join("\n"),
  );
  return dir;
}

function python(ownDefault: string, script: string): { stdout: string; stderr: string } {
  const env = motoEnvironment(
    { PATH: process.env["PATH"] ?? "", PYTHONPATH: standIn(ownDefault) },
    "111111111111",
    motoDefaultsDirectory(),
  );
  const result = spawnSync("python3", ["-c", script], { env, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`python3 failed (${result.status}): ${result.stderr}`);
  return { stdout: result.stdout, stderr: result.stderr };
}

describe("moto_server's defaults, set at start by sitecustomize.py", () => {
  it("GIVEN moto's default rds-ca-default WHEN an instance is created without a CA THEN it gets rds-ca-rsa2048-g1, and the start says so", () => {
    const { stdout, stderr } = python(
      "rds-ca-default",
      'from moto.rds.models import DBInstance; print(DBInstance(None, "db").ca_certificate_identifier)',
    );

    expect(stdout.trim()).toBe("rds-ca-rsa2048-g1");
    expect(stderr).toContain(
      "e2e moto default: moto.rds.models.DBInstance.__init__ ca_certificate_identifier = rds-ca-rsa2048-g1 (moto's own: rds-ca-default)",
    );
  });

  it("GIVEN a request that names a CA WHEN the instance is created THEN it keeps that CA", () => {
    const { stdout } = python(
      "rds-ca-default",
      'from moto.rds.models import DBInstance; print(DBInstance(None, "db", ca_certificate_identifier="rds-ca-ecc384-g1").ca_certificate_identifier)',
    );

    expect(stdout.trim()).toBe("rds-ca-ecc384-g1");
  });

  it("GIVEN a moto whose default is not the one the entry names WHEN started THEN nothing is changed and the refusal is printed", () => {
    const { stdout, stderr } = python(
      "rds-ca-2019",
      'from moto.rds.models import DBInstance; print(DBInstance(None, "db").ca_certificate_identifier)',
    );

    expect(stdout.trim()).toBe("rds-ca-2019");
    expect(stderr).toContain(
      "e2e moto default: NOT SET moto.rds.models.DBInstance.__init__ ca_certificate_identifier: its default is 'rds-ca-2019', not 'rds-ca-default'",
    );
  });
});
