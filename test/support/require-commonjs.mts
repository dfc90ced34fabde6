import { createRequire } from "node:module";

/**
 * A Vite plugin for the test run: the large CommonJS packages (cdktf, constructs, the cdktf
 * providers, the TypeScript compiler the import guards parse with) load with `require`, as the app
 * loads them, instead of through Node's ES module loader.
 *
 * vitest imports every dependency it does not transform with a native `import()`. For a CommonJS
 * file Node then reads the whole source twice more before running it: once to guess whether it is
 * an ES module (these packages' package.json files name no `type`), once with cjs-module-lexer to
 * find its export names, following every re-export (cdktf's index re-exports all of cdktf). The
 * provider files the stacks import are ~24 MB of source, typescript-5 another 9 MB. In a CPU
 * profile of one vitest worker those two passes were ~1.4 s; `import("typescript-5")` took 0.8 s
 * of CPU against 0.27 s for `require("typescript-5")`.
 *
 * Each import of such a package resolves instead to a one-line module of the test run,
 * `module.exports = require("<the file Node resolves>")`, whose exports vitest hands to the
 * importer (named exports and the default, as for any CommonJS module). The package's own files
 * still load through Node's CommonJS loader, once per worker, as before; only the two extra reads
 * are gone.
 */

/** The packages loaded with require: large, CommonJS, and imported by the code under test. */
const COMMONJS_PACKAGES = /^(?:cdktf|constructs|@cdktf\/provider-[a-z0-9-]+|typescript-5)(?:\/|$)/;

/** Marks the ids of the one-line modules (`\0`: a module of no file, which no other plugin resolves). */
const PREFIX = "\0require-commonjs:";

/** What Vite asks of the plugin (the fields it uses), typed here so the plugin needs no import of Vite. */
interface RequireCommonJsPlugin {
  readonly name: string;
  readonly enforce: "pre";
  resolveId(source: string, importer: string | undefined): string | null;
  load(id: string): string | null;
}

/** The plugin; `vitest.config.mts` lists it (this file is `.mts`: Vite loads the config as an ES module). */
export function requireCommonJs(): RequireCommonJsPlugin {
  return {
    name: "require-commonjs",
    enforce: "pre",
    resolveId(source, importer) {
      if (importer === undefined || !COMMONJS_PACKAGES.test(source)) return null;
      // Resolved as Node's require resolves it from the importing file (its `require` conditions).
      return `${PREFIX}${createRequire(importer).resolve(source)}`;
    },
    load(id) {
      if (!id.startsWith(PREFIX)) return null;
      return `module.exports = require(${JSON.stringify(id.slice(PREFIX.length))});\n`;
    },
  };
}
