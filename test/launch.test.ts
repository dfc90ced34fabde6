import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EventEmitter } from "node:events";
import { BUNDLED_ENTRIES, BUNDLE_DIR, LaunchError, bundleFileFor, cacheFileFor, codeCacheFilesOf, entryAndArguments, prepareBundle, storeCacheOnCleanExit } from "../launch";
import { ROOT, testTmp } from "./support/paths";

/** What a test bundle reports about the environment it ran in. */
interface BundleRun {
  readonly filename: string;
  readonly dirname: string;
  readonly args: readonly string[];
  readonly joined: string;
}

const RESULT_KEY = "__launchTestResult";
const globals = globalThis as unknown as Record<string, BundleRun | undefined>;

/**
 * A folder with a small CommonJS "bundle" that records its `__filename`, `__dirname`, arguments
 * and a value computed with a built-in module loaded through its own `require`.
 */
function bundleFixture(body = ""): { readonly dir: string; readonly file: string; readonly cacheDir: string } {
  const dir = mkdtempSync(path.join(testTmp(), "launch-"));
  const file = path.join(dir, "app.js");
  const source = [
    `"use strict";`,
    `const path = require("node:path");`,
    `function work(n) { let total = 0; for (let i = 0; i < n; i++) total += i; return total; }`,
    `globalThis.${RESULT_KEY} = { filename: __filename, dirname: __dirname, args: process.argv.slice(2), joined: path.join("a", "b") + work(10) };`,
    body,
  ].join("\n");
  writeFileSync(file, source);
  return { dir, file, cacheDir: path.join(dir, "cache") };
}

const savedArgv = process.argv;
afterEach(() => {
  process.argv = savedArgv;
  delete globals[RESULT_KEY];
});

describe("launcher: runs a bundle as a main module", () => {
  it("gives the bundle its own __filename, __dirname, require and process.argv", () => {
    const { dir, file, cacheDir } = bundleFixture();
    prepareBundle({ file, cacheDir, args: ["prod", "/out"] }).run();
    expect(globals[RESULT_KEY]).toEqual({ filename: file, dirname: dir, args: ["prod", "/out"], joined: `${path.join("a", "b")}45` });
  });

  it("lets an exception of the bundle propagate", () => {
    const { file, cacheDir } = bundleFixture(`throw new Error("bad input in prod.yaml");`);
    expect(() => prepareBundle({ file, cacheDir, args: [] }).run()).toThrow("bad input in prod.yaml");
  });
});

describe("launcher: V8 code cache", () => {
  it("runs without a cache first, stores one, and the next launch uses it", () => {
    const { file, cacheDir } = bundleFixture();
    const first = prepareBundle({ file, cacheDir, args: [] });
    expect(first.cache).toBe("none");
    first.run();
    first.storeCache();
    expect(existsSync(first.cacheFile)).toBe(true);

    const second = prepareBundle({ file, cacheDir, args: ["again"] });
    expect(second.cache).toBe("used");
    expect(second.cacheFile).toBe(first.cacheFile);
    second.run();
    expect(globals[RESULT_KEY]?.args).toEqual(["again"]);
  });

  it("keys the cache by the bundle's content, so an edit of the same length never meets the old cache", () => {
    const { file, cacheDir } = bundleFixture();
    const before = prepareBundle({ file, cacheDir, args: [] });
    before.run();
    before.storeCache();

    const source = readFileSync(file, "utf8");
    const edited = source.replace("work(10)", "work(20)");
    expect(edited.length).toBe(source.length);
    writeFileSync(file, edited);

    const after = prepareBundle({ file, cacheDir, args: [] });
    expect(after.cacheFile).not.toBe(before.cacheFile);
    expect(after.cache).toBe("none");
    after.run();
    expect(globals[RESULT_KEY]?.joined).toBe(`${path.join("a", "b")}190`);
    after.storeCache();
    expect(readdirSync(cacheDir)).toEqual([path.basename(after.cacheFile)]);
  });

  it("replaces only its own entry's older caches, not another entry's", () => {
    const { dir, file, cacheDir } = bundleFixture();
    mkdirSync(cacheDir, { recursive: true });
    const olderBuild = path.join(cacheDir, `app-${"0".repeat(64)}.bin`);
    const otherEntry = path.join(cacheDir, `app-other-${"0".repeat(64)}.bin`);
    for (const cache of [olderBuild, otherEntry]) writeFileSync(cache, "");
    expect(codeCacheFilesOf("app", cacheDir)).toEqual([olderBuild]);

    const bundle = prepareBundle({ file, cacheDir, args: [] });
    bundle.run();
    bundle.storeCache();
    expect(readdirSync(cacheDir).sort()).toEqual([path.basename(bundle.cacheFile), path.basename(otherEntry)].sort());
    expect(codeCacheFilesOf("app", path.join(dir, "absent"))).toEqual([]);
  });

  it("names the cache file after the entry and the SHA-256 of the source", () => {
    expect(cacheFileFor("/x/dist/bundle/main.js", "abc", "/c")).toBe("/c/main-ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.bin");
  });

  it("reports a cache V8 rejects and still runs the bundle", () => {
    const { file, cacheDir } = bundleFixture();
    const cacheFile = cacheFileFor(file, readFileSync(file, "utf8"), cacheDir);
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(cacheFile, Buffer.from("not a V8 code cache"));
    const bundle = prepareBundle({ file, cacheDir, args: ["x"] });
    expect(bundle.cache).toBe("rejected");
    bundle.run();
    expect(globals[RESULT_KEY]?.args).toEqual(["x"]);
  });

  it("stores the cache when the process exits 0, not after a failed run, and not over an accepted cache", () => {
    const failed = bundleFixture();
    const failing = prepareBundle({ file: failed.file, cacheDir: failed.cacheDir, args: [] });
    const failingExit = new EventEmitter();
    storeCacheOnCleanExit(failing, failingExit);
    failing.run();
    failingExit.emit("exit", 1);
    expect(existsSync(failing.cacheFile)).toBe(false);

    const { file, cacheDir } = bundleFixture();
    const clean = prepareBundle({ file, cacheDir, args: [] });
    const cleanExit = new EventEmitter();
    storeCacheOnCleanExit(clean, cleanExit);
    clean.run();
    cleanExit.emit("exit", 0);
    expect(existsSync(clean.cacheFile)).toBe(true);

    const cached = prepareBundle({ file, cacheDir, args: [] });
    expect(cached.cache).toBe("used");
    const cachedExit = new EventEmitter();
    storeCacheOnCleanExit(cached, cachedExit);
    expect(cachedExit.listenerCount("exit")).toBe(0);
  });

  it("ignores a cache path it cannot write (a file where the folder should be)", () => {
    const { dir, file } = bundleFixture();
    const blocker = path.join(dir, "blocker");
    writeFileSync(blocker, "");
    const bundle = prepareBundle({ file, cacheDir: path.join(blocker, "cache"), args: [] });
    bundle.run();
    expect(() => bundle.storeCache()).not.toThrow();
    expect(existsSync(bundle.cacheFile)).toBe(false);
  });
});

describe("launcher: entry points", () => {
  it("bundles the app by default, and only files tsc compiles from sources in the tree", () => {
    expect(BUNDLED_ENTRIES["main"]).toBe("dist/main.js");
    for (const compiled of Object.values(BUNDLED_ENTRIES)) {
      expect(compiled).toMatch(/^dist\/.+\.js$/);
      expect(existsSync(path.join(ROOT, compiled.replace(/^dist\//, "").replace(/\.js$/, ".ts"))), compiled).toBe(true);
    }
  });

  it("names the entries it knows when given another", () => {
    expect(() => bundleFileFor("mian", testTmp())).toThrow(new LaunchError('unknown entry "mian"; one of: main'));
  });

  it("passes options and other arguments that name no entry to the app (npm run synth -- --env dev)", () => {
    expect(entryAndArguments(["--env", "dev"])).toEqual({ entry: "main", args: ["--env", "dev"] });
    expect(entryAndArguments(["prod"])).toEqual({ entry: "main", args: ["prod"] });
    expect(entryAndArguments(["main", "--env", "dev"])).toEqual({ entry: "main", args: ["--env", "dev"] });
    expect(entryAndArguments([])).toEqual({ entry: "main", args: [] });
  });

  it("says to build first when the bundle is missing", () => {
    const root = mkdtempSync(path.join(testTmp(), "launch-root-"));
    expect(() => bundleFileFor("main", root)).toThrow(new LaunchError(`${BUNDLE_DIR}/main.js does not exist; run \`npm run build\` first`));
    mkdirSync(path.join(root, BUNDLE_DIR), { recursive: true });
    writeFileSync(path.join(root, BUNDLE_DIR, "main.js"), "");
    expect(bundleFileFor("main", root)).toBe(path.join(root, BUNDLE_DIR, "main.js"));
  });
});
