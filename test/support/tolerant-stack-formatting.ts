/**
 * A stack formatter that cannot throw, for vitest's main process.
 *
 * vitest keeps transformed modules on disk between runs (`experimental.fsModuleCache`,
 * vitest.config.mts). In the main process, where global setup runs, vite's source-map support then
 * throws while formatting any stack that passes through a module read from that cache
 * (`TypeError: code.charCodeAt is not a function` in `extractInlineSourceMap`: it is handed the
 * module's code as bytes, not text). cdktf formats a stack for every token a module creates when it
 * loads, so a run whose shared synth is not cached (the first after an edit of a stack or module)
 * stopped in global setup with that error and no test ran; an error thrown by the synth itself would
 * have been shown as that TypeError instead of its own message.
 *
 * The wrapper asks the installed formatter first, so stacks stay source-mapped wherever vite can map
 * them; where it throws, the stack is formatted as V8 does (`Name: message`, then `at` lines, the
 * transformed file's positions).
 */

import { v8Format } from "../../stacks/token-creation-stacks";

type StackFormatter = NonNullable<typeof Error.prepareStackTrace>;

/** Marks the wrapper installed here, so installing twice wraps nothing twice. */
const TOLERANT = Symbol.for("aws-platform-cdktf.tolerantStackFormatting");

/**
 * Wraps the installed `Error.prepareStackTrace` (when there is one) so that a formatter that throws
 * falls back to V8's format. Returns a function that puts the previous formatter back.
 */
export function tolerateFailingStackFormatter(): () => void {
  const previous = Error.prepareStackTrace;
  if (previous === undefined || TOLERANT in previous) return () => undefined;
  const tolerant: StackFormatter = (error: Error, frames: NodeJS.CallSite[]): unknown => {
    try {
      return previous(error, frames);
    } catch {
      return v8Format(error, frames);
    }
  };
  Object.defineProperty(tolerant, TOLERANT, { value: true });
  Error.prepareStackTrace = tolerant;
  return () => {
    if (Error.prepareStackTrace === tolerant) Error.prepareStackTrace = previous;
  };
}
