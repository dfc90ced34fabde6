import { mkdirSync, rmSync } from "node:fs";
import * as path from "node:path";
import { EnvironmentConfigError, environmentsDir, loadEnvironments } from "../../environments/load";
import type { EnvironmentConfig } from "../../environments/schema";
import { writeWithAddedEnvironment } from "./added-environment";
import { ROOT, sharedSynthDir, testTmp } from "./paths";
import { cachedSynth, sharedSynthKey } from "./shared-synth-cache";
import { tolerateFailingStackFormatter } from "./tolerant-stack-formatting";

/** Earlier runs' shared synths, by the hash of their inputs (git-ignored, gone with node_modules). */
const SHARED_SYNTH_CACHE = path.join(ROOT, "node_modules", ".cache", "shared-synth");

/**
 * Every environment file, validated alone and across files, before any test runs. A bad file is
 * the one thing to fix, so its problems (`file:line path: message`, as `npm run synth` prints them)
 * are all the run prints: it stops with exit status 1 instead of failing every test file that
 * reads the environments, each with a stack trace.
 */
function environmentsOrStop(
  tmp: string,
  dir: string = environmentsDir(),
  heading = "Invalid environment configuration:",
): EnvironmentConfig[] {
  try {
    return loadEnvironments(dir);
  } catch (error) {
    if (!(error instanceof EnvironmentConfigError)) throw error;
    process.stderr.write(
      `\n${heading}\n${error.message}\n\nnpm test stopped before running any test: fix the environment files above (npm run synth reports the same).\n`,
    );
    rmSync(tmp, { recursive: true, force: true });
    return process.exit(1);
  }
}

/** Every stack of every environment, the bootstrap app's and the account layer's, into sharedSynthDir(). */
async function synthesizeEverything(environments: readonly EnvironmentConfig[]): Promise<void> {
  // Imported here, not at the top: a run whose synth is cached never loads them.
  const [{ App }, { addAccountStacks }, { addBootstrapStacks }, { addEnvironmentStacks }, { withoutTokenCreationStacks }] =
    await Promise.all([
      import("cdktf"),
      import("../../stacks/account/account-stack.js"),
      import("../../stacks/bootstrap/bootstrap-stack.js"),
      import("../../stacks/environment-stacks.js"),
      import("../../stacks/token-creation-stacks.js"),
    ]);
  withoutTokenCreationStacks(() => {
    const app = new App({ outdir: sharedSynthDir(), stackTraces: false });
    for (const environment of environments) addEnvironmentStacks(app, environment);
    // The bootstrap app's stacks (one per account) too, so the policy suite covers the state buckets.
    addBootstrapStacks(app, environments);
    // And the account layer (one account-<id> stack per account), built by the bootstrap app.
    addAccountStacks(app, environments);
    app.synth();
  });
}

/**
 * Runs once per test run: validates the environment files (environmentsOrStop), adds one made by
 * the README's recipe (./added-environment.ts) in a folder of the run, then synthesizes
 * every stack of every environment exactly as `npm run synth` does (plus the bootstrap app's
 * stacks), so stack, contract and policy tests share one synth instead of re-synthesizing per
 * file (or copies an earlier run's synth of the same inputs); removes the run's scratch folder at the end. cdktf and the stacks load only once the
 * files are valid, so a bad file stops the run within a second or two.
 */
export default async function setup(): Promise<() => void> {
  // Vite's source maps of modules from vitest's module cache fail in this process (./tolerant-stack-formatting.ts).
  tolerateFailingStackFormatter();
  const tmp = testTmp();
  mkdirSync(tmp, { recursive: true });
  const real = environmentsOrStop(tmp);
  // Every test runs on the environment files plus one added by the README's recipe (./added-environment.ts):
  // the workers, started after this, read ENVIRONMENTS_DIR.
  const withAdded = path.join(tmp, "environments");
  const added = writeWithAddedEnvironment(environmentsDir(), withAdded, real);
  process.env["ENVIRONMENTS_DIR"] = withAdded;
  if (added !== undefined) process.env["ADDED_ENVIRONMENT"] = added;
  const environments = environmentsOrStop(
    tmp,
    withAdded,
    `The environment this run adds with the README's recipe (a copy of staging.yaml: test/support/added-environment.ts) is refused; the recipe needs updating:`,
  );
  // The synth is a pure function of the sources and the environment files: an earlier run's output
  // for the same inputs is copied instead (./shared-synth-cache.ts); cdktf and the stacks then do
  // not load in this process at all.
  const key = sharedSynthKey(ROOT, withAdded);
  await cachedSynth(SHARED_SYNTH_CACHE, key, sharedSynthDir(), () => synthesizeEverything(environments));
  return () => rmSync(tmp, { recursive: true, force: true });
}
