import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tolerateFailingStackFormatter } from "./support/tolerant-stack-formatting";

/** Sets V8's stack formatter; undefined is Node's default (the Node types declare it always set). */
function setFormatter(formatter: ((error: Error, frames: NodeJS.CallSite[]) => unknown) | undefined): void {
  (Error as { prepareStackTrace?: unknown }).prepareStackTrace = formatter;
}

/** What vite's source-map support does with a module read from vitest's module cache. */
const failingLikeVite = (): never => {
  throw new TypeError("code.charCodeAt is not a function");
};

function thrownHere(): Error {
  return new Error("the synth's own message");
}

let installed: typeof Error.prepareStackTrace | undefined;
let restores: (() => void)[] = [];
beforeEach(() => {
  installed = Error.prepareStackTrace;
});
afterEach(() => {
  for (const restore of restores.reverse()) restore();
  restores = [];
  setFormatter(installed);
});

function tolerate(): void {
  restores.push(tolerateFailingStackFormatter());
}

describe("a stack formatter that cannot throw (vitest's main process, with its module cache)", () => {
  it("GIVEN a formatter that throws WHEN an error's stack is read THEN it is V8's format: the error's own message, then its frames", () => {
    setFormatter(failingLikeVite);
    tolerate();
    const stack = thrownHere().stack ?? "";
    expect(stack.split("\n")[0]).toBe("Error: the synth's own message");
    expect(stack).toMatch(/\n {4}at thrownHere \(/);
    expect(stack).not.toContain("charCodeAt");
  });

  it("GIVEN a formatter that works WHEN an error's stack is read THEN that formatter's result is kept", () => {
    setFormatter((error) => `mapped: ${error.message}`);
    tolerate();
    expect(thrownHere().stack).toBe("mapped: the synth's own message");
  });

  it("GIVEN no formatter WHEN installed THEN nothing is installed (V8 formats as it always does)", () => {
    setFormatter(undefined);
    tolerate();
    expect(Error.prepareStackTrace).toBeUndefined();
  });

  it("GIVEN it is installed twice WHEN restored THEN the first wrapper is not wrapped again, and the original comes back", () => {
    setFormatter(failingLikeVite);
    tolerate();
    const wrapper = Error.prepareStackTrace;
    tolerate();
    expect(Error.prepareStackTrace).toBe(wrapper);
    for (const restore of restores.reverse()) restore();
    restores = [];
    expect(Error.prepareStackTrace).toBe(failingLikeVite);
  });
});
