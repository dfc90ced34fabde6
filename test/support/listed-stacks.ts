import { listStacks, type StackEntry } from "../../scripts/stacks";

let listed: readonly StackEntry[] | undefined;

/**
 * `listStacks()` of every environment file, computed once per worker: listing constructs every
 * stack of every environment (~0.5 s), and the test files that read the whole listing share it
 * (vitest keeps one module graph per worker). Read it, never change it.
 */
export function allListedStacks(): readonly StackEntry[] {
  listed ??= Object.freeze(listStacks());
  return listed;
}
