import { type App, Testing } from "cdktf";
import { loadEnvironments } from "../../environments/load";
import type { EnvironmentConfig } from "../../environments/schema";
import { addEnvironmentStacks, type EnvironmentStacks } from "../../stacks/environment-stacks";
import type { ReadContractOptions } from "../../stacks/contract";

/** The real environments, loaded once per test file. */
export const ENVIRONMENTS: readonly EnvironmentConfig[] = loadEnvironments();

/** One real environment by name, optionally changed for a test. */
export function environment(name: string, change: (env: EnvironmentConfig) => EnvironmentConfig = (env) => env): EnvironmentConfig {
  const env = ENVIRONMENTS.find((candidate) => candidate.name === name);
  if (env === undefined) throw new Error(`no environment ${name}`);
  return change(structuredClone(env));
}

/** Builds one environment's stacks in a fresh testing app (for variations the shared synth does not cover). */
export function buildEnvironment(env: EnvironmentConfig, options: ReadContractOptions = {}): { app: App; stacks: EnvironmentStacks } {
  const app = Testing.app();
  return { app, stacks: addEnvironmentStacks(app, env, options) };
}
