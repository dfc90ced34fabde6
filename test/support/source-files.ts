import { existsSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import ts from "typescript-5";

/*
 * Reading the repository's TypeScript as the compiler does: which files there are and which
 * modules each one loads. Shared by the import guards (barrel imports, layering).
 */

const SKIPPED_DIRECTORIES = new Set(["node_modules", "dist", "cdktf.out", ".tmp", ".git"]);

/** A module name in the code and the node that names it. */
export interface ModuleReference {
  readonly specifier: string;
  readonly node: ts.Node;
  /** Loads types only (`import type`, every named import `type`, `import("...")` in a type): nothing at run time. */
  readonly typeOnly: boolean;
}

/** Every module a file loads: import/export `from`, `import x = require()`, `require()`, `import()`, `import("...")` types. */
export function moduleReferences(source: ts.SourceFile): ModuleReference[] {
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
