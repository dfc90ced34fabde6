/**
 * The layers, in deployment order: the one declaration of which layers exist. Each is one
 * Terraform stack per environment (environment-stacks.ts builds one per entry), and the stack
 * listing (`npm run stacks`), the workflows' matrices and CI's stack count follow from it.
 */
export const LAYERS = ["network", "platform", "workloads"] as const;
export type Layer = (typeof LAYERS)[number];

/** The stack name users type: `network-dev`, `platform-prod`, `workloads-staging`. */
export function stackName(layer: Layer, environment: string): string {
  return `${layer}-${environment}`;
}
