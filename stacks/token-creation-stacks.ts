/**
 * Synthesis without token creation stacks.
 *
 * cdktf records where every token was created: each attribute reference, `Lazy` and list token
 * captures a full stack trace (`Error.captureStackTrace` on a plain object, with the depth limit
 * lifted) and formats it into strings, only to show it if that token later fails to resolve. The
 * app already turns construct metadata traces off (`new App({ stackTraces: false })`); this does
 * the same for tokens. Formatting those traces was the largest cost cdktf adds per token: about a
 * tenth of a full synth, a fifth when the app runs bundled, and a third of the test suite, whose
 * runner formats every trace through source maps (docs/performance.md).
 *
 * V8 formats every captured stack through `Error.prepareStackTrace`. While suppressed, captures on
 * objects that are not errors (cdktf's token traces) format to nothing, so cdktf records an empty
 * creation stack; errors are formatted as before: by the formatter that was installed, if any
 * (a test runner's source-map support, say), else as V8 does (`Name: message`, then `at` lines).
 * Since such a capture could only format to nothing, it is not taken either: `Error.captureStackTrace`
 * on an object that is not an error gives it an empty `stack` without walking the call stack (the
 * walk, every frame with the depth limit lifted, cost more than the formatting), unless another
 * formatter was installed over this one (that formatter may want the frames).
 */

/** Marks the formatter installed here, so installing twice chains nothing. */
const SUPPRESSING = Symbol.for("aws-platform-cdktf.suppressTokenCreationStacks");

type StackFormatter = NonNullable<typeof Error.prepareStackTrace>;

/**
 * V8's own format of an error's stack, for when no other formatter was installed.
 * @internal Exported for the tests' tolerant formatter too (knip --production ignores the tag).
 */
export function v8Format(error: Error, frames: readonly NodeJS.CallSite[]): string {
  return [String(error), ...frames.map((frame) => `    at ${String(frame)}`)].join("\n");
}

/**
 * Suppresses token creation stacks until the returned function is called, which puts back the
 * formatter found here. Installing while already suppressed changes nothing and returns a no-op.
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function suppressTokenCreationStacks(): () => void {
  const previous = Error.prepareStackTrace;
  if (previous !== undefined && SUPPRESSING in previous) return () => undefined;
  const suppressing: StackFormatter = (error: unknown, frames: NodeJS.CallSite[]): string => {
    if (!(error instanceof Error)) return "";
    return previous === undefined ? v8Format(error, frames) : String(previous(error, frames));
  };
  Object.defineProperty(suppressing, SUPPRESSING, { value: true });
  const capture = Error.captureStackTrace;
  const capturing: typeof Error.captureStackTrace = (target, below) => {
    if (target instanceof Error || Error.prepareStackTrace !== suppressing) capture(target, below);
    else (target as { stack?: string }).stack = "";
  };
  Error.prepareStackTrace = suppressing;
  Error.captureStackTrace = capturing;
  return () => {
    Error.prepareStackTrace = previous;
    if (Error.captureStackTrace === capturing) Error.captureStackTrace = capture;
  };
}

/** Runs `work` with token creation stacks suppressed; the previous formatter is back afterwards, also when `work` throws. */
export function withoutTokenCreationStacks<T>(work: () => T): T {
  const restore = suppressTokenCreationStacks();
  try {
    return work();
  } finally {
    restore();
  }
}
