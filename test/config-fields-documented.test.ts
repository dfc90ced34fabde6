import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/paths";

/**
 * docs/environments.md says it covers every field of an environment file. Every field the JSON
 * Schema for editors holds (generated from environments/schema.ts, and kept equal to it by
 * test/config-schema.test.ts) must be named there: as its full path (`network.vpcCidr`), as a
 * sibling in a table's first column (`platform.database.databaseName`, `.masterUsername`), with a
 * placeholder (`workloads.<app>.replicas`, `workloads.charts.<name>`), or, for the keys of a list's
 * items or a small object, in the row of the field that holds them (`platform.nodeGroups[]` and `minSize`).
 */

interface SchemaNode {
  readonly $ref?: string;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly items?: SchemaNode;
  readonly anyOf?: readonly SchemaNode[];
  readonly oneOf?: readonly SchemaNode[];
  readonly allOf?: readonly SchemaNode[];
  readonly $defs?: Readonly<Record<string, SchemaNode>>;
  readonly definitions?: Readonly<Record<string, SchemaNode>>;
}

const SCHEMA = JSON.parse(readFileSync(path.join(ROOT, "environments/environment.schema.json"), "utf8")) as SchemaNode;

/** Every leaf field of the schema (no keys below it), as `a.b[].c`. */
function leafFields(): string[] {
  const definitions = { ...SCHEMA.definitions, ...SCHEMA.$defs };
  const resolve = (node: SchemaNode | undefined): SchemaNode | undefined =>
    node?.$ref === undefined ? node : resolve(definitions[node.$ref.split("/").at(-1) ?? ""]);
  const parents = new Set<string>();
  const fields = new Set<string>();
  const walk = (raw: SchemaNode | undefined, at: string) => {
    const node = resolve(raw);
    if (node === undefined) return;
    for (const alternative of [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])]) walk(alternative, at);
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const field = at === "" ? key : `${at}.${key}`;
      fields.add(field);
      if (at !== "") parents.add(at.replace(/\[\]$/, ""));
      walk(child, field);
    }
    if (node.items !== undefined) walk(node.items, `${at}[]`);
  };
  walk(SCHEMA, "");
  return [...fields].filter((field) => !parents.has(field)).sort();
}

/** A documented name, placeholders as patterns: `<app>` is frontend or backend, any other `<...>` one key. */
function pattern(name: string): RegExp {
  const escaped = name
    .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
    .replace(/<app>/g, "(frontend|backend)")
    .replace(/<[a-z]+>/gi, "[A-Za-z0-9]+");
  return new RegExp(`^${escaped}$`);
}

/** What the page documents: full names (patterns), and per table row, the names of its first column and every backticked word. */
function documented(markdown: string): { names: RegExp[]; rows: { readonly fields: RegExp[]; readonly words: Set<string> }[] } {
  const names: RegExp[] = [];
  const rows: { fields: RegExp[]; words: Set<string> }[] = [];
  const backticked = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? "");
  const isField = (token: string) =>
    /^[a-z][\w<>]*(\[\])?(\.[\w<>]+(\[\])?)+$/i.test(token) ||
    /^(stage|account|state|tags|network|ecr|dns|alerts|platform|workloads|github)$/.test(token);
  for (const line of markdown.split("\n")) {
    if (line.startsWith("|")) {
      const [first = "", ...rest] = line.split(/(?<!\\)\|/).slice(1);
      const fields: RegExp[] = [];
      let base = "";
      for (const token of backticked(first)) {
        if (token.startsWith(".") && base !== "") fields.push(pattern(`${base}${token.slice(1)}`));
        else if (isField(token)) {
          fields.push(pattern(token));
          base = token.slice(0, token.lastIndexOf(".") + 1);
        }
      }
      names.push(...fields);
      const words = new Set([first, ...rest].flatMap(backticked).flatMap((token) => token.replace(/^\./, "").split(/[\s:,]+/)));
      rows.push({ fields, words });
    } else names.push(...backticked(line).filter(isField).map(pattern));
  }
  return { names, rows };
}

describe("docs/environments.md", () => {
  const page = documented(readFileSync(path.join(ROOT, "docs/environments.md"), "utf8"));

  it("names every field of an environment file", () => {
    const isDocumented = (field: string) => {
      if (page.names.some((name) => name.test(field))) return true;
      // the keys of a list's items or of a small object, in the row of the field that holds them
      const segments = field.split(".");
      return segments.some((_, index) => {
        if (index === 0) return false;
        const holder = segments.slice(0, index).join(".");
        const rest = segments.slice(index).map((segment) => segment.replace(/\[\]$/, ""));
        const holders = [holder, holder.replace(/\[\]$/, "")];
        return page.rows.some(
          (row) => row.fields.some((name) => holders.some((h) => name.test(h))) && rest.every((word) => row.words.has(word)),
        );
      });
    };

    expect(leafFields().filter((field) => !isDocumented(field))).toEqual([]);
  });
});
