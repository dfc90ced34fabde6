import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../environments/schema";
import type { ReadContractOptions } from "./contract";
import type { LayerStack } from "./layer-stack";
import { LAYERS, type Layer } from "./layers";
import { NetworkStack } from "./network/network-stack";
import { PlatformStack } from "./platform/platform-stack";
import { WorkloadsStack } from "./workloads/workloads-stack";

/** The stack class of each layer. */
interface StackOfLayer {
  readonly network: NetworkStack;
  readonly platform: PlatformStack;
  readonly workloads: WorkloadsStack;
}

/**
 * The stacks of one environment, one per entry of LAYERS. A layer added to LAYERS without a stack
 * here fails to compile (`StackOfLayer[L]` does not exist), and a stack without a layer is an
 * excess property of the object `addEnvironmentStacks` returns.
 */
export type EnvironmentStacks = { readonly [L in Layer]: StackOfLayer[L] };

/**
 * Adds `<layer>-<env>` for every layer to the app, each downstream stack reading its upstreams
 * through their contracts (which records the deploy order).
 */
export function addEnvironmentStacks(app: Construct, environment: EnvironmentConfig, options: ReadContractOptions = {}): EnvironmentStacks {
  const network = new NetworkStack(app, { ...options, environment });
  const platform = new PlatformStack(app, { ...options, environment, network });
  const workloads = new WorkloadsStack(app, { ...options, environment, network, platform });
  return { network, platform, workloads };
}

/** Every stack of one environment, in the order LAYERS declares the layers. */
export function layerStacks(stacks: EnvironmentStacks): LayerStack[] {
  return LAYERS.map((layer) => stacks[layer]);
}
