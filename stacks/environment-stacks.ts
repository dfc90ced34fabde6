import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../environments/schema";
import type { ReadContractOptions } from "./contract";
import { NetworkStack } from "./network/network-stack";
import { PlatformStack } from "./platform/platform-stack";
import { WorkloadsStack } from "./workloads/workloads-stack";

/** The three stacks of one environment. */
export interface EnvironmentStacks {
  readonly network: NetworkStack;
  readonly platform: PlatformStack;
  readonly workloads: WorkloadsStack;
}

/**
 * Adds `network-<env>`, `platform-<env>` and `workloads-<env>` to the app, each downstream stack
 * reading its upstreams through their contracts (which records the deploy order).
 */
export function addEnvironmentStacks(app: Construct, environment: EnvironmentConfig, options: ReadContractOptions = {}): EnvironmentStacks {
  const network = new NetworkStack(app, { environment });
  const platform = new PlatformStack(app, { ...options, environment, network });
  const workloads = new WorkloadsStack(app, { ...options, environment, network, platform });
  return { network, platform, workloads };
}
