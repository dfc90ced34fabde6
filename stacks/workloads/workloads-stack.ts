import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../../environments/schema";
import type { ReadContractOptions } from "../contract";
import { LayerStack } from "../layer-stack";
import { networkContract } from "../network/contract";
import type { NetworkStack } from "../network/network-stack";
import { platformContract } from "../platform/contract";
import type { PlatformStack } from "../platform/platform-stack";

export interface WorkloadsStackProps extends ReadContractOptions {
  readonly environment: EnvironmentConfig;
  readonly network: NetworkStack;
  readonly platform: PlatformStack;
}

/**
 * `workloads-<env>`: Kubernetes and Helm on the platform's cluster. Reaches the cluster and the
 * network only through the platform and network contracts, so application releases change
 * this stack alone.
 */
export class WorkloadsStack extends LayerStack {
  readonly network: ReturnType<typeof networkContract.read>;
  readonly platform: ReturnType<typeof platformContract.read>;

  constructor(scope: Construct, props: WorkloadsStackProps) {
    super(scope, { environment: props.environment, layer: "workloads" });
    this.network = networkContract.read(this, props.network, props);
    this.platform = platformContract.read(this, props.platform, props);
  }
}
