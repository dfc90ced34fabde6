/**
 * Birth: an environment applied from nothing, per account: the account's bootstrap stack (the
 * state bucket), the account layer, then every network at once (each its CI identity first, as an
 * administrator), each platform as soon as its network is up. After each apply: an empty plan,
 * the outputs, every API call checked against the CI role (role-check.ts), the wiring to the
 * upstream layer (wiring.ts) and the roles the stack created exercised (service-roles.ts).
 */
import { existsSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import {
  logger,
  PARALLELISM,
  recordResourceFacts,
  prepare,
  progressReporter,
  readJson,
  stateResources,
  tail,
  Terraform,
  type AccountPhase,
  type AccountRun,
  type RunContext,
  type StackEntry,
} from "../context";
import { Moto, ProviderServer, providerBinary } from "../processes";
import { changedAddresses, type PlanJson } from "../report";
import { checkStackCalls } from "../role-check";
import { ciIdentityAddresses, preventDestroyAddresses, resourceAddresses, type Emulator, type TerraformJson } from "../scratch";
import { recheckResourceGaps } from "../gap-recheck";
import { checkServiceRoles } from "../service-roles";
import { quotaViolations, readQuotaFacts } from "../iam-quotas";
import { BASELINES } from "../lifecycle";
import { applyAccountLayer } from "../lifecycle/phases";
import { ProviderSlot } from "../lifecycle/terraform";
import { inventory } from "../lifecycle/residue";
import { checkPlacement, checkWiring, upstreamStacks } from "../wiring";

const PHASE = "birth";

/**
 * The account's bootstrap stack. The state bucket is usable (for the networks' S3 backend) before
 * the whole stack is: the lifecycle configuration waits minutes for the provider's consistency
 * checks. So the bucket and everything but the lifecycle rules are applied first (`onBucketReady`),
 * then the rest, while the networks go on.
 */
async function applyBootstrap(context: RunContext, account: AccountRun, onBucketReady: (ok: boolean) => void): Promise<boolean> {
  const name = `bootstrap-${account.account}`;
  const log = logger(name);
  const dir = path.join(account.dir, name);
  const ok = await context.verdicts.check(PHASE, name, "apply", async () => {
    const prepared = prepare(path.join(context.bootstrapDir, "stacks", name), dir, account.emulator, context.tools, log);
    const provider = await ProviderServer.start(providerBinary(context.tools));
    context.running.push(provider);
    try {
      const terraform = new Terraform(context, log, provider);
      await terraform.must(
        dir,
        ["init", "-input=false", "-no-color", `-backend-config=path=${path.join(dir, "bootstrap.tfstate")}`],
        "init",
      );
      const first = resourceAddresses(prepared.stack).filter((address) => !address.startsWith("aws_s3_bucket_lifecycle_configuration."));
      await terraform.must(
        dir,
        [
          "apply",
          "-auto-approve",
          "-input=false",
          "-no-color",
          `-parallelism=${PARALLELISM}`,
          ...first.map((address) => `-target=${address}`),
        ],
        `apply of the state bucket (${first.length} resources, the lifecycle rules next)`,
        path.join(dir, "apply-bucket.log"),
      );
      onBucketReady(true);
      await terraform.must(
        dir,
        ["apply", "-auto-approve", "-input=false", "-no-color", `-parallelism=${PARALLELISM}`],
        "apply",
        path.join(dir, "apply.log"),
      );
      context.verdicts.pass(PHASE, name, "apply", "applied");
      const plan = await terraform.exec(dir, ["plan", "-detailed-exitcode", "-input=false", "-no-color"]);
      if (plan.code === 0) context.verdicts.pass(PHASE, name, "empty plan after apply", "empty");
      else {
        context.figures.perpetualDiffs += plan.code === 2 ? 1 : 0;
        log(`PERPETUAL DIFF or plan failure (exit ${plan.code}):\n${tail(plan)}`);
        context.verdicts.fail(PHASE, name, "empty plan after apply", `plan after apply exit ${plan.code}`);
      }
      context.figures.resourcesCreated += (await stateResources(terraform, dir)).length;
      return true;
    } finally {
      provider.stop();
    }
  });
  onBucketReady(false);
  return ok === true;
}

async function applyStack(
  context: RunContext,
  account: AccountRun,
  stack: StackEntry,
  emulator: Emulator,
  onApplied: (ok: boolean) => void = () => undefined,
): Promise<boolean> {
  const log = logger(stack.name);
  const dir = path.join(account.dir, stack.name);
  const provider = await ProviderServer.start(providerBinary(context.tools));
  context.running.push(provider);
  const terraform = new Terraform(context, log, provider);
  const applied = await context.verdicts.check(PHASE, stack.name, "apply", async () => {
    const prepared = prepare(path.join(context.synthDir, "stacks", stack.name), dir, emulator, context.tools, log, {
      layer: stack.layer,
      plant: context.plant,
    });
    await terraform.must(dir, ["init", "-input=false", "-no-color", `-backend-config=${path.join(dir, "e2e.s3.tfbackend")}`], "init");
    const identity = ciIdentityAddresses(prepared.stack, stack.name);
    if (identity.length > 0) {
      // The first deploy of an environment's CI identity is an administrator's (docs/operations.md):
      // the deploy role may not create or change itself. Everything else is applied as the deploy role.
      await terraform.must(
        dir,
        [
          "apply",
          "-auto-approve",
          "-input=false",
          "-no-color",
          `-parallelism=${PARALLELISM}`,
          ...identity.map((address) => `-target=${address}`),
        ],
        `apply of the CI identity (${identity.length} resources) as an administrator`,
        path.join(dir, "apply-admin.log"),
      );
    }
    const total = resourceAddresses(prepared.stack).length - identity.length;
    log(`apply: ${total} resources to create as ${stack.deployRoleArn.split("/").pop()}`);
    await terraform.must(
      dir,
      ["apply", "-auto-approve", "-input=false", "-no-color", `-parallelism=${PARALLELISM}`],
      "apply",
      path.join(dir, "apply.log"),
      {
        onOutput: progressReporter(log, "apply", total),
      },
    );
    context.figures.leftOutForGaps += prepared.leftOut;
    context.verdicts.pass(
      PHASE,
      stack.name,
      "apply",
      `applied${prepared.leftOut > 0 ? `, ${prepared.leftOut} left out for emulator gaps` : ""}`,
    );
    return prepared;
  });
  if (applied === undefined) {
    onApplied(false);
    provider.stop();
    return false;
  }
  account.applied.push({ stack, dir, preventDestroy: preventDestroyAddresses(applied.stack), provider });
  const state = await context.verdicts.check(PHASE, stack.name, "state", async () => {
    const outputs = await terraform.must(dir, ["output", "-json"], "output");
    writeFileSync(path.join(dir, "outputs.json"), outputs.stdout);
    const resources = await stateResources(terraform, dir);
    recordResourceFacts(account.resources, resources);
    context.figures.resourcesCreated += resources.length;
    log(`applied: ${resources.length} resources in state`);
    return resources;
  });
  // What a downstream stack needs is there (applied, outputs written): it starts beside the checks
  // below, the plan after apply included (a downstream apply leaves it empty: the lifecycle's drift
  // check plans each network again once its platform is up, and must find it empty). With
  // --recheck-gaps it waits for every check (the recheck makes and destroys in the emulator).
  if (!context.recheckGaps) onApplied(true);
  await context.verdicts.check(PHASE, stack.name, "empty plan after apply", async () => {
    const plan = await terraform.exec(
      dir,
      ["plan", "-detailed-exitcode", "-input=false", "-no-color", `-parallelism=${PARALLELISM}`, "-out=after-apply.tfplan"],
      path.join(dir, "plan.log"),
    );
    if (plan.code === 2) {
      const shown = await terraform.must(dir, ["show", "-json", "after-apply.tfplan"], "show plan");
      const changes = changedAddresses(JSON.parse(shown.stdout) as PlanJson);
      context.figures.perpetualDiffs += changes.length;
      const described = changes
        .map((change) => `${change.address} (${change.actions.join("/")}: ${change.attributes.join(", ")})`)
        .join("; ");
      log(`PERPETUAL DIFF: the plan right after apply is not empty: ${described}`);
      context.verdicts.fail(PHASE, stack.name, "empty plan after apply", `perpetual diff: ${described}`);
    } else if (plan.code !== 0) {
      throw new Error(`plan after apply failed (exit ${plan.code}): ${tail(plan, 5).replace(/\n/g, " ")}`);
    } else {
      log(`plan after apply: empty (${plan.seconds.toFixed(1)} s)`);
      context.verdicts.pass(PHASE, stack.name, "empty plan after apply", "empty");
    }
  });
  if (context.recheckGaps) await recheckAttributeGaps(context, terraform, stack, dir, log);
  if (state !== undefined) {
    await context.verdicts.check(PHASE, stack.name, "wiring", async () => {
      const reads = upstreamStacks(applied.stack, stack.environment);
      if (reads.size === 0) return;
      const outputsOf = new Map<string, Record<string, { value: unknown }>>();
      for (const [read, upstream] of reads) outputsOf.set(read, readJson(path.join(account.dir, upstream.stack, "outputs.json")));
      const withData = await stateResources(terraform, dir, true);
      const result = checkWiring(applied.stack, withData, (read, name) => outputsOf.get(read)?.[name]?.value);
      for (const entry of result.unchecked) log(`  wiring not checked: ${entry}`);
      const wrong = result.checks.filter((check) => !check.ok);
      if (result.checks.length === 0)
        throw new Error(
          `no attribute holding an upstream output was found to compare (${result.unchecked.length} not checked): an empty selection proves nothing`,
        );
      if (wrong.length > 0) {
        throw new Error(
          `${wrong.length} of ${result.checks.length} attributes holding an upstream output differ from the upstream's state: ${wrong
            .slice(0, 5)
            .map(
              (check) =>
                `${check.address}.${check.attribute} = ${JSON.stringify(check.actual)}, ${check.output} = ${JSON.stringify(check.expected)}`,
            )
            .join("; ")}`,
        );
      }
      if (stack.layer === "platform") {
        const network = outputsOf.get([...reads].find(([, upstream]) => upstream.layer === "network")?.[0] ?? "");
        const placement = checkPlacement(state, (name) => network?.[name]?.value);
        if (placement.empty.length > 0) throw new Error(`placement rules that selected nothing: ${placement.empty.join("; ")}`);
        if (placement.wrong.length > 0) throw new Error(`placed outside the network's tiers: ${placement.wrong.join("; ")}`);
        log(`placement: ${placement.checked} resources in the network tiers their rules name`);
      }
      const outputsUsed = new Set(result.checks.map((check) => check.output));
      log(
        `wiring: ${result.checks.length} attributes of ${new Set(result.checks.map((check) => check.address)).size} resources hold the upstream's published values (${outputsUsed.size} outputs)`,
      );
      context.verdicts.pass(PHASE, stack.name, "wiring", `${result.checks.length} attributes equal to the upstream outputs they read`);
    });
    await checkServiceRoles(context, account.moto, stack, state, PHASE, log);
  }
  await checkStackCalls(context, account.moto, stack, dir, PHASE, log, account.resources);
  // Last, so that nothing it makes and destroys in the emulator is seen by the checks above.
  if (context.recheckGaps) {
    await recheckResourceGaps(context, PHASE, stack.name, dir, applied.synthesized, applied.leftOutBlocks, log);
    onApplied(true);
  }
  return true;
}

/**
 * `--recheck-gaps`: plans once more without the attribute gaps' ignore_changes and reports, per
 * address and attribute, whether moto still loses it (the plan changes it) or the gap has closed
 * (remove it from e2e/emulator-gaps.ts). A closed gap is a failed verdict: the list must shrink.
 */
async function recheckAttributeGaps(
  context: RunContext,
  terraform: Terraform,
  stack: StackEntry,
  dir: string,
  log: (message: string) => void,
): Promise<void> {
  const overrideFile = path.join(dir, "e2e_ignore_changes_override.tf.json");
  if (!existsSync(overrideFile)) return;
  await context.verdicts.check(PHASE, stack.name, "recheck gaps", async () => {
    const override = readJson<{ resource: Record<string, Record<string, { lifecycle: { ignore_changes: string[] } }>> }>(overrideFile);
    const synthesized = readJson<TerraformJson>(path.join(dir, "cdk.tf.json"));
    renameSync(overrideFile, `${overrideFile}.off`);
    try {
      const plan = await terraform.exec(dir, ["plan", "-input=false", "-no-color", `-parallelism=${PARALLELISM}`, "-out=recheck.tfplan"]);
      if (plan.code !== 0) throw new Error(`plan without the gaps' ignore_changes failed (exit ${plan.code})`);
      const shown = await terraform.must(dir, ["show", "-json", "recheck.tfplan"], "show recheck plan");
      const changes = changedAddresses(JSON.parse(shown.stdout) as PlanJson);
      const closed: string[] = [];
      for (const [type, blocks] of Object.entries(override.resource)) {
        for (const [name, block] of Object.entries(blocks)) {
          const own = new Set(
            (synthesized.resource?.[type]?.[name]?.["lifecycle"] as { ignore_changes?: string[] } | undefined)?.ignore_changes ?? [],
          );
          for (const attribute of block.lifecycle.ignore_changes.filter((entry) => !own.has(entry))) {
            const change = changes.find((entry) => entry.address === `${type}.${name}`);
            const open = change?.attributes.includes(attribute) === true;
            log(`  gap ${type}.${name} ${attribute}: ${open ? "still open (the plan changes it)" : "CLOSED (moto keeps it now)"}`);
            if (!open) closed.push(`${type}.${name} ${attribute}`);
          }
        }
      }
      if (closed.length > 0)
        throw new Error(`attribute gaps moto has closed (remove them from e2e/emulator-gaps.ts): ${closed.join(", ")}`);
      context.verdicts.pass(PHASE, stack.name, "recheck gaps", "every attribute gap still open");
    } finally {
      renameSync(`${overrideFile}.off`, overrideFile);
    }
  });
}

export const birth: AccountPhase = {
  name: PHASE,
  async run(context: RunContext, account: AccountRun): Promise<void> {
    let bucketReady: (ok: boolean) => void = () => undefined;
    const bucket = new Promise<boolean>((resolve) => (bucketReady = resolve));
    const bootstrapped = applyBootstrap(context, account, (ok) => bucketReady(ok));
    // The account layer (account-<account>, e2e/lifecycle): the account's singletons, in the state
    // bucket, before any environment of the account (every network reads its OIDC provider's ARN).
    // The environments start once its outputs are written and the residue baseline is taken
    // (`outputsReady`), while its S3 lifecycle rules are applied and its plan after apply runs.
    const accountName = `account-${account.account}`;
    let outputsReady: (ok: boolean) => void = () => undefined;
    const accountReady = new Promise<boolean>((resolve) => (outputsReady = resolve));
    const accountLayer = bucket.then(async (ok) => {
      if (!ok) {
        outputsReady(false);
        return false;
      }
      let baseline: Promise<void> | undefined;
      const applied = await context.verdicts.check(PHASE, accountName, "apply", async () => {
        const provider = new ProviderSlot(context.tools);
        const lifecycle = {
          tools: context.tools,
          cliConfig: context.cliConfig,
          emulator: account.emulator,
          log: logger(accountName),
          provider,
        };
        try {
          await applyAccountLayer(
            lifecycle,
            path.join(context.bootstrapDir, "stacks", accountName),
            path.join(account.dir, accountName),
            () => {
              // What the account holds before any environment: the residue baseline of the lifecycle phase.
              baseline = inventory(account.emulator.endpoint, account.stacks[0]?.region ?? "eu-west-1").then((found) => {
                BASELINES.set(account.account, found);
                outputsReady(true);
              });
              baseline.catch(() => outputsReady(false));
            },
          );
        } finally {
          provider.stop();
        }
        await baseline;
        context.verdicts.pass(PHASE, accountName, "apply", "applied, plan after apply empty");
        return true;
      });
      outputsReady(applied === true);
      return applied === true;
    });
    // network then platform of each environment of the account: every network as soon as the
    // account layer's outputs are there (a network reads only them, through remote state), each
    // platform as soon as its own network is up.
    const done = new Map<string, Promise<boolean>>();
    const eksMotos = new Map<string, Promise<Moto>>();
    // Per network: applied and its outputs written (what its platform waits for); its checks go on beside the platform.
    const ready = new Map<string, Promise<boolean>>();
    const one = async (stack: StackEntry, after: readonly Promise<boolean>[], onApplied: (ok: boolean) => void = () => undefined) => {
      const upstreamOk = (await Promise.all(after)).every(Boolean);
      if (!upstreamOk) {
        onApplied(false);
        context.verdicts.fail(PHASE, stack.name, "apply", "not applied: an upstream stack failed");
        return false;
      }
      let emulator = account.emulator;
      if (stack.layer === "platform") {
        // moto gives every EKS cluster of one process the same OIDC issuer (emulator-gaps.ts): each
        // environment's EKS API is served by a moto of its own, with the same account id.
        const eks = await (eksMotos.get(stack.environment) ?? Promise.reject(new Error("no EKS emulator")));
        emulator = { ...emulator, eksEndpoint: eks.endpoint };
      }
      return applyStack(context, account, stack, emulator, onApplied);
    };
    for (const stack of account.stacks.filter((entry) => entry.layer === "platform")) {
      // Started early: a moto_server takes seconds to answer.
      const started = Moto.start(context.tools, account.account, path.join(account.dir, `moto-eks-${stack.environment}.log`));
      void started.then((moto) => context.running.push(moto)).catch(() => undefined);
      eksMotos.set(stack.environment, started);
    }
    for (const stack of account.stacks.filter((entry) => entry.layer === "network")) {
      let applied: (ok: boolean) => void = () => undefined;
      ready.set(stack.name, new Promise<boolean>((resolve) => (applied = resolve)));
      done.set(
        stack.name,
        one(stack, [accountReady], (ok) => applied(ok)),
      );
    }
    for (const stack of account.stacks.filter((entry) => entry.layer === "platform")) {
      done.set(stack.name, one(stack, [ready.get(`network-${stack.environment}`) ?? Promise.resolve(false)]));
    }
    await Promise.all([bootstrapped, accountLayer, ...done.values()]);
    await context.verdicts.check(PHASE, `account ${account.account}`, "IAM quotas", async () => {
      const roles = await readQuotaFacts(account.moto);
      // Every account holds CI roles after its birth: none read means the listing was not understood.
      const violations = roles.length === 0 ? ["no role read from the account (ListRoles answered none)"] : quotaViolations(roles);
      for (const violation of violations) context.verdicts.fail(PHASE, `account ${account.account}`, "IAM quotas", violation);
      if (violations.length === 0) {
        context.verdicts.pass(
          PHASE,
          `account ${account.account}`,
          "IAM quotas",
          `${roles.length} roles within AWS's policy size and count quotas`,
        );
      }
      logger(account.account)(
        `IAM quotas: ${roles.length} roles read, ${violations.length} over a quota${violations.map((line) => `\n  ${line}`).join("")}`,
      );
    });
  },
};
