/** The three layers, in deployment order. Each is one Terraform stack per environment. */
export const LAYERS = ["network", "platform", "workloads"] as const;
export type Layer = (typeof LAYERS)[number];

/** The stack name users type: `network-dev`, `platform-prod`, `workloads-staging`. */
export function stackName(layer: Layer, environment: string): string {
  return `${layer}-${environment}`;
}
