import { existsSync, readdirSync, rmSync } from "node:fs";
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
