import {
  createdResourceOf,
  requestParameters,
  requestTagsOf,
  resourcesOf,
  responseParameters,
  taggingActionOf,
  type ActionModels,
  type DerivedResources,
  type ResourceKind,
} from "./arns";

/**
 * The AWS API calls of a Terraform run, read from its debug log (`TF_LOG=debug`): the AWS
 * provider logs every request it sends ("HTTP Request Sent") with the service, the operation,
 * the URL and the body. Each call becomes the IAM request(s) a role must be allowed to make.
 */

/** One request the provider sent. */
export interface ApiCall {
  /** SDK service id, e.g. `EC2`, `CloudWatch Logs`. */
  readonly service: string;
  /** SDK operation, e.g. `DescribeVpcs`. */
  readonly operation: string;
  readonly url: string;
  readonly body: string;
  /** `tf_resource_type` of the log entry, when there is one. */
  readonly resourceType?: string;
  /** The response body, when the log pairs one with the request (the provider's JSON log does). */
  readonly responseBody?: string;
}

/** The calls of a log, and what could not be read. */
export interface ParsedLog {
  readonly calls: ApiCall[];
  /** Entries that announce a request ("HTTP Request Sent") but could not be read: counted, never skipped silently. */
  readonly unparsable: number;
  /** First unparsable entries (shortened), for the message. */
  readonly examples: readonly string[];
}

/** What a role must be allowed: an IAM action on a resource, with the context keys we know. */
export interface IamRequest {
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string | readonly string[]>>;
  /** The call that needs it, for messages. */
  readonly call: string;
  /** How the resource was determined (see arns.ts). @default "concrete" */
  readonly kind?: ResourceKind;
  /** Why the request exists beyond the call's own action: `dependent action`, `tag on create`, `passes a role`. */
  readonly because?: string;
}

/**
 * Splits a Terraform debug log into entries and keeps the AWS requests: the provider's JSON lines
 * (through TF_REATTACH_PROVIDERS), with each request's response paired (same tf_req_id, service
 * and operation, in order), and terraform's own text entries (the S3 backend). An entry that
 * announces a request but cannot be read is counted in `unparsable`.
 */
export function parseApiLog(log: string): ParsedLog {
  const calls: ApiCall[] = [];
  let unparsable = 0;
  const examples: string[] = [];
  const unreadable = (entry: string) => {
    unparsable += 1;
    if (examples.length < 3) examples.push(entry.slice(0, 160));
  };
  const waiting = new Map<string, { call: ApiCall; index: number }[]>();
  for (const line of log.split("\n")) {
    if (!line.startsWith("{")) continue;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      if (line.includes("HTTP Request Sent")) unreadable(line);
      continue;
    }
    const message = entry["@message"];
    if (message !== "HTTP Request Sent" && message !== "HTTP Response Received") continue;
    const service = entry["rpc.service"];
    const operation = entry["rpc.method"];
    if (typeof service !== "string" || typeof operation !== "string") {
      if (message === "HTTP Request Sent") unreadable(line);
      continue;
    }
    const key = `${String(entry["tf_req_id"] ?? "")} ${service} ${operation}`;
    if (message === "HTTP Response Received") {
      const pending = waiting.get(key)?.shift();
      if (pending !== undefined && typeof entry["http.response.body"] === "string") {
        calls[pending.index] = { ...pending.call, responseBody: entry["http.response.body"] };
      }
      continue;
    }
    const resourceType = entry["tf_resource_type"];
    const call: ApiCall = {
      service,
      operation,
      url: typeof entry["http.url"] === "string" ? entry["http.url"] : "",
      body: typeof entry["http.request.body"] === "string" ? entry["http.request.body"].trim() : "",
      ...(typeof resourceType === "string" ? { resourceType } : {}),
    };
    calls.push(call);
    waiting.set(key, [...(waiting.get(key) ?? []), { call, index: calls.length - 1 }]);
  }
  for (const entry of log.split(/\n(?=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)/)) {
    if (!entry.includes("HTTP Request Sent") || entry.startsWith("{")) continue;
    const field = (name: string) => {
      const match = new RegExp(`(?:^|\\s)${name.replace(/\./g, "\\.")}=(?:"((?:[^"\\\\]|\\\\.)*)"|(\\S+))`).exec(entry);
      return match === null ? undefined : (match[1] ?? match[2]);
    };
    const service = field("rpc.service");
    const operation = field("rpc.method");
    if (service === undefined || operation === undefined) {
      unreadable(entry);
      continue;
    }
    const url = field("http.url") ?? "";
    const body =
      /\n\s*http\.request\.body=\s*\n((?:\s*\|.*\n?)*)/
        .exec(entry)?.[1]
        ?.split("\n")
        .map((line) => line.replace(/^\s*\| ?/, ""))
        .join("\n")
        .trim() ?? "";
    const resourceType = field("tf_resource_type");
    calls.push({ service, operation, url, body, ...(resourceType === undefined ? {} : { resourceType }) });
  }
  return { calls, unparsable, examples };
}

/**
 * The calls of a log (see {@link parseApiLog}).
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function parseApiCalls(log: string): ApiCall[] {
  return parseApiLog(log).calls;
}

/** SDK service id -> IAM service prefix, where lower-casing the id is not the prefix. */
const SERVICE_PREFIX: Readonly<Record<string, string>> = {
  "CloudWatch Logs": "logs",
  "Config Service": "config",
  "Auto Scaling": "autoscaling",
  "Application Auto Scaling": "application-autoscaling",
  "Elastic Load Balancing v2": "elasticloadbalancing",
  "Secrets Manager": "secretsmanager",
  ACM: "acm",
  WAFV2: "wafv2",
  CodeBuild: "codebuild",
  "Route 53": "route53",
  "S3 Control": "s3",
  // EventBridge's IAM prefix is still that of CloudWatch Events (Karpenter's interruption rules, security findings).
  EventBridge: "events",
};

/** Operations whose IAM action is not `<prefix>:<operation>` (S3's REST names, mostly). */
const ACTION_OF_OPERATION: Readonly<Record<string, string>> = {
  "s3:HeadBucket": "s3:ListBucket",
  "s3:HeadObject": "s3:GetObject",
  "s3:ListObjectsV2": "s3:ListBucket",
  "s3:ListObjects": "s3:ListBucket",
  "s3:ListObjectVersions": "s3:ListBucketVersions",
  "s3:DeleteObjects": "s3:DeleteObject",
  "s3:GetBucketEncryption": "s3:GetEncryptionConfiguration",
  "s3:PutBucketEncryption": "s3:PutEncryptionConfiguration",
  "s3:DeleteBucketEncryption": "s3:PutEncryptionConfiguration",
  "s3:GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
  "s3:PutBucketLifecycleConfiguration": "s3:PutLifecycleConfiguration",
  "s3:DeleteBucketLifecycle": "s3:PutLifecycleConfiguration",
  "s3:GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
  "s3:PutPublicAccessBlock": "s3:PutBucketPublicAccessBlock",
  "s3:DeletePublicAccessBlock": "s3:PutBucketPublicAccessBlock",
  "s3:GetBucketAccelerateConfiguration": "s3:GetAccelerateConfiguration",
  "s3:GetBucketReplication": "s3:GetReplicationConfiguration",
  "s3:GetObjectLockConfiguration": "s3:GetBucketObjectLockConfiguration",
  "s3:GetBucketCors": "s3:GetBucketCORS",
  "s3:DeleteBucketOwnershipControls": "s3:PutBucketOwnershipControls",
  "s3:DeleteBucketTagging": "s3:PutBucketTagging",
  "s3:GetBucketLogging": "s3:GetBucketLogging",
  "s3:GetBucketRequestPayment": "s3:GetBucketRequestPayment",
  "s3:GetObjectTagging": "s3:GetObjectTagging",
  "s3:GetAccountPublicAccessBlock": "s3:GetAccountPublicAccessBlock",
  "s3:PutAccountPublicAccessBlock": "s3:PutAccountPublicAccessBlock",
  "ec2:DescribeVpcAttribute": "ec2:DescribeVpcAttribute",
  "guardduty:ListDetectors": "guardduty:ListDetectors",
  "kms:ListResourceTags": "kms:ListResourceTags",
  "logs:ListTagsForResource": "logs:ListTagsForResource",
  "eks:ListTagsForResource": "eks:ListTagsForResource",
  "sts:GetCallerIdentity": "sts:GetCallerIdentity",
};

/** Calls no IAM policy can deny (AWS documents GetCallerIdentity as always allowed). */
const ALWAYS_ALLOWED = new Set(["sts:GetCallerIdentity"]);

/**
 * The provider's account-id probe: while configuring, it calls iam:GetUser without a user name
 * and, when that fails (always, for a role's session), falls back to sts:GetCallerIdentity. A
 * denial changes nothing, so the probe is not a request the role must be allowed.
 */
function isAccountIdProbe(call: ApiCall): boolean {
  return call.service === "IAM" && call.operation === "GetUser" && formField(call.body, "UserName") === undefined;
}

/** The IAM action of an SDK call. */
export function iamActionOf(call: Pick<ApiCall, "service" | "operation">): string {
  const prefix = SERVICE_PREFIX[call.service] ?? call.service.toLowerCase().replace(/\s+/g, "");
  const plain = `${prefix}:${call.operation}`;
  return ACTION_OF_OPERATION[plain] ?? plain;
}

function formField(body: string, name: string): string | undefined {
  const match = new RegExp(`(?:^|&)${name.replace(/\./g, "\\.")}=([^&]*)`).exec(body);
  return match === null ? undefined : decodeURIComponent((match[1] ?? "").replace(/\+/g, " "));
}

/** The resource ARN of an IAM API call, from its query-protocol body. */
function iamResourceOf(call: ApiCall, account: string, partition = "aws"): string {
  const arn = (path: string) => `arn:${partition}:iam::${account}:${path}`;
  // An instance profile operation names the profile (AddRoleToInstanceProfile names the role too).
  const profile = formField(call.body, "InstanceProfileName");
  if (profile !== undefined) return arn(`instance-profile/${profile}`);
  const role = formField(call.body, "RoleName");
  if (role !== undefined) return arn(`role/${role}`);
  const group = formField(call.body, "GroupName");
  if (group !== undefined) return arn(`group/${group}`);
  const user = formField(call.body, "UserName");
  if (user !== undefined) return arn(`user/${user}`);
  const provider = formField(call.body, "OpenIDConnectProviderArn");
  if (provider !== undefined) return provider;
  const url = formField(call.body, "Url");
  if (url !== undefined && call.operation === "CreateOpenIDConnectProvider") return arn(`oidc-provider/${url.replace(/^https:\/\//, "")}`);
  const policyName = formField(call.body, "PolicyName");
  if (policyName !== undefined && call.operation === "CreatePolicy") return arn(`policy/${policyName}`);
  const policy = formField(call.body, "PolicyArn");
  if (policy !== undefined) return policy;
  return "*";
}

/** The S3 resource ARN of a path-style request URL: the bucket, or the object for object operations. */
function s3ResourceOf(call: ApiCall, action: string): string {
  let url: URL;
  try {
    url = new URL(call.url);
  } catch {
    return "*";
  }
  const [bucket, ...key] = url.pathname.replace(/^\//, "").split("/");
  if (bucket === undefined || bucket === "") return "*";
  const objectAction = /^s3:(GetObject|PutObject|DeleteObject)(Tagging|Acl|Version)?$/.test(action);
  return objectAction && key.length > 0 ? `arn:aws:s3:::${bucket}/${decodeURIComponent(key.join("/"))}` : `arn:aws:s3:::${bucket}`;
}

/**
 * Parameters that name a role as a principal (who may use a key, whom an access entry maps),
 * not a role handed to the service to act with: no iam:PassRole.
 */
const PRINCIPAL_PARAMETERS = new Set(["principalarn", "granteeprincipal", "retiringprincipal", "principal", "aws", "sourcearn"]);

/** Where `iam:PassedToService` is not `<prefix>.amazonaws.com`: by the parameter that carries the role. */
const PASSED_TO_BY_PARAMETER: Readonly<Record<string, string>> = {
  monitoringrolearn: "monitoring.rds.amazonaws.com",
  podexecutionrolearn: "eks-fargate-pods.amazonaws.com",
  deliverlogspermissionarn: "vpc-flow-logs.amazonaws.com",
};

/** Where `iam:PassedToService` is not `<prefix>.amazonaws.com`: by the action's service prefix. */
const PASSED_TO_BY_PREFIX: Readonly<Record<string, string>> = {
  eks: "eks.amazonaws.com",
};

const ROLE_ARN = /^arn:[^:]+:iam::\d{12}:role\/.+$/;

/**
 * Role ARNs a call hands to a service (iam:PassRole), from the request itself: every parameter of
 * the request whose value is a role ARN, except those that name a principal. No list of
 * operations: a new call that passes a role is found as soon as it is recorded.
 *
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function passedRoles(call: ApiCall): { readonly roleArn: string; readonly toService: string; readonly parameter: string }[] {
  const prefix = iamActionOf(call).split(":")[0] ?? "";
  if (prefix === "iam" || prefix === "sts") return [];
  const passes: { roleArn: string; toService: string; parameter: string }[] = [];
  for (const [parameter, values] of requestParameters(call)) {
    if (PRINCIPAL_PARAMETERS.has(parameter)) continue;
    for (const value of values) {
      if (!ROLE_ARN.test(value) || passes.some((pass) => pass.roleArn === value)) continue;
      passes.push({
        roleArn: value,
        parameter,
        toService: PASSED_TO_BY_PARAMETER[parameter] ?? PASSED_TO_BY_PREFIX[prefix] ?? `${prefix}.amazonaws.com`,
      });
    }
  }
  return passes;
}

/** The request-context keys of tags a call sets: `aws:RequestTag/<key>` and `aws:TagKeys`. */
function tagContext(tags: Readonly<Record<string, string>>): Record<string, string | string[]> {
  const keys = Object.keys(tags);
  if (keys.length === 0) return {};
  return { ...Object.fromEntries(keys.map((key) => [`aws:RequestTag/${key}`, tags[key] ?? ""])), "aws:TagKeys": keys };
}

/** Operations that create what they tag (a tagging action is then authorized too). */
const CREATES = /^(Create|Run|Allocate|Register|Import|Request|Put|Copy|Start)/;

/** Where a run happens: the account and region of the stack. */
export interface Where {
  readonly account: string;
  readonly region: string;
}

/**
 * The IAM requests of one call: its own action on every resource AWS authorizes it on (see
 * arns.ts), the reference's dependent actions, the tagging action of a create with tags, and
 * iam:PassRole for each role it hands to a service. Each request carries its context keys.
 */
export function iamRequestsOf(call: ApiCall, where: Where, models: ActionModels = new Map()): IamRequest[] {
  const action = iamActionOf(call);
  if (ALWAYS_ALLOWED.has(action) || isAccountIdProbe(call)) return [];
  const name = `${call.service} ${call.operation}`;
  const prefix = action.split(":")[0];
  const request = requestParameters(call);
  const response = responseParameters(call.responseBody ?? "");
  const model = models.get(action.toLowerCase());
  let derived: DerivedResources;
  if (prefix === "iam" || (prefix === "s3" && call.url !== "" && !action.includes("AccountPublicAccessBlock"))) {
    const resource = prefix === "iam" ? iamResourceOf(call, where.account) : s3ResourceOf(call, action);
    derived = resource !== "*" ? { kind: "concrete", resources: [resource], missing: [] } : resourcesOf(model, request, response, where);
  } else {
    derived = resourcesOf(model, request, response, where);
  }
  const tags = requestTagsOf(call);
  const context: Record<string, string | readonly string[]> = { "aws:RequestedRegion": where.region, ...tagContext(tags) };
  const boundary = prefix === "iam" ? formField(call.body, "PermissionsBoundary") : undefined;
  if (boundary !== undefined) context["iam:PermissionsBoundary"] = boundary;
  const policyArn = prefix === "iam" ? formField(call.body, "PolicyArn") : undefined;
  if (policyArn !== undefined && !derived.resources.includes(policyArn)) context["iam:PolicyARN"] = policyArn;
  const requests: IamRequest[] = derived.resources.map((resource) => ({ action, resource, context, call: name, kind: derived.kind }));
  for (const dependent of model?.dependentActions ?? []) {
    requests.push({
      action: dependent,
      resource: "*",
      context: { "aws:RequestedRegion": where.region },
      call: name,
      kind: "underived",
      because: `dependent action of ${action}`,
    });
  }
  if (Object.keys(tags).length > 0 && CREATES.test(call.operation)) {
    const tagging = taggingActionOf(action, models);
    if (tagging !== undefined) {
      const created = createdResourceOf(model, call.operation, request, response, where);
      const taggingResources = resourcesOf(tagging, request, response, where, { optionalFromResponse: true });
      const resources = created !== undefined ? [created] : taggingResources.resources;
      const kind = created !== undefined ? "concrete" : taggingResources.kind;
      for (const resource of resources) {
        requests.push({
          action: tagging.action,
          resource,
          context: { ...context, ...(prefix === "ec2" ? { "ec2:CreateAction": call.operation } : {}) },
          call: name,
          kind,
          because: `tags on create (${action})`,
        });
      }
    }
  }
  if (call.service === "IAM" && call.operation === "AddRoleToInstanceProfile") {
    const role = formField(call.body, "RoleName");
    if (role !== undefined) {
      requests.push({
        action: "iam:PassRole",
        resource: `arn:aws:iam::${where.account}:role/${role}`,
        context: { "iam:PassedToService": "ec2.amazonaws.com" },
        call: name,
        kind: "concrete",
        because: "passes a role (RoleName)",
      });
    }
  }
  for (const { roleArn, toService, parameter } of passedRoles(call)) {
    requests.push({
      action: "iam:PassRole",
      resource: roleArn,
      context: { "iam:PassedToService": toService },
      call: name,
      kind: "concrete",
      because: `passes a role (${parameter})`,
    });
  }
  return requests;
}
