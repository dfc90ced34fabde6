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
}

/** What a role must be allowed: an IAM action on a resource, with the context keys we know. */
export interface IamRequest {
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string>>;
  /** The call that needs it, for messages. */
  readonly call: string;
}

/** Splits a Terraform debug log into entries (an entry starts with an ISO timestamp) and keeps the AWS requests. */
export function parseApiCalls(log: string): ApiCall[] {
  const calls: ApiCall[] = [];
  // A provider serving through TF_REATTACH_PROVIDERS logs JSON lines.
  for (const line of log.split("\n")) {
    if (!line.startsWith("{") || !line.includes("HTTP Request Sent")) continue;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (entry["@message"] !== "HTTP Request Sent") continue;
    const service = entry["rpc.service"];
    const operation = entry["rpc.method"];
    if (typeof service !== "string" || typeof operation !== "string") continue;
    const resourceType = entry["tf_resource_type"];
    calls.push({
      service,
      operation,
      url: typeof entry["http.url"] === "string" ? entry["http.url"] : "",
      body: typeof entry["http.request.body"] === "string" ? entry["http.request.body"].trim() : "",
      ...(typeof resourceType === "string" ? { resourceType } : {}),
    });
  }
  for (const entry of log.split(/\n(?=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)/)) {
    if (!entry.includes("HTTP Request Sent") || entry.startsWith("{")) continue;
    const field = (name: string) => {
      const match = new RegExp(`(?:^|\\s)${name.replace(/\./g, "\\.")}=(?:"((?:[^"\\\\]|\\\\.)*)"|(\\S+))`).exec(entry);
      return match === null ? undefined : (match[1] ?? match[2]);
    };
    const service = field("rpc.service");
    const operation = field("rpc.method");
    if (service === undefined || operation === undefined) continue;
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
  return calls;
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
  return match === null ? undefined : decodeURIComponent(match[1]!.replace(/\+/g, " "));
}

function jsonField(body: string, names: readonly string[]): string | undefined {
  for (const name of names) {
    const match = new RegExp(`"${name}"\\s*:\\s*"([^"]+)"`).exec(body);
    if (match !== null) return match[1];
  }
  return undefined;
}

/** The resource ARN of an IAM API call, from its query-protocol body. */
export function iamResourceOf(call: ApiCall, account: string, partition = "aws"): string {
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
export function s3ResourceOf(call: ApiCall, action: string): string {
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

/** Role ARNs a call hands to a service (iam:PassRole), with the service they are passed to. */
export function passedRoles(call: ApiCall): { readonly roleArn: string; readonly toService: string }[] {
  const passes: { roleArn: string; toService: string }[] = [];
  const pass = (roleArn: string | undefined, toService: string) => {
    if (roleArn !== undefined && /^arn:[^:]+:iam::\d+:role\//.test(roleArn)) passes.push({ roleArn, toService });
  };
  switch (`${call.service}:${call.operation}`) {
    case "EKS:CreateCluster":
      pass(jsonField(call.body, ["roleArn"]), "eks.amazonaws.com");
      break;
    case "EKS:CreateNodegroup":
      pass(jsonField(call.body, ["nodeRole"]), "eks.amazonaws.com");
      break;
    case "EKS:CreateAddon":
    case "EKS:UpdateAddon":
      pass(jsonField(call.body, ["serviceAccountRoleArn"]), "eks.amazonaws.com");
      break;
    case "EC2:CreateFlowLogs":
      pass(formField(call.body, "DeliverLogsPermissionArn"), "vpc-flow-logs.amazonaws.com");
      break;
    case "Config Service:PutConfigurationRecorder":
      pass(jsonField(call.body, ["roleARN"]), "config.amazonaws.com");
      break;
    case "CloudTrail:CreateTrail":
    case "CloudTrail:UpdateTrail":
      pass(jsonField(call.body, ["CloudWatchLogsRoleArn"]), "cloudtrail.amazonaws.com");
      break;
    case "RDS:CreateDBInstance":
    case "RDS:ModifyDBInstance":
      pass(formField(call.body, "MonitoringRoleArn"), "monitoring.rds.amazonaws.com");
      break;
    case "CodeBuild:CreateProject":
    case "CodeBuild:UpdateProject":
      pass(jsonField(call.body, ["serviceRole"]), "codebuild.amazonaws.com");
      break;
    default:
      break;
  }
  return passes;
}

/** The IAM requests of one call (the call's own action, plus iam:PassRole where it passes a role). */
export function iamRequestsOf(call: ApiCall, account: string, region: string): IamRequest[] {
  const action = iamActionOf(call);
  if (ALWAYS_ALLOWED.has(action) || isAccountIdProbe(call)) return [];
  const name = `${call.service} ${call.operation}`;
  const prefix = action.split(":")[0];
  let resource = "*";
  if (prefix === "iam") resource = iamResourceOf(call, account);
  else if (prefix === "s3" && call.url !== "" && !action.includes("AccountPublicAccessBlock")) resource = s3ResourceOf(call, action);
  const context: Record<string, string> = { "aws:RequestedRegion": region };
  const boundary = prefix === "iam" ? formField(call.body, "PermissionsBoundary") : undefined;
  if (boundary !== undefined) context["iam:PermissionsBoundary"] = boundary;
  if (prefix === "iam") {
    for (let index = 1; ; index += 1) {
      const key = formField(call.body, `Tags.member.${index}.Key`);
      if (key === undefined) break;
      context[`aws:RequestTag/${key}`] = formField(call.body, `Tags.member.${index}.Value`) ?? "";
    }
  }
  const policyArn = prefix === "iam" ? formField(call.body, "PolicyArn") : undefined;
  if (policyArn !== undefined && resource !== policyArn) context["iam:PolicyARN"] = policyArn;
  const requests: IamRequest[] = [{ action, resource, context, call: name }];
  if (call.service === "IAM" && call.operation === "AddRoleToInstanceProfile") {
    const role = formField(call.body, "RoleName");
    if (role !== undefined) {
      requests.push({
        action: "iam:PassRole",
        resource: `arn:aws:iam::${account}:role/${role}`,
        context: { "iam:PassedToService": "ec2.amazonaws.com" },
        call: name,
      });
    }
  }
  for (const { roleArn, toService } of passedRoles(call)) {
    requests.push({ action: "iam:PassRole", resource: roleArn, context: { "iam:PassedToService": toService }, call: name });
  }
  return requests;
}
