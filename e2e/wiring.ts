/**
 * The wiring between layers, derived from the layer contracts as synthesized: every attribute of
 * a downstream resource whose value reads an upstream output (`data.terraform_remote_state.<read>.outputs.<name>`)
 * is compared with what the upstream's state published, after both were applied. No list of
 * resources: a new resource placed from the network's outputs is checked as soon as it exists.
 */
import type { TerraformJson } from "./scratch";

/** One attribute compared. */
export interface WiringCheck {
  /** `aws_eks_cluster.eks_cluster_55B0C966`. */
  readonly address: string;
  /** `vpc_config[0].subnet_ids`. */
  readonly attribute: string;
  /** `network-state.private_app_subnet_ids`. */
  readonly output: string;
  readonly expected: unknown;
  readonly actual: unknown;
  readonly ok: boolean;
}

/** The result for one downstream stack. */
export interface WiringResult {
  readonly checks: readonly WiringCheck[];
  /** References that could not be compared, with the reason (a resource not in state, an expression not evaluated). */
  readonly unchecked: readonly string[];
}

/** A managed resource in state. */
export interface StateResource {
  readonly address: string;
  readonly values: Readonly<Record<string, unknown>>;
}

const REFERENCE = /data\.terraform_remote_state\.([\w-]+)\.outputs\.(\w+)/;

/** Evaluates the forms the app synthesizes: the output itself, `[N]`, `element(o, N)`, `tostring(o)`; undefined for any other. */
function evaluateExpression(text: string, outputs: (read: string, name: string) => unknown): { value: unknown } | undefined {
  const whole = /^\$\{(?:tostring\()?data\.terraform_remote_state\.([\w-]+)\.outputs\.(\w+)\)?\}$/.exec(text);
  if (whole !== null) {
    const value = outputs(whole[1] ?? "", whole[2] ?? "");
    return { value: text.includes("tostring(") && value !== undefined ? String(value) : value };
  }
  const indexed =
    /^\$\{data\.terraform_remote_state\.([\w-]+)\.outputs\.(\w+)\[(\d+)\]\}$/.exec(text) ??
    /^\$\{element\(data\.terraform_remote_state\.([\w-]+)\.outputs\.(\w+), (\d+)\)\}$/.exec(text);
  if (indexed !== null) {
    const list = outputs(indexed[1] ?? "", indexed[2] ?? "");
    return { value: Array.isArray(list) ? list[Number(indexed[3])] : undefined };
  }
  return undefined;
}

function sameValue(expected: unknown, actual: unknown): boolean {
  if (Array.isArray(expected) && Array.isArray(actual)) {
    return JSON.stringify([...expected].map(String).sort()) === JSON.stringify([...actual].map(String).sort());
  }
  if (typeof expected === "number" || typeof actual === "number") return String(expected) === String(actual);
  return JSON.stringify(expected) === JSON.stringify(actual);
}

/** The state value at the synthesized path: a nested block written as an object is a one-element list in state. */
function stateValueAt(values: unknown, path: readonly (string | number)[]): { found: boolean; value: unknown } {
  let current: unknown = values;
  for (const segment of path) {
    if (typeof segment === "string" && Array.isArray(current) && current.length === 1) current = current[0];
    if (current === null || typeof current !== "object") return { found: false, value: undefined };
    if (!(String(segment) in (current as Record<string, unknown>))) return { found: false, value: undefined };
    current = (current as Record<string | number, unknown>)[segment];
  }
  return { found: true, value: current };
}

function pathText(path: readonly (string | number)[]): string {
  return path.map((segment, index) => (typeof segment === "number" ? `[${segment}]` : index === 0 ? segment : `.${segment}`)).join("");
}

/**
 * Compares every reference to an upstream output in `downstream`'s resources and data sources
 * with the state (data sources at `data.<type>.<name>`).
 * `outputs(read, name)` gives the upstream's published value (undefined when it has none).
 */
export function checkWiring(
  downstream: TerraformJson,
  state: readonly StateResource[],
  outputs: (read: string, name: string) => unknown,
): WiringResult {
  const checks: WiringCheck[] = [];
  const unchecked: string[] = [];
  // Data sources too (`data.<type>.<name>`, as in `state`): the account layer's OIDC provider ARN
  // reaches network-<env> only through the policy documents of the roles that trust it.
  const blocksOf = [
    ...Object.entries(downstream.resource ?? {}).map(([type, blocks]) => [type, blocks] as const),
    ...Object.entries(downstream.data ?? {})
      .filter(([type]) => type !== "terraform_remote_state")
      .map(([type, blocks]) => [`data.${type}`, blocks] as const),
  ];
  for (const [type, blocks] of blocksOf) {
    for (const [name, block] of Object.entries(blocks)) {
      const address = `${type}.${name}`;
      const inState = state.find((resource) => resource.address === address);
      const visit = (value: unknown, path: (string | number)[]) => {
        if (typeof value === "string") {
          const reference = REFERENCE.exec(value);
          if (reference === null) return;
          const output = `${reference[1]}.${reference[2]}`;
          if (inState === undefined) {
            unchecked.push(`${address}.${pathText(path)} (${output}): the resource is not in the state`);
            return;
          }
          const evaluated = evaluateExpression(value, outputs);
          const actual = stateValueAt(inState.values, path);
          if (evaluated === undefined) {
            // An expression around the output (a policy document, a string with it inside): the
            // state value must contain the upstream value.
            const expected = outputs(reference[1] ?? "", reference[2] ?? "");
            const parts = (Array.isArray(expected) ? expected : [expected]).map(String);
            const text = JSON.stringify(actual.value) ?? "";
            checks.push({
              address,
              attribute: pathText(path),
              output,
              expected,
              actual: actual.value,
              ok: actual.found && parts.every((part) => text.includes(part)),
            });
            return;
          }
          checks.push({
            address,
            attribute: pathText(path),
            output,
            expected: evaluated.value,
            actual: actual.value,
            ok: actual.found && evaluated.value !== undefined && sameValue(evaluated.value, actual.value),
          });
          return;
        }
        if (Array.isArray(value)) {
          // A list of single references (`[${...[0]}, ${...[1]}]`) compares element by element.
          value.forEach((item, index) => {
            visit(item, [...path, index]);
          });
          return;
        }
        if (value !== null && typeof value === "object") {
          for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
            if (key === "//" || key === "lifecycle" || key === "depends_on" || key === "provider") continue;
            visit(inner, [...path, key]);
          }
        }
      };
      visit(block, []);
    }
  }
  return { checks, unchecked };
}

/**
 * The folder of the stack a remote-state read reads, by read name, from the read's own config:
 * `dev/network.tfstate` -> `network-<environment>`; the account layer's `account/<id>.tfstate`
 * -> `account-<id>` (one stack per account, no environment in its name).
 */
export function upstreamStacks(downstream: TerraformJson, environment: string): Map<string, { layer: string; stack: string }> {
  const reads = new Map<string, { layer: string; stack: string }>();
  for (const [name, read] of Object.entries(downstream.data?.["terraform_remote_state"] ?? {})) {
    const config = (read["config"] ?? {}) as { key?: unknown; path?: unknown };
    const location = typeof config.key === "string" ? config.key : typeof config.path === "string" ? config.path : "";
    const account = /(?:^|\/)account\/(\d{12})\.tfstate$/.exec(location)?.[1];
    if (account !== undefined) {
      reads.set(name, { layer: "account", stack: `account-${account}` });
      continue;
    }
    const layer = /([\w-]+)\.tfstate$/.exec(location)?.[1];
    if (layer !== undefined) reads.set(name, { layer, stack: `${layer}-${environment}` });
  }
  return reads;
}

/** Where the network's outputs must land: resource type, attribute, output. Each rule must select at least one resource. */
const PLACEMENT_RULES: readonly {
  readonly type: string;
  readonly attribute: string;
  readonly output: string;
  readonly why: string;
}[] = [
  {
    type: "aws_eks_cluster",
    attribute: "vpc_config.subnet_ids",
    output: "private_app_subnet_ids",
    why: "the cluster's ENIs in the private-app subnets",
  },
  { type: "aws_eks_node_group", attribute: "subnet_ids", output: "private_app_subnet_ids", why: "nodes in the private-app subnets" },
  {
    type: "aws_db_subnet_group",
    attribute: "subnet_ids",
    output: "private_data_subnet_ids",
    why: "the database in the private-data subnets",
  },
  { type: "aws_security_group", attribute: "vpc_id", output: "vpc_id", why: "every security group in the network's VPC" },
];

/** The placement rules over a platform state: one line per rule broken, and rules that selected nothing. */
export function checkPlacement(
  state: readonly (StateResource & { readonly type?: string })[],
  networkOutput: (name: string) => unknown,
): { readonly wrong: readonly string[]; readonly empty: readonly string[]; readonly checked: number } {
  const wrong: string[] = [];
  const empty: string[] = [];
  let checked = 0;
  for (const rule of PLACEMENT_RULES) {
    const selected = state.filter((resource) => resource.address.startsWith(`${rule.type}.`));
    if (selected.length === 0) {
      empty.push(`${rule.type} (${rule.why})`);
      continue;
    }
    for (const resource of selected) {
      checked += 1;
      const actual = stateValueAt(resource.values, rule.attribute.split("."));
      const expected = networkOutput(rule.output);
      if (!actual.found || !sameValue(expected, actual.value)) {
        wrong.push(
          `${resource.address}.${rule.attribute} = ${JSON.stringify(actual.value)}, not the network's ${rule.output} ${JSON.stringify(expected)} (${rule.why})`,
        );
      }
    }
  }
  return { wrong, empty, checked };
}
