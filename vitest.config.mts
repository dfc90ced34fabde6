import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/** Testing.app() leaves a temp folder per call: every test process writes below this one, which the run cleans. */
const testTmp = fileURLToPath(new URL(".tmp/vitest", import.meta.url));

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/support/matchers.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    env: { TMPDIR: testTmp, CHECKPOINT_DISABLE: "1" },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
