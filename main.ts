import { App } from "cdktf";
import { EnvironmentConfigError, loadEnvironments } from "./environments/load";
import type { EnvironmentConfig } from "./environments/schema";
import { addEnvironmentStacks } from "./stacks/environment-stacks";
import { withoutTokenCreationStacks } from "./stacks/token-creation-stacks";

/**
 * The app: every `environments/<env>.yaml`, three stacks each. All files are validated before a
 * single construct exists, so a bad file writes no stack output.
 *
 * Context `planPlaceholders=true` (e.g. `CDKTF_CONTEXT_JSON='{"planPlaceholders":true}'`) gives
 * remote-state reads plan-only placeholder values for upstream layers that were never applied.
 */
function loadOrExit(): EnvironmentConfig[] {
  try {
    return loadEnvironments();
  } catch (error) {
    if (error instanceof EnvironmentConfigError) {
      process.stderr.write(`Invalid environment configuration:\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

function main(): void {
  const environments = loadOrExit();
  withoutTokenCreationStacks(() => {
    const app = new App({ stackTraces: false });
    const planPlaceholders = [true, "true"].includes(app.node.tryGetContext("planPlaceholders"));
    for (const environment of environments) addEnvironmentStacks(app, environment, { planPlaceholders });
    app.synth();
  });
}

main();
