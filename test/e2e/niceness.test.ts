import { getPriority } from "node:os";
import { describe, expect, it } from "vitest";
import { offCriticalPath, run } from "../../e2e/processes";

/** The niceness a process reads of itself, field 19 of /proc/<pid>/stat, after a pause (the runner lowers it right after spawning). */
const OWN_NICENESS = "sleep 0.1; cut -d' ' -f19 /proc/$$/stat";
const niceness = async () =>
  Number((await run("sh", ["-c", OWN_NICENESS], { cwd: process.cwd(), env: process.env, timeoutSeconds: 30 })).stdout.trim());

describe("work off the end-to-end suite's critical path", () => {
  it("starts its processes at niceness 10, through every await, so the critical path gets the CPU first", async () => {
    const seen = await offCriticalPath(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      return Promise.all([niceness(), niceness()]);
    });
    expect(seen).toEqual([10, 10]);
  });

  it("leaves the processes of other work, at the same time, at the runner's own priority", async () => {
    const [, beside] = await Promise.all([offCriticalPath(niceness), niceness()]);
    expect(beside).toBe(getPriority());
  });
});
