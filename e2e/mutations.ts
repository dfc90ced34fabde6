/**
 * The judge of the suite's live mutation test (e2e/mutations.sh): a planted run catches its defect
 * when it exits 1 (failed verdicts, not a crash nor a bad command line) and its output holds every
 * fragment the planting expects. Also lists the plantings, for the weekly workflow's matrix.
 *
 *   node dist/e2e/mutations.js --list                      the planting names, one per line
 *   node dist/e2e/mutations.js --list-json                 the same as a JSON array
 *   node dist/e2e/mutations.js --judge <name> <exit code> <log file>
 */
import { readFileSync } from "node:fs";
import { PLANTINGS, type Planting } from "./plantings";

/** Whether a planted run caught its defect, and what it missed. */
export interface Judgement {
  readonly caught: boolean;
  /** Why not, one entry per thing missing (empty when caught). */
  readonly missing: readonly string[];
}

/**
 * Judges one planted run from its exit code and its whole output (every fragment matched line by line).
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function judgePlantedRun(planting: Pick<Planting, "expect">, exitCode: number, output: string): Judgement {
  const lines = output.split("\n");
  const missing: string[] = [];
  if (exitCode !== 1) missing.push(`exit code ${exitCode}, not 1 (a run that fails its verdicts)`);
  for (const fragment of planting.expect) {
    if (!lines.some((line) => fragment.test(line))) missing.push(`no line matches /${fragment.source}/`);
  }
  return { caught: missing.length === 0, missing };
}

function main(argv: readonly string[]): number {
  const [command, name, code, file] = argv;
  if (command === "--list") {
    process.stdout.write(`${Object.keys(PLANTINGS).join("\n")}\n`);
    return 0;
  }
  if (command === "--list-json") {
    process.stdout.write(`${JSON.stringify(Object.keys(PLANTINGS))}\n`);
    return 0;
  }
  if (command === "--judge" && name !== undefined && code !== undefined && file !== undefined) {
    const planting = PLANTINGS[name];
    if (planting === undefined) {
      process.stderr.write(`mutations: no planting named ${name}; known: ${Object.keys(PLANTINGS).join(", ")}\n`);
      return 2;
    }
    const judgement = judgePlantedRun(planting, Number(code), readFileSync(file, "utf8"));
    process.stdout.write(
      judgement.caught
        ? `caught:  ${name} (issue 23 item ${planting.item}: exit 1, every expected line printed, in ${file})\n`
        : `MISSED:  ${name} (issue 23 item ${planting.item}): ${judgement.missing.join("; ")} (output: ${file})\n`,
    );
    return judgement.caught ? 0 : 1;
  }
  process.stderr.write("usage: node dist/e2e/mutations.js --list | --list-json | --judge <planting> <exit code> <log file>\n");
  return 2;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
