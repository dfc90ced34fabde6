import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { type BundleJob, bundleApp } from "../scripts/bundle-app";
import { testTmp } from "./support/paths";

/** A tiny compiled "app": an entry requiring a module of its own and a Node built-in. */
function appFixture(): BundleJob & { readonly greeting: string } {
  const root = mkdtempSync(path.join(testTmp(), "bundle-"));
  mkdirSync(path.join(root, "dist", "lib"), { recursive: true });
  writeFileSync(
    path.join(root, "dist", "main.js"),
    `const { greeting } = require("./lib/greeting");\nconst path = require("node:path");\nmodule.exports = path.join(greeting, "x");\n`,
  );
  const greeting = path.join(root, "dist", "lib", "greeting.js");
  writeFileSync(greeting, `exports.greeting = "hello";\n`);
  return { root, entries: { app: "dist/main.js" }, outdir: "dist/bundle", greeting };
}

/** Runs a bundle and returns what it exports. */
function exportsOf(job: BundleJob): unknown {
  const module = { exports: {} as unknown };
  runInNewContext(readFileSync(path.join(job.root, job.outdir, "app.js"), "utf8"), { module, exports: module.exports, require });
  return module.exports;
}

describe("bundling the compiled app", () => {
  it("writes one file per entry that runs without the modules it was made from", () => {
    const job = appFixture();
    expect(bundleApp(job)).toBe("bundled");
    rmSync(path.join(job.root, "dist", "lib"), { recursive: true });
    expect(exportsOf(job)).toBe(path.join("hello", "x"));
  });

  it("skips bundling when nothing it read has changed", () => {
    const job = appFixture();
    bundleApp(job);
    expect(bundleApp(job)).toBe("up to date");
  });

  it("bundles again when an input's content changes, even with its old size and modification time", () => {
    const job = appFixture();
    bundleApp(job);
    const before = statSync(job.greeting);
    writeFileSync(job.greeting, `exports.greeting = "HELLO";\n`);
    utimesSync(job.greeting, before.atime, before.mtime);
    expect(statSync(job.greeting).size).toBe(before.size);

    expect(bundleApp(job)).toBe("bundled");
    expect(exportsOf(job)).toBe(path.join("HELLO", "x"));
  });

  it("bundles again when a bundle is missing or an input is gone", () => {
    const job = appFixture();
    bundleApp(job);
    rmSync(path.join(job.root, job.outdir, "app.js"));
    expect(bundleApp(job)).toBe("bundled");

    writeFileSync(path.join(job.root, "dist", "main.js"), `module.exports = "standalone";\n`);
    rmSync(job.greeting);
    expect(bundleApp(job)).toBe("bundled");
    expect(exportsOf(job)).toBe("standalone");
  });

  it("bundles again when the entries change", () => {
    const job = appFixture();
    bundleApp(job);
    writeFileSync(path.join(job.root, "dist", "other.js"), `module.exports = 1;\n`);
    expect(bundleApp({ ...job, entries: { ...job.entries, other: "dist/other.js" } })).toBe("bundled");
  });
});
