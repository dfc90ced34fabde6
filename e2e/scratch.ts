/**
 * Pure transformations of a synthesized stack for the end-to-end run. The synthesized
 * `cdk.tf.json` is copied to a scratch folder; what the run changes there is:
 * - resources of an emulator gap, and what references them, are left out (counted, never silent);
 * - arguments the pinned AWS provider has and the mirrored older one lacks are dropped (named);
 * - override files (`*_override.tf.json`, Terraform's own mechanism) pin the mirrored provider
 *   version and point the provider and every remote-state read at the emulator;
 * - the S3 backend gets the emulator's endpoints through a `-backend-config` file.
 * Nothing here changes what the app synthesizes for real accounts.
 */

/** The subset of Terraform JSON this module reads. */
export interface TerraformJson {
  terraform?: {
    backend?: Record<string, Record<string, unknown>>;
    required_providers?: Record<string, { source?: string; version?: string }>;
    [key: string]: unknown;
  };
  provider?: Record<string, unknown>;
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

/** Why a resource was left out. */
export interface LeftOut {
  /** `aws_cloudtrail.audit` or `data.aws_x.y` or `output.name`. */
  readonly address: string;
  /** The gap's resource type, or the address it depends on. */
  readonly because: string;
}

/** Every `type.name` (and `data.type.name`) address a JSON value refers to in `${...}` expressions. */
function referencedAddresses(value: unknown): Set<string> {
  const found = new Set<string>();
  const text = JSON.stringify(value) ?? "";
  for (const interpolation of text.matchAll(/\$\{([^}]*)\}/g)) {
    const expression = interpolation[1] ?? "";
    for (const match of expression.matchAll(/\b(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)/g)) {
      found.add(`${match[1] ?? ""}${match[2]}.${match[3]}`);
    }
  }
  return found;
}

function dependsOnEntries(block: Record<string, unknown>): string[] {
  const entries = block["depends_on"];
  return Array.isArray(entries) ? entries.filter((entry): entry is string => typeof entry === "string") : [];
}

/** A placeholder for `type.name.attribute` of a resource left out: an ARN-shaped value for `arn`, a marked string otherwise. */
function placeholderFor(reference: string): string {
  const [type = "", name = "", attribute = ""] = reference.split(".");
  const service = type.split("_")[1] ?? "e2e";
  return attribute === "arn" ? `arn:aws:${service}:*:*:e2e-placeholder-${name}` : `e2e-placeholder-${name}-${attribute}`;
}

/** Block types that may name a resource without needing it to exist: references are replaced by placeholders, the block stays. */
const PLACEHOLDER_TYPES = new Set(["data.aws_iam_policy_document"]);

/**
 * Leaves out every resource that `isGap` selects, then, transitively, every resource, data source
 * and output whose arguments need something left out. An IAM policy document that merely names a
 * left-out resource is kept, the reference replaced by a placeholder (so the role policy built
 * from it is still applied and checked). A `depends_on` entry on something left out is dropped.
 * Every change is returned: `leftOut` (blocks dropped, with the reason) and `patched` (blocks
 * kept with a reference replaced or a `depends_on` entry dropped). The input is not modified.
 */
export function leaveOutGaps(
  stack: TerraformJson,
  isGap: (type: string, name: string, block: Record<string, unknown>) => string | undefined,
): { readonly stack: TerraformJson; readonly leftOut: readonly LeftOut[]; readonly patched: readonly LeftOut[] } {
  const copy = structuredClone(stack);
  const leftOut: LeftOut[] = [];
  const patched: LeftOut[] = [];
  const removed = new Set<string>();
  const reasons = new Map<string, string>();
  for (const [type, blocks] of Object.entries(copy.resource ?? {})) {
    for (const [name, block] of Object.entries(blocks)) {
      const reason = isGap(type, name, block);
      if (reason !== undefined) {
        removed.add(`${type}.${name}`);
        reasons.set(`${type}.${name}`, reason);
        leftOut.push({ address: `${type}.${name}`, because: reason });
      }
    }
  }
  const isRemoved = (block: unknown) => [...referencedAddresses(block)].find((address) => removed.has(address));
  let changed = removed.size > 0;
  while (changed) {
    changed = false;
    for (const [kind, prefix] of [
      ["resource", ""],
      ["data", "data."],
    ] as const) {
      for (const [type, blocks] of Object.entries(copy[kind] ?? {})) {
        for (const [name, block] of Object.entries(blocks)) {
          const address = `${prefix}${type}.${name}`;
          if (removed.has(address)) continue;
          const { depends_on: _ignored, ...argumentsOnly } = block;
          const cause = isRemoved(argumentsOnly);
          if (cause === undefined) continue;
          if (PLACEHOLDER_TYPES.has(`${prefix}${type}`)) {
            let text = JSON.stringify(block);
            const replaced: string[] = [];
            for (const reference of new Set(
              [...text.matchAll(/\b((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*\.[a-z_]+)\b/g)].map((m) => m[1] ?? ""),
            )) {
              const target = reference
                .split(".")
                .slice(0, reference.startsWith("data.") ? 3 : 2)
                .join(".");
              if (!removed.has(target)) continue;
              text = text.replace(new RegExp(`\\$\\{${reference.replace(/[.]/g, "\\.")}\\}`, "g"), placeholderFor(reference));
              text = text.split(reference).join(`\\"${placeholderFor(reference)}\\"`);
              replaced.push(reference);
            }
            const next = JSON.parse(text) as Record<string, unknown>;
            if (isRemoved((({ depends_on: _d, ...rest }) => rest)(next)) === undefined) {
              blocks[name] = next;
              for (const reference of replaced) {
                patched.push({
                  address,
                  because: `reference ${reference} replaced by a placeholder (${reasons.get(reference.split(".").slice(0, 2).join(".")) ?? "left out"})`,
                });
              }
              changed = true;
              continue;
            }
          }
          removed.add(address);
          reasons.set(address, `refers to ${cause}, left out`);
          leftOut.push({ address, because: cause });
          changed = true;
        }
      }
    }
  }
  for (const kind of ["resource", "data"] as const) {
    const section = copy[kind];
    if (section === undefined) continue;
    for (const [type, blocks] of Object.entries(section)) {
      for (const name of Object.keys(blocks)) {
        const address = `${kind === "data" ? "data." : ""}${type}.${name}`;
        if (removed.has(address)) {
          delete blocks[name];
          continue;
        }
        const block = blocks[name];
        if (block === undefined) continue;
        const dependsOn = dependsOnEntries(block);
        if (dependsOn.length > 0) {
          const kept = dependsOn.filter((entry) => !removed.has(entry));
          for (const entry of dependsOn.filter((candidate) => removed.has(candidate))) {
            patched.push({ address, because: `depends_on ${entry} dropped (${reasons.get(entry) ?? "left out"})` });
          }
          if (kept.length === 0) delete block["depends_on"];
          else block["depends_on"] = kept;
        }
      }
      if (Object.keys(blocks).length === 0) delete section[type];
    }
  }
  for (const [name, output] of Object.entries(copy.output ?? {})) {
    const cause = isRemoved(output);
    if (cause !== undefined) {
      delete copy.output?.[name];
      leftOut.push({ address: `output.${name}`, because: cause });
    }
  }
  dropEmptySections(copy);
  return { stack: copy, leftOut, patched };
}

/** Terraform rejects an empty `resource`, `data` or `output` object in JSON. */
function dropEmptySections(stack: TerraformJson): void {
  for (const section of ["resource", "data", "output"] as const) {
    const value = stack[section];
    if (value !== undefined && Object.keys(value).length === 0) delete stack[section];
  }
}

/** Count of resources (not data sources or outputs) in a left-out list. */
export function countResources(leftOut: readonly LeftOut[]): number {
  return leftOut.filter((entry) => !/^(data|output|provider)\./.test(entry.address)).length;
}

/**
 * The provider blocks' service endpoint names (provider 5.x `endpoints` arguments) the run
 * points at the emulator: every service the stacks call, and the ones the provider itself calls
 * while configuring (sts, iam).
 */
const EMULATED_SERVICES = [
  "acm",
  "apigateway",
  "appautoscaling",
  "autoscaling",
  "cloudtrail",
  "cloudwatch",
  "codebuild",
  "configservice",
  "dynamodb",
  "ec2",
  "ecr",
  "eks",
  "elasticache",
  "elbv2",
  "events",
  "guardduty",
  "iam",
  "kms",
  "lambda",
  "logs",
  "rds",
  "route53",
  "s3",
  "s3control",
  "secretsmanager",
  "sns",
  "sqs",
  "ssm",
  "sts",
  "wafv2",
] as const;

/** Settings that keep the AWS provider and the S3 backend on the emulator with test credentials. */
export interface Emulator {
  readonly endpoint: string;
  /** Where the EKS API is served, when not at `endpoint`. */
  readonly eksEndpoint?: string;
  readonly accessKey: string;
  readonly secretKey: string;
}

/** `_override.tf.json`: the mirrored provider version and every endpoint on the emulator. */
export function providerOverride(stack: TerraformJson, emulator: Emulator, providerVersion: string): TerraformJson {
  const requiredProviders = stack.terraform?.required_providers ?? {};
  if (requiredProviders["aws"] === undefined) throw new Error("the stack does not require the aws provider");
  const providers = stack.provider?.["aws"];
  const count = Array.isArray(providers) ? providers.length : 0;
  if (count !== 1) throw new Error(`expected one aws provider block, found ${count}`);
  return {
    terraform: { required_providers: { aws: { source: requiredProviders["aws"].source ?? "aws", version: providerVersion } } },
    provider: {
      aws: [
        {
          access_key: emulator.accessKey,
          secret_key: emulator.secretKey,
          skip_credentials_validation: true,
          skip_metadata_api_check: true,
          skip_region_validation: true,
          s3_use_path_style: true,
          endpoints: [
            Object.fromEntries(
              EMULATED_SERVICES.map((service) => [
                service,
                service === "eks" ? (emulator.eksEndpoint ?? emulator.endpoint) : emulator.endpoint,
              ]),
            ),
          ],
        },
      ],
    },
  };
}

/** Endpoint, credential and skip settings of the S3 backend and of `terraform_remote_state` reads. */
function s3BackendSettings(emulator: Emulator): Record<string, unknown> {
  return {
    access_key: emulator.accessKey,
    secret_key: emulator.secretKey,
    skip_credentials_validation: true,
    skip_metadata_api_check: true,
    skip_region_validation: true,
    skip_requesting_account_id: true,
    use_path_style: true,
    endpoints: { s3: emulator.endpoint, sts: emulator.endpoint, iam: emulator.endpoint, dynamodb: emulator.endpoint },
  };
}

/** A `-backend-config` file (HCL) for the stack's own S3 backend: endpoints only, bucket and key unchanged. */
export function backendConfigFile(emulator: Emulator): string {
  const settings = s3BackendSettings(emulator);
  const lines: string[] = [];
  for (const [key, value] of Object.entries(settings)) {
    if (typeof value === "object" && value !== null) {
      lines.push(`${key} = {`);
      for (const [inner, innerValue] of Object.entries(value)) lines.push(`  ${inner} = ${JSON.stringify(innerValue)}`);
      lines.push("}");
    } else {
      lines.push(`${key} = ${JSON.stringify(value)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/**
 * `_override.tf.json` for each S3 `terraform_remote_state` read: its own config (bucket, key,
 * region as synthesized) plus the emulator settings. Terraform replaces a top-level argument
 * wholesale in an override, so the whole config is repeated.
 */
export function remoteStateOverride(stack: TerraformJson, emulator: Emulator): TerraformJson | undefined {
  const reads = stack.data?.["terraform_remote_state"];
  if (reads === undefined) return undefined;
  const overridden: Record<string, Record<string, unknown>> = {};
  for (const [name, read] of Object.entries(reads)) {
    if (read["backend"] !== "s3") continue;
    const config = read["config"];
    if (typeof config !== "object" || config === null) throw new Error(`terraform_remote_state.${name} has no config`);
    overridden[name] = { config: { ...(config as Record<string, unknown>), ...s3BackendSettings(emulator) } };
  }
  return Object.keys(overridden).length === 0 ? undefined : { data: { terraform_remote_state: overridden } };
}

/** Resources in a Terraform JSON document, as addresses. */
export function resourceAddresses(stack: TerraformJson): string[] {
  return Object.entries(stack.resource ?? {}).flatMap(([type, blocks]) => Object.keys(blocks).map((name) => `${type}.${name}`));
}

/**
 * Arguments of the AWS provider the stacks pin (6.25.0) that the mirrored provider of these machines
 * does not have: `terraform validate` would stop at "Unsupported argument". Each is dropped from the
 * scratch copy when the mirrored major version is older than `since`, and the drop is logged.
 */
const NEWER_PROVIDER_ARGUMENTS: readonly {
  readonly type: string;
  readonly argument: string;
  /** The first major version of the provider that has it. */
  readonly since: number;
  readonly evidence: string;
}[] = [
  {
    type: "aws_eks_cluster",
    argument: "deletion_protection",
    since: 6,
    evidence:
      "terraform providers schema -json of hashicorp/aws 5.100.0: aws_eks_cluster has no deletion_protection; @cdktf/provider-aws 21.22.1 (generated from 6.25.0) has EksCluster#deletion_protection",
  },
];

/** The stack without the arguments `providerVersion` lacks (see NEWER_PROVIDER_ARGUMENTS), and the `address argument` pairs dropped. */
export function withoutNewerArguments(
  stack: TerraformJson,
  providerVersion: string,
): { readonly stack: TerraformJson; readonly dropped: string[] } {
  const major = Number(providerVersion.split(".")[0]);
  const copy = structuredClone(stack);
  const dropped: string[] = [];
  for (const { type, argument, since } of NEWER_PROVIDER_ARGUMENTS) {
    if (major >= since) continue;
    for (const [name, block] of Object.entries(copy.resource?.[type] ?? {})) {
      if (!(argument in block)) continue;
      delete block[argument];
      dropped.push(`${type}.${name} ${argument}`);
    }
  }
  return { stack: copy, dropped };
}

/** Addresses of resources with `deletion_protection = true` (the API refuses to delete them). */
export function deletionProtectedAddresses(stack: TerraformJson): string[] {
  return Object.entries(stack.resource ?? {}).flatMap(([type, blocks]) =>
    Object.entries(blocks)
      .filter(([, block]) => block["deletion_protection"] === true)
      .map(([name]) => `${type}.${name}`),
  );
}

/** Addresses of resources with `lifecycle.prevent_destroy = true`. */
export function preventDestroyAddresses(stack: TerraformJson): string[] {
  return Object.entries(stack.resource ?? {}).flatMap(([type, blocks]) =>
    Object.entries(blocks)
      .filter(([, block]) => (block["lifecycle"] as { prevent_destroy?: unknown } | undefined)?.prevent_destroy === true)
      .map(([name]) => `${type}.${name}`),
  );
}

/**
 * The AWS part of a workloads stack: every resource, data source, provider and output of the
 * kubernetes and helm providers removed, and what refers to them. Returns the document and the
 * removed addresses.
 */
export function awsPartOf(stack: TerraformJson): { readonly stack: TerraformJson; readonly removed: readonly LeftOut[] } {
  const nonAws = (type: string) => type.startsWith("kubernetes_") || type.startsWith("helm_");
  const result = leaveOutGaps(stack, (type) => (nonAws(type) ? "kubernetes/helm provider" : undefined));
  const pruned = result.stack;
  const leftOut: LeftOut[] = [...result.leftOut];
  const data = pruned.data ?? {};
  for (const type of Object.keys(data)) {
    if (nonAws(type)) {
      for (const name of Object.keys(data[type] ?? {}))
        leftOut.push({ address: `data.${type}.${name}`, because: "kubernetes/helm provider" });
      delete data[type];
    }
  }
  const providers = { ...(pruned.provider ?? {}) };
  for (const name of ["kubernetes", "helm"]) {
    if (providers[name] !== undefined) {
      delete providers[name];
      leftOut.push({ address: `provider.${name}`, because: "kubernetes/helm provider" });
    }
  }
  pruned.provider = providers;
  const required = { ...(pruned.terraform?.required_providers ?? {}) };
  delete required["kubernetes"];
  delete required["helm"];
  pruned.terraform = { ...(pruned.terraform ?? {}), required_providers: required };
  dropEmptySections(pruned);
  return { stack: pruned, removed: leftOut };
}

/**
 * `_override.tf.json` adding attributes to `lifecycle.ignore_changes` (kept with the ones the stack
 * already ignores: an override replaces the argument). Returns the override and how many blocks it touches.
 */
export function ignoreChangesOverride(
  stack: TerraformJson,
  ignored: (type: string, block: Record<string, unknown>, name: string) => readonly string[],
): { readonly override: TerraformJson | undefined; readonly blocks: number; readonly summary: readonly string[] } {
  const resource: Record<string, Record<string, Record<string, unknown>>> = {};
  const counts = new Map<string, number>();
  let blocks = 0;
  for (const [type, named] of Object.entries(stack.resource ?? {})) {
    for (const [name, block] of Object.entries(named)) {
      const attributes = ignored(type, block, name);
      if (attributes.length === 0) continue;
      const lifecycle = (block["lifecycle"] ?? {}) as { ignore_changes?: unknown };
      const existing = Array.isArray(lifecycle.ignore_changes) ? (lifecycle.ignore_changes as string[]) : [];
      if (lifecycle.ignore_changes === "all") continue;
      resource[type] = { ...(resource[type] ?? {}), [name]: { lifecycle: { ignore_changes: [...new Set([...existing, ...attributes])] } } };
      blocks += 1;
      const key = `${type}.${attributes.join("/")}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return { override: blocks === 0 ? undefined : { resource }, blocks, summary: [...counts].map(([key, count]) => `${key} x${count}`) };
}

/**
 * Resources of the stack's CI identity (construct `ci` directly under the stack: the GitHub OIDC
 * provider, the CI roles, their policies and boundary), which an administrator applies.
 */
export function ciIdentityAddresses(stack: TerraformJson, stackName: string): string[] {
  return Object.entries(stack.resource ?? {}).flatMap(([type, blocks]) =>
    Object.entries(blocks)
      .filter(([, block]) => {
        const metadata = (block["//"] as { metadata?: { path?: string } } | undefined)?.metadata;
        return metadata?.path?.startsWith(`${stackName}/ci/`) === true;
      })
      .map(([name]) => `${type}.${name}`),
  );
}
