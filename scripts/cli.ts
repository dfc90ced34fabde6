import {
  EnvironmentConfigError,
  type FactsCache,
  UnknownEnvironmentError,
  loadSelectedEnvironments,
  selectEnvironments,
  type EnvironmentSelection,
} from "../environments/load";
import type { EnvironmentConfig } from "../environments/schema";

/**
 * Loading the environment files the way every command does: a bad file prints its problems
 * (file:line path: message) under "Invalid environment configuration:" and exits 1 before
 * anything is written; an unknown environment name prints the known ones and exits 1. The one
 * place for this (main.ts, bootstrap.ts and the scripts each had a copy).
 */

/** Prints a problem of the environment files (or of what is planned from them) and exits 1; rethrows anything else. */
export function exitOnConfigError(error: unknown, ...alsoConfigErrors: readonly (abstract new (...args: never[]) => Error)[]): never {
  if (error instanceof EnvironmentConfigError || alsoConfigErrors.some((kind) => error instanceof kind)) {
    process.stderr.write(`Invalid environment configuration:\n${(error as Error).message}\n`);
    return process.exit(1);
  }
  throw error;
}

/** Every environment file, validated alone and across files; or their problems printed and exit 1. */
export function loadEnvironmentsOrExit(): EnvironmentConfig[] {
  return loadSelectionOrExit([]).environments;
}

/**
 * The environments named (all when none is), validated in full, and every other file's facts
 * checked across files (loadSelectedEnvironments); a bad file prints its problems and exits 1,
 * an unknown name prints the known ones and exits 1.
 */
export function loadSelectionOrExit(names: readonly string[], factsCache?: FactsCache): EnvironmentSelection {
  try {
    return loadSelectedEnvironments(names, undefined, factsCache);
  } catch (error) {
    if (error instanceof UnknownEnvironmentError) {
      process.stderr.write(`${error.message}\n`);
      return process.exit(1);
    }
    return exitOnConfigError(error);
  }
}

/** The environments named (all when none is); an unknown name prints the known ones and exits 1. */
export function selectEnvironmentsOrExit(environments: readonly EnvironmentConfig[], names: readonly string[]): EnvironmentConfig[] {
  try {
    return selectEnvironments(environments, names);
  } catch (error) {
    if (!(error instanceof UnknownEnvironmentError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return process.exit(1);
  }
}
