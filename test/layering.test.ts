import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { LAYERS } from "../stacks/layers";
import { repositoryModuleReferences, typeScriptFiles } from "./support/source-files";

/**
 * The arrows of the house run one way (design.md "Layout"):
 * - modules never import stacks, environments or the app: a construct takes its settings as props;
 * - environments/ (the schema and its loader) imports no construct code: at most a pure helper of
 *   modules/core that itself loads neither cdktf, constructs nor a provider;
 * - an upstream stack never imports a downstream one;
 * - a downstream stack uses an upstream only through its contract (`stacks/<upstream>/contract.ts`);
 *   the upstream stack's class may be named in types (the contract reads its state location), never loaded.
 * Each finding names the file, the line and the import.
 */

const ROOT = path.resolve(__dirname, "..");
const SCANNED = ["main.ts", "bootstrap.ts", "launch.ts", "environments", "stacks", "modules", "scripts"];

/** One import of a repository file by another, resolved to repository-relative paths. */
interface Edge {
  readonly from: string;
  readonly line: number;
  readonly to: string;
  readonly typeOnly: boolean;
}

/** A repository file, as the layering sees it. */
interface SourceFile {
  readonly file: string;
  /** Package imports (`cdktf`, `@cdktf/provider-aws/lib/vpc`, ...). */
  readonly packages: readonly string[];
}

function resolveRelative(from: string, specifier: string): string {
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  return joined.endsWith(".ts") ? joined : `${joined.replace(/\.js$/, "")}.ts`;
}

/** Every file and every import between repository files, read with the TypeScript parser. */
function readRepository(): { files: SourceFile[]; edges: Edge[] } {
  const names = SCANNED.flatMap((entry) => typeScriptFiles(ROOT, entry))
    .map((file) => file.split(path.sep).join("/"))
    .filter((file) => !file.endsWith(".test.ts"));
  const files: SourceFile[] = [];
  const edges: Edge[] = [];
  for (const file of names) {
    const packages: string[] = [];
    for (const reference of repositoryModuleReferences(ROOT, file)) {
      if (!reference.specifier.startsWith(".")) {
        packages.push(reference.specifier);
        continue;
      }
      edges.push({ from: file, line: reference.line, to: resolveRelative(file, reference.specifier), typeOnly: reference.typeOnly });
    }
    files.push({ file, packages });
  }
  return { files, edges };
}

const CONSTRUCT_PACKAGES = /^(cdktf|constructs|@cdktf\/)/;
const APP_ENTRIES = new Set(["main.ts", "bootstrap.ts", "launch.ts"]);
const under = (file: string, folder: string) => file.startsWith(`${folder}/`);
const layerOf = (file: string, layers: readonly string[]) => layers.find((layer) => under(file, `stacks/${layer}`));

/** Every import that breaks the layering, as `file:line imports target: why`. */
function layeringViolations(files: readonly SourceFile[], edges: readonly Edge[], layers: readonly string[]): string[] {
  const byName = new Map(files.map((file) => [file.file, file]));
  const violations: string[] = [];
  const report = (edge: Edge, why: string) => violations.push(`${edge.from}:${edge.line} imports ${edge.to}: ${why}`);
  for (const edge of edges) {
    const { from, to } = edge;
    if (under(from, "modules")) {
      if (under(to, "stacks")) report(edge, "a module never imports a stack (stacks use modules)");
      else if (under(to, "environments")) report(edge, "a module never imports the environment schema: take the setting as a prop");
      else if (APP_ENTRIES.has(to) || under(to, "scripts")) report(edge, "a module never imports the app or a script");
    }
    if (under(from, "environments")) {
      if (under(to, "stacks") || APP_ENTRIES.has(to) || under(to, "scripts"))
        report(edge, "the environment schema never imports stacks or the app");
      else if (under(to, "modules")) {
        const target = byName.get(to);
        const loadsConstructs = target === undefined || target.packages.some((name) => CONSTRUCT_PACKAGES.test(name));
        if (!under(to, "modules/core") || loadsConstructs) {
          report(
            edge,
            "the environment schema imports no construct code (only pure helpers of modules/core that load no cdktf, constructs or provider)",
          );
        }
      }
    }
    const fromLayer = layerOf(from, layers);
    const toLayer = layerOf(to, layers);
    if (fromLayer !== undefined && toLayer !== undefined && fromLayer !== toLayer) {
      if (layers.indexOf(toLayer) > layers.indexOf(fromLayer)) {
        report(edge, `the ${fromLayer} layer is upstream of ${toLayer} and never imports it`);
      } else if (to !== `stacks/${toLayer}/contract.ts` && !edge.typeOnly) {
        report(edge, `the ${fromLayer} layer uses ${toLayer} only through stacks/${toLayer}/contract.ts (its stack class in types only)`);
      }
    }
  }
  return violations;
}

describe("layering of the repository", () => {
  const { files, edges } = readRepository();

  it("reads the imports of modules, stacks and environments, so an empty scan cannot pass", () => {
    // GIVEN the repository WHEN scanned THEN each folder the rules speak of has imports to check
    for (const folder of ["modules", "stacks", "environments"]) {
      expect(edges.filter((edge) => under(edge.from, folder)).length, folder).toBeGreaterThan(0);
    }
    expect(
      edges.filter((edge) => layerOf(edge.from, LAYERS) !== undefined && layerOf(edge.to, LAYERS) !== undefined).length,
    ).toBeGreaterThan(0);
  });

  it("has no import that breaks the layering", () => {
    // GIVEN every import between repository files THEN none breaks a rule
    expect(layeringViolations(files, edges, LAYERS)).toEqual([]);
  });
});

describe("layering rules", () => {
  const layers = ["network", "platform", "workloads"];
  const plain = (file: string): SourceFile => ({ file, packages: [] });
  const edge = (from: string, to: string, typeOnly = false): Edge => ({ from, line: 7, to, typeOnly });
  const check = (...found: Edge[]) =>
    layeringViolations(
      [
        plain("modules/core/cidrs.ts"),
        { file: "modules/eks/eks-cluster.ts", packages: ["constructs"] },
        { file: "modules/core/aws-target.ts", packages: ["cdktf"] },
      ],
      found,
      layers,
    );

  it("refuses a module that imports a stack, naming file, line and target", () => {
    expect(check(edge("modules/apps/web-service.ts", "stacks/platform/platform-stack.ts"))).toEqual([
      "modules/apps/web-service.ts:7 imports stacks/platform/platform-stack.ts: a module never imports a stack (stacks use modules)",
    ]);
  });

  it("refuses a module that imports the environment schema", () => {
    expect(check(edge("modules/eks/eks-cluster.ts", "environments/schema.ts"))).toHaveLength(1);
  });

  it("refuses an upstream stack that imports a downstream one, even for types", () => {
    expect(check(edge("stacks/network/network-stack.ts", "stacks/platform/contract.ts", true))).toEqual([
      "stacks/network/network-stack.ts:7 imports stacks/platform/contract.ts: the network layer is upstream of platform and never imports it",
    ]);
  });

  it("refuses a downstream stack that loads anything of an upstream layer but its contract", () => {
    expect(check(edge("stacks/workloads/workloads-stack.ts", "stacks/platform/platform-stack.ts"))).toHaveLength(1);
    expect(check(edge("stacks/workloads/workloads-stack.ts", "stacks/platform/service-accounts.ts"))).toHaveLength(1);
  });

  it("admits a downstream stack reading its upstream's contract and naming the upstream stack in types", () => {
    expect(
      check(
        edge("stacks/workloads/workloads-stack.ts", "stacks/platform/contract.ts"),
        edge("stacks/workloads/workloads-stack.ts", "stacks/platform/platform-stack.ts", true),
      ),
    ).toEqual([]);
  });

  it("refuses environments importing construct code, admits a pure helper of modules/core", () => {
    expect(check(edge("environments/schema.ts", "modules/eks/eks-cluster.ts"))).toHaveLength(1);
    expect(check(edge("environments/schema.ts", "modules/core/aws-target.ts"))).toHaveLength(1);
    expect(check(edge("environments/schema.ts", "modules/core/cidrs.ts"))).toEqual([]);
  });
});
