import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import { loadEnvironments, selectEnvironments } from "../environments/load";
import { deploymentOrder } from "../stacks/deployment-order";
import { ciRoleNames } from "../modules/ci/github-ci-identity";
import { addEnvironmentStacks, layerStacks } from "../stacks/environment-stacks";
import { withoutTokenCreationStacks } from "../stacks/token-creation-stacks";
import type { LayerStack } from "../stacks/layer-stack";
import { exitOnConfigError, loadEnvironmentsOrExit, selectEnvironmentsOrExit } from "./cli";
import { commandLineOrExit } from "./command-line";
import { STACKS_COMMAND } from "./commands";

/**
 * `npm run stacks -- [--env <name>] [--json]`: the stacks of every (or one) environment in the
 * order they deploy, derived from the dependencies the app records. The GitHub workflows build
 * their matrices from `--json`, so a new layer or environment needs no workflow edit.
 */

/** One stack as the workflows need it. */
export interface StackEntry {
  readonly name: string;
  readonly layer: string;
  readonly environment: string;
  readonly stage: string;
  /** 0-based position in the environment's deployment order. */
  readonly order: number;
  /** Where `npm run synth` writes it, relative to the repository root. */
  readonly directory: string;
  readonly accountId: string;
  readonly region: string;
  /** The read-only role a plan assumes and the role an apply assumes (network layer, GitHub OIDC). */
  readonly planRoleArn: string;
  readonly deployRoleArn: string;
}

/**
 * Every stack of the given environments (all when none is named), each environment's stacks in
 * deployment order.
 * @throws UnknownEnvironmentError for a name without a file, EnvironmentConfigError for a bad file.
 */
export function listStacks(...environmentNames: readonly string[]): StackEntry[] {
  const environments = selectEnvironments(loadEnvironments(), environmentNames);
  const outdir = mkdtempSync(path.join(tmpdir(), "stacks-"));
  try {
    const app = new App({ outdir, stackTraces: false });
    return withoutTokenCreationStacks(() =>
      environments.flatMap((env) => {
        const stacks = addEnvironmentStacks(app, env);
        const ordered: LayerStack[] = deploymentOrder<LayerStack>(layerStacks(stacks));
        const roles = ciRoleNames(env.name);
        const iam = (role: string) => `arn:${stacks.network.target.partition}:iam::${env.account.id}:role/${role}`;
        return ordered.map((stack, order) => ({
          name: stack.node.id,
          layer: stack.layer,
          environment: env.name,
          stage: env.stage,
          order,
          directory: `cdktf.out/stacks/${stack.node.id}`,
          accountId: env.account.id,
          region: env.account.region,
          planRoleArn: iam(roles.plan),
          deployRoleArn: iam(roles.deploy),
        }));
      }),
    );
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function main(argv: readonly string[]): void {
  const commandLine = commandLineOrExit(STACKS_COMMAND, argv);
  const json = commandLine.flag("json");
  const environments = selectEnvironmentsOrExit(loadEnvironmentsOrExit(), commandLine.values("env"));
  if (commandLine.flag("environments")) {
    const names = environments.map((env) => env.name);
    process.stdout.write(json ? `${JSON.stringify(names)}\n` : `${names.join("\n")}\n`);
    return;
  }
  let stacks: StackEntry[];
  try {
    stacks = listStacks(...environments.map((env) => env.name));
  } catch (error) {
    exitOnConfigError(error);
  }
  process.stdout.write(json ? `${JSON.stringify(stacks)}\n` : `${stacks.map((stack) => stack.name).join("\n")}\n`);
}

if (require.main === module) main(process.argv.slice(2));
