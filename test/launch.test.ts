import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { buildSync } from "esbuild";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EventEmitter } from "node:events";
import {
  BUNDLED_ENTRIES,
  LaunchError,
  RUNTIMES_KEPT,
  bundleFileFor,
  cacheFileFor,
  codeCacheFilesOf,
  currentRuntime,
  entryAndArguments,
  prepareBundle,
  runtimeKey,
  sealCodeCache,
  storeCacheOnCleanExit,
  unsealCodeCache,
} from "../launch";
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

  it("names the cache file after the entry, the SHA-256 of the source and the runtime", () => {
    expect(cacheFileFor("/x/dist/bundle/main.js", "abc", "/c", "0123456789abcdef")).toBe(
      "/c/main-ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad-0123456789abcdef.bin",
    );
  });

  it("reports a cache V8 rejects and still runs the bundle", () => {
    const { file, cacheDir } = bundleFixture();
    const cacheFile = cacheFileFor(file, readFileSync(file, "utf8"), cacheDir);
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(cacheFile, sealCodeCache(Buffer.from("not a V8 code cache")));
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

describe("launcher: cache files carry a checksum", () => {
  it("GIVEN a sealed cache WHEN unsealed THEN V8's data comes back unchanged", () => {
    const data = Buffer.from("v8 code cache bytes");
    expect(unsealCodeCache(sealCodeCache(data))).toEqual(data);
  });

  it("GIVEN a sealed cache with one byte flipped (same length) WHEN unsealed THEN it is refused", () => {
    const sealed = sealCodeCache(Buffer.from("v8 code cache bytes"));
    sealed[sealed.length - 3] = sealed[sealed.length - 3]! ^ 0x01;
    expect(unsealCodeCache(sealed)).toBeUndefined();
  });

  it("GIVEN a cache without the header (an older launcher's or a foreign file) WHEN unsealed THEN it is refused", () => {
    expect(unsealCodeCache(Buffer.from("not a V8 code cache, not sealed either, long enough to hold a header"))).toBeUndefined();
  });

  it("GIVEN a cache that fails its checksum WHEN a bundle is prepared THEN the file is deleted, reported discarded, and the bundle runs", () => {
    const { file, cacheDir } = bundleFixture();
    const cacheFile = cacheFileFor(file, readFileSync(file, "utf8"), cacheDir);
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(cacheFile, Buffer.from("garbage of any length"));
    const bundle = prepareBundle({ file, cacheDir, args: ["x"] });
    expect({ cache: bundle.cache, fileLeft: existsSync(cacheFile) }).toEqual({ cache: "discarded", fileLeft: false });
    bundle.run();
    expect(globals[RESULT_KEY]?.args).toEqual(["x"]);
  });
});

describe("launcher: one cache per runtime", () => {
  const runtime = (nodeOptions: string) => ({ ...currentRuntime(), nodeOptions });

  it("GIVEN other NODE_OPTIONS WHEN keyed THEN the runtime key differs, and it is 16 hex digits", () => {
    expect(runtimeKey(runtime("--max-old-space-size=300"))).not.toBe(runtimeKey(runtime("")));
    expect(runtimeKey(runtime(""))).toMatch(/^[0-9a-f]{16}$/);
  });

  it("GIVEN another Node version WHEN keyed THEN the runtime key differs", () => {
    expect(runtimeKey({ ...currentRuntime(), node: "v22.0.0" })).not.toBe(runtimeKey({ ...currentRuntime(), node: "v20.0.0" }));
  });

  it("GIVEN a cache stored under two runtimes WHEN the second stores THEN the first runtime's cache stays", () => {
    const { file, cacheDir } = bundleFixture();
    const first = prepareBundle({ file, cacheDir, args: [], runtime: runtime("") });
    first.run();
    first.storeCache();
    const second = prepareBundle({ file, cacheDir, args: [], runtime: runtime("--max-old-space-size=300") });
    second.run();
    second.storeCache();
    expect(readdirSync(cacheDir).sort()).toEqual([path.basename(first.cacheFile), path.basename(second.cacheFile)].sort());
  });

  it(`GIVEN more runtimes than ${RUNTIMES_KEPT} WHEN another stores THEN the least recently written go`, () => {
    const { file, cacheDir } = bundleFixture();
    const stored = Array.from({ length: RUNTIMES_KEPT + 1 }, (_, index) => {
      const bundle = prepareBundle({ file, cacheDir, args: [], runtime: runtime(`--max-old-space-size=${300 + index}`) });
      bundle.run();
      bundle.storeCache();
      utimesSync(bundle.cacheFile, 1_000 + index, 1_000 + index);
      return path.basename(bundle.cacheFile);
    });
    expect(readdirSync(cacheDir).sort()).toEqual(stored.slice(1).sort());
  });
});

/**
 * The launcher compiled to JavaScript (esbuild, no bundling: it needs only Node's modules) and a
 * driver that launches a bundle with it in a child process, as `node dist/launch.js` does: a V8
 * fatal error kills the process, which only a child can show.
 */
function childLauncher(): {
  readonly launch: (options: { readonly file: string; readonly cacheDir: string; readonly nodeOptions?: string }) => {
    status: number | null;
    cache: string;
    output: string;
  };
} {
  const dir = mkdtempSync(path.join(testTmp(), "launcher-child-"));
  const compiled = path.join(dir, "launch.js");
  buildSync({ entryPoints: [path.join(ROOT, "launch.ts")], outfile: compiled, platform: "node", format: "cjs", logLevel: "silent" });
  const driver = path.join(dir, "driver.js");
  writeFileSync(
    driver,
    [
      `const { prepareBundle, storeCacheOnCleanExit } = require(${JSON.stringify(compiled)});`,
      `const [file, cacheDir] = process.argv.slice(2);`,
      `const bundle = prepareBundle({ file, cacheDir, args: [] });`,
      `process.stderr.write("cache:" + bundle.cache + "\\n");`,
      `storeCacheOnCleanExit(bundle);`,
      `bundle.run();`,
    ].join("\n"),
  );
  return {
    launch: ({ file, cacheDir, nodeOptions }) => {
      const run = spawnSync(process.execPath, [driver, file, cacheDir], {
        encoding: "utf8",
        env: { ...process.env, NODE_OPTIONS: nodeOptions ?? "" },
        timeout: 60_000,
      });
      return { status: run.status, cache: /cache:(\w+)/.exec(run.stderr)?.[1] ?? "(none printed)", output: `${run.stdout}${run.stderr}` };
    },
  };
}

/** A bundle large enough that V8 deserializes real bytecode from its cache: 300 functions, run once each. */
function largeBundle(): { readonly file: string; readonly cacheDir: string } {
  const dir = mkdtempSync(path.join(testTmp(), "launch-large-"));
  const functions = Array.from(
    { length: 300 },
    (_, i) =>
      `function f${i}(a) { const o = { k: ${i}, s: "x${i}" }; let t = 0; for (let j = 0; j < a; j++) t += j * ${i} + o.k; return [t, o.s, (b) => b + ${i}]; }`,
  );
  const calls = Array.from({ length: 300 }, (_, i) => `f${i}(3)[0]`).join(" + ");
  const file = path.join(dir, "app.js");
  writeFileSync(file, [`"use strict";`, ...functions, `console.log("result " + (${calls}));`].join("\n"));
  return { file, cacheDir: path.join(dir, "cache") };
}

/** Flips 64 bytes in the middle of a file, keeping its length. */
function flipBytes(file: string): void {
  const bytes = readFileSync(file);
  const middle = Math.floor(bytes.length / 2);
  for (let i = middle; i < middle + 64; i++) bytes[i] = bytes[i]! ^ 0xff;
  writeFileSync(file, bytes);
}

describe("launcher in a child process: a damaged or foreign cache never stops a run", () => {
  const { launch } = childLauncher();
  const onlyCacheFile = (cacheDir: string) => {
    const files = readdirSync(cacheDir);
    expect(files).toHaveLength(1);
    return path.join(cacheDir, files[0]!);
  };

  it("GIVEN a cache file with bytes flipped (same length) WHEN launched THEN V8 never sees it: the run exits 0 with its result", () => {
    const bundle = largeBundle();
    expect(launch(bundle)).toMatchObject({ status: 0, cache: "none" });
    flipBytes(onlyCacheFile(bundle.cacheDir));
    const damaged = launch(bundle);
    expect(damaged, damaged.output).toMatchObject({ status: 0, cache: "discarded" });
    expect(damaged.output).toContain("result 269100");
  });

  it("GIVEN a run that discarded a damaged cache WHEN launched again THEN it uses the fresh cache the clean exit wrote", () => {
    const bundle = largeBundle();
    launch(bundle);
    flipBytes(onlyCacheFile(bundle.cacheDir));
    launch(bundle);
    const next = launch(bundle);
    expect(next, next.output).toMatchObject({ status: 0, cache: "used" });
  });

  it("GIVEN NODE_OPTIONS alternating between two V8 flag sets WHEN launched in turn THEN each uses its own cache", () => {
    const bundle = largeBundle();
    const flags = "--max-old-space-size=300";
    launch(bundle);
    launch({ ...bundle, nodeOptions: flags });
    const results = [launch(bundle), launch({ ...bundle, nodeOptions: flags })].map((run) => run.cache);
    expect(results).toEqual(["used", "used"]);
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
    expect(() => bundleFileFor("main", root)).toThrow(new LaunchError("dist/bundle/main.js does not exist; run `npm run build` first"));
    mkdirSync(path.join(root, "dist", "bundle"), { recursive: true });
    writeFileSync(path.join(root, "dist", "bundle", "main.js"), "");
    expect(bundleFileFor("main", root)).toBe(path.join(root, "dist", "bundle", "main.js"));
  });
});
