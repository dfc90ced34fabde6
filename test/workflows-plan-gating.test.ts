import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { allSynthesizedStacks } from "./support/synthesized";
import { ROOT } from "./support/paths";

/**
 * Issue 13, item 4: no pull request reaches production's plan role (which reads everything,
 * Kubernetes Secrets included) without a reviewer. The plan role trusts only the GitHub
 * environment `<env>-plan` and the deploy branch; the pull-request workflow plans in that
 * environment, and `prod-plan` carries required reviewers (docs/ci-cd.md).
 */
interface Job {
  readonly environment?: unknown;
  readonly strategy?: { readonly matrix?: Record<string, unknown> };
  readonly steps?: readonly { readonly uses?: string; readonly with?: Record<string, unknown> }[];
}
const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const workflows = readdirSync(WORKFLOWS)
  .filter((file) => file.endsWith(".yml"))
  .map(
    (file) =>
      [
        file,
        parse(readFileSync(path.join(WORKFLOWS, file), "utf8")) as { on: Record<string, unknown>; jobs: Record<string, Job> },
      ] as const,
  );

interface Statement {
  readonly actions?: string[];
  readonly principals?: { type: string; identifiers: string[] }[];
  readonly condition?: { test: string; variable: string; values: string[] }[];
}

/** Subjects each `<env>-github-plan` role trusts, read from the synthesized network stacks. */
function planRoleSubjects(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const stack of allSynthesizedStacks().filter((candidate) => candidate.name.startsWith("network-"))) {
    const environment = stack.name.slice("network-".length);
    const roles = Object.values(stack.doc.resource?.["aws_iam_role"] ?? {});
    const plan = roles.find((role) => role["name"] === `${environment}-github-plan`);
    const reference = /data\.aws_iam_policy_document\.([^.]+)\.json/.exec(String(plan?.["assume_role_policy"]))?.[1];
    const trust = reference === undefined ? undefined : stack.doc.data?.["aws_iam_policy_document"]?.[reference];
    const statements = (trust?.["statement"] as Statement[] | undefined) ?? [];
    found.set(
      environment,
      statements.flatMap((statement) => statement.condition?.filter((c) => c.variable.endsWith(":sub")).flatMap((c) => c.values) ?? []),
    );
  }
  return found;
}

describe("production plans only behind a reviewer", () => {
  const subjects = planRoleSubjects();

  it("finds every environment's plan role", () => {
    expect([...subjects.keys()].sort()).toEqual(expect.arrayContaining(["dev", "prod", "staging"]));
  });

  for (const [environment, trusted] of subjects) {
    it(`${environment}-github-plan trusts ${environment}-plan jobs and main, never a bare pull request`, () => {
      expect(trusted.length).toBeGreaterThan(0);
      for (const subject of trusted)
        expect(subject).toMatch(new RegExp(`^repo:[^:]+:(environment:${environment}-plan|ref:refs/heads/main)$`));
    });
  }

  it("assumes a plan role from a pull request only in a job that runs in the stack's <env>-plan environment", () => {
    let assuming = 0;
    for (const [file, workflow] of workflows) {
      if (!Object.keys(workflow.on).some((event) => event.startsWith("pull_request"))) continue;
      for (const [id, job] of Object.entries(workflow.jobs)) {
        const assumesPlanRole = (job.steps ?? []).some((step) => String(step.with?.["role-to-assume"] ?? "").includes("planRoleArn"));
        if (!assumesPlanRole) continue;
        assuming += 1;
        expect(job.environment, `${file} job ${id}`).toBe("${{ matrix.stack.environment }}-plan");
      }
    }
    expect(assuming).toBeGreaterThan(0);
  });

  it("assumes a plan role outside <env>-plan only in workflows no pull request triggers (the role then trusts main alone)", () => {
    const outside = workflows.flatMap(([file, workflow]) =>
      Object.entries(workflow.jobs)
        .filter(([, job]) => job.environment === undefined)
        .filter(([, job]) => (job.steps ?? []).some((step) => String(step.with?.["role-to-assume"] ?? "").includes("planRoleArn")))
        .map(([id]) => ({ file, id, triggers: Object.keys(workflow.on).sort() })),
    );
    expect(outside).toEqual([{ file: "drift.yml", id: "plan", triggers: ["schedule", "workflow_dispatch"] }]);
  });
});
