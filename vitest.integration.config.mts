import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * Integration tests: they run a real terraform that downloads providers, so they need network
 * access to registry.terraform.io and are run by CI (`npm run test:integration`), never by the
 * default `npm test`. No global setup of the unit suite: each test synthesizes what it checks.
 *
 * Scratch space is a folder of this run below .tmp/ (TMPDIR: cdktf's Testing.fullSynth writes
 * there); providers are cached across stacks and runs in .tmp/terraform-plugin-cache.
 */
const runTmp = fileURLToPath(new URL(`.tmp/vitest-integration/run-${process.pid}`, import.meta.url));
const pluginCache = fileURLToPath(new URL(".tmp/terraform-plugin-cache", import.meta.url));
mkdirSync(runTmp, { recursive: true });
mkdirSync(pluginCache, { recursive: true });
process.env["TMPDIR"] = runTmp;

export default defineConfig({
  test: {
    include: ["test/integration/**/*.test.ts"],
    env: {
      TMPDIR: runTmp,
      CHECKPOINT_DISABLE: "1",
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      // Plain text in assertion messages.
      TF_CLI_ARGS: process.env["TF_CLI_ARGS"] ?? "-no-color",
      TF_PLUGIN_CACHE_DIR: process.env["TF_PLUGIN_CACHE_DIR"] ?? pluginCache,
      // Without a lock file Terraform 1.4+ downloads every provider again instead of using the cache.
      TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE: "true",
      // `terraform validate` checks the configuration, not the state: skip initializing the S3
      // backends, which would need AWS credentials and existing buckets. Set TF_CLI_ARGS_init
      // (even to "") to initialize them for real.
      TF_CLI_ARGS_init: process.env["TF_CLI_ARGS_init"] ?? "-backend=false",
    },
    // One stack's init downloads the AWS, Kubernetes and Helm providers on a cold cache.
    testTimeout: 15 * 60_000,
    hookTimeout: 5 * 60_000,
  },
});
