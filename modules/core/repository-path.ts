import { existsSync } from "node:fs";
import * as path from "node:path";

/**
 * The absolute path of `relative` (a file or folder the repository ships, such as
 * `charts/secret-provider-class`), found by walking up from `start`. The same code runs from the
 * source (`modules/<domain>/`), the compiled tree (`dist/modules/<domain>/`) and the bundle
 * (`dist/bundle/`), each a different depth below the repository root.
 * Throws when no parent folder holds it.
 */
export function findRepositoryPath(start: string, relative: string): string {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, relative);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) {
      throw new Error(`${relative} not found in ${start} or any folder above it (run the app from the repository: source or dist/)`);
    }
  }
}
