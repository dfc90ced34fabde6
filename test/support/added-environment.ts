import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { cidrsOverlap } from "../../modules/core/cidrs";
import type { EnvironmentConfig } from "../../environments/schema";
import { ROOT } from "./paths";

/**
 * Adding an environment must just work: the README's recipe (copy staging, give the copy what it
 * lists) and nothing else. So every test run runs on the environment files plus one more, made by
 * that recipe: global setup writes the real files and the copy into a folder of the run and points
 * ENVIRONMENTS_DIR at it, and every test that reads "every environment" covers the copy too.
 */

/** The file the recipe copies. */
const SOURCE = "staging.yaml";

/** The fields the README's recipe says to give the copy, read from its "Add an environment" block. */
export function recipeFields(): string[] {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  const block = readme.split("### Add an environment")[1]?.split("```sh")[1]?.split("```")[0] ?? "";
  return [...new Set([...block.matchAll(/\b([a-z]+\.[a-zA-Z]+)\b/g)].map((match) => match[1] ?? ""))].filter(
    (field) => !/\.ya?ml$/.test(field) && !field.startsWith("environments."),
  );
}

/** The environment the run adds, and its file's text. */
interface AddedEnvironment {
  readonly name: string;
  readonly text: string;
}

/**
 * staging.yaml edited as the README says, with values no other file of `environments` uses: a free
 * /16 of the account, a domain and zone of its own, a host in that domain, a certificate id of its
 * own, and a header comment of its own. Throws naming the field when the recipe names one it cannot
 * give a value, or staging.yaml has no line for it.
 */
function addedEnvironment(dir: string, environments: readonly EnvironmentConfig[]): AddedEnvironment | undefined {
  if (!existsSync(path.join(dir, SOURCE))) return undefined;
  const source = environments.find((env) => env.name === SOURCE.replace(/\.yaml$/, ""));
  if (source === undefined) return undefined;
  const taken = new Set(environments.map((env) => env.name));
  const n = [1, 2, 3, 4, 5, 6, 7, 8, 9].find((i) => !taken.has(i === 1 ? "qa" : `qa${i}`)) ?? 9;
  const name = n === 1 ? "qa" : `qa${n}`;
  const parent = source.dns.domain.split(".").slice(1).join(".");
  const domain = `${name}.${parent}`;
  const sameAccount = environments.filter((env) => env.account.id === source.account.id);
  const ranges = sameAccount.flatMap((env) => [
    env.network.vpcCidr,
    ...(env.network.management === undefined ? [] : [env.network.management.vpcCidr]),
  ]);
  const second = Array.from({ length: 200 }, (_, i) => i + 40).find(
    (octet) => !ranges.some((range) => cidrsOverlap(range, `10.${octet}.0.0/16`)),
  );
  if (second === undefined) throw new Error(`no free 10.x.0.0/16 in account ${source.account.id} for the added environment`);
  const certificate = (source.workloads.certificateArn ?? "").replace(
    /certificate\/.*$/,
    `certificate/0a1b2c3d-4e5f-4a6b-8c7d-${String(n).padStart(12, "0")}`,
  );
  const values: Record<string, [RegExp, string]> = {
    "network.vpcCidr": [/^ {2}vpcCidr: .*$/m, `  vpcCidr: 10.${second}.0.0/16`],
    "dns.domain": [/^ {2}domain: .*$/m, `  domain: ${domain}`],
    "dns.hostedZoneId": [/^ {2}hostedZoneId: .*$/m, `  hostedZoneId: Z0${name.toUpperCase()}ADDED0000001`],
    "workloads.frontendHost": [/^ {2}frontendHost: .*$/m, `  frontendHost: app.${domain}`],
    "workloads.certificateArn": [/^ {2}certificateArn: .*$/m, `  certificateArn: ${certificate}`],
  };
  let text = readFileSync(path.join(dir, SOURCE), "utf8");
  for (const field of recipeFields()) {
    const edit = values[field];
    if (edit === undefined)
      throw new Error(`the README's recipe names ${field}: test/support/added-environment.ts must give the copy a value for it`);
    if (!edit[0].test(text)) throw new Error(`${SOURCE} has no line ${edit[0]} for ${field}: the README's recipe needs updating`);
    text = text.replace(edit[0], edit[1]);
  }
  // The header comment describes staging; the recipe says to rewrite it.
  text = text.replace(
    /^((?:# yaml-language-server:.*\n)?)(?:#.*\n)+/,
    `$1# ${name}: added by the test run, a copy of ${SOURCE} made by the README's recipe.\n`,
  );
  return { name, text };
}

/** Writes the files of `dir` and the added environment into `into` (emptied first); returns the added environment's name. */
export function writeWithAddedEnvironment(dir: string, into: string, environments: readonly EnvironmentConfig[]): string | undefined {
  rmSync(into, { recursive: true, force: true });
  mkdirSync(into, { recursive: true });
  for (const entry of readdirSync(dir).filter((name) => /\.ya?ml$/.test(name)))
    writeFileSync(path.join(into, entry), readFileSync(path.join(dir, entry)));
  const added = addedEnvironment(dir, environments);
  if (added !== undefined) writeFileSync(path.join(into, `${added.name}.yaml`), added.text);
  return added?.name;
}
