import { mkdtempSync, mkdirSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseE2eCommandLine } from "../../e2e/command";
import { findTools, impliedMirrorDirectories, SetupError } from "../../e2e/processes";

/** `npm run e2e`'s command line (e2e/command.ts) and where it finds its tools (e2e/processes.ts). */

const KNOWN = ["dev", "prod", "staging"];

describe("parseE2eCommandLine", () => {
  it.each([
    [
      ["--env", "dev", "--env", "staging"],
      ["dev", "staging"],
    ],
    [["--env=dev"], ["dev"]],
    [[], []],
  ])("GIVEN %j WHEN parsed THEN the environments %j, as synth takes them", (argv, only) => {
    expect(parseE2eCommandLine(argv, KNOWN)).toEqual({ only, recheckGaps: false, plant: [] });
  });

  it.each([
    [["--env", "nosuch"], "e2e: no environment named nosuch; known: dev, prod, staging (environments/<name>.yaml)"],
    [["--env", "dev,staging"], "e2e: no environment named dev,staging; known: dev, prod, staging (environments/<name>.yaml)"],
    [["--bogus"], "e2e: unknown option --bogus (see npm run e2e -- --help)"],
    [
      ["--plant", "no-such-defect"],
      "e2e: no planting named no-such-defect; known: deny-scoped-to-cluster, deploy-role-without-tag-role, boundary-denies-ec2, node-group-on-public-subnets, wiring-and-role-defects-together, stacks-listed-under-another-environment, log-format-changed, backend-policy-wrong-database-user, unnamed-key-loses-rotation-period",
    ],
  ])("GIVEN %j WHEN parsed THEN refused in one line with exit 2: %s", (argv, refusal) => {
    expect(parseE2eCommandLine(argv, KNOWN)).toEqual({ refusal, exitCode: 2 });
  });

  it("GIVEN --plant twice WHEN parsed THEN both plantings, in order", () => {
    expect(parseE2eCommandLine(["--plant", "log-format-changed", "--plant", "boundary-denies-ec2"], KNOWN)).toMatchObject({
      plant: ["log-format-changed", "boundary-denies-ec2"],
    });
  });

  it("GIVEN --help WHEN parsed THEN help, before anything runs", () => {
    expect(parseE2eCommandLine(["--env", "dev", "--help"], KNOWN)).toBe("help");
  });

  it("GIVEN --recheck-gaps WHEN parsed THEN the recheck is asked", () => {
    expect(parseE2eCommandLine(["--recheck-gaps"], KNOWN)).toEqual({ only: [], recheckGaps: true, plant: [] });
  });
});

describe("where the suite finds its tools", () => {
  it("GIVEN no XDG variables WHEN the mirror directories are listed THEN Terraform's documented implied ones, in its order", () => {
    expect(impliedMirrorDirectories({ HOME: "/home/u" })).toEqual([
      "/home/u/.terraform.d/plugins",
      "/home/u/.local/share/terraform/plugins",
      "/usr/local/share/terraform/plugins",
      "/usr/share/terraform/plugins",
    ]);
  });

  it("GIVEN XDG_DATA_HOME and XDG_DATA_DIRS WHEN listed THEN terraform/plugins under each", () => {
    expect(impliedMirrorDirectories({ HOME: "/h", XDG_DATA_HOME: "/x", XDG_DATA_DIRS: "/a:/b" })).toEqual([
      "/h/.terraform.d/plugins",
      "/x/terraform/plugins",
      "/a/terraform/plugins",
      "/b/terraform/plugins",
    ]);
  });

  it("GIVEN E2E_MOTO_SERVER naming a file that does not exist WHEN the tools are found THEN one line naming the variable (exit 2), not a stack trace", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "e2e-tools-"));
    const terraform = path.join(dir, "terraform");
    writeFileSync(terraform, '#!/bin/sh\necho \'{"terraform_version":"1.11.4"}\'\n');
    chmodSync(terraform, 0o755);
    const mirror = path.join(dir, "mirror");
    const platform = path.join(mirror, "registry.terraform.io", "hashicorp", "aws", "5.100.0", "linux_amd64");
    mkdirSync(platform, { recursive: true });
    writeFileSync(path.join(platform, "terraform-provider-aws_v5.100.0_x5"), "");
    const env = { PATH: "", HOME: dir, E2E_TERRAFORM: terraform, E2E_PROVIDER_MIRROR: mirror, E2E_MOTO_SERVER: "/nonexistent" };

    expect(() => findTools(env)).toThrow(SetupError);
    expect(() => findTools(env)).toThrow(
      "e2e: E2E_MOTO_SERVER=/nonexistent: no executable moto_server there (unset it to use the one on the PATH)",
    );
  });

  it("GIVEN E2E_TERRAFORM naming a file that does not exist WHEN the tools are found THEN one line naming the variable", () => {
    expect(() => findTools({ PATH: "", HOME: "/nonexistent", E2E_TERRAFORM: "/nonexistent/terraform" })).toThrow(
      "e2e: E2E_TERRAFORM=/nonexistent/terraform: no executable terraform there (unset it to use the one on the PATH)",
    );
  });
});
