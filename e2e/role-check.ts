/**
 * Every API call of a stack's apply and plan, checked against the CI role that makes it in
 * production: each call becomes its IAM requests (calls.ts, with the ARNs of arns.ts), evaluated
 * with iam-simulate against the role's policies and boundary read back from the emulator.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { loadActionModels } from "./arns";
import { iamActionOf, iamRequestsOf, parseApiLog, type IamRequest, type ParsedLog } from "./calls";
import type { ResourceFacts, RunContext, StackEntry } from "./context";
import { plantingsNamed } from "./plantings";
import type { Moto } from "./processes";
import { evaluate, readRolePolicies, withResourceContext } from "./roles";

/**
 * At most this share of a stack's requests may have a resource ARN that could not be derived
 * (evaluated on `*`); above it the run fails. Measured over every environment: at most 1.8%
 * (network-dev's plan, 3 of 169: the Config recorder and an SNS subscription, whose ARNs hold an
 * id no call carries).
 */
export const UNDERIVED_THRESHOLD = 0.05;

/** Request entries of a log that may be unreadable: none (a changed log format must fail, not pass with 0 calls). */
const UNPARSABLE_THRESHOLD = 0;

/** Counts of the requests by how their resource was found. */
function countKinds(requests: readonly IamRequest[]): { concrete: number; wildcardOnly: number; underived: number } {
  return {
    concrete: requests.filter((request) => (request.kind ?? "concrete") === "concrete").length,
    wildcardOnly: requests.filter((request) => request.kind === "wildcard-only").length,
    underived: requests.filter((request) => request.kind === "underived").length,
  };
}

/** `ec2 6, config 6`: underived requests per service, most first. */
function underivedByService(requests: readonly IamRequest[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const request of requests.filter((entry) => entry.kind === "underived")) {
    const service = request.action.split(":")[0] ?? "?";
    counts.set(service, (counts.get(service) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]);
}

/**
 * What the logs of one step say before any call is checked: unreadable entries over the threshold, or no call at all, fail.
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function judgeLogs(step: string, parsed: readonly ParsedLog[]): { readonly check: string; readonly message: string }[] {
  const problems: { check: string; message: string }[] = [];
  const unparsable = parsed.reduce((sum, entry) => sum + entry.unparsable, 0);
  if (unparsable > UNPARSABLE_THRESHOLD) {
    problems.push({
      check: `log readable (${step})`,
      message: `${unparsable} request entries of the ${step} log could not be read (threshold ${UNPARSABLE_THRESHOLD}), e.g. ${parsed.flatMap((entry) => entry.examples)[0] ?? ""}`,
    });
  }
  if (parsed.every((entry) => entry.calls.length === 0)) {
    problems.push({ check: `calls recorded (${step})`, message: `no API call found in the ${step} logs: nothing was checked` });
  }
  return problems;
}

/**
 * Adds `aws:ResourceTag/<key>` of the resource a request acts on, as the state recorded it (AWS
 * sets these for an existing resource; a create's own tags are request tags).
 *
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function withResourceTags(requests: readonly IamRequest[], resources: ReadonlyMap<string, ResourceFacts>): IamRequest[] {
  return requests.map((request) => {
    const facts = resources.get(request.resource);
    if (facts === undefined || request.because?.startsWith("tags on create") === true) return request;
    // EC2 sets its own ec2:ResourceTag/<key> beside aws:ResourceTag/<key> (AWS managed policies use either).
    const prefixes = request.action.startsWith("ec2:") ? ["aws", "ec2"] : ["aws"];
    const tags = Object.fromEntries(
      prefixes.flatMap((prefix) =>
        Object.entries(facts.tags)
          .filter(([key]) => request.context[`${prefix}:ResourceTag/${key}`] === undefined)
          .map(([key, value]) => [`${prefix}:ResourceTag/${key}`, value]),
      ),
    );
    return Object.keys(tags).length === 0 ? request : { ...request, context: { ...request.context, ...tags } };
  });
}

/** Checks the apply (as the deploy role) and the plan (as the plan role) of one stack; one verdict per check. */
export async function checkStackCalls(
  context: RunContext,
  moto: Moto,
  stack: StackEntry,
  dir: string,
  phase: string,
  log: (message: string) => void,
  resources: ReadonlyMap<string, ResourceFacts> = new Map(),
): Promise<void> {
  const roleName = (arn: string) => arn.split("/").pop() ?? arn;
  for (const [step, roleArn, logFile] of [
    ["apply", stack.deployRoleArn, "apply.log"],
    ["plan", stack.planRoleArn, "plan.log"],
  ] as const) {
    await context.verdicts.check(phase, stack.name, `role check (${step})`, async () => {
      const role = await readRolePolicies(moto, roleName(roleArn));
      const providerLog = path.join(dir, logFile.replace(/\.log$/, ".provider.log"));
      const parsed = [readFileSync(path.join(dir, logFile), "utf8"), existsSync(providerLog) ? readFileSync(providerLog, "utf8") : ""]
        .map((text) => plantingsNamed(context.plant).reduce((planted, planting) => planting.log?.(planted) ?? planted, text))
        .map(parseApiLog);
      const calls = parsed.flatMap((entry) => entry.calls);
      const problems = judgeLogs(step, parsed);
      for (const problem of problems) context.verdicts.fail(phase, stack.name, problem.check, problem.message);
      if (calls.length === 0) return;
      const missing = [...new Set(calls.map((call) => iamActionOf(call)))].filter((action) => !context.models.has(action.toLowerCase()));
      for (const [key, model] of await loadActionModels(missing)) context.models.set(key, model);
      const requests = withResourceTags(
        await withResourceContext(
          moto,
          calls.flatMap((call) => iamRequestsOf(call, { account: stack.accountId, region: stack.region }, context.models)),
        ),
        resources,
      );
      const kinds = countKinds(requests);
      context.figures.calls.concrete += kinds.concrete;
      context.figures.calls.wildcardOnly += kinds.wildcardOnly;
      context.figures.calls.underived += kinds.underived;
      const byService = underivedByService(requests);
      for (const [service, count] of byService)
        context.figures.underivedByService.set(service, (context.figures.underivedByService.get(service) ?? 0) + count);
      const share = requests.length === 0 ? 0 : kinds.underived / requests.length;
      const arnVerdict = `${kinds.concrete} on a concrete ARN, ${kinds.wildcardOnly} of actions without a resource, ${kinds.underived} not derived${byService.length > 0 ? ` (${byService.map(([service, count]) => `${service} ${count}`).join(", ")})` : ""}`;
      if (share > UNDERIVED_THRESHOLD) {
        context.verdicts.fail(
          phase,
          stack.name,
          `ARNs derived (${step})`,
          `${(share * 100).toFixed(1)}% of requests without a derived ARN, above ${UNDERIVED_THRESHOLD * 100}%: ${arnVerdict}`,
        );
      } else context.verdicts.pass(phase, stack.name, `ARNs derived (${step})`, arnVerdict);
      const violations = await evaluate(stack.name, role, stack.accountId, requests, (arn) => resources.get(arn)?.policy);
      const entry = context.usage.get(roleArn) ?? { role, requests: [] };
      entry.role = role;
      entry.requests.push(...requests);
      context.usage.set(roleArn, entry);
      context.figures.violations += violations.length;
      log(
        `as ${roleName(roleArn)} (${step}): ${calls.length} API calls, ${requests.length} requests (${arnVerdict}), ${new Set(requests.map((request) => request.action)).size} distinct actions, ${violations.length} violations`,
      );
      for (const violation of violations) {
        log(
          `  ROLE VIOLATION: ${violation.role} may not ${violation.action} on ${violation.resource} (${violation.call}: ${violation.result})`,
        );
      }
      if (violations.length > 0) {
        context.verdicts.fail(
          phase,
          stack.name,
          `role check (${step})`,
          `${violations.length} requests ${roleName(roleArn)} may not make: ${violations
            .slice(0, 5)
            .map((violation) => `${violation.action} on ${violation.resource} (${violation.call})`)
            .join("; ")}${violations.length > 5 ? "; ..." : ""}`,
        );
      } else
        context.verdicts.pass(phase, stack.name, `role check (${step})`, `${requests.length} requests allowed for ${roleName(roleArn)}`);
    });
  }
}
