import type { TerraformStack } from "cdktf";

/**
 * Stacks in an order that deploys every stack after the stacks it depends on (as recorded with
 * `addDependency`, which the layer contracts do). Stable: among ready stacks, the input order wins.
 * @throws when the dependencies form a cycle, naming the stacks involved.
 */
export function deploymentOrder<S extends TerraformStack>(stacks: readonly S[]): S[] {
  const remaining = [...stacks];
  const placed = new Set<TerraformStack>();
  const order: S[] = [];
  while (remaining.length > 0) {
    const index = remaining.findIndex((stack) => stack.dependencies.every((dep) => placed.has(dep) || !stacks.includes(dep as S)));
    if (index === -1) {
      throw new Error(`stack dependencies form a cycle among: ${remaining.map((stack) => stack.node.id).join(", ")}`);
    }
    const [next] = remaining.splice(index, 1) as [S];
    placed.add(next);
    order.push(next);
  }
  return order;
}
