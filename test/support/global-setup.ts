import { mkdirSync, rmSync } from "node:fs";
import { App } from "cdktf";
import { loadEnvironments } from "../../environments/load";
import { addEnvironmentStacks } from "../../stacks/environment-stacks";
import { SHARED_SYNTH_DIR, TEST_TMP } from "./paths";

/**
 * Runs once per test run: cleans the scratch folders and synthesizes every stack of every
 * environment exactly as `npm run synth` does, so stack, contract and policy tests share one
 * synth instead of re-synthesizing per file.
 */
export default function setup(): () => void {
  rmSync(TEST_TMP, { recursive: true, force: true });
  mkdirSync(TEST_TMP, { recursive: true });
  rmSync(SHARED_SYNTH_DIR, { recursive: true, force: true });
  const app = new App({ outdir: SHARED_SYNTH_DIR, stackTraces: false });
  for (const environment of loadEnvironments()) addEnvironmentStacks(app, environment);
  app.synth();
  return () => rmSync(TEST_TMP, { recursive: true, force: true });
}
