import {
  DataTerraformRemoteStateLocal,
  DataTerraformRemoteStateS3,
  TerraformOutput,
  Token,
  type DataTerraformRemoteState,
  type TerraformStack,
} from "cdktf";
import type { Layer } from "./layers";
import type { LayerStack } from "./layer-stack";
import type { StateLocation } from "./state-location";

/**
 * A stack that publishes a contract: a layer stack of an environment, or the account stack
 * (`account-<account id>`, stacks/account), whose layer is `account`.
 */
export interface PublishingStack extends TerraformStack {
  readonly layer: Layer | "account";
  /** Where its state lives; readers build their remote-state data source from it. */
  readonly state: StateLocation;
}

/**
 * What kind of value an output carries across the layer boundary. `optional-string` is a value the
 * upstream may not have (the management network's CIDR where there is none): it publishes no
 * output then, and a downstream stack reads `undefined`, decided from what the upstream stack
 * published rather than from the upstream's configuration.
 */
export type OutputKind = "string" | "optional-string" | "list" | "number" | "map";

/** One published output: its kind and what it means to the layers that read it. */
export interface OutputSpec {
  readonly kind: OutputKind;
  readonly description: string;
}

export type OutputSpecs = { readonly [name: string]: OutputSpec };

type ValueOfKind<K extends OutputKind> = K extends "string"
  ? string
  : K extends "optional-string"
    ? string | undefined
    : K extends "list"
      ? string[]
      : K extends "number"
        ? number
        : { [key: string]: string };

/** The values of a contract: the upstream must give every one; the downstream gets tokens. */
export type ContractValues<S extends OutputSpecs> = { readonly [N in keyof S]: ValueOfKind<S[N]["kind"]> };

/** Options for reading an upstream layer. */
export interface ReadContractOptions {
  /**
   * Give the remote state plan-only placeholder values, so a stack plans before its upstream has
   * ever been applied (a new environment or a new output). Never for apply.
   * @default false
   */
  readonly planPlaceholders?: boolean;
}

/**
 * `vpcId` -> `vpc_id`: Terraform's naming for outputs, TypeScript's for the contract keys.
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function outputName(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** The placeholder an unapplied upstream output reads as during a plan with placeholders on. */
function placeholderFor(kind: OutputKind, key: string): string | number | string[] | { [key: string]: string } {
  switch (kind) {
    case "string":
    case "optional-string":
      return `plan-placeholder-${outputName(key)}`;
    case "list":
      return [`plan-placeholder-${outputName(key)}`];
    case "number":
      return 0;
    case "map":
      return {};
  }
}

/**
 * The single declaration of what one layer publishes. The upstream stack publishes it with
 * {@link publish} (the type forces every output); a downstream stack reads it with {@link read},
 * which builds the remote-state data source from the upstream stack's own backend settings and
 * records the deployment order.
 */
export class LayerContract<S extends OutputSpecs> {
  /** Which outputs each publishing stack created (an optional one may be absent). */
  private readonly published = new WeakMap<PublishingStack, ReadonlySet<string>>();

  constructor(
    /** The layer that publishes these outputs (`account`: the account layer, once per AWS account). */
    readonly layer: Layer | "account",
    /** Output key (camelCase; published as snake_case) -> kind and description. */
    readonly outputs: S,
  ) {}

  /** Creates one `TerraformOutput` per declared output on the publishing stack. */
  publish(stack: PublishingStack, values: ContractValues<S>): void {
    this.assertLayer(stack, "publish");
    const published = new Set<string>();
    for (const [key, spec] of Object.entries(this.outputs)) {
      if (values[key] === undefined) {
        if (spec.kind !== "optional-string")
          throw new Error(`${stack.node.id}: the ${this.layer} output ${key} is not optional and has no value`);
        continue;
      }
      published.add(key);
      const output = new TerraformOutput(stack, `output-${outputName(key)}`, {
        value: values[key],
        description: spec.description,
      });
      output.overrideLogicalId(outputName(key));
    }
    this.published.set(stack, published);
  }

  /**
   * Reads the upstream layer's published outputs into `downstream` as typed tokens, and records
   * that `downstream` deploys after `upstream`.
   */
  read(downstream: LayerStack, upstream: LayerStack, options: ReadContractOptions = {}): ContractValues<S> {
    this.assertLayer(upstream, "read");
    if (upstream.environment.name !== downstream.environment.name) {
      throw new Error(`${downstream.node.id} may read only its own environment's ${this.layer} layer, not ${upstream.node.id}`);
    }
    downstream.addDependency(upstream);
    const published = this.published.get(upstream);
    const hasOptional = Object.values(this.outputs).some((spec) => spec.kind === "optional-string");
    if (hasOptional && published === undefined) {
      throw new Error(
        `${downstream.node.id} reads ${upstream.node.id} before it published its outputs: whether an optional output exists is known only after publish`,
      );
    }
    const exists = (key: string) => published === undefined || published.has(key);
    return this.valuesOf(this.remoteState(downstream, upstream.state, options.planPlaceholders ?? false, exists), exists);
  }

  /**
   * Reads outputs published by a stack of another app (the account stack, which the bootstrap app
   * builds) from its state location alone. Records no dependency (cdktf orders stacks of one app
   * only): the account layer is applied before any environment of the account (docs/deploying.md).
   * Every output must be published (no optional outputs).
   */
  readFrom(downstream: TerraformStack, state: StateLocation, options: ReadContractOptions = {}): ContractValues<S> {
    if (Object.values(this.outputs).some((spec) => spec.kind === "optional-string")) {
      throw new Error(`the ${this.layer} contract has optional outputs: read it from its stack, which knows which exist`);
    }
    const all = () => true;
    return this.valuesOf(this.remoteState(downstream, state, options.planPlaceholders ?? false, all), all);
  }

  private valuesOf(remote: DataTerraformRemoteState, exists: (key: string) => boolean): ContractValues<S> {
    const values: { [key: string]: unknown } = {};
    for (const [key, spec] of Object.entries(this.outputs)) {
      const name = outputName(key);
      switch (spec.kind) {
        case "string":
          values[key] = remote.getString(name);
          break;
        case "optional-string":
          values[key] = exists(key) ? remote.getString(name) : undefined;
          break;
        case "list":
          values[key] = remote.getList(name);
          break;
        case "number":
          values[key] = remote.getNumber(name);
          break;
        case "map":
          values[key] = Token.asStringMap(remote.get(name));
          break;
      }
    }
    return values as ContractValues<S>;
  }

  private remoteState(
    downstream: TerraformStack,
    state: StateLocation,
    planPlaceholders: boolean,
    exists: (key: string) => boolean,
  ): DataTerraformRemoteState {
    const id = `${this.layer}-state`;
    const defaults = planPlaceholders
      ? Object.fromEntries(
          Object.entries(this.outputs)
            .filter(([key]) => exists(key))
            .map(([key, spec]) => [outputName(key), placeholderFor(spec.kind, key)]),
        )
      : undefined;
    if (state.backend === "s3") {
      return new DataTerraformRemoteStateS3(downstream, id, { ...state.s3, ...(defaults === undefined ? {} : { defaults }) });
    }
    return new DataTerraformRemoteStateLocal(downstream, id, { path: state.path, ...(defaults === undefined ? {} : { defaults }) });
  }

  private assertLayer(stack: PublishingStack, verb: string): void {
    if (stack.layer !== this.layer) {
      throw new Error(`the ${this.layer} contract cannot ${verb} through ${stack.node.id}, a ${stack.layer} stack`);
    }
  }
}
