import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { remoteChartVersions, REPOSITORY_ROOT, VENDOR_DIR, vendoredChartPath } from "./chart-archive";
import { commandLineOrExit } from "./command-line";
import { CHARTS_VENDOR_COMMAND } from "./commands";
import { helmBinary } from "./helm";

/*
 * `npm run charts:vendor -- --source <chart folder> [--dependency <chart folder or .tgz>]...`:
 * packages a chart from its source (a checkout of the chart's repository at its release tag) into
 * charts/vendor/<name>-<version>.tgz with `helm package`, its remote dependencies packaged from
 * their own sources first (kube-prometheus-stack's grafana, kube-state-metrics, ...). Nothing is
 * downloaded: every dependency must be given. The chart and version must be in the chart table.
 */

interface ChartYaml {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: readonly { readonly name: string; readonly version?: string; readonly repository?: string }[];
}

const readChartYaml = (dir: string): ChartYaml => parseYaml(readFileSync(path.join(dir, "Chart.yaml"), "utf8")) as ChartYaml;

/** Whether `version` satisfies a Helm dependency constraint of the forms the vendored charts use: exact, `x.y.*`, `^x[.y[.z]]`, `~x.y[.z]`. */
export function satisfies(version: string, constraint: string): boolean {
  const c = constraint.trim().replace(/^v/, "");
  const [major, minor, patch] = version.split(/[.+-]/).map(Number) as [number, number, number];
  if (/^\d+\.\d+\.\d+$/.test(c)) return c === version;
  const wildcard = /^(\d+)(?:\.(\d+|\*|x))?(?:\.(\*|x))?$/.exec(c);
  if (wildcard !== null) {
    return Number(wildcard[1]) === major && (wildcard[2] === undefined || /[*x]/.test(wildcard[2]) || Number(wildcard[2]) === minor);
  }
  const caret = /^\^(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(c);
  if (caret !== null) {
    const [m, n, p] = [Number(caret[1]), Number(caret[2] ?? 0), Number(caret[3] ?? 0)];
    return major === m && (minor > n || (minor === n && patch >= p));
  }
  const tilde = /^~(\d+)\.(\d+)(?:\.(\d+))?$/.exec(c);
  if (tilde !== null) return major === Number(tilde[1]) && minor === Number(tilde[2]) && patch >= Number(tilde[3] ?? 0);
  throw new Error(`dependency constraint "${constraint}" not understood (exact, x.y.*, ^x, ~x.y)`);
}

/** Packages `source` (a chart folder) into `outDir`, its remote dependencies from `dependencies` first; the archive's path. */
function packageChart(source: string, dependencies: readonly string[], outDir: string): string {
  const chart = readChartYaml(source);
  const work = mkdtempSync(path.join(os.tmpdir(), `vendor-${chart.name}-`));
  const copy = path.join(work, chart.name);
  cpSync(source, copy, { recursive: true });
  const subchartDir = path.join(copy, "charts");
  for (const dependency of chart.dependencies ?? []) {
    if (dependency.repository === undefined || dependency.repository === "" || dependency.repository.startsWith("file://")) continue;
    // A packaged or unpacked copy already there (a stale download) is replaced by the one built from source.
    if (existsSync(subchartDir)) {
      for (const file of readdirSync(subchartDir))
        if (file.startsWith(`${dependency.name}-`) && file.endsWith(".tgz")) rmSync(path.join(subchartDir, file));
    }
    const candidates = dependencies.filter((dir) =>
      dir.endsWith(".tgz") ? path.basename(dir).startsWith(`${dependency.name}-`) : readChartYaml(dir).name === dependency.name,
    );
    if (candidates.length !== 1) {
      throw new Error(
        `${chart.name} ${chart.version} depends on ${dependency.name} ${dependency.version ?? ""} (${dependency.repository}): give its source once with --dependency <folder> (found ${candidates.length})`,
      );
    }
    const [candidate] = candidates as [string];
    const version = candidate.endsWith(".tgz")
      ? path.basename(candidate, ".tgz").slice(dependency.name.length + 1)
      : String(readChartYaml(candidate).version);
    if (dependency.version !== undefined && !satisfies(version, dependency.version)) {
      throw new Error(`${chart.name} needs ${dependency.name} ${dependency.version}; the source given is ${version}`);
    }
    mkdirSync(subchartDir, { recursive: true });
    if (candidate.endsWith(".tgz")) cpSync(candidate, path.join(subchartDir, path.basename(candidate)));
    else packageChart(candidate, dependencies, subchartDir);
  }
  mkdirSync(outDir, { recursive: true });
  execFileSync(helmBinary(), ["package", copy, "--destination", outDir], { stdio: ["ignore", "ignore", "inherit"] });
  rmSync(work, { recursive: true, force: true });
  return path.join(outDir, `${chart.name}-${chart.version}.tgz`);
}

function main(): void {
  const commandLine = commandLineOrExit(CHARTS_VENDOR_COMMAND, process.argv.slice(2));
  const source = commandLine.value("source");
  if (source === undefined) {
    process.stderr.write("charts:vendor: --source <chart folder> is required (see npm run charts:vendor -- --help)\n");
    process.exit(2);
  }
  const chart = readChartYaml(source);
  const listed = remoteChartVersions().some(([, name, version]) => name === chart.name && version === String(chart.version));
  if (!listed) {
    process.stderr.write(
      `charts:vendor: ${chart.name} ${chart.version} is not in the chart table (modules/core/chart-versions.ts): add the version there first\n`,
    );
    process.exit(1);
  }
  const written = packageChart(
    path.resolve(source),
    commandLine.values("dependency").map((dir) => path.resolve(dir)),
    VENDOR_DIR,
  );
  if (written !== vendoredChartPath(chart.name, String(chart.version))) throw new Error(`helm wrote ${written}`);
  process.stdout.write(`${path.relative(REPOSITORY_ROOT, written)}\n`);
}

if (require.main === module) main();
