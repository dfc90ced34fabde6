import { App } from "cdktf";
import { EnvironmentConfigError, loadEnvironments } from "./environments/load";
import type { EnvironmentConfig } from "./environments/schema";
import { BootstrapPlanError, addBootstrapStacks, type BootstrapStack } from "./stacks/bootstrap/bootstrap-stack";
import { withoutTokenCreationStacks } from "./stacks/token-creation-stacks";

/**
 * The account bootstrap, a second app beside main.ts: every `environments/<env>.yaml`, grouped by
 * account, one `bootstrap-<accountId>` stack per account whose environments keep their state in
 * S3. It creates those state buckets, so it runs (and is applied) before any layer stack, and
 * keeps its own state in a local file.
 *
 *   npm run build && npx cdktf deploy --app "node dist/bootstrap.js" --output cdktf.out.bootstrap bootstrap-<accountId>
 *
 * Its output folder is `cdktf.out.bootstrap` (the cdktf CLI's `--output` arrives as CDKTF_OUTDIR),
 * apart from the layer stacks' `cdktf.out`.
 */
const DEFAULT_OUTDIR = "cdktf.out.bootstrap";

/** Prints a configuration problem the way main.ts does and exits 1; rethrows anything else. */
function exitOnConfigError(error: unknown): never {
  if (error instanceof EnvironmentConfigError || error instanceof BootstrapPlanError) {
    process.stderr.write(`Invalid environment configuration:\n${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

function loadOrExit(): EnvironmentConfig[] {
  try {
    return loadEnvironments();
  } catch (error) {
    return exitOnConfigError(error);
  }
}

function main(): void {
  const environments = loadOrExit();
  withoutTokenCreationStacks(() => {
    const app = new App({ outdir: process.env["CDKTF_OUTDIR"] ?? DEFAULT_OUTDIR, stackTraces: false });
    let stacks: BootstrapStack[];
    try {
      stacks = addBootstrapStacks(app, environments);
    } catch (error) {
      exitOnConfigError(error);
    }
    if (stacks.length === 0) {
      process.stderr.write("No environment keeps its state in S3: there is no state bucket to bootstrap.\n");
    }
    app.synth();
  });
}

main();
