import { Lazy } from "cdktf";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { suppressTokenCreationStacks, withoutTokenCreationStacks } from "../stacks/token-creation-stacks";

/** A new cdktf token's recorded creation stack (cdktf keeps it for resolution errors). */
function creationStackOfNewToken(): readonly string[] {
  return Lazy.anyValue({ produce: () => "value" }).creationStack;
}

/** Sets V8's stack formatter; undefined is Node's default (the Node types declare it always set). */
function setFormatter(formatter: ((error: Error, frames: NodeJS.CallSite[]) => unknown) | undefined): void {
  (Error as { prepareStackTrace?: unknown }).prepareStackTrace = formatter;
}

// The test setup suppresses token creation stacks for every file; these tests start from Node's default.
let installed: typeof Error.prepareStackTrace | undefined;
beforeEach(() => {
  installed = Error.prepareStackTrace;
  setFormatter(undefined);
});
afterEach(() => {
  setFormatter(installed);
});

describe("synthesis without token creation stacks", () => {
  it("cdktf records where a token was created, outside the wrapper", () => {
    expect(creationStackOfNewToken().length).toBeGreaterThan(0);
  });

  it("records no creation stack for tokens made inside the wrapper", () => {
    expect(withoutTokenCreationStacks(() => creationStackOfNewToken())).toEqual([]);
  });

  it("keeps an error's message and frames inside the wrapper", () => {
    const stack = withoutTokenCreationStacks(() => new TypeError("vpc id missing").stack ?? "");
    const [first, ...frames] = stack.split("\n");
    expect(first).toBe("TypeError: vpc id missing");
    expect(frames.length).toBeGreaterThan(0);
    for (const frame of frames) expect(frame).toMatch(/^ {4}at /);
    expect(stack).toContain("token-creation-stacks.test.ts");
  });

  it("hands errors to a formatter that was already installed", () => {
    setFormatter((error) => `custom: ${error.message}`);
    expect(withoutTokenCreationStacks(() => new Error("boom").stack)).toBe("custom: boom");
  });

  it("restores the previous formatter afterwards, also when the work throws", () => {
    expect(withoutTokenCreationStacks(() => 42)).toBe(42);
    expect(Error.prepareStackTrace).toBeUndefined();
    expect(() =>
      withoutTokenCreationStacks(() => {
        throw new RangeError("synth failed");
      }),
    ).toThrow("synth failed");
    expect(Error.prepareStackTrace).toBeUndefined();
    expect(creationStackOfNewToken().length).toBeGreaterThan(0);
  });

  it("GIVEN an object that is not an error WHEN its stack is captured inside the wrapper THEN V8 walks no frame: the object keeps a plain empty stack", () => {
    // V8's capture replaces `stack` with a non-enumerable property of the formatted frames; the
    // object cdktf passes ({ stack: "" }) keeps its own enumerable one only if no capture was taken.
    const target = { stack: "" };

    withoutTokenCreationStacks(() => Error.captureStackTrace(target));

    expect(Object.getOwnPropertyDescriptor(target, "stack")).toEqual({ value: "", writable: true, enumerable: true, configurable: true });
  });

  it("GIVEN an error WHEN its stack is captured inside the wrapper THEN it gets its frames as before", () => {
    const error = new Error("queue missing");

    const stack = withoutTokenCreationStacks(() => {
      Error.captureStackTrace(error);
      return error.stack ?? "";
    });

    expect(stack.split("\n")[0]).toBe("Error: queue missing");
    expect(stack).toContain("token-creation-stacks.test.ts");
  });

  it("GIVEN a formatter installed over the wrapper's WHEN an object that is not an error is captured THEN that formatter gets its frames", () => {
    const target: { stack?: unknown } = {};

    const frames = withoutTokenCreationStacks(() => {
      const suppressing = Error.prepareStackTrace;
      setFormatter((_, callSites) => callSites.length);
      try {
        Error.captureStackTrace(target);
        return target.stack;
      } finally {
        setFormatter(suppressing);
      }
    });

    expect(frames).toBeGreaterThan(0);
  });

  it("restores Error.captureStackTrace afterwards: a capture outside the wrapper walks the frames again", () => {
    const original = Error.captureStackTrace;
    withoutTokenCreationStacks(() => undefined);
    const target = { stack: "" };

    Error.captureStackTrace(target);

    expect(Error.captureStackTrace).toBe(original);
    expect(target.stack).toContain("token-creation-stacks.test.ts");
  });

  it("installs once: suppressing while suppressed chains no second formatter, and its restore changes nothing", () => {
    const restore = suppressTokenCreationStacks();
    const formatter = Error.prepareStackTrace;
    const restoreAgain = suppressTokenCreationStacks();
    expect(Error.prepareStackTrace).toBe(formatter);
    restoreAgain();
    expect(Error.prepareStackTrace).toBe(formatter);
    expect(creationStackOfNewToken()).toEqual([]);
    restore();
    expect(Error.prepareStackTrace).toBeUndefined();
  });
});
