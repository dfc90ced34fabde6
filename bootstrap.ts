import * as path from "node:path";
import { App } from "cdktf";
import { exitOnConfigError, loadEnvironmentsOrExit } from "./scripts/cli";
import { commandLineOrExit } from "./scripts/command-line";
import { BOOTSTRAP_COMMAND } from "./scripts/commands";
import { bootstrapSummary } from "./scripts/synth-output";
import { addAccountStacks } from "./stacks/account/account-stack";
import { BootstrapPlanError, addBootstrapStacks, type BootstrapStack } from "./stacks/bootstrap/bootstrap-stack";
import { withoutTokenCreationStacks } from "./stacks/token-creation-stacks";

/**
 * The account bootstrap, a second app beside main.ts: every `environments/<env>.yaml`, grouped by
 * account, one `bootstrap-<accountId>` stack per account whose environments keep their state in
 * S3. It creates those state buckets, so it runs (and is applied) before any layer stack, and
 * keeps its own state in a local file; and one `account-<accountId>` stack per account, the account
 * layer (stacks/account: the GitHub OIDC provider, GuardDuty, CloudTrail, AWS Config, account
 * settings), applied after the state bucket and before any environment of the account, its state
 * in that bucket. With `--import-existing` (or the context `importAccountSingletons=true`, e.g.
 * `CDKTF_CONTEXT_JSON='{"importAccountSingletons":true}'` for `npm run bootstrap`), the account
 * stacks adopt the singletons an environment's network stack created before: one `import` block
 * each (docs/migrations/account-layer.md).
 *
 *   npm run build && npx cdktf deploy --app "node dist/bootstrap.js" --output cdktf.out.bootstrap bootstrap-<accountId>
 *
 * Its output folder is `cdktf.out.bootstrap` (the cdktf CLI's `--output` arrives as CDKTF_OUTDIR),
 * apart from the layer stacks' `cdktf.out`.
 */
const DEFAULT_OUTDIR = "cdktf.out.bootstrap";

function main(argv: readonly string[]): void {
  const commandLine = commandLineOrExit(BOOTSTRAP_COMMAND, argv);
  const environments = loadEnvironmentsOrExit();
  withoutTokenCreationStacks(() => {
    const app = new App({
      outdir: process.env["CDKTF_OUTDIR"] ?? DEFAULT_OUTDIR,
      stackTraces: false,
      ...(commandLine.flag("import-existing") ? { context: { importAccountSingletons: true } } : {}),
    });
    const importExisting = [true, "true"].includes(app.node.tryGetContext("importAccountSingletons"));
    let stacks: BootstrapStack[];
    try {
      stacks = addBootstrapStacks(app, environments);
    } catch (error) {
      exitOnConfigError(error, BootstrapPlanError);
    }
    if (stacks.length === 0) {
      process.stderr.write("No environment keeps its state in S3: there is no state bucket to bootstrap.\n");
    }
    const buckets = new Map(stacks.map((stack) => [stack.target.accountId, stack]));
    for (const account of addAccountStacks(app, environments, importExisting)) {
      // The account layer keeps its state in the bucket the bootstrap creates: deployed after it.
      const bootstrap = buckets.get(account.target.accountId);
      if (bootstrap !== undefined) account.addDependency(bootstrap);
      if (importExisting) {
        process.stderr.write(
          `${account.node.id}: import blocks for ${account.imports.imported.length} existing singletons; ${account.imports.declaredAgain.length} declared again (not importable, changed in place): ${account.imports.declaredAgain.join(", ")}\n`,
        );
      }
    }
    app.synth();
    const where = path.relative(process.cwd(), path.join(app.outdir, "stacks")) || path.join(app.outdir, "stacks");
    const written = stacks.map((stack) => ({
      stack: stack.node.id,
      buckets: [...stack.buckets.keys()].map((bucket) => ({
        bucket,
        environments: environments.flatMap((env) => (env.state.backend === "s3" && env.state.bucket === bucket ? [env.name] : [])),
      })),
    }));
    if (written.length > 0) process.stdout.write(`${bootstrapSummary(written, where).join("\n")}\n`);
  });
}

main(process.argv.slice(2));
