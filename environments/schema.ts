import { z } from "zod";
import { cidr, environmentFields } from "./fields";
import { environmentRuleProblems } from "./rules";
import type { SubnetPlan } from "./subnet-plan";
import { workloadsSchema } from "./workloads-schema";
/**
 * The schema of `environments/<env>.yaml`: its fields (fields.ts, where every default is
 * documented once and from which `npm run schema` generates the editors' JSON Schema), then the
 * cross-field rules of one file (rules.ts); the rules across files are in
 * cross-environment-rules.ts.
 */

/** An environment file: its fields, then the cross-field rules of rules.ts, in their order. */
export const environmentSchema = environmentFields.superRefine((env, ctx) => {
  for (const problem of environmentRuleProblems(env)) ctx.addIssue({ code: "custom", path: [...problem.path], message: problem.message });
});

/**
 * What the rules across files (cross-environment-rules.ts) read of an environment, validated with
 * the same field schemas: `npm run synth -- --env <name>` checks the environments it synthesizes
 * in full and only these facts of the others, so one environment among many files stays fast.
 * Keys not named here pass (the full schema judges them when that environment is synthesized).
 */
export const environmentFactsSchema = z.looseObject({
  stage: environmentFields.shape.stage,
  account: environmentFields.shape.account,
  state: environmentFields.shape.state,
  dns: environmentFields.shape.dns,
  ecr: environmentFields.shape.ecr,
  network: z.looseObject({
    vpcCidr: environmentFields.shape.network.shape.vpcCidr,
    management: z.looseObject({ vpcCidr: cidr }).optional(),
  }),
  workloads: z.looseObject({
    frontendHost: workloadsSchema.shape.frontendHost,
    certificateArn: workloadsSchema.shape.certificateArn,
    certificateCovers: workloadsSchema.shape.certificateCovers,
  }),
});

type Facts = z.output<typeof environmentFactsSchema>;

/** An environment as the rules across files see it: its name and its facts (a full EnvironmentConfig is one too). */
export interface EnvironmentFacts {
  /** The environment's name, from its file name. */
  readonly name: string;
  readonly stage: Facts["stage"];
  readonly account: Facts["account"];
  readonly state: Facts["state"];
  readonly dns: Facts["dns"];
  readonly ecr: Facts["ecr"];
  readonly network: { readonly vpcCidr: string; readonly management?: { readonly vpcCidr: string } | undefined };
  readonly workloads: {
    readonly frontendHost: string;
    readonly certificateArn?: string | undefined;
    readonly certificateCovers?: readonly string[] | undefined;
  };
}

/** A validated environment file with every default applied. */
export type EnvironmentSettings = z.output<typeof environmentSchema>;

/** A loaded environment: its settings, its name (the file name) and its literal subnet plan. */
export interface EnvironmentConfig extends EnvironmentSettings {
  /** The environment's name, from its file name: `dev` for `environments/dev.yaml`. */
  readonly name: string;
  /** Literal subnet CIDRs per tier, computed at load time. */
  readonly subnetPlan: SubnetPlan;
}
