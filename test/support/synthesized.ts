import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { sharedSynthDir } from "./paths";

/** A synthesized Terraform JSON document (cdk.tf.json), the parts the tests read. */
export interface TerraformJson {
  readonly terraform?: { readonly backend?: Record<string, Record<string, unknown>> };
  readonly provider?: Record<string, readonly Record<string, unknown>[]>;
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, { readonly value: unknown; readonly description?: string }>;
  readonly variable?: Record<string, Record<string, unknown>>;
}

/** One synthesized stack: its JSON text (for the cdktf matchers) and the parsed document. */
export interface SynthesizedStack {
  readonly name: string;
  readonly json: string;
  readonly doc: TerraformJson;
}

const cache = new Map<string, SynthesizedStack>();

/** A stack from the run's shared synth (see global-setup.ts), e.g. `network-dev`. */
export function synthesizedStack(name: string): SynthesizedStack {
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  const json = readFileSync(path.join(sharedSynthDir(), "stacks", name, "cdk.tf.json"), "utf8");
  const stack = { name, json, doc: JSON.parse(json) as TerraformJson };
  cache.set(name, stack);
  return stack;
}

/** Every stack the app synthesized, by name. */
export function allSynthesizedStacks(): SynthesizedStack[] {
  return readdirSync(path.join(sharedSynthDir(), "stacks")).sort().map(synthesizedStack);
}

/** Every resource of a type in a document, by its logical name. */
export function resourcesOf(doc: TerraformJson, type: string): Record<string, Record<string, unknown>> {
  return doc.resource?.[type] ?? {};
}

/** A resource of a synthesized document: `[address, type, body]`. */
export type SynthesizedResource = readonly [address: string, type: string, body: Record<string, unknown>];

const resourceLists = new WeakMap<TerraformJson, readonly SynthesizedResource[]>();

/**
 * Every resource of a document as `[address, type, body]`, e.g. `aws_vpc.vpc_vpc_1A2B3C`. Listed
 * once per document: the policy rules ask for the same stacks' resources hundreds of times. Once
 * listed, the document's set of resources is frozen, so that a test adding or removing one
 * afterwards fails at once instead of reading a stale list (a resource's body can still change:
 * the list holds the same objects).
 */
export function eachResource(doc: TerraformJson): readonly SynthesizedResource[] {
  let resources = resourceLists.get(doc);
  if (resources === undefined) {
    const byType = doc.resource ?? {};
    resources = Object.entries(byType).flatMap(([type, byName]) => {
      Object.freeze(byName);
      return Object.entries(byName).map(([name, body]): SynthesizedResource => [`${type}.${name}`, type, body]);
    });
    Object.freeze(byType);
    resourceLists.set(doc, resources);
  }
  return resources;
}
