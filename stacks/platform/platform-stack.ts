import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../../environments/schema";
import type { ReadContractOptions } from "../contract";
import { LayerStack } from "../layer-stack";
import { networkContract } from "../network/contract";
import type { NetworkStack } from "../network/network-stack";
import { platformContract } from "./contract";

export interface PlatformStackProps extends ReadContractOptions {
  readonly environment: EnvironmentConfig;
  /** The same environment's network stack, read through its contract. */
  readonly network: NetworkStack;
}

/**
 * `platform-<env>`: EKS, node groups, workload identity, add-ons, Aurora and ElastiCache. Reads the
 * network layer only through {@link networkContract}; publishes {@link platformContract}.
 */
export class PlatformStack extends LayerStack {
  /** The network layer's outputs as seen from this stack (remote-state tokens). */
  readonly network: ReturnType<typeof networkContract.read>;

  constructor(scope: Construct, props: PlatformStackProps) {
    super(scope, { environment: props.environment, layer: "platform" });
    this.network = networkContract.read(this, props.network, props);
    platformContract.publish(this, {});
  }
}
