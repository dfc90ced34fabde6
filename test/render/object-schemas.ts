import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import { ROOT } from "../support/paths";
import type { RenderedObject } from "./render";
import { writeFileAtomically } from "../../scripts/atomic-file";

/*
 * Rendered objects against their schema: a built-in kind against the Kubernetes OpenAPI schema of
 * `kubernetes-models` (a kind or API version missing there, e.g. one the environment's Kubernetes
 * version removed, has no schema and fails); a custom kind against the openAPIV3Schema of the CRD
 * the same stack installs (Gateway API, the load balancer controller's, prometheus-operator's, the
 * Secrets Store CSI driver's). An object of a kind nobody installs fails too.
 */

interface Model {
  new (data: never): { validate(): void };
}

const models = new Map<string, Model | null>();

/** Loads the kubernetes-models classes of the objects' kinds (an ES module each), before `schemaProblems`. */
export async function loadModels(objects: readonly RenderedObject[]): Promise<void> {
  const keys = new Set(objects.map((object) => `${object.apiVersion}/${object.kind}`));
  await Promise.all(
    [...keys]
      .filter((key) => !models.has(key))
      .map(async (key) => {
        const kind = key.slice(key.lastIndexOf("/") + 1);
        try {
          // Named at run time (vite would warn that it cannot resolve the template at build time).
          const module = (await import(/* @vite-ignore */ `kubernetes-models/${key}`)) as Record<string, Model>;
          models.set(key, module[kind] ?? null);
        } catch {
          models.set(key, null);
        }
      }),
  );
}

/** The kubernetes-models class of `apiVersion`/`kind`, or null when the package has none. */
function modelOf(apiVersion: string, kind: string): Model | null {
  const key = `${apiVersion}/${kind}`;
  if (!models.has(key)) throw new Error(`${key}: call loadModels first`);
  return models.get(key)!;
}

/**
 * CRD patterns are Go (RE2) expressions: `(?i)` inline flags become the `i` flag; a pattern
 * JavaScript still cannot compile matches anything (the API server checks it; this check cannot).
 */
function goRegExp(pattern: string, flags: string): RegExp {
  try {
    return new RegExp(pattern, flags);
  } catch {
    try {
      return new RegExp(pattern.replaceAll("(?i)", ""), `${flags}i`);
    } catch {
      return new RegExp("", flags);
    }
  }
}

const regExp = Object.assign(goRegExp, { code: "goRegExp" });
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { regExp } });
const compiled = new Map<string, ValidateFunction>();
/** One compiled validator per distinct schema (the same CRDs in every environment compile once). */
function compiledSchema(key: string, schema: object): ValidateFunction {
  let validator = compiled.get(key);
  if (validator === undefined) {
    validator = ajv.compile(stripMetadata(schema));
    compiled.set(key, validator);
  }
  return validator;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** A CRD version's schema: its hash, and its validator compiled on first use. */
interface CrdValidator {
  readonly schemaHash: string;
  readonly validate: () => ValidateFunction;
}

/** Validators of every served version of a stack's CRDs, by `group/version/Kind`. */
export function crdValidators(crds: readonly RenderedObject[]): Map<string, CrdValidator> {
  const validators = new Map<string, CrdValidator>();
  for (const crd of crds) {
    const spec = crd["spec"] as {
      group: string;
      names: { kind: string };
      versions: { name: string; served?: boolean; schema?: { openAPIV3Schema?: object } }[];
    };
    for (const version of spec.versions) {
      const schema = version.schema?.openAPIV3Schema;
      if (version.served === false || schema === undefined) continue;
      const key = `${spec.group}/${version.name}/${spec.names.kind}`;
      if (validators.has(key)) continue;
      const schemaHash = sha256(JSON.stringify(schema));
      validators.set(key, { schemaHash, validate: () => compiledSchema(schemaHash, schema) });
    }
  }
  return validators;
}

/**
 * Problems of objects checked against a CRD schema, kept on disk by the hash of the checker (this
 * file and ajv's version), the schema and the object: compiling the large CRD schemas (the
 * Prometheus operator's) was most of the render test's time, and neither input changes between runs.
 */
const CRD_RESULTS = path.join(ROOT, "node_modules", ".cache", "crd-validation");
let checker: string | undefined;
function checkerHash(): string {
  checker ??= sha256(
    [
      readFileSync(path.join(__dirname, "object-schemas.ts"), "utf8"),
      (JSON.parse(readFileSync(path.join(ROOT, "node_modules", "ajv", "package.json"), "utf8")) as { version: string }).version,
    ].join("\0"),
  );
  return checker;
}

function crdProblems(crd: CrdValidator, object: RenderedObject): string[] {
  const file = path.join(CRD_RESULTS, `${sha256(`${checkerHash()}\0${crd.schemaHash}\0${JSON.stringify(object)}`)}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as string[];
  const validate = crd.validate();
  const problems = validate(object)
    ? []
    : (validate.errors ?? []).map((error) => `${error.instancePath || "/"} ${error.message ?? ""} ${JSON.stringify(error.params)}`.trim());
  writeFileAtomically(file, JSON.stringify(problems));
  return problems;
}

/** A CRD schema without `metadata` constraints (the API server validates ObjectMeta itself; CRDs rarely restate it). */
function stripMetadata(schema: object): object {
  const copy = { ...(schema as Record<string, unknown>) };
  const properties = copy["properties"] as Record<string, unknown> | undefined;
  if (properties !== undefined) {
    const { metadata: _metadata, ...rest } = properties;
    copy["properties"] = rest;
  }
  return copy;
}

/** Every schema problem of an object, or none. */
export function schemaProblems(object: RenderedObject, crds: ReadonlyMap<string, CrdValidator>): string[] {
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== "string" || typeof kind !== "string") return ["no apiVersion or kind"];
  const crd = crds.get(`${apiVersion}/${kind}`);
  if (crd !== undefined) return crdProblems(crd, object);
  const model = modelOf(apiVersion, kind);
  if (model === null)
    return [`${apiVersion} ${kind}: no Kubernetes schema and no CRD installed by this stack (a removed API, or a missing CRD)`];
  // The same object in several environments (the CRDs, most of a chart) is validated once.
  const key = createHash("sha256").update(JSON.stringify(object)).digest("hex");
  let problems = builtInResults.get(key);
  if (problems === undefined) {
    try {
      new model(object as never).validate();
      problems = [];
    } catch (error) {
      const details = (error as { errors?: { instancePath: string; message?: string }[] }).errors;
      problems = details?.map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`.trim()) ?? [String(error)];
    }
    builtInResults.set(key, problems);
  }
  return problems;
}

const builtInResults = new Map<string, string[]>();
