import { spawn } from "node:child_process";
import * as path from "node:path";
import { commandLineOrExit } from "./command-line";
import { LINT_COMMAND } from "./commands";

/**
 * `npm run lint`: the three checks of the house habits, run side by side (each is single-threaded
 * most of its time, and CI has 2 cores). Each one's own output is printed whole, after it ends, in
 * a fixed order; the exit status is 1 when any check fails.
 */

/** One check: a name for the summary and the command line of a tool in node_modules/.bin. */
interface Check {
  readonly name: string;
  readonly tool: string;
  readonly args: readonly string[];
}

const CHECKS: readonly Check[] = [
  { name: "format and lint rules (biome ci)", tool: "biome", args: ["ci", "--colors=off", "."] },
  { name: "unused files, dependencies, exports (knip)", tool: "knip", args: ["--no-progress"] },
  { name: "exports only tests use (knip --production)", tool: "knip", args: ["--production", "--no-progress"] },
];

interface Outcome {
  readonly check: Check;
  readonly status: number;
  readonly output: string;
  readonly seconds: number;
}

function runCheck(check: Check, root: string): Promise<Outcome> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn(path.join(root, "node_modules", ".bin", check.tool), [...check.args], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
    const done = (status: number, extra = "") =>
      resolve({
        check,
        status,
        output: Buffer.concat(chunks).toString("utf8") + extra,
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
      });
    child.on("error", (error) => done(1, `${check.tool}: ${error.message} (run npm ci)\n`));
    child.on("close", (code) => done(code ?? 1));
  });
}

async function main(): Promise<void> {
  commandLineOrExit(LINT_COMMAND, process.argv.slice(2));
  const root = path.resolve(__dirname, "..", "..");
  const outcomes = await Promise.all(CHECKS.map((check) => runCheck(check, root)));
  for (const outcome of outcomes) {
    if (outcome.status !== 0) process.stdout.write(outcome.output.endsWith("\n") ? outcome.output : `${outcome.output}\n`);
  }
  for (const outcome of outcomes) {
    process.stdout.write(`lint: ${outcome.status === 0 ? "ok    " : "FAILED"} ${outcome.check.name} (${outcome.seconds.toFixed(1)} s)\n`);
  }
  process.exitCode = outcomes.some((outcome) => outcome.status !== 0) ? 1 : 0;
}

main().catch((error: unknown) => {
  process.stderr.write(`lint: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
