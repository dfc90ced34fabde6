import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "./support/paths";

/** npm's own range logic (semver, installed with npm's tooling), typed for the three calls used here. */
const semver = createRequire(__filename)("semver") as {
  validRange(range: string): string | null;
  subset(sub: string, dom: string): boolean;
  intersects(a: string, b: string): boolean;
};

/**
 * Node.js support as a tested property: package.json's `engines` tells the truth about what the
 * installed dependencies need, and CI runs the tests on every maintained Node.js line it admits.
 */

/** End of life of each Node.js LTS line (the Node.js release schedule, github.com/nodejs/Release), written by hand. */
const NODE_LTS_END_OF_LIFE: Readonly<Record<number, string>> = {
  18: "2025-04-30",
  20: "2026-04-30",
  22: "2027-04-30",
  24: "2028-04-30",
};
const TODAY = new Date().toISOString().slice(0, 10);

const packageJson = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as {
  packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean; os?: string[]; cpu?: string[] }>;
};
const engines = packageJson.engines.node;

interface Step {
  readonly uses?: string;
  readonly with?: Record<string, unknown>;
}
interface Job {
  readonly strategy?: { readonly matrix?: Record<string, unknown> };
  readonly steps?: readonly Step[];
}
const workflows = readdirSync(path.join(ROOT, ".github/workflows"))
  .filter((file) => file.endsWith(".yml"))
  .map((file) => [file, parse(readFileSync(path.join(ROOT, ".github/workflows", file), "utf8")) as { jobs: Record<string, Job> }] as const);

describe("Node.js support", () => {
  it("package.json's engines admits no Node.js version that an installed package refuses", () => {
    const refused = Object.entries(lock.packages)
      .filter(([name]) => name !== "")
      // Platform binaries for other systems are never installed here; their ranges are their parents'.
      .filter(([, entry]) => entry.optional !== true)
      .flatMap(([name, entry]) => {
        const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
        if (range === undefined || semver.validRange(range) === null) return [];
        return semver.subset(engines, range) ? [] : [`${name.replace(/^.*node_modules\//, "")} needs node ${range}`];
      });
    expect(refused).toEqual([]);
  });

  it("the tests run in CI on every maintained Node.js LTS line that engines admits, and on no other", () => {
    const maintained = Object.entries(NODE_LTS_END_OF_LIFE)
      .filter(([, endOfLife]) => endOfLife >= TODAY)
      .map(([major]) => Number(major))
      .filter((major) => semver.intersects(engines, `${major}.x`));
    const matrix = workflows.flatMap(([, workflow]) =>
      Object.values(workflow.jobs).flatMap((job) => (job.strategy?.matrix?.["node"] as number[] | undefined) ?? []),
    );
    expect([...matrix].sort()).toEqual(maintained.sort());
  });

  it("builds and deploys on the Node.js line of .nvmrc, a maintained LTS line engines admits", () => {
    const nvmrc = Number(readFileSync(path.join(ROOT, ".nvmrc"), "utf8").trim());
    expect((NODE_LTS_END_OF_LIFE[nvmrc] ?? "") >= TODAY).toBe(true);
    expect(semver.intersects(engines, `${nvmrc}.x`)).toBe(true);
    for (const [file, workflow] of workflows) {
      for (const [id, job] of Object.entries(workflow.jobs)) {
        for (const step of job.steps ?? []) {
          if (!step.uses?.startsWith("actions/setup-node")) continue;
          const fixed = step.with?.["node-version"];
          const pinned = step.with?.["node-version-file"] === ".nvmrc" || fixed === "${{ matrix.node }}";
          expect(pinned, `${file} job ${id}: setup-node takes .nvmrc or the test matrix, not ${String(fixed)}`).toBe(true);
        }
      }
    }
  });
});
