import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type ts from "typescript-5";
import { isObject, type Json, type JsonObject, KINDS } from "./kubernetes-objects";
import { ROOT } from "./paths";
import { writeFileAtomically } from "../../scripts/atomic-file";

/*
 * The field check of test/policy/kubernetes-models.test.ts: every key of a converted object must
 * be a field of the matching upstream type, read from the `kubernetes-models` TypeScript
 * declarations (generated from the same spec as the schemas) with the TypeScript compiler API.
 *
 * Loading the compiler and type-checking the declarations costs about a second of CPU, and neither
 * changes between runs: the problems found for an object are kept on disk
 * (node_modules/.cache/kubernetes-fields/), by the hash of the checker (this file, the kinds of
 * ./kubernetes-objects.ts, the versions of typescript-5 and kubernetes-models), the kind and the
 * object. An object seen before is answered from there without loading the compiler; a new object,
 * or any change to the checker, runs the check again.
 */

const CACHE = path.join(ROOT, "node_modules", ".cache", "kubernetes-fields");

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const versionOf = (name: string) =>
  (JSON.parse(readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;

let checkerKey: string | undefined;
function checkerHash(): string {
  checkerKey ??= sha256(
    [
      readFileSync(path.join(__dirname, "kubernetes-fields.ts"), "utf8"),
      readFileSync(path.join(__dirname, "kubernetes-objects.ts"), "utf8"),
      versionOf("typescript-5"),
      versionOf("kubernetes-models"),
    ].join("\0"),
  );
  return checkerKey;
}

/*
 * The upstream declarations, loaded once with the compiler API when a check is not cached. A
 * virtual module imports each kind's interface; the walk follows the converted object's keys
 * through the declared types. The compiler loads with require, only then.
 */
let compiler: typeof ts | undefined;
let checker: { readonly ts: typeof ts; readonly checker: ts.TypeChecker; readonly roots: ts.Type } | undefined;
function upstreamTypes() {
  if (checker !== undefined) return checker;
  compiler ??= require("typescript-5") as typeof ts;
  const t = compiler;
  const file = path.join(ROOT, "test/policy/__kubernetes-models-roots__.ts");
  const kinds = Object.values(KINDS);
  const text = [
    ...kinds.map((k, i) => `import type { ${k.type} as T${i} } from "${k.module}";`),
    `export interface Roots { ${kinds.map((k, i) => `"${k.model.kind}": T${i};`).join(" ")} }`,
  ].join("\n");
  const options: ts.CompilerOptions = {
    noEmit: true,
    strict: true,
    skipLibCheck: true,
    types: [],
    lib: ["lib.es5.d.ts"],
    module: t.ModuleKind.ESNext,
    moduleResolution: t.ModuleResolutionKind.Bundler,
  };
  const host = t.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === file ? t.createSourceFile(name, text, language) : getSourceFile(name, language, ...rest);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = t.createProgram([file], options, host);
  const typeChecker = program.getTypeChecker();
  const module = typeChecker.getSymbolAtLocation(program.getSourceFile(file)!)!;
  const roots = typeChecker.getExportsOfModule(module).find((symbol) => symbol.name === "Roots")!;
  checker = { ts: t, checker: typeChecker, roots: typeChecker.getDeclaredTypeOfSymbol(roots) };
  return checker;
}

/** Every key of `object` that the upstream declarations do not know (or cannot type), as `/path: problem`. */
function checkFields(kindName: string, object: JsonObject): string[] {
  const { ts: t, checker: c, roots } = upstreamTypes();
  const problems: string[] = [];
  const walk = (value: Json, declared: ts.Type, at: string) => {
    const type = c.getNonNullableType(declared);
    if (type.flags & (t.TypeFlags.Any | t.TypeFlags.Unknown)) {
      problems.push(`${at || "/"}: upstream type not resolved`);
      return;
    }
    if (Array.isArray(value)) {
      const element = c.getIndexTypeOfType(type, t.IndexKind.Number);
      if (element === undefined) problems.push(`${at}: a list where the schema has ${c.typeToString(type)}`);
      else for (const [index, item] of value.entries()) walk(item, element, `${at}/${index}`);
      return;
    }
    if (!isObject(value) || c.getIndexTypeOfType(type, t.IndexKind.String) !== undefined) return; // scalars and maps: the schema checks them
    for (const [key, child] of Object.entries(value)) {
      const property = c.getPropertyOfType(type, key);
      if (property === undefined) problems.push(`${at}/${key}: no such field in ${c.typeToString(type)}`);
      else walk(child, c.getTypeOfSymbol(property), `${at}/${key}`);
    }
  };
  const root = c.getPropertyOfType(roots, kindName);
  if (root === undefined) return [`no upstream type for ${kindName}`];
  walk(object, c.getTypeOfSymbol(root), "");
  return problems;
}

/** Every key of `object` that the upstream declarations of `kindName` do not know, as `/path: problem` (kept on disk, see above). */
export function unknownFields(kindName: string, object: JsonObject): string[] {
  const file = path.join(CACHE, `${sha256(`${checkerHash()}\0${kindName}\0${JSON.stringify(object)}`)}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as string[];
  const problems = checkFields(kindName, object);
  writeFileAtomically(file, JSON.stringify(problems));
  return problems;
}
