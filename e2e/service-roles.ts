/**
 * The roles a platform stack creates, exercised as their workloads would use them: each service's
 * calls (its `aws-calls.ts`, kept beside the service) evaluated with iam-simulate against the
 * role the stack created for it, its policies and its permissions boundary, read back from the
 * emulator. A boundary or policy that breaks the nodes, the CNI, the EBS driver, the load
 * balancer controller, external-dns, Grafana (its admin credential) or the app fails here, naming
 * the service and the call.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { BACKEND_AWS_CALLS } from "../modules/apps/backend-aws-calls";
import { LOAD_BALANCER_CONTROLLER_AWS_CALLS } from "../modules/cluster-services/aws-load-balancer-controller/aws-calls";
import { EXTERNAL_DNS_AWS_CALLS } from "../modules/cluster-services/external-dns/aws-calls";
import { GRAFANA_AWS_CALLS } from "../modules/cluster-services/kube-prometheus-stack/aws-calls";
import type { ServiceAwsCalls } from "../modules/core/aws-calls";
import { EBS_CSI_AWS_CALLS } from "../modules/eks/ebs-csi-aws-calls";
import { NODE_AWS_CALLS } from "../modules/eks/node-aws-calls";
import { VPC_CNI_AWS_CALLS } from "../modules/eks/vpc-cni-aws-calls";
import type { IamRequest } from "./calls";
import type { RunContext, StackEntry } from "./context";
import type { Moto } from "./processes";
import { evaluate, readRolePolicies } from "./roles";
import type { StateResource } from "./wiring";

/**
 * Every service whose role the platform layer creates, with its calls.
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export const SERVICE_AWS_CALLS: readonly ServiceAwsCalls[] = [
  NODE_AWS_CALLS,
  VPC_CNI_AWS_CALLS,
  EBS_CSI_AWS_CALLS,
  LOAD_BALANCER_CONTROLLER_AWS_CALLS,
  EXTERNAL_DNS_AWS_CALLS,
  BACKEND_AWS_CALLS,
  GRAFANA_AWS_CALLS,
];

/**
 * `${Name}` -> value; a variable without a value is an error naming it.
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function fillTemplate(template: string, facts: Readonly<Record<string, string | undefined>>, what: string): string {
  return template.replace(/\$\{(\w+)\}/g, (_, name: string) => {
    const value = facts[name];
    if (value === undefined) throw new Error(`${what}: no value for \${${name}}`);
    return value;
  });
}

/**
 * The IAM requests of one service's calls, with the facts of the stack filled in.
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function serviceRequests(service: ServiceAwsCalls, facts: Readonly<Record<string, string | undefined>>): IamRequest[] {
  return service.calls.map((call) => ({
    action: call.action,
    resource: fillTemplate(call.resource, facts, `${service.service} ${call.action}`),
    context: Object.fromEntries(
      Object.entries(call.context ?? {}).map(([key, value]) => [
        key,
        typeof value === "string"
          ? fillTemplate(value, facts, `${service.service} ${call.action}`)
          : value.map((item) => fillTemplate(item, facts, `${service.service} ${call.action}`)),
      ]),
    ),
    call: `${service.service}: ${call.why}`,
    kind: call.resource === "*" ? "wildcard-only" : "concrete",
  }));
}

/**
 * The facts the calls' templates use, from the stack entry, its environment file and its state.
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function factsOf(
  stack: Pick<StackEntry, "region" | "accountId" | "environment">,
  state: readonly StateResource[],
  hostedZoneId: string | undefined,
): Record<string, string | undefined> {
  const first = (type: string, attribute: string) => {
    const value = state.find((resource) => resource.address.startsWith(`${type}.`))?.values[attribute];
    return typeof value === "string" ? value : undefined;
  };
  /** An attribute of the resource of `type` whose `key` is `value` (a secret by name, an alias by name). */
  const named = (type: string, key: string, value: string, attribute: string) => {
    const found = state.find((resource) => resource.address.startsWith(`${type}.`) && resource.values[key] === value)?.values[attribute];
    return typeof found === "string" ? found : undefined;
  };
  return {
    Partition: "aws",
    Region: stack.region,
    Account: stack.accountId,
    Environment: stack.environment,
    ClusterName: first("aws_eks_cluster", "name"),
    DatabaseClusterResourceId: first("aws_rds_cluster", "cluster_resource_id"),
    HostedZoneId: hostedZoneId,
    GrafanaAdminSecretArn: named("aws_secretsmanager_secret", "name", `${stack.environment}/grafana/admin`, "arn"),
  };
}

/** `hostedZoneId:` of the environment file (the zone external-dns writes to). */
function hostedZoneIdOf(root: string, environment: string): string | undefined {
  try {
    return /^\s*hostedZoneId:\s*["']?([A-Z0-9]+)/m.exec(readFileSync(path.join(root, "environments", `${environment}.yaml`), "utf8"))?.[1];
  } catch {
    return undefined;
  }
}

/** Exercises every service role a platform stack created; one verdict per service. */
export async function checkServiceRoles(
  context: RunContext,
  moto: Moto,
  stack: StackEntry,
  state: readonly StateResource[],
  phase: string,
  log: (message: string) => void,
): Promise<void> {
  if (stack.layer !== "platform") return;
  const facts = factsOf(stack, state, hostedZoneIdOf(context.root, stack.environment));
  const roles = new Set(
    state.filter((resource) => resource.address.startsWith("aws_iam_role.")).map((resource) => resource.values["name"]),
  );
  for (const service of SERVICE_AWS_CALLS) {
    await context.verdicts.check(phase, stack.name, `service role ${service.service}`, async () => {
      const roleName = `${stack.environment}-${service.roleName}`;
      if (!roles.has(roleName)) throw new Error(`no role ${roleName} in the state of ${stack.name}: ${service.service} has no identity`);
      const role = await readRolePolicies(moto, roleName);
      const violations = await evaluate(stack.name, role, stack.accountId, serviceRequests(service, facts));
      if (violations.length > 0) {
        throw new Error(
          `${service.service} (role ${roleName}) may not make ${violations.length} of its ${service.calls.length} calls: ${violations
            .map((violation) => `${violation.action} on ${violation.resource} (${violation.call}: ${violation.result})`)
            .join("; ")}`,
        );
      }
      log(`service role ${service.service}: ${roleName} may make its ${service.calls.length} calls (policies and boundary)`);
      context.verdicts.pass(phase, stack.name, `service role ${service.service}`, `${service.calls.length} calls allowed for ${roleName}`);
    });
  }
}
