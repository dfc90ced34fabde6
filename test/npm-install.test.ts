import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/paths";

/**
 * `npm ci` prints no warning the README does not explain. npm lists every installed package with
 * an install script that `allowScripts` in package.json does not cover; this test finds those
 * packages in node_modules itself, so a new dependency with an install script fails here until
 * someone reviews it and records the decision.
 */

interface Manifest {
  readonly name?: string;
  readonly scripts?: Readonly<Record<string, string>>;
  readonly allowScripts?: Readonly<Record<string, boolean>>;
}

const INSTALL_SCRIPTS = ["preinstall", "install", "postinstall"];

/** Every package folder under node_modules, scoped ones and nested node_modules included. */
function packageDirs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (!entry.isDirectory() || entry.name.startsWith(".")) return [];
    const full = path.join(dir, entry.name);
    if (entry.name.startsWith("@")) return packageDirs(full);
    return [full, ...packageDirs(path.join(full, "node_modules"))];
  });
}

describe("npm ci", () => {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as Manifest;

  it("installs no package whose install script was not reviewed (package.json allowScripts)", () => {
    const withScripts = packageDirs(path.join(ROOT, "node_modules"))
      .map((dir) => path.join(dir, "package.json"))
      .filter((file) => existsSync(file))
      .map((file) => JSON.parse(readFileSync(file, "utf8")) as Manifest)
      .filter((pkg) => INSTALL_SCRIPTS.some((script) => pkg.scripts?.[script] !== undefined))
      .map((pkg) => pkg.name ?? "");
    const unreviewed = [...new Set(withScripts)].filter((name) => manifest.allowScripts?.[name] === undefined).sort();

    expect(withScripts.length).toBeGreaterThan(0);
    expect(unreviewed).toEqual([]);
  });
});
