/**
 * The command line of `npm run e2e`, parsed by the shared parser (scripts/command-line.ts) with
 * the same `--env` forms as synth (`--env dev --env staging`, `--env=dev`); an unknown option or
 * environment is refused in one line with exit 2, before anything starts.
 */
import { parseCommandLine, UsageError } from "../scripts/command-line";
import { E2E_COMMAND } from "../scripts/commands";
import { PLANTINGS } from "./plantings";

/** What the run was asked to do. */
export interface E2eRequest {
  /** Environments to run (empty: every one). */
  readonly only: readonly string[];
  readonly recheckGaps: boolean;
  /** Defects to plant (plantings.ts), in the order given. */
  readonly plant: readonly string[];
}

/** The request, `help`, or a refusal: the line to print and the exit code. */
export function parseE2eCommandLine(
  argv: readonly string[],
  known: readonly string[],
): E2eRequest | "help" | { readonly refusal: string; readonly exitCode: 2 } {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(E2E_COMMAND, argv);
  } catch (error) {
    if (error instanceof UsageError) return { refusal: `e2e: ${error.message}`, exitCode: 2 };
    throw error;
  }
  if (parsed === "help") return "help";
  const only = parsed.values("env");
  const unknown = [...new Set(only.filter((name) => !known.includes(name)))];
  if (unknown.length > 0) {
    return {
      refusal: `e2e: no environment named ${unknown.join(", ")}; known: ${known.join(", ")} (environments/<name>.yaml)`,
      exitCode: 2,
    };
  }
  const plant = parsed.values("plant");
  const unknownPlantings = [...new Set(plant.filter((name) => PLANTINGS[name] === undefined))];
  if (unknownPlantings.length > 0) {
    return { refusal: `e2e: no planting named ${unknownPlantings.join(", ")}; known: ${Object.keys(PLANTINGS).join(", ")}`, exitCode: 2 };
  }
  return { only, recheckGaps: parsed.flag("recheck-gaps"), plant };
}
