import { mkdirSync, rmSync } from "node:fs";
import { App } from "cdktf";
import { loadEnvironments } from "../../environments/load";
import { addBootstrapStacks } from "../../stacks/bootstrap/bootstrap-stack";
import { addEnvironmentStacks } from "../../stacks/environment-stacks";
import { withoutTokenCreationStacks } from "../../stacks/token-creation-stacks";
import { sharedSynthDir, testTmp } from "./paths";

/**
 * Runs once per test run: synthesizes every stack of every environment exactly as `npm run synth`
 * does (plus the bootstrap app's stacks), so stack, contract and policy tests share one synth instead of re-synthesizing per file;
 * removes the run's scratch folder at the end.
 */
export default function setup(): () => void {
  const tmp = testTmp();
  mkdirSync(tmp, { recursive: true });
  withoutTokenCreationStacks(() => {
    const app = new App({ outdir: sharedSynthDir(), stackTraces: false });
    const environments = loadEnvironments();
    for (const environment of environments) addEnvironmentStacks(app, environment);
    // The bootstrap app's stacks (one per account) too, so the policy suite covers the state buckets.
    addBootstrapStacks(app, environments);
    app.synth();
  });
  return () => rmSync(tmp, { recursive: true, force: true });
}
