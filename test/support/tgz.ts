import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

/**
 * The regular files of a gzipped tar archive (what `helm package` writes), by path. Enough of the
 * ustar format for Helm's archives: 512-byte headers, octal sizes, the `prefix` field for long
 * paths, and PAX headers (type `x`) whose `path` overrides the next entry's name.
 */
export function readTgz(file: string): Map<string, Buffer> {
  const tar = gunzipSync(readFileSync(file));
  const files = new Map<string, Buffer>();
  let offset = 0;
  let paxPath: string | undefined;
  const text = (start: number, length: number) =>
    tar
      .subarray(start, start + length)
      .toString("utf8")
      .replace(/\0.*$/s, "");
  while (offset + 512 <= tar.length) {
    const name = text(offset, 100);
    if (name === "") break;
    const size = Number.parseInt(text(offset + 124, 12).trim() || "0", 8);
    const type = text(offset + 156, 1);
    const prefix = text(offset + 345, 155);
    const body = tar.subarray(offset + 512, offset + 512 + size);
    if (type === "x") {
      const match = /\d+ path=([^\n]*)\n/.exec(body.toString("utf8"));
      paxPath = match?.[1];
    } else {
      const path = paxPath ?? (prefix === "" ? name : `${prefix}/${name}`);
      paxPath = undefined;
      if (type === "0" || type === "") files.set(path, Buffer.from(body));
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}
