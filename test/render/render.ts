import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { parse as parseYaml } from "yaml";
import { loadEnvironments } from "../../environments/load";
import { parseDocuments, replaceExpressions } from "../../scripts/chart-render";
import { readTar, vendoredChartPath, type ChartPackage, vendoredChart, type Json } from "../../scripts/chart-archive";
import { helmBinary } from "../../scripts/helm";
import { ROOT, sharedSynthDir } from "../support/paths";
import { eachResource, synthesizedStack } from "../support/synthesized";
import { gunzipSync } from "node:zlib";
import { writeFileAtomically } from "../../scripts/atomic-file";

/*
 * Every helm_release of every workloads stack, rendered by the real helm (scripts/helm.ts) exactly
 * as synthesized: chart (charts/vendor/<chart>-<version>.tgz for a remote chart, the stack's asset
 * folder for a local one), release name, namespace, values with every Terraform expression replaced
 * by a typed placeholder, --kube-version the environment's platform.kubernetesVersion, and
 * --api-versions every CRD version the stack's charts install. Renders run in parallel and are
 * cached by the hash of helm, chart, values and arguments in node_modules/.cache/helm-render/.
 */

export interface ReleaseSpec {
  /** `workloads-dev`. */
  readonly stack: string;
  readonly environment: string;
  readonly kubernetesVersion: string;
  /** Terraform address, `helm_release.external-dns_release_9464D4BC`. */
  readonly address: string;
  readonly name: string;
  readonly namespace: string;
  /** The table's chart name, or the local chart's folder name under charts/. */
  readonly chart: string;
  readonly version: string | undefined;
  readonly local: boolean;
  /** The chart to render: a vendored archive or the stack's asset folder. */
  readonly chartPath: string;
  /** The values as synthesized, expressions replaced (one document per entry of `values`). */
  readonly values: readonly { [key: string]: Json }[];
  /** Terraform expressions found in the values, by the placeholder that replaced them. */
  readonly placeholders: ReadonlyMap<string, string>;
  readonly skipCrds: boolean;
}

export interface RenderedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: { readonly [key: string]: string };
    readonly annotations?: { readonly [key: string]: string };
  };
  readonly [key: string]: unknown;
}

export interface RenderedRelease {
  readonly spec: ReleaseSpec;
  /** The objects helm rendered, or the error it printed. */
  readonly objects: readonly RenderedObject[];
  readonly error?: string;
}

type Body = Record<string, unknown>;
const isObject = (value: unknown): value is Body => typeof value === "object" && value !== null && !Array.isArray(value);

/** The names of the workloads stacks: one per environment file (adding a file adds its renders). */
export function workloadsStacks(): { readonly stack: string; readonly environment: string; readonly kubernetesVersion: string }[] {
  return loadEnvironments().map((env) => ({
    stack: `workloads-${env.name}`,
    environment: env.name,
    kubernetesVersion: env.platform.kubernetesVersion,
  }));
}

/** The local chart folder name of an asset path (`assets/public-gateway_chart_2D3B6309/<hash>`): its Chart.yaml name. */
function localChartName(dir: string): string {
  return String((parseYaml(readFileSync(path.join(dir, "Chart.yaml"), "utf8")) as { name: string }).name);
}

/** Every helm_release of a workloads stack as the render needs it. */
export function releaseSpecs(stack: string, environment: string, kubernetesVersion: string): ReleaseSpec[] {
  const doc = synthesizedStack(stack).doc;
  return eachResource(doc)
    .filter(([, type]) => type === "helm_release")
    .map(([address, , body]) => {
      const where = `${stack}: ${address}`;
      const placeholders = new Map<string, string>();
      const namespace = replaceExpressions(doc, String(body["namespace"] ?? "default"), where, placeholders);
      const repository = body["repository"];
      const local = repository === undefined;
      const chartField = String(body["chart"]);
      const chartPath = local
        ? path.join(sharedSynthDir(), "stacks", stack, chartField)
        : vendoredChartPath(chartField, String(body["version"]));
      const texts = (Array.isArray(body["values"]) ? body["values"] : []) as string[];
      const values = texts.map((text) => JSON.parse(replaceExpressions(doc, text, where, placeholders)) as { [key: string]: Json });
      return {
        stack,
        environment,
        kubernetesVersion,
        address,
        name: String(body["name"]),
        namespace,
        chart: local ? localChartName(chartPath) : chartField,
        version: typeof body["version"] === "string" ? body["version"] : undefined,
        local,
        chartPath,
        values,
        placeholders,
        skipCrds: body["skip_crds"] === true,
      };
    });
}

/** Every file of a chart (archive or folder), by path relative to the chart's root folder. */
function chartFiles(chartPath: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  if (chartPath.endsWith(".tgz")) {
    for (const [name, content] of readTar(gunzipSync(readFileSync(chartPath)))) files.set(name.slice(name.indexOf("/") + 1), content);
    return files;
  }
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full, `${prefix}${entry.name}/`);
      else files.set(`${prefix}${entry.name}`, readFileSync(full));
    }
  };
  walk(chartPath, "");
  return files;
}

/** The CustomResourceDefinitions a chart ships as plain YAML (crds/, files/, also in its subcharts). */
function chartCrds(chartPath: string): RenderedObject[] {
  const crds: RenderedObject[] = [];
  for (const [name, content] of chartFiles(chartPath)) {
    if (!/(^|\/)(crds|files)\/[^/]+\.ya?ml$/.test(name)) continue;
    for (const object of parseDocuments(content.toString("utf8"))) {
      if (isObject(object) && object["kind"] === "CustomResourceDefinition") crds.push(object as unknown as RenderedObject);
    }
  }
  return crds;
}

/** `group/version` of every CRD version the stack's charts install: what --api-versions tells helm exists. */
function crdApiVersions(specs: readonly ReleaseSpec[]): string[] {
  const versions = new Set<string>();
  for (const spec of specs) if (existsSync(spec.chartPath)) for (const version of chartApiVersions(spec.chartPath)) versions.add(version);
  return [...versions].sort();
}

/** The API versions of the CRDs of one chart, cached on disk by the chart's content. */
function chartApiVersions(chartPath: string): string[] {
  const cacheFile = path.join(CACHE_DIR, `crd-versions-${chartHash(chartPath)}.json`);
  if (existsSync(cacheFile)) return JSON.parse(readFileSync(cacheFile, "utf8")) as string[];
  const versions = new Set<string>();
  for (const crd of chartCrds(chartPath)) {
    const crdSpec = crd["spec"] as { group: string; names: { kind: string }; versions: { name: string; served?: boolean }[] };
    for (const version of crdSpec.versions) {
      if (version.served === false) continue;
      versions.add(`${crdSpec.group}/${version.name}`);
      versions.add(`${crdSpec.group}/${version.name}/${crdSpec.names.kind}`);
    }
  }
  const list = [...versions].sort();
  writeFileAtomically(cacheFile, JSON.stringify(list));
  return list;
}

const chartHashes = new Map<string, string>();
/** A hash of a chart's content (archive bytes, or every file of a folder). */
function chartHash(chartPath: string): string {
  const known = chartHashes.get(chartPath);
  if (known !== undefined) return known;
  const hash = createHash("sha256");
  if (chartPath.endsWith(".tgz")) hash.update(readFileSync(chartPath));
  else for (const [name, content] of [...chartFiles(chartPath)].sort(([a], [b]) => a.localeCompare(b))) hash.update(name).update(content);
  const digest = hash.digest("hex");
  chartHashes.set(chartPath, digest);
  return digest;
}

const CACHE_DIR = path.join(ROOT, "node_modules", ".cache", "helm-render");
const run = promisify(execFile);

/** The helm arguments of a release's render (values file path excluded). */
function templateArgs(spec: ReleaseSpec, apiVersions: readonly string[]): string[] {
  return [
    "template",
    spec.name,
    spec.chartPath,
    "--namespace",
    spec.namespace,
    "--kube-version",
    spec.kubernetesVersion,
    ...apiVersions.flatMap((version) => ["--api-versions", version]),
    // helm install applies crds/ unless skip_crds; `helm template` shows them only when asked.
    ...(spec.skipCrds ? ["--skip-crds"] : ["--include-crds"]),
  ];
}

/** A hash of what decides the render: helm, the chart's bytes, the values and the arguments. */
function renderKey(spec: ReleaseSpec, args: readonly string[]): string {
  const hash = createHash("sha256");
  hash.update(helmBinary());
  hash.update(statSync(helmBinary()).size.toString());
  hash.update(chartHash(spec.chartPath));
  hash.update(JSON.stringify(spec.values));
  // The chart's path differs per run for local charts (the synth output): its content is hashed above.
  hash.update(JSON.stringify(args.map((arg) => (arg === spec.chartPath ? "<chart>" : arg))));
  return hash.digest("hex");
}

interface CachedRender {
  readonly objects?: RenderedObject[];
  readonly error?: string;
}

/** Renders one release (or reads its cached render). */
async function renderOne(spec: ReleaseSpec, apiVersions: readonly string[]): Promise<RenderedRelease> {
  if (!existsSync(spec.chartPath)) {
    return {
      spec,
      objects: [],
      error: `chart ${path.relative(ROOT, spec.chartPath)} is missing (vendor it: npm run charts:vendor, docs/testing.md)`,
    };
  }
  const args = templateArgs(spec, apiVersions);
  const key = renderKey(spec, args);
  const cacheFile = path.join(CACHE_DIR, `${key}.json`);
  let result: CachedRender;
  if (existsSync(cacheFile)) result = JSON.parse(readFileSync(cacheFile, "utf8")) as CachedRender;
  else {
    const valuesFiles = spec.values.map((values, index) => {
      const file = path.join(os.tmpdir(), `values-${key.slice(0, 16)}-${index}.json`);
      writeFileSync(file, JSON.stringify(values));
      return file;
    });
    try {
      const { stdout } = await run(helmBinary(), [...args, ...valuesFiles.flatMap((file) => ["--values", file])], {
        maxBuffer: 256 * 1024 * 1024,
        env: {
          ...process.env,
          HELM_CACHE_HOME: path.join(os.tmpdir(), "helm-cache"),
          HELM_CONFIG_HOME: path.join(os.tmpdir(), "helm-config"),
        },
      });
      result = { objects: parseDocuments(stdout).filter((object): object is RenderedObject => isObject(object)) };
    } catch (error) {
      result = { error: String((error as { stderr?: string }).stderr ?? error).trim() };
    }
    writeFileAtomically(cacheFile, JSON.stringify(result));
  }
  if (result.error !== undefined) return { spec, objects: [], error: result.error };
  return { spec, objects: result.objects ?? [] };
}

/** Runs `work` over `items` with at most `limit` at a time, keeping their order. */
async function pooled<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

let all: Promise<RenderedRelease[]> | undefined;

/** Every release of every workloads stack, rendered (once per test worker; cached on disk across runs). */
export function renderedReleases(): Promise<RenderedRelease[]> {
  all ??= (async () => {
    const specs = workloadsStacks().flatMap(({ stack, environment, kubernetesVersion }) => {
      const releases = releaseSpecs(stack, environment, kubernetesVersion);
      const apiVersions = crdApiVersions(releases);
      return releases.map((spec) => [spec, apiVersions] as const);
    });
    return pooled(specs, Math.max(2, os.availableParallelism()), ([spec, apiVersions]) => renderOne(spec, apiVersions));
  })();
  return all;
}

/** The chart a remote release renders, from its vendored archive. */
export function chartOf(spec: ReleaseSpec): ChartPackage | undefined {
  return spec.local || spec.version === undefined ? undefined : vendoredChart(spec.chart, spec.version);
}
