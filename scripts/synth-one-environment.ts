import * as path from "node:path";
import { App } from "cdktf";
import { ENVIRONMENTS_DIR, EnvironmentConfigError, loadEnvironmentFile } from "../environments/load";
import { addEnvironmentStacks } from "../stacks/environment-stacks";
import { withoutTokenCreationStacks } from "../stacks/token-creation-stacks";

/**
 * Bench-only entry: synthesizes the three stacks of ONE environment, so `scripts/bench.ts` can
 * report what each environment costs on its own. The app (`main.ts`) always synthesizes every
 * environment; this file is not a second way to deploy.
 *
 * Usage: `node dist/launch.js synth-one-environment <env> [outdir]` (bundled, as the bench runs it)
 * or `node dist/scripts/synth-one-environment.js <env> [outdir]`
 * - `<env>`: the base name of `environments/<env>.yaml` (`dev`, `staging`, `prod`).
 * - `[outdir]`: where to write `stacks/<layer>-<env>/`; defaults to cdktf's own choice
 *   (`CDKTF_OUTDIR`, else `cdktf.out`).
 */
function main(argv: readonly string[]): void {
  const [name, outdir] = argv;
  if (name === undefined || name === "") {
    process.stderr.write("usage: synth-one-environment <env> [outdir]\n");
    process.exit(2);
  }
  const environment = loadOrExit(path.join(ENVIRONMENTS_DIR, `${name}.yaml`));
  withoutTokenCreationStacks(() => {
    const app = new App({ stackTraces: false, ...(outdir === undefined ? {} : { outdir }) });
    addEnvironmentStacks(app, environment);
    app.synth();
  });
}

/** Loads one environment file, or prints its problems (file:line) and exits 1. */
function loadOrExit(file: string): ReturnType<typeof loadEnvironmentFile> {
  try {
    return loadEnvironmentFile(file);
  } catch (error) {
    if (!(error instanceof EnvironmentConfigError)) throw error;
    process.stderr.write(`Invalid environment configuration:\n${error.message}\n`);
    return process.exit(1);
  }
}

main(process.argv.slice(2));
