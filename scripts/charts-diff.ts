import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import { addEnvironmentStacks } from "../stacks/environment-stacks";
import { withoutTokenCreationStacks } from "../stacks/token-creation-stacks";
import { vendoredChartPath, REPOSITORY_ROOT } from "./chart-archive";
import { parseDocuments, replaceExpressions } from "./chart-render";
import { loadSelectionOrExit } from "./cli";
import { commandLineOrExit } from "./command-line";
import { CHARTS_DIFF_COMMAND } from "./commands";
import { helmBinary } from "./helm";

/*
 * `npm run charts:diff -- --chart <name> --to <version> [--env <name>]`: what a chart bump changes
 * in what Helm installs. Synthesizes the environment's workloads stack, takes the release of that
 * chart with its values (Terraform expressions replaced by the same typed placeholders as the
 * render tests), renders it with the vendored chart at the pinned version and at `--to`, and
 * prints the objects added and removed and, for each object in both, the fields that changed.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface K8sObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly [key: string]: Json | undefined | object;
}

const isMap = (value: unknown): value is { [key: string]: Json } => typeof value === "object" && value !== null && !Array.isArray(value);

/** Every leaf path whose value differs between `a` and `b`, as `path: a -> b`. */
export function fieldChanges(a: Json | undefined, b: Json | undefined, at = ""): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (isMap(a) && isMap(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((key) => fieldChanges(a[key], b[key], at === "" ? key : `${at}.${key}`));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((item, index) => fieldChanges(item, b[index], `${at}[${index}]`));
  }
  const show = (value: Json | undefined) => {
    const text = value === undefined ? "(absent)" : JSON.stringify(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  };
  return [`${at || "(object)"}: ${show(a)} -> ${show(b)}`];
}

/** `Kind namespace/name` of an object. */
const identity = (object: K8sObject) => `${object.kind ?? "?"} ${object.metadata?.namespace ?? "-"}/${object.metadata?.name ?? "?"}`;

/** The object-level difference of two renders, as printable lines. */
export function renderDiff(before: readonly K8sObject[], after: readonly K8sObject[]): string[] {
  const byId = (objects: readonly K8sObject[]) => new Map(objects.map((object) => [identity(object), object] as const));
  const old = byId(before);
  const next = byId(after);
  const lines: string[] = [];
  for (const id of [...next.keys()].sort()) if (!old.has(id)) lines.push(`+ ${id}`);
  for (const id of [...old.keys()].sort()) if (!next.has(id)) lines.push(`- ${id}`);
  for (const id of [...old.keys()].sort()) {
    const after = next.get(id);
    if (after === undefined) continue;
    const changes = fieldChanges(old.get(id) as unknown as Json, after as unknown as Json);
    if (changes.length > 0) lines.push(`~ ${id}`, ...changes.map((change) => `    ${change}`));
  }
  return lines;
}

function main(): void {
  const commandLine = commandLineOrExit(CHARTS_DIFF_COMMAND, process.argv.slice(2));
  const chart = commandLine.value("chart");
  const to = commandLine.value("to");
  if (chart === undefined || to === undefined) {
    process.stderr.write("charts:diff: --chart <name> and --to <version> are required (see npm run charts:diff -- --help)\n");
    process.exit(2);
  }
  const envName = commandLine.value("env");
  const selection = loadSelectionOrExit(envName === undefined ? [] : [envName]);
  const environment = [...selection.environments].sort((a, b) => a.name.localeCompare(b.name))[0];
  if (environment === undefined) {
    process.stderr.write("charts:diff: no environment file\n");
    process.exit(1);
  }
  const outdir = mkdtempSync(path.join(os.tmpdir(), "charts-diff-"));
  try {
    withoutTokenCreationStacks(() => {
      const app = new App({ outdir, stackTraces: false });
      addEnvironmentStacks(app, environment);
      app.synth();
    });
    const stack = `workloads-${environment.name}`;
    const doc = JSON.parse(readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as {
      resource?: Record<string, Record<string, Record<string, unknown>>>;
    };
    const release = Object.entries(doc.resource?.["helm_release"] ?? {}).find(([, body]) => body["chart"] === chart);
    if (release === undefined) {
      process.stderr.write(`charts:diff: ${stack} installs no chart ${chart}\n`);
      process.exit(1);
    }
    const [address, body] = release;
    const where = `${stack}: helm_release.${address}`;
    const placeholders = new Map<string, string>();
    const namespace = replaceExpressions(doc, String(body["namespace"]), where, placeholders);
    const valuesFiles = ((body["values"] as string[] | undefined) ?? []).map((text, index) => {
      const file = path.join(outdir, `values-${index}.json`);
      writeFileSync(file, replaceExpressions(doc, text, where, placeholders));
      return file;
    });
    const render = (version: string): K8sObject[] => {
      const archive = vendoredChartPath(chart, version);
      const args = [
        "template",
        String(body["name"]),
        archive,
        "--namespace",
        namespace,
        "--kube-version",
        environment.platform.kubernetesVersion,
      ];
      args.push(body["skip_crds"] === true ? "--skip-crds" : "--include-crds", ...valuesFiles.flatMap((file) => ["--values", file]));
      try {
        const output = execFileSync(helmBinary(), args, {
          encoding: "utf8",
          maxBuffer: 256 * 1024 * 1024,
          stdio: ["ignore", "pipe", "pipe"],
        });
        return parseDocuments(output).filter(isMap) as K8sObject[];
      } catch (error) {
        const stderr = String((error as { stderr?: string }).stderr ?? error).trim();
        process.stderr.write(
          `charts:diff: ${chart} ${version} (${path.relative(REPOSITORY_ROOT, archive)}) does not render with our values:\n${stderr}\n`,
        );
        return process.exit(1);
      }
    };
    const from = String(body["version"]);
    const lines = renderDiff(render(from), render(to));
    process.stdout.write(`${chart} ${from} -> ${to}, ${stack} values (release ${String(body["name"])} in ${namespace}):\n`);
    process.stdout.write(lines.length === 0 ? "no difference in the rendered objects\n" : `${lines.join("\n")}\n`);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

if (require.main === module) main();
