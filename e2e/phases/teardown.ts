/**
 * Teardown: destroy in reverse, every platform, then the networks (without refresh: what was just
 * applied and planned is the state, and a later environment's lookup of the account's OIDC
 * provider must not need the earlier network). In production the resources with prevent_destroy
 * must refuse; the guards are then lifted in an override of the scratch copy only, as an operator
 * destroying a sandbox does. The state bucket stays (bootstrap is never destroyed by CI).
 */
import * as path from "node:path";
import {
  logger,
  PARALLELISM,
  readJson,
  tail,
  Terraform,
  writeJson,
  type AccountPhase,
  type AccountRun,
  type Applied,
  type RunContext,
} from "../context";
import { deletionProtectedAddresses, type TerraformJson } from "../scratch";

const PHASE = "teardown";

/**
 * A destroy with the guards in place must be refused, naming every prevent_destroy resource of
 * the stack. Nothing is destroyed: Terraform refuses while planning.
 */
export async function refuseDestroy(context: RunContext, applied: Applied): Promise<void> {
  const { dir, preventDestroy } = applied;
  if (preventDestroy.length === 0) return;
  const log = logger(applied.stack.name);
  const terraform = new Terraform(context, log, applied.provider);
  await context.verdicts.check(PHASE, applied.stack.name, "prevent_destroy refuses", async () => {
    const refused = await terraform.exec(dir, [
      "destroy",
      "-auto-approve",
      "-input=false",
      "-no-color",
      "-refresh=false",
      `-parallelism=${PARALLELISM}`,
    ]);
    const text = `${refused.stdout}\n${refused.stderr}`;
    const notNamed = preventDestroy.filter((address) => !text.includes(address));
    if (refused.code === 0 || !text.includes("Instance cannot be destroyed") || notNamed.length > 0) {
      throw new Error(
        `destroy was not refused for its prevent_destroy resources (${preventDestroy.join(", ")}): exit ${refused.code} ${tail(refused, 3).replace(/\n/g, " ")}`,
      );
    }
    log(`destroy refused as it must: prevent_destroy on ${preventDestroy.join(", ")}`);
    context.verdicts.pass(PHASE, applied.stack.name, "prevent_destroy refuses", preventDestroy.join(", "));
  });
}

async function destroyStack(context: RunContext, applied: Applied): Promise<void> {
  const { dir, preventDestroy } = applied;
  const log = logger(applied.stack.name);
  const terraform = new Terraform(context, log, applied.provider);
  await refuseDestroy(context, applied);
  await context.verdicts.check(PHASE, applied.stack.name, "destroy", async () => {
    // Lift the guards in an override file (scratch only): prevent_destroy, and deletion protection,
    // which the API enforces (staging's database has it without prevent_destroy).
    const stack = readJson<TerraformJson>(path.join(dir, "cdk.tf.json"));
    const guarded = [...new Set([...preventDestroy, ...deletionProtectedAddresses(stack)])];
    if (guarded.length > 0) {
      const lifted: Record<string, Record<string, Record<string, unknown>>> = {};
      for (const address of guarded) {
        const [type, name] = address.split(".") as [string, string];
        const block = stack.resource?.[type]?.[name] ?? {};
        lifted[type] = {
          ...(lifted[type] ?? {}),
          [name]: {
            ...(preventDestroy.includes(address) ? { lifecycle: { prevent_destroy: false } } : {}),
            ...(block["deletion_protection"] === true ? { deletion_protection: false } : {}),
          },
        };
      }
      writeJson(path.join(dir, "e2e_teardown_override.tf.json"), { resource: lifted });
      // prevent_destroy is configuration only; deletion protection is the API's and needs an apply.
      const protectedByApi = deletionProtectedAddresses(stack);
      if (protectedByApi.length > 0) {
        await terraform.must(
          dir,
          [
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            `-parallelism=${PARALLELISM}`,
            ...protectedByApi.map((address) => `-target=${address}`),
          ],
          `apply (deletion protection lifted for teardown: ${protectedByApi.join(", ")})`,
        );
      }
    }
    await terraform.must(
      dir,
      ["destroy", "-auto-approve", "-input=false", "-no-color", "-refresh=false", `-parallelism=${PARALLELISM}`],
      "destroy",
    );
    context.verdicts.pass(PHASE, applied.stack.name, "destroy", "destroyed");
  });
  applied.provider.stop();
}

export const teardown: AccountPhase = {
  name: PHASE,
  async run(context: RunContext, account: AccountRun): Promise<void> {
    // Production keeps its data: at least its database must be guarded by prevent_destroy.
    for (const environment of new Set(account.stacks.filter((entry) => entry.stage === "production").map((entry) => entry.environment))) {
      const platform = account.applied.find((entry) => entry.stack.name === `platform-${environment}`);
      if (platform !== undefined && platform.preventDestroy.length === 0) {
        context.verdicts.fail(
          PHASE,
          platform.stack.name,
          "prevent_destroy refuses",
          "a production stack without any prevent_destroy resource",
        );
      }
    }
    // Each environment's platform, then its network; the networks in reverse promotion order (a
    // later network looks up the earlier one's OIDC provider).
    // An environment the lifecycle already tore down (teardown command, residue checked) is gone:
    // destroying its stale scratch state again would pass on nothing.
    const standing = account.applied.filter((entry) => {
      if (!account.tornDown.has(entry.stack.environment)) return true;
      context.verdicts.pass(PHASE, entry.stack.name, "destroy", "torn down by the lifecycle's teardown command (residue checked there)");
      entry.provider.stop();
      return false;
    });
    const platforms = new Map(
      standing.filter((entry) => entry.stack.layer === "platform").map((entry) => [entry.stack.environment, destroyStack(context, entry)]),
    );
    const networks = standing.filter((entry) => entry.stack.layer === "network");
    let later: Promise<void> = Promise.resolve();
    for (const network of [...networks].reverse()) {
      const after = [platforms.get(network.stack.environment) ?? Promise.resolve(), later];
      later = Promise.all(after).then(() => destroyStack(context, network));
    }
    await Promise.all([...platforms.values(), later]);
  },
};
