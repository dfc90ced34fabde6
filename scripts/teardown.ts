import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import type { EnvironmentConfig } from "../environments/schema";
import { addEnvironmentStacks, layerStacks } from "../stacks/environment-stacks";
import type { LiftedGuard } from "../stacks/destroy-guards";
import { TEARDOWN_CONTEXT, TEARDOWN_STAMP_CONTEXT, type LayerStack } from "../stacks/layer-stack";
import { deploymentOrder } from "../stacks/deployment-order";
import { withoutTokenCreationStacks } from "../stacks/token-creation-stacks";
import { exitOnConfigError, loadSelectionOrExit } from "./cli";
import { commandLineOrExit } from "./command-line";
import { TEARDOWN_COMMAND } from "./commands";

/**
 * `npm run teardown -- --env <name>`: tears a non-production environment down in an order that
 * cannot stop half-way, and leaves the account layer (account-<account id>) alone:
 * 1. the stacks synthesized with every destroy guard lifted, each lift printed by name
 *    (prevent_destroy, deletion protection, buckets emptied by Terraform, final snapshots named
 *    `<name>-teardown-<stamp>` where the file keeps snapshots);
 * 2. workloads: the ALB's deletion protection turned off, the Gateway deleted while the load
 *    balancer controller still runs (it deletes the ALB and its k8s-* security groups), a wait
 *    until nothing tagged for the cluster is left, then the rest of the layer;
 * 3. then each layer in reverse deployment order: its guards lifted (a targeted apply), destroyed.
 * Production refuses (the environment's stage), before anything is synthesized.
 */

/** The teardown of a production environment, or of an environment that does not exist. */
export class TeardownRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TeardownRefused";
  }
}

/** One thing the teardown does, in order. */
export type TeardownStep =
  | { readonly kind: "terraform"; readonly stack: string; readonly dir: string; readonly args: readonly string[]; readonly why: string }
  | {
      readonly kind: "wait-load-balancers";
      readonly stack: string;
      readonly cluster: string;
      readonly region: string;
      readonly why: string;
    };

export interface TeardownPlan {
  readonly environment: string;
  readonly stamp: string;
  /** Every guard lifted, by stack. */
  readonly lifted: Readonly<Record<string, readonly LiftedGuard[]>>;
  readonly steps: readonly TeardownStep[];
}

export interface TeardownOptions {
  /** Unique part of the final snapshots' names. @default the current UTC time, yyyymmdd-hhmm */
  readonly stamp?: string;
  /** Where the lifted stacks are written. @default cdktf.out.teardown */
  readonly outdir?: string;
}

/** `20261206-0412` */
export function teardownStamp(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10).replace(/-/g, "")}-${iso.slice(11, 16).replace(":", "")}`;
}

/**
 * Synthesizes `environment`'s stacks with their guards lifted into `outdir` and returns what the
 * teardown will do, without running anything.
 * @throws TeardownRefused for a production environment.
 */
export function planTeardown(environment: EnvironmentConfig, options: TeardownOptions = {}): TeardownPlan {
  if (environment.stage === "production") {
    throw new TeardownRefused(
      `environments/${environment.name}.yaml stage: production: the teardown command refuses production (its data and entry are guarded; lift them by hand in a reviewed change if you must)`,
    );
  }
  const stamp = options.stamp ?? teardownStamp(new Date());
  const outdir = options.outdir ?? "cdktf.out.teardown";
  mkdirSync(outdir, { recursive: true });
  const stacks = withoutTokenCreationStacks(() => {
    const app = new App({ outdir, stackTraces: false, context: { [TEARDOWN_CONTEXT]: environment.name, [TEARDOWN_STAMP_CONTEXT]: stamp } });
    const built = deploymentOrder<LayerStack>(layerStacks(addEnvironmentStacks(app, environment)));
    app.synth();
    return built;
  });
  const lifted = Object.fromEntries(stacks.map((stack) => [stack.node.id, stack.liftedGuards()]));
  const steps: TeardownStep[] = [];
  for (const stack of [...stacks].reverse()) {
    const name = stack.node.id;
    const dir = path.join(outdir, "stacks", name);
    const terraform = (args: readonly string[], why: string) => steps.push({ kind: "terraform", stack: name, dir, args, why });
    terraform(["init", "-input=false"], "initialize against the stack's state");
    let guarded = [...new Set((lifted[name] ?? []).map((guard) => guard.address))];
    if (stack.layer === "workloads") {
      const gateway = gatewayAddress(path.join(dir, "cdk.tf.json"));
      // Destroyed first: a targeted apply naming it later would create it again.
      guarded = guarded.filter((address) => address !== gateway);
      if (gateway !== undefined) {
        terraform(["apply", "-input=false", "-auto-approve", `-target=${gateway}`], "turn the ALB's deletion protection off (Helm values)");
        terraform(
          ["destroy", "-input=false", "-auto-approve", `-target=${gateway}`],
          "delete the Gateway and its routes while the load balancer controller still runs: it deletes the ALB",
        );
        steps.push({
          kind: "wait-load-balancers",
          stack: name,
          cluster: clusterName(environment),
          region: environment.account.region,
          why: "wait until no load balancer, target group or k8s-* security group tagged for the cluster is left",
        });
      }
    }
    if (guarded.length > 0) {
      terraform(
        ["apply", "-input=false", "-auto-approve", ...guarded.map((address) => `-target=${address}`)],
        "lift the guards named above",
      );
    }
    terraform(["destroy", "-input=false", "-auto-approve"], `destroy ${name}`);
  }
  return { environment: environment.name, stamp, lifted, steps };
}

/** The EKS cluster of an environment is named after it (stacks/platform). */
function clusterName(environment: EnvironmentConfig): string {
  return environment.name;
}

/** The Gateway's Helm release in a synthesized workloads stack (there when the ALB has no deletion protection too). */
function gatewayAddress(file: string): string | undefined {
  const doc = JSON.parse(readFileSync(file, "utf8")) as { resource?: Record<string, Record<string, unknown>> };
  const name = Object.keys(doc.resource?.["helm_release"] ?? {}).find((release) => release.startsWith("public-gateway_"));
  return name === undefined ? undefined : `helm_release.${name}`;
}

/** What the teardown will do, as the command prints it before doing it. */
export function describeTeardown(plan: TeardownPlan): string[] {
  const lines = [
    `teardown of ${plan.environment} (final snapshots: <name>-teardown-${plan.stamp}); the account layer stays.`,
    "Guards lifted:",
  ];
  const all = Object.entries(plan.lifted).flatMap(([stack, guards]) =>
    guards.map((guard) => `  ${stack}: ${guard.address}: ${guard.lifted}`),
  );
  lines.push(...(all.length === 0 ? ["  none"] : all), "Steps:");
  plan.steps.forEach((step, index) => {
    const what =
      step.kind === "terraform" ? `terraform ${step.args.join(" ")}` : `wait for the load balancer controller (cluster ${step.cluster})`;
    lines.push(`  ${index + 1}. ${step.stack}: ${what}: ${step.why}`);
  });
  return lines;
}

const WAIT_SECONDS = 15 * 60;

/** Runs the plan's steps in order; stops at the first that fails, naming it. */
function execute(plan: TeardownPlan): number {
  const terraform = process.env["TERRAFORM_BINARY"] ?? "terraform";
  for (const [index, step] of plan.steps.entries()) {
    process.stdout.write(`\n== ${index + 1}/${plan.steps.length} ${step.stack}: ${step.why}\n`);
    if (step.kind === "terraform") {
      const result = spawnSync(terraform, [...step.args], { cwd: step.dir, stdio: "inherit" });
      if (result.status !== 0) {
        process.stderr.write(
          `teardown stopped at step ${index + 1} (${step.stack}: terraform ${step.args.join(" ")}); nothing after it ran\n`,
        );
        return 1;
      }
      continue;
    }
    const deadline = Date.now() + WAIT_SECONDS * 1000;
    for (;;) {
      const left = spawnSync(
        "aws",
        [
          "resourcegroupstaggingapi",
          "get-resources",
          "--region",
          step.region,
          "--tag-filters",
          `Key=elbv2.k8s.aws/cluster,Values=${step.cluster}`,
          "--query",
          "ResourceTagMappingList[].ResourceARN",
          "--output",
          "text",
        ],
        { encoding: "utf8" },
      );
      if (left.status !== 0) {
        process.stderr.write(`teardown stopped: cannot list what the controller left (aws exit ${left.status}): ${left.stderr}\n`);
        return 1;
      }
      if (left.stdout.trim() === "" || left.stdout.trim() === "None") break;
      if (Date.now() > deadline) {
        process.stderr.write(`teardown stopped: after ${WAIT_SECONDS / 60} min the controller still leaves: ${left.stdout.trim()}\n`);
        return 1;
      }
      spawnSync("sleep", ["15"]);
    }
  }
  process.stdout.write(`\nteardown of ${plan.environment}: done\n`);
  return 0;
}

function main(argv: readonly string[]): void {
  const commandLine = commandLineOrExit(TEARDOWN_COMMAND, argv);
  const names = commandLine.values("env");
  if (names.length !== 1) {
    process.stderr.write("teardown: name exactly one environment: npm run teardown -- --env <name>\n");
    process.exit(1);
  }
  const { environments } = loadSelectionOrExit(names);
  let plan: TeardownPlan;
  try {
    plan = planTeardown(environments[0] as EnvironmentConfig);
  } catch (error) {
    if (error instanceof TeardownRefused) {
      process.stderr.write(`teardown refused: ${error.message}\n`);
      process.exit(1);
    }
    exitOnConfigError(error);
  }
  process.stdout.write(`${describeTeardown(plan).join("\n")}\n`);
  if (commandLine.flag("dry-run")) return;
  process.exitCode = execute(plan);
}

if (require.main === module) main(process.argv.slice(2));
