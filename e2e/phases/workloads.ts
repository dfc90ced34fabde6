/**
 * Workloads: `workloads-<env>` needs the kubernetes and helm providers, which are not here. The
 * AWS part of each (every kubernetes and helm resource, data source and provider removed, the
 * count printed) is validated by terraform. Independent of the applies: it runs beside them.
 */
import { mkdirSync, rmSync } from "node:fs";
import * as path from "node:path";
import { logger, readJson, Terraform, writeJson, type RunContext, type StackEntry } from "../context";
import { ProviderServer, providerBinary } from "../processes";
import { awsPartOf, countResources, type TerraformJson } from "../scratch";

const PHASE = "workloads";

export async function validateWorkloads(context: RunContext, stacks: readonly StackEntry[]): Promise<void> {
  const selected = stacks.filter((entry) => entry.layer === "workloads");
  if (selected.length === 0) return;
  const provider = await ProviderServer.start(providerBinary(context.tools));
  context.running.push(provider);
  try {
    for (const stack of selected) {
      const log = logger(stack.name);
      await context.verdicts.check(PHASE, stack.name, "validate", async () => {
        const dir = path.join(context.work, "workloads", stack.name);
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        const synthesized = readJson<TerraformJson>(path.join(context.synthDir, "stacks", stack.name, "cdk.tf.json"));
        const { stack: awsPart, removed } = awsPartOf(synthesized);
        if (awsPart.terraform !== undefined) delete awsPart.terraform.backend;
        writeJson(path.join(dir, "cdk.tf.json"), awsPart);
        writeJson(path.join(dir, "e2e_provider_override.tf.json"), {
          terraform: { required_providers: { aws: { source: "aws", version: context.tools.providerVersion } } },
        });
        const terraform = new Terraform(context, log, provider);
        await terraform.must(dir, ["init", "-backend=false", "-input=false", "-no-color"], "init");
        const validated = await terraform.exec(dir, ["validate", "-json", "-no-color"]);
        const result = JSON.parse(validated.stdout) as { valid: boolean; diagnostics: { summary: string; detail?: string }[] };
        const kept = Object.values(awsPart.resource ?? {}).reduce((sum, blocks) => sum + Object.keys(blocks).length, 0);
        if (!result.valid)
          throw new Error(result.diagnostics.map((diagnostic) => `${diagnostic.summary}: ${diagnostic.detail ?? ""}`).join("; "));
        if (kept === 0) throw new Error("the AWS part has no resource: nothing was validated");
        log(
          `terraform validate of the AWS part: valid (${kept} AWS resources); removed ${removed.length} kubernetes/helm blocks (${countResources(removed)} resources, the rest providers, data sources and outputs). ` +
            "The Kubernetes and Helm part is NOT applied here: no kubernetes or helm provider and no Kubernetes API on this machine.",
        );
        context.verdicts.pass(PHASE, stack.name, "validate", `${kept} AWS resources valid`);
      });
    }
  } finally {
    provider.stop();
  }
}
