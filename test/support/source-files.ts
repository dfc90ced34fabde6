import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import ts from "typescript-5";
import { writeFileAtomically } from "../../scripts/atomic-file";

/*
 * Reading the repository's TypeScript as the compiler does: which files there are and which
 * modules each one loads. Shared by the import guards (barrel imports, layering).
 */

const SKIPPED_DIRECTORIES = new Set(["node_modules", "dist", "cdktf.out", ".tmp", ".git"]);

/** A module name in the code and the node that names it. */
interface ModuleReference {
  readonly specifier: string;
  readonly node: ts.Node;
  /** Loads types only (`import type`, every named import `type`, `import("...")` in a type): nothing at run time. */
  readonly typeOnly: boolean;
}

/** Every module a file loads: import/export `from`, `import x = require()`, `require()`, `import()`, `import("...")` types. */
function moduleReferences(source: ts.SourceFile): ModuleReference[] {
  const found: ModuleReference[] = [];
  const visit = (node: ts.Node): void => {
    const specifier = specifierOf(node);
    if (specifier !== undefined) found.push({ specifier, node, typeOnly: isTypeOnly(node) });
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Whether an import loads types alone. */
function isTypeOnly(node: ts.Node): boolean {
  if (ts.isImportTypeNode(node)) return true;
  if (ts.isImportDeclaration(node)) {
    const clause = node.importClause;
    if (clause === undefined) return false;
    if (clause.isTypeOnly) return true;
    const bindings = clause.namedBindings;
    return (
      clause.name === undefined &&
      bindings !== undefined &&
      ts.isNamedImports(bindings) &&
      bindings.elements.length > 0 &&
      bindings.elements.every((element) => element.isTypeOnly)
    );
  }
  if (ts.isExportDeclaration(node)) return node.isTypeOnly;
  return false;
}

/** The module name a node loads, if it is an import of any kind. */
function specifierOf(node: ts.Node): string | undefined {
  if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined) {
    return literalText(node.moduleSpecifier);
  }
  if (ts.isExternalModuleReference(node)) return literalText(node.expression);
  if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) return literalText(node.argument.literal);
  if (ts.isCallExpression(node) && isRequireOrImport(node.expression)) {
    const [first] = node.arguments;
    return first === undefined ? undefined : literalText(first);
  }
  return undefined;
}

function isRequireOrImport(callee: ts.Expression): boolean {
  return callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === "require");
}

function literalText(node: ts.Node): string | undefined {
  return ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) ? node.text : undefined;
}

/** TypeScript files under `entry` (a file or a folder), repository-relative, skipping build output. */
export function typeScriptFiles(root: string, entry: string): string[] {
  const absolute = path.join(root, entry);
  if (!existsSync(absolute)) return [];
  if (!statSync(absolute).isDirectory()) return /\.[cm]?ts$/.test(entry) ? [entry] : [];
  return readdirSync(absolute, { withFileTypes: true })
    .filter((child) => !(child.isDirectory() && SKIPPED_DIRECTORIES.has(child.name)))
    .flatMap((child) => typeScriptFiles(root, path.join(entry, child.name)));
}

/** A module reference of a file, located to its line (1-based). */
export interface LocatedReference {
  readonly specifier: string;
  readonly typeOnly: boolean;
  readonly line: number;
}

/** Every module a file's text loads (moduleReferences), with the line of each. */
export function locateModuleReferences(text: string, file: string): LocatedReference[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  return moduleReferences(source).map((reference) => ({
    specifier: reference.specifier,
    typeOnly: reference.typeOnly,
    line: source.getLineAndCharacterOfPosition(reference.node.getStart(source)).line + 1,
  }));
}

/**
 * locateModuleReferences of a repository file, kept on disk by the hash of the reader (this file and
 * the TypeScript version that parses) and the file's text: the import guards read ~400 files on every
 * run, and parsing them was most of their time; an edited file (or an edit here) is parsed again.
 */
const REFERENCES_CACHE = path.join(__dirname, "..", "..", "node_modules", ".cache", "module-references");
let reader: string | undefined;
export function repositoryModuleReferences(root: string, file: string): LocatedReference[] {
  reader ??= createHash("sha256").update(readFileSync(__filename, "utf8")).update("\0").update(ts.version).digest("hex");
  const text = readFileSync(path.join(root, file), "utf8");
  const cached = path.join(
    REFERENCES_CACHE,
    `${createHash("sha256").update(reader).update("\0").update(file).update("\0").update(text).digest("hex")}.json`,
  );
  if (existsSync(cached)) return JSON.parse(readFileSync(cached, "utf8")) as LocatedReference[];
  const references = locateModuleReferences(text, file);
  writeFileAtomically(cached, JSON.stringify(references));
  return references;
}
