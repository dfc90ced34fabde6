import * as path from "node:path";
import { App } from "cdktf";
import { loadSelectionOrExit } from "./cli";
import { commandLineOrExit } from "./command-line";
import { FACTS_CACHE_DIR, fileFactsCache, launchedProgramDigest } from "./facts-cache";
import { SYNTH_COMMAND } from "./commands";
import { completeManifest, planPlaceholderWarning, readManifest, removeStaleStackOutput, synthSummary } from "./synth-output";
import { addEnvironmentStacks, layerStacks } from "../stacks/environment-stacks";
import { LAYERS, stackName } from "../stacks/layers";
import { withoutTokenCreationStacks } from "../stacks/token-creation-stacks";

/**
 * `npm run synth` (main.ts, run as `node dist/launch.js main <args>`): the stacks of every
 * `environments/<env>.yaml` (or of those named with `--env`), one per layer. Every environment it
 * synthesizes is validated in full, and every file's shared facts across files, before a single
 * construct exists, so a bad file writes no stack output. After writing, it removes the output of
 * stacks that no longer exist (a deleted environment's folders) and prints what it wrote and how
 * long it took.
 *
 * Plan placeholders (`--plan-placeholders`, or the context `planPlaceholders=true`, e.g.
 * `CDKTF_CONTEXT_JSON='{"planPlaceholders":true}'` when the cdktf CLI runs the app) give
 * remote-state reads plan-only values for upstream layers that were never applied; the app warns
 * loudly when they are on.
 */
export function synthApp(argv: readonly string[]): void {
  const commandLine = commandLineOrExit(SYNTH_COMMAND, argv);
  const names = commandLine.values("env");
  // Launched from the bundle, the other files' facts validated by an earlier run of this very bundle are reused (scripts/facts-cache.ts).
  const program = launchedProgramDigest();
  const factsCache = program === undefined ? undefined : fileFactsCache(FACTS_CACHE_DIR, program);
  const { environments: selected, names: all } = loadSelectionOrExit(names, factsCache);
  factsCache?.save();
  withoutTokenCreationStacks(() => {
    const app = new App({ stackTraces: false, ...(commandLine.flag("plan-placeholders") ? { context: { planPlaceholders: true } } : {}) });
    const planPlaceholders = [true, "true"].includes(app.node.tryGetContext("planPlaceholders"));
    if (planPlaceholders) process.stderr.write(planPlaceholderWarning());
    const written = selected.map((environment) => ({
      environment: environment.name,
      stacks: layerStacks(addEnvironmentStacks(app, environment, { planPlaceholders })).map((stack) => stack.node.id),
    }));
    const manifestBefore = readManifest(app.outdir);
    app.synth();

    const stacksDir = path.join(app.outdir, "stacks");
    /** Every stack of every environment file, with the upstream stacks it depends on (the contracts' order). */
    const expected = new Map(
      all.flatMap((environment) =>
        LAYERS.map(
          (layer, index) =>
            [stackName(layer, environment), LAYERS.slice(0, index).map((upstream) => stackName(upstream, environment))] as const,
        ),
      ),
    );
    const removed = removeStaleStackOutput(stacksDir, new Set(expected.keys()));
    completeManifest(app.outdir, manifestBefore, expected);
    const where = path.relative(process.cwd(), stacksDir) || stacksDir;
    const summary = synthSummary({
      written,
      removed,
      where,
      skipped: all.length - selected.length,
      only: names,
      seconds: process.uptime(),
      planPlaceholders,
    });
    process.stdout.write(`${summary.join("\n")}\n`);
  });
}
