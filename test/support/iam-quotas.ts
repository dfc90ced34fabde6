import { statementsOfPolicy } from "../policy/rules";
import { policyJson } from "./iam-simulate";
import { resourcesOf, synthesizedStack, type TerraformJson } from "./synthesized";

/**
 * The sizes IAM's quotas count, of the documents a synthesized stack sends to IAM: each role's
 * inline policies (aggregate), the customer-managed policies it creates, the managed policies
 * attached per role, each trust policy. A document is rendered as the AWS provider's
 * `aws_iam_policy_document` renders it (a one-element list becomes a string; Go escapes `<`, `>`
 * and `&` as `\u003c`), without whitespace (IAM does not count it), every Terraform reference
 * replaced by the longest value AWS could give it (a multi-Region key's id, an EKS issuer's 32
 * characters, a generated name at its maximum length); names the stack spells are used as spelled.
 */

type Body = Record<string, unknown>;

/** The account, region and partition of a stack (its AWS provider's). */
interface Place {
  readonly stack: string;
  readonly account: string;
  readonly region: string;
  readonly partition: string;
}

function placeOf(stack: string, doc: TerraformJson): Place {
  const provider = doc.provider?.["aws"]?.[0] ?? {};
  const region = typeof provider["region"] === "string" ? provider["region"] : "ap-southeast-5";
  const account = ((provider["allowed_account_ids"] as readonly string[] | undefined) ?? [])[0] ?? "999999999999";
  const partition = region.startsWith("us-gov-") ? "aws-us-gov" : region.startsWith("cn-") ? "aws-cn" : "aws";
  return { stack, account, region, partition };
}

/** Maximum lengths AWS allows for generated or referenced names (each service's API reference). */
const MAX_NAME: Readonly<Record<string, number>> = {
  aws_sns_topic: 256,
  aws_sqs_queue: 80,
  aws_cloudwatch_log_group: 512,
  aws_ecr_repository: 256,
  aws_iam_role: 64,
  aws_s3_bucket: 63,
  aws_eks_cluster: 100,
  aws_elasticache_replication_group: 40,
  aws_elasticache_user: 40,
  aws_secretsmanager_secret: 512,
};

/** The name attribute of each type whose ARN embeds its name. */
const NAME_ATTRIBUTE: Readonly<Record<string, string>> = {
  aws_sns_topic: "name",
  aws_sqs_queue: "name",
  aws_cloudwatch_log_group: "name",
  aws_ecr_repository: "name",
  aws_iam_role: "name",
  aws_s3_bucket: "bucket",
  aws_eks_cluster: "name",
  aws_elasticache_replication_group: "replication_group_id",
  aws_elasticache_user: "user_id",
  aws_secretsmanager_secret: "name",
};

const HEX32 = "0123456789ABCDEF0123456789ABCDEF";
/** A multi-Region key id (`mrk-` and 32 hex digits: as long as a UUID). */
const KEY_ID = "mrk-0123456789abcdef0123456789abcdef";

/** Resolves every `${...}` of a synthesized string to a worst-case concrete value. */
export class ReferenceResolver {
  private readonly docs = new Map<string, TerraformJson>();

  /** `documentOf` gives the synthesized document of another stack (remote state); defaults to the run's shared synth. */
  constructor(private readonly documentOf: (stack: string) => TerraformJson = (stack) => synthesizedStack(stack).doc) {}

  /** `value` with every reference replaced. */
  resolve(stack: string, doc: TerraformJson, value: string): string {
    this.docs.set(stack, doc);
    const place = placeOf(stack, doc);
    return value.replace(/\$\{([^{}]*)\}/g, (_whole, expression: string) => this.expression(place, doc, expression.trim()));
  }

  private expression(place: Place, doc: TerraformJson, expression: string): string {
    const replace = /^replace\((.+), "([^"]*)", "([^"]*)"\)$/.exec(expression);
    if (replace !== null) return this.expression(place, doc, replace[1]!).split(replace[2]!).join(replace[3]!);
    const remote = /^data\.terraform_remote_state\.([^.]+)\.outputs\.([A-Za-z0-9_-]+)$/.exec(expression);
    if (remote !== null) return this.remoteOutput(place, doc, remote[1]!, remote[2]!);
    const resource = /^([a-z0-9_]+)\.([^.]+)\.(.+)$/.exec(expression);
    if (resource === null) throw this.unknown(place, expression);
    const [, type, key, attribute] = resource as unknown as [string, string, string, string];
    const body = resourcesOf(doc, type)[key];
    if (body === undefined) throw new Error(`${place.stack}: \${${expression}} names no resource of the stack`);
    return this.attribute(place, doc, type, body, attribute, expression);
  }

  private nameOf(place: Place, doc: TerraformJson, type: string, body: Body): string {
    const attribute = NAME_ATTRIBUTE[type];
    const name = attribute === undefined ? undefined : body[attribute];
    if (typeof name === "string") return name.includes("${") ? this.resolve(place.stack, doc, name) : name;
    const max = MAX_NAME[type];
    if (max === undefined) throw this.unknown(place, `${type} name`);
    return "n".repeat(max);
  }

  private attribute(place: Place, doc: TerraformJson, type: string, body: Body, attribute: string, expression: string): string {
    const { partition: p, region: r, account: a } = place;
    const name = () => this.nameOf(place, doc, type, body);
    switch (`${type}.${attribute}`) {
      case "aws_sns_topic.arn":
        return `arn:${p}:sns:${r}:${a}:${name()}`;
      case "aws_sqs_queue.arn":
        return `arn:${p}:sqs:${r}:${a}:${name()}`;
      case "aws_cloudwatch_log_group.arn":
        return `arn:${p}:logs:${r}:${a}:log-group:${name()}`;
      case "aws_ecr_repository.arn":
        return `arn:${p}:ecr:${r}:${a}:repository/${name()}`;
      case "aws_iam_role.arn": {
        const path = typeof body["path"] === "string" ? body["path"] : "/";
        return `arn:${p}:iam::${a}:role${path}${name()}`;
      }
      case "aws_iam_policy.arn": {
        const path = typeof body["path"] === "string" ? body["path"] : "/";
        const policyName = typeof body["name"] === "string" ? body["name"] : "n".repeat(128);
        return `arn:${p}:iam::${a}:policy${path}${policyName}`;
      }
      case "aws_s3_bucket.arn":
        return `arn:${p}:s3:::${name()}`;
      case "aws_eks_cluster.arn":
        return `arn:${p}:eks:${r}:${a}:cluster/${name()}`;
      case "aws_eks_cluster.identity[0].oidc[0].issuer":
        return `https://oidc.eks.${r}.amazonaws.com/id/${HEX32}`;
      case "aws_elasticache_replication_group.arn":
        return `arn:${p}:elasticache:${r}:${a}:replicationgroup:${name()}`;
      case "aws_elasticache_user.arn":
        return `arn:${p}:elasticache:${r}:${a}:user:${name()}`;
      case "aws_secretsmanager_secret.arn":
        // Secrets Manager appends a hyphen and six random characters to the name.
        return `arn:${p}:secretsmanager:${r}:${a}:secret:${name()}-AbCdEf`;
      case "aws_kms_key.arn":
        return `arn:${p}:kms:${r}:${a}:key/${KEY_ID}`;
      case "aws_rds_cluster.cluster_resource_id":
        return "cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ";
      case "aws_rds_cluster.master_user_secret[0].secret_arn":
        return `arn:${p}:secretsmanager:${r}:${a}:secret:rds!cluster-01234567-89ab-cdef-0123-456789abcdef-AbCdEf`;
      case "aws_subnet.id":
        return "subnet-0123456789abcdef0";
      case "aws_security_group.id":
        return "sg-0123456789abcdef0";
      case "aws_iam_openid_connect_provider.arn": {
        const url =
          typeof body["url"] === "string" ? this.resolve(place.stack, doc, body["url"]) : `oidc.eks.${r}.amazonaws.com/id/${HEX32}`;
        return `arn:${p}:iam::${a}:oidc-provider/${url.replace(/^https:\/\//, "")}`;
      }
      default:
        throw this.unknown(place, expression);
    }
  }

  /** The value another stack publishes, resolved in that stack (the remote state's key names it: `<env>/<layer>.tfstate`, `account/<id>.tfstate`). */
  private remoteOutput(place: Place, doc: TerraformJson, id: string, output: string): string {
    const config = (doc.data?.["terraform_remote_state"]?.[id]?.["config"] ?? {}) as Body;
    const key = String(config["key"] ?? config["path"] ?? "");
    const found = /([^/]+)\/([^/]+)\.tfstate$/.exec(key);
    if (found === null) throw new Error(`${place.stack}: remote state ${id} has no state key of a stack of this app (${key})`);
    const upstream = found[1] === "account" ? `account-${found[2]}` : `${found[2]}-${found[1]}`;
    const upstreamDoc = this.docs.get(upstream) ?? this.documentOf(upstream);
    const value = upstreamDoc.output?.[output]?.value;
    if (typeof value !== "string") throw new Error(`${place.stack}: ${upstream} publishes no string output ${output}`);
    return this.resolve(upstream, upstreamDoc, value);
  }

  private unknown(place: Place, expression: string): Error {
    return new Error(
      `${place.stack}: no worst-case value for \${${expression}}: add one to ReferenceResolver (test/support/iam-quotas.ts)`,
    );
  }
}

/** A one-element list as a string, as the provider's policy document renders it. */
function single(values: readonly unknown[]): unknown {
  return values.length === 1 ? values[0] : values;
}

/** The IAM JSON the provider renders for a synthesized policy attribute, as IAM counts it (no whitespace). */
export function renderedPolicy(doc: TerraformJson, value: unknown, what: string): string {
  const statements = statementsOfPolicy(doc, value);
  if (statements === undefined)
    throw new Error(`${what}: the policy is neither a policy document reference nor literal JSON: ${String(value)}`);
  const json = policyJson({ statement: statements });
  const rendered = {
    Version: json.Version,
    Statement: json.Statement.map((statement) =>
      Object.fromEntries(
        Object.entries(statement).map(([field, content]) => {
          if (Array.isArray(content)) return [field, single(content)];
          if (field === "Principal" && typeof content === "object" && content !== null)
            return [field, Object.fromEntries(Object.entries(content).map(([type, ids]) => [type, single(ids as unknown[])]))];
          if (field === "Condition" && typeof content === "object" && content !== null)
            return [
              field,
              Object.fromEntries(
                Object.entries(content).map(([test, variables]) => [
                  test,
                  Object.fromEntries(
                    Object.entries(variables as Body).map(([variable, values]) => [variable, single(values as unknown[])]),
                  ),
                ]),
              ),
            ];
          return [field, content];
        }),
      ),
    ),
  };
  return JSON.stringify(rendered).replace(/[<>&]/g, (character) => `\\u00${character.charCodeAt(0).toString(16)}`);
}

/** What IAM counts of one role. */
export interface RoleQuotaUse {
  readonly stack: string;
  readonly role: string;
  /** Inline policies by name, with their sizes (the quota is on the sum). */
  readonly inline: readonly { readonly name: string; readonly size: number }[];
  /** Managed policies attached (AWS-managed and customer-managed), by ARN or reference. */
  readonly attached: readonly string[];
  readonly trustSize: number;
}

/** A customer-managed policy of a stack and its size. */
export interface ManagedPolicySize {
  readonly stack: string;
  readonly name: string;
  readonly size: number;
}

/** `value` with every string (and object key) passed through `map`. */
function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === "string") return map(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map));
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [map(key), mapStrings(item, map)]));
  return value;
}

/** The longest partition and the longest Region names (14 characters: ap-southeast-5, eusc-de-east-1, us-isob-east-1). */
const LONGEST_PARTITION = "aws-us-gov";
const LONGEST_REGION = "ap-southeast-5";

/** How a document is measured: as the stack's own account, Region and partition spell it, or in the longest ones. */
export interface Measure {
  readonly resolver: ReferenceResolver;
  /**
   * Every `arn:<partition>:` written as `arn:aws-us-gov:` and the stack's Region as a 14-character one:
   * the same stack in the longest partition and Region (an upper bound; no single Region is both).
   * @default false
   */
  readonly widened?: boolean;
}

/** The size IAM counts of a synthesized policy attribute, every reference resolved. */
function sizeOf(measure: Measure, stack: string, doc: TerraformJson, value: unknown, what: string): number {
  const resolved = mapStrings(JSON.parse(renderedPolicy(doc, value, what)), (text) => measure.resolver.resolve(stack, doc, text));
  const json = JSON.stringify(resolved).replace(/[<>&]/g, "\\u00XX");
  if (measure.widened !== true) return json.length;
  const region = String(doc.provider?.["aws"]?.[0]?.["region"] ?? LONGEST_REGION);
  return json
    .replace(/arn:aws(-[a-z-]+)?:/g, `arn:${LONGEST_PARTITION}:`)
    .split(region)
    .join(LONGEST_REGION).length;
}

/** Every role of a stack, with its inline policies, attachments and trust as IAM counts them. */
export function roleQuotaUses(stack: string, doc: TerraformJson, measure: Measure = { resolver: new ReferenceResolver() }): RoleQuotaUse[] {
  return Object.entries(resourcesOf(doc, "aws_iam_role")).map(([key, role]) => {
    const name = String(role["name"]);
    const isThisRole = (value: unknown) =>
      value === `\${aws_iam_role.${key}.id}` || value === `\${aws_iam_role.${key}.name}` || value === name;
    const inline = [
      ...Object.values(resourcesOf(doc, "aws_iam_role_policy"))
        .filter((policy) => isThisRole(policy["role"]))
        .map((policy) => ({ name: String(policy["name"]), value: policy["policy"] })),
      ...((role["inline_policy"] as Body[] | undefined) ?? []).map((policy) => ({ name: String(policy["name"]), value: policy["policy"] })),
    ].map((policy) => ({
      name: policy.name,
      size: sizeOf(measure, stack, doc, policy.value, `${stack} role ${name} policy ${policy.name}`),
    }));
    const attached = [
      ...Object.values(resourcesOf(doc, "aws_iam_role_policy_attachment"))
        .filter((attachment) => isThisRole(attachment["role"]))
        .map((attachment) => String(attachment["policy_arn"])),
      ...((role["managed_policy_arns"] as string[] | undefined) ?? []),
    ];
    return {
      stack,
      role: name,
      inline,
      attached,
      trustSize: sizeOf(measure, stack, doc, role["assume_role_policy"], `${stack} trust of ${name}`),
    };
  });
}

/** Every customer-managed policy a stack creates, with its size. */
export function managedPolicySizes(
  stack: string,
  doc: TerraformJson,
  measure: Measure = { resolver: new ReferenceResolver() },
): ManagedPolicySize[] {
  return Object.values(resourcesOf(doc, "aws_iam_policy")).map((policy) => {
    const name = String(policy["name"]);
    return { stack, name, size: sizeOf(measure, stack, doc, policy["policy"], `${stack} policy ${name}`) };
  });
}
