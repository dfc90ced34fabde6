import { chmodSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { threadId } from "node:worker_threads";

/**
 * Writes `file` whole or not at all, creating its folder: the data goes to a temporary file named
 * by process and thread (vitest's worker threads share one pid), which is renamed into place. Two
 * writers of the same file each rename a complete copy of their own; a reader never sees half a
 * file. The caches of the app and of the tests write through it.
 * @param mode the file's permissions; @default the process's umask applied to 0o666
 */
export function writeFileAtomically(file: string, data: string | Uint8Array, mode?: number): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}-${threadId}.tmp`;
  writeFileSync(temporary, data);
  if (mode !== undefined) chmodSync(temporary, mode);
  renameSync(temporary, file);
}
