import { LayerContract } from "../contract";

/**
 * What the platform layer publishes for the workloads layer. The EKS cluster, node groups and
 * data stores (and their outputs) arrive with the platform issue; until then it publishes nothing.
 */
export const platformContract = new LayerContract("platform", {});
