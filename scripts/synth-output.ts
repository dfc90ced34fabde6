import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";

/** What `npm run synth` wrote, for its closing lines. */
export interface SynthReport {
  /** Per environment synthesized: its stacks, in deployment order. */
  readonly written: readonly { readonly environment: string; readonly stacks: readonly string[] }[];
  /** Stack folders removed because no environment file or layer makes them any more. */
  readonly removed: readonly string[];
  /** The stacks folder, as the user names it (`cdktf.out/stacks`). */
  readonly where: string;
  /** Environments that exist but were not asked for (`--env`), and the names asked for. */
  readonly skipped: number;
  readonly only: readonly string[];
  readonly seconds: number;
  readonly planPlaceholders: boolean;
}

/**
 * Removes stack folders in `stacksDir` that are not among `existing`. Only folders holding a
 * `cdk.tf.json` are stack output; anything else is left alone. Returns the removed names, sorted.
 */
export function removeStaleStackOutput(stacksDir: string, existing: ReadonlySet<string>): string[] {
  if (!existsSync(stacksDir)) return [];
  const stale = readdirSync(stacksDir, { withFileTypes: true }).filter(
    (entry) => entry.isDirectory() && !existing.has(entry.name) && existsSync(path.join(stacksDir, entry.name, "cdk.tf.json")),
  );
  for (const entry of stale) rmSync(path.join(stacksDir, entry.name), { recursive: true, force: true });
  return stale.map((entry) => entry.name).sort();
}

/** One stack's entry in cdktf's `manifest.json`, the file `cdktf diff|deploy --skip-synth` finds stacks by. */
interface ManifestStack {
  readonly annotations: readonly unknown[];
  readonly constructPath: string;
  readonly dependencies: readonly string[];
  readonly name: string;
  readonly stackMetadataPath: string;
  readonly synthesizedStackPath: string;
  readonly workingDirectory: string;
}

/** cdktf's `manifest.json`. */
interface Manifest {
  readonly stacks: Readonly<Record<string, ManifestStack>>;
  readonly version: string;
}

/** The manifest in `outdir`, or undefined when there is none or it is not a manifest (read it before a synth overwrites it). */
export function readManifest(outdir: string): Manifest | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path.join(outdir, "manifest.json"), "utf8")) as Partial<Manifest>;
    return typeof parsed.stacks === "object" && parsed.stacks !== null && typeof parsed.version === "string"
      ? (parsed as Manifest)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A stack's entry as cdktf writes it for a top-level stack (annotations are cdktf's warnings of that synth, none here). */
function manifestEntry(name: string, dependencies: readonly string[]): ManifestStack {
  return {
    annotations: [],
    constructPath: name,
    dependencies,
    name,
    stackMetadataPath: `stacks/${name}/metadata.json`,
    synthesizedStackPath: `stacks/${name}/cdk.tf.json`,
    workingDirectory: `stacks/${name}`,
  };
}

/**
 * cdktf writes `manifest.json` with the stacks of this synth only, so after `--env dev` the
 * manifest would forget the other environments' stacks whose output is still on disk, and
 * `cdktf diff network-staging --skip-synth` would answer "Could not find stack". This adds back
 * every stack of `expected` (name to its dependencies, in the order a full synth writes them)
 * whose `stacks/<name>/cdk.tf.json` exists and which this synth did not write: its entry from the
 * manifest before the synth when there was one, else one made from `expected`. Returns the names
 * added; the manifest is rewritten only when there are any.
 */
export function completeManifest(outdir: string, before: Manifest | undefined, expected: ReadonlyMap<string, readonly string[]>): string[] {
  const written = readManifest(outdir);
  if (written === undefined) return [];
  const missing = [...expected.keys()].filter(
    (name) => written.stacks[name] === undefined && existsSync(path.join(outdir, "stacks", name, "cdk.tf.json")),
  );
  if (missing.length === 0) return [];
  const stacks: Record<string, ManifestStack> = { ...written.stacks };
  for (const name of missing) stacks[name] = before?.stacks[name] ?? manifestEntry(name, expected.get(name) ?? []);
  const sorted = Object.fromEntries(
    Object.keys(stacks)
      .sort()
      .map((name) => [name, stacks[name]]),
  );
  writeFileSync(path.join(outdir, "manifest.json"), `${JSON.stringify({ stacks: sorted, version: written.version }, null, 2)}\n`);
  return missing;
}

/** The lines `npm run synth` ends with. */
export function synthSummary(report: SynthReport): string[] {
  const width = Math.max(0, ...report.written.map((entry) => entry.environment.length));
  const count = report.written.reduce((sum, entry) => sum + entry.stacks.length, 0);
  const environments = `${report.written.length} environment${report.written.length === 1 ? "" : "s"}`;
  const only =
    report.skipped > 0
      ? ` (only --env ${report.only.join(", ")}: the output of the ${report.skipped} other environment${report.skipped === 1 ? "" : "s"} was left as it was)`
      : "";
  return [
    ...report.written.map((entry) => `synth: ${entry.environment.padEnd(width)}  ${entry.stacks.join(", ")}`),
    ...report.removed.map((name) => `synth: removed ${report.where}/${name}: no environment file or layer makes it any more`),
    `synth: wrote ${count} stacks of ${environments} to ${report.where}/ in ${report.seconds.toFixed(1)} s${only}`,
    ...(report.planPlaceholders
      ? ["synth: PLAN PLACEHOLDERS ARE ON (see the warning above): never apply a plan made from this output"]
      : []),
  ];
}

/** The lines `npm run synth:bootstrap` ends with: each stack with the state buckets it creates and their environments, then how to deploy one. */
export function bootstrapSummary(
  written: readonly {
    readonly stack: string;
    readonly buckets: readonly { readonly bucket: string; readonly environments: readonly string[] }[];
  }[],
  where: string,
): string[] {
  const width = Math.max(0, ...written.map((entry) => entry.stack.length));
  return [
    ...written.map(
      (entry) =>
        `synth:bootstrap: ${entry.stack.padEnd(width)}  state bucket ${entry.buckets.map((b) => `${b.bucket} (${b.environments.join(", ")})`).join(", ")}`,
    ),
    `synth:bootstrap: wrote ${written.length} stack${written.length === 1 ? "" : "s"} to ${where}/; deploy one with npm run bootstrap -- <stack>`,
  ];
}

/** The warning printed (to stderr) before anything else when plan placeholders are on. */
export function planPlaceholderWarning(): string {
  const bar = "!".repeat(78);
  return [
    bar,
    "!! PLAN PLACEHOLDERS ARE ON: remote-state reads of upstream layers that were never applied",
    "!! return made-up values. A plan made from this output is for review only: NEVER APPLY IT.",
    bar,
    "",
  ].join("\n");
}
