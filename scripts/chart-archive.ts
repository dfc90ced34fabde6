import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { parse as parseYaml } from "yaml";
import { CHART_VERSIONS, type ChartName } from "../modules/core/chart-versions";

/*
 * The vendored charts, charts/vendor/<chart>-<version>.tgz, read without helm: a packaged chart is
 * a gzipped tar whose first folder is the chart's name; its dependencies are packaged charts (or
 * folders) under charts/. Used by the render tests and the chart commands.
 */

/** Repository root (this file sits one folder below it, in the sources and in dist/). */
export const REPOSITORY_ROOT = findRoot(__dirname);
export const VENDOR_DIR = path.join(REPOSITORY_ROOT, "charts", "vendor");

function findRoot(from: string): string {
  let dir = from;
  while (!existsSync(path.join(dir, "package.json")) || !existsSync(path.join(dir, "charts"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no repository root above ${from}`);
    dir = parent;
  }
  return dir;
}

/** Every regular file of a tar archive (ustar, with GNU/PAX long names), by path. */
export function readTar(tar: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let at = 0;
  let longName: string | undefined;
  while (at + 512 <= tar.length) {
    const header = tar.subarray(at, at + 512);
    if (header.every((byte) => byte === 0)) break;
    const text = (start: number, length: number) => header.toString("utf8", start, start + length).replace(/\0.*$/s, "");
    const size = parseInt(text(124, 12).trim() || "0", 8);
    const type = text(156, 1);
    const prefix = text(345, 155);
    let name = longName ?? (prefix === "" ? text(0, 100) : `${prefix}/${text(0, 100)}`);
    longName = undefined;
    const body = tar.subarray(at + 512, at + 512 + size);
    if (type === "L") longName = body.toString("utf8").replace(/\0.*$/s, "");
    else if (type === "x") {
      const match = /\d+ path=([^\n]*)\n/.exec(body.toString("utf8"));
      if (match !== null) longName = match[1];
    } else if (type === "0" || type === "") {
      name = name.replace(/^\.\//, "");
      files.set(name, Buffer.from(body));
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A chart as the render needs it: metadata, default values and schema, its dependencies (recursively). */
export interface ChartPackage {
  readonly name: string;
  readonly version: string;
  readonly appVersion?: string;
  /** The chart's values.yaml, parsed (an empty object when it has none). */
  readonly values: { [key: string]: Json };
  /** The chart's values.schema.json, when it has one. */
  readonly schema?: Json;
  /** Chart.yaml `dependencies`: name, version constraint, alias, condition. */
  readonly dependencies: readonly {
    readonly name: string;
    readonly version?: string;
    readonly alias?: string;
    readonly condition?: string;
  }[];
  /** The packaged dependencies, by chart name. */
  readonly subcharts: ReadonlyMap<string, ChartPackage>;
}

/** Reads a chart from the files of its archive, `prefix` being its folder (`<name>/`). */
function chartFrom(files: Map<string, Buffer>, prefix: string, where: string): ChartPackage {
  const chartYaml = files.get(`${prefix}Chart.yaml`);
  if (chartYaml === undefined) throw new Error(`${where}: no ${prefix}Chart.yaml`);
  const meta = parseYaml(chartYaml.toString("utf8")) as {
    name: string;
    version: string;
    appVersion?: string;
    dependencies?: ChartPackage["dependencies"];
  };
  const valuesText = files.get(`${prefix}values.yaml`)?.toString("utf8");
  const values = (valuesText === undefined ? {} : (parseYaml(valuesText) ?? {})) as { [key: string]: Json };
  const schemaText = files.get(`${prefix}values.schema.json`)?.toString("utf8");
  const subcharts = new Map<string, ChartPackage>();
  const subPrefix = `${prefix}charts/`;
  const folders = new Set<string>();
  for (const [name, content] of files) {
    if (!name.startsWith(subPrefix)) continue;
    const rest = name.slice(subPrefix.length);
    if (!rest.includes("/") && rest.endsWith(".tgz")) {
      const sub = readChartArchive(content, `${where}: ${name}`);
      subcharts.set(sub.name, sub);
    } else if (rest.includes("/")) folders.add(rest.slice(0, rest.indexOf("/")));
  }
  for (const folder of folders) {
    if (!files.has(`${subPrefix}${folder}/Chart.yaml`)) continue;
    const sub = chartFrom(files, `${subPrefix}${folder}/`, where);
    subcharts.set(sub.name, sub);
  }
  return {
    name: meta.name,
    version: String(meta.version),
    ...(meta.appVersion === undefined ? {} : { appVersion: String(meta.appVersion) }),
    values,
    ...(schemaText === undefined ? {} : { schema: JSON.parse(schemaText) as Json }),
    dependencies: meta.dependencies ?? [],
    subcharts,
  };
}

/** A packaged chart (`helm package` output), read. */
export function readChartArchive(archive: Buffer, where: string): ChartPackage {
  const files = readTar(gunzipSync(archive));
  const first = [...files.keys()][0];
  if (first === undefined) throw new Error(`${where}: an empty archive`);
  return chartFrom(files, `${first.slice(0, first.indexOf("/"))}/`, where);
}

/** The vendored archive of a chart version: charts/vendor/<chart>-<version>.tgz. */
export function vendoredChartPath(chart: string, version: string): string {
  return path.join(VENDOR_DIR, `${chart}-${version}.tgz`);
}

/** Every file of charts/vendor/. */
export function vendoredFiles(): string[] {
  return existsSync(VENDOR_DIR) ? readdirSync(VENDOR_DIR).sort() : [];
}

const cache = new Map<string, ChartPackage>();
/** The vendored chart of a table entry at a version, read once per process. */
export function vendoredChart(chart: string, version: string): ChartPackage {
  const file = vendoredChartPath(chart, version);
  const cached = cache.get(file);
  if (cached !== undefined) return cached;
  if (!existsSync(file)) {
    throw new Error(
      `${path.relative(REPOSITORY_ROOT, file)} is missing: vendor ${chart} ${version} (npm run charts:vendor -- --source <chart folder at its release tag>, docs/testing.md)`,
    );
  }
  const read = readChartArchive(readFileSync(file), path.relative(REPOSITORY_ROOT, file));
  cache.set(file, read);
  return read;
}

/** Every remote chart version of the chart table, as `[table name, chart, version]`. */
export function remoteChartVersions(): [ChartName, string, string][] {
  return (Object.keys(CHART_VERSIONS) as ChartName[])
    .filter((name) => /^(https|oci):\/\//.test(CHART_VERSIONS[name].repository))
    .flatMap((name) => Object.keys(CHART_VERSIONS[name].versions).map((version) => [name, CHART_VERSIONS[name].chart, version]));
}
