import * as path from "node:path";
import { z } from "zod";
import { ENVIRONMENTS_DIR } from "./load";
import { environmentSchema } from "./schema";

/** Where editors find the schema: each `<env>.yaml` starts with `# yaml-language-server: $schema=./environment.schema.json`. */
export const ENVIRONMENT_JSON_SCHEMA_FILE = path.join(ENVIRONMENTS_DIR, "environment.schema.json");

/**
 * The JSON Schema of `environments/<env>.yaml`, generated from `environmentSchema` (the single
 * source of truth) for editor completion and inline validation.
 *
 * - `io: "input"`: describes the file as written, so keys with a default are optional.
 * - draft-07: the newest draft the YAML language server (redhat vscode-yaml) validates against.
 * - The cross-field rules (`superRefine`: subnets fit and do not overlap, production guarantees,
 *   AZs of the region, ...) cannot be expressed in JSON Schema and are left out; the loader
 *   enforces them at synth time. `unrepresentable: "any"` keeps generation working should a part
 *   of the schema ever have no JSON Schema form.
 *
 * @returns the schema, pretty-printed with a trailing newline (the exact content of the committed file).
 */
export function environmentJsonSchema(): string {
  const generated = z.toJSONSchema(environmentSchema, { io: "input", target: "draft-7", unrepresentable: "any" });
  const { $schema, ...body } = generated;
  const document = {
    $schema,
    $id: "environment.schema.json",
    title: "Environment file (environments/<env>.yaml)",
    description:
      "One environment of the AWS platform: its account, state backend, tags, network, ECR repositories, DNS zone, platform (EKS, Aurora, ElastiCache), workloads (cluster services and the frontend and backend applications) and GitHub repository. " +
      "Generated from environments/schema.ts by `npm run schema`; do not edit. Cross-field rules (subnets inside the VPC and " +
      "not overlapping, availability zones of the region, production guarantees) and the rules across environment files are checked when the app loads the files.",
    ...body,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
