import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { testTmp } from "./support/paths";
import { cachedSynth, sharedSynthKey } from "./support/shared-synth-cache";

/**
 * Global setup copies an earlier run's shared synth when its inputs are the same
 * (test/support/shared-synth-cache.ts). A stale copy would let a mutated module pass every test
 * that reads the synth, so the key must change with every input and nothing else.
 */

function tree(files: Readonly<Record<string, string>>): string {
  const root = mkdtempSync(path.join(testTmp(), "synth-key-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

const SOURCES = {
  "modules/network/vpc.ts": "export const cidr = '10.0.0.0/16';",
  "modules/network/vpc.test.ts": "test",
  "stacks/network-stack.ts": "stack",
  "charts/gateway/Chart.yaml": "version: 1.0.0",
  "package-lock.json": "{}",
  "docs/architecture.md": "# doc",
  "test/stacks/network.test.ts": "test",
  "environments/dev.yaml": "name: dev",
};

describe("the key of the shared synth's cache", () => {
  it("GIVEN one line of a module changed WHEN keyed THEN the key changes (the mutated module is synthesized, never read stale)", () => {
    const root = tree(SOURCES);
    const before = sharedSynthKey(root, path.join(root, "environments"));

    writeFileSync(path.join(root, "modules/network/vpc.ts"), "export const cidr = '10.1.0.0/16';");

    expect(sharedSynthKey(root, path.join(root, "environments"))).not.toBe(before);
  });

  it.each([
    ["a new module file", "modules/network/subnets.ts", "x"],
    ["a vendored chart", "charts/gateway/Chart.yaml", "version: 1.0.1"],
    ["the installed packages", "package-lock.json", '{"v":2}'],
    ["an environment file", "environments/dev.yaml", "name: dev2"],
    ["a stack", "stacks/network-stack.ts", "stack2"],
  ])("GIVEN %s changed WHEN keyed THEN the key changes", (_what, file, text) => {
    const root = tree(SOURCES);
    const before = sharedSynthKey(root, path.join(root, "environments"));

    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);

    expect(sharedSynthKey(root, path.join(root, "environments"))).not.toBe(before);
  });

  it.each([
    ["a test beside a module", "modules/network/vpc.test.ts"],
    ["a test file", "test/stacks/network.test.ts"],
    ["a doc", "docs/architecture.md"],
  ])("GIVEN %s changed WHEN keyed THEN the key stays (no synth input changed)", (_what, file) => {
    const root = tree(SOURCES);
    const before = sharedSynthKey(root, path.join(root, "environments"));

    writeFileSync(path.join(root, file), "edited");

    expect(sharedSynthKey(root, path.join(root, "environments"))).toBe(before);
  });
});

describe("the shared synth's cache", () => {
  it("GIVEN no entry WHEN synthesized THEN the output is made once and the next run with the same key copies it without synthesizing", async () => {
    const root = tree({});
    const cache = path.join(root, "cache");
    let synths = 0;
    const synthInto = (outdir: string) => async () => {
      synths += 1;
      mkdirSync(path.join(outdir, "stacks", "network-dev"), { recursive: true });
      writeFileSync(path.join(outdir, "stacks", "network-dev", "cdk.tf.json"), '{"made":1}');
    };

    const first = await cachedSynth(cache, "k1", path.join(root, "run1"), synthInto(path.join(root, "run1")));
    const second = await cachedSynth(cache, "k1", path.join(root, "run2"), synthInto(path.join(root, "run2")));

    expect([first, second, synths]).toEqual([false, true, 1]);
    expect(readFileSync(path.join(root, "run2", "stacks", "network-dev", "cdk.tf.json"), "utf8")).toBe('{"made":1}');
  });

  it("GIVEN more keys than it keeps WHEN a new one is written THEN only the newest entries stay", async () => {
    const root = tree({});
    const cache = path.join(root, "cache");
    for (const key of ["a", "b", "c"]) {
      const outdir = path.join(root, `run-${key}`);
      await cachedSynth(
        cache,
        key,
        outdir,
        async () => writeFileSync(path.join(mkdirSync(outdir, { recursive: true }) ?? outdir, "f"), key),
        2,
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    expect(readdirSync(cache).sort()).toEqual(["b", "c"]);
  });
});
