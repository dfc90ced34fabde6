import { eachResource, type TerraformJson } from "../support/synthesized";

/** One broken rule: the Terraform address of the offender and what is wrong with it. */
export interface Violation {
  readonly address: string;
  readonly message: string;
}

/** What a rule may need to know about the stack besides its Terraform. */
export interface StackContext {
  /** The environment's stage is production (stronger guarantees apply). */
  readonly production: boolean;
}

/** A guarantee every synthesized stack of every environment must keep. */
export interface PolicyRule {
  readonly id: string;
  /** Why the rule exists, and the AWS Foundational Security Best Practices / CIS control where one applies. */
  readonly rationale: string;
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

const allProtocols = (protocol: string) => protocol === "-1" || protocol === "all";
const covers = (rule: IngressLike, port: number) => allProtocols(rule.protocol) || (rule.fromPort <= port && port <= rule.toPort);

interface PolicyStatement {
  readonly sid?: string;
  readonly effect?: string;
  readonly actions?: readonly string[];
  readonly resources?: readonly string[];
  readonly principals?: readonly { readonly type: string; readonly identifiers: readonly string[] }[];
  readonly condition?: readonly { readonly test: string; readonly variable: string; readonly values: readonly string[] }[];
}

/** Statements of every `aws_iam_policy_document`, and of literal JSON policies where they are not tokens. */
export function policyStatements(doc: TerraformJson): [string, PolicyStatement][] {
  const found: [string, PolicyStatement][] = [];
  for (const [address, body] of dataOfType(doc, "aws_iam_policy_document")) {
    for (const statement of (body["statement"] as PolicyStatement[] | undefined) ?? []) found.push([address, statement]);
  }
  for (const [address, type, body] of eachResource(doc)) {
    if (!["aws_iam_policy", "aws_iam_role_policy", "aws_iam_group_policy", "aws_iam_user_policy"].includes(type)) continue;
    const text = body["policy"];
    if (typeof text !== "string" || text.startsWith("${")) continue;
    const parsed = JSON.parse(text) as { Statement?: Record<string, unknown>[] | Record<string, unknown> };
    const list = Array.isArray(parsed.Statement) ? parsed.Statement : parsed.Statement === undefined ? [] : [parsed.Statement];
    for (const raw of list) {
      const asList = (value: unknown) => (value === undefined ? undefined : Array.isArray(value) ? (value as string[]) : [String(value)]);
      found.push([address, { effect: String(raw["Effect"]), actions: asList(raw["Action"]), resources: asList(raw["Resource"]) }]);
    }
  }
  return found;
}

export const POLICY_RULES: readonly PolicyRule[] = [
  {
    id: "kms-key-rotation",
    rationale: "Customer-managed KMS keys rotate yearly (FSBP KMS.4, CIS 3.6).",
    check: (doc) =>
      ofType(doc, "aws_kms_key")
        .filter(([, , body]) => body["enable_key_rotation"] !== true)
        .map(([address]) => ({ address, message: "KMS key without automatic rotation" })),
  },
  {
    id: "log-group-encrypted-with-retention",
    rationale: "Log groups are KMS-encrypted and expire (FSBP CloudWatch.16 retention; encryption at rest).",
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
    check: (doc) =>
      ingressPermissions(doc)
        .filter(([, rule]) => rule.cidrs.some((cidr) => INTERNET.has(cidr)))
        .filter(([, rule]) => allProtocols(rule.protocol) || rule.fromPort !== rule.toPort || !WEB_PORTS.has(rule.fromPort))
        .map(([address, rule]) => ({ address, message: `internet ingress on ${rule.protocol} ${rule.fromPort}-${rule.toPort}` })),
  },
  {
    id: "no-ssh",
    rationale: "Operators use SSM Session Manager; port 22 is never opened (FSBP EC2.13, CIS 5.2).",
    check: (doc) =>
      ingressPermissions(doc)
        .filter(([, rule]) => rule.cidrs.length > 0 && covers(rule, 22))
        .map(([address, rule]) => ({ address, message: `ingress covering SSH (port 22) from ${rule.cidrs.join(", ")}` })),
  },
  {
    id: "iam-no-allow-star-on-star",
    rationale: "No statement allows every action on every resource (FSBP IAM.1, IAM.21; CIS 1.16).",
    check: (doc) =>
      policyStatements(doc)
        .filter(([, s]) => (s.effect ?? "Allow") === "Allow" && (s.actions ?? []).includes("*") && (s.resources ?? []).includes("*"))
        .map(([address, s]) => ({ address, message: `statement ${s.sid ?? "(no sid)"} allows * on *` })),
  },
  {
    id: "iam-federated-trust-pinned",
    rationale: "A role trusted by an OIDC provider names the audience and exact subjects, never a wildcard (GitHub OIDC hardening).",
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
    check: (doc) =>
      ofType(doc, "aws_subnet")
        .filter(([, , body]) => body["map_public_ip_on_launch"] !== false)
        .map(([address]) => ({ address, message: "subnet may auto-assign public IPs" })),
  },
  {
    id: "vpc-flow-logs",
    rationale: "Every VPC records its traffic (FSBP EC2.6, CIS 3.9).",
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
    check: (doc) => {
      const vpcs = ofType(doc, "aws_vpc");
      const defaults = ofType(doc, "aws_default_security_group");
      const open = defaults
        .filter(([, , body]) => ((body["ingress"] as unknown[] | undefined) ?? []).length > 0 || ((body["egress"] as unknown[] | undefined) ?? []).length > 0)
        .map(([address]) => ({ address, message: "default security group keeps rules" }));
      const unmanaged = vpcs.length > defaults.length ? [{ address: vpcs[0]![0], message: "VPC whose default security group is not taken over" }] : [];
      return [...open, ...unmanaged];
    },
  },
  {
    id: "ecr-hardened",
    rationale: "Images are immutable, scanned on push and KMS-encrypted (FSBP ECR.1, ECR.2).",
    check: (doc) =>
      ofType(doc, "aws_ecr_repository").flatMap(([address, , body]) => {
        const problems: Violation[] = [];
        if (body["image_tag_mutability"] !== "IMMUTABLE") problems.push({ address, message: "mutable image tags" });
        if ((body["image_scanning_configuration"] as Body | undefined)?.["scan_on_push"] !== true) problems.push({ address, message: "no scan on push" });
        const encryption = (body["encryption_configuration"] as Body[] | undefined)?.[0];
        if (encryption?.["encryption_type"] !== "KMS") problems.push({ address, message: "not KMS-encrypted" });
        return problems;
      }),
  },
  {
    id: "imdsv2-required",
    rationale: "Instances and launch templates require IMDSv2 with hop limit 1 (FSBP EC2.8, EC2.170).",
    check: (doc) =>
      [...ofType(doc, "aws_launch_template"), ...ofType(doc, "aws_instance")].flatMap(([address, , body]) => {
        const options = (body["metadata_options"] as Body | Body[] | undefined) ?? {};
        const metadata = Array.isArray(options) ? (options[0] ?? {}) : options;
        return metadata["http_tokens"] === "required" ? [] : [{ address, message: "IMDSv2 not required (metadata_options.http_tokens)" }];
      }),
  },
  {
    id: "state-backend-encrypted",
    rationale: "Remote state is encrypted and locked; it describes the whole environment.",
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
    check: (doc) =>
      (doc.provider?.["aws"] ?? [])
        .filter((provider) => ((provider["allowed_account_ids"] as unknown[] | undefined) ?? []).length === 0)
        .map((provider) => ({ address: `provider.aws${provider["alias"] ? `.${String(provider["alias"])}` : ""}`, message: "no allowed_account_ids" })),
  },
  {
    id: "ebs-encrypted",
    rationale: "Every launch template's volumes are encrypted (FSBP EC2.7, EC2.3).",
    check: (doc) =>
      ofType(doc, "aws_launch_template").flatMap(([address, , body]) =>
        ((body["block_device_mappings"] as Body[] | undefined) ?? [])
          .filter((mapping) => String((mapping["ebs"] as Body | undefined)?.["encrypted"]) !== "true")
          .map(() => ({ address, message: "unencrypted EBS volume" })),
      ),
  },
  {
    id: "data-stores-encrypted",
    rationale: "Databases and caches are KMS-encrypted at rest and in transit, EKS secrets with envelope encryption (FSBP RDS.27, ElastiCache.4/5, EKS.3).",
    check: (doc) => [
      ...ofType(doc, "aws_rds_cluster")
        .filter(([, , body]) => body["storage_encrypted"] !== true || body["kms_key_id"] === undefined)
        .map(([address]) => ({ address, message: "Aurora storage not encrypted with a KMS key" })),
      ...ofType(doc, "aws_elasticache_replication_group")
        .filter(([, , body]) => String(body["at_rest_encryption_enabled"]) !== "true" || body["kms_key_id"] === undefined || body["transit_encryption_enabled"] !== true)
        .map(([address]) => ({ address, message: "cache not encrypted at rest with KMS and in transit" })),
      ...ofType(doc, "aws_eks_cluster")
        .filter(([, , body]) => !JSON.stringify(body["encryption_config"] ?? {}).includes('"secrets"'))
        .map(([address]) => ({ address, message: "Kubernetes secrets without envelope encryption" })),
    ],
  },
  {
    id: "data-stores-not-reachable-from-cidrs",
    rationale: "Databases and caches admit only security groups, never address ranges (FSBP RDS.2, EC2.19).",
    check: (doc) => {
      const dataGroups = [
        ...ofType(doc, "aws_rds_cluster").flatMap(([, , body]) => (body["vpc_security_group_ids"] as string[] | undefined) ?? []),
        ...ofType(doc, "aws_elasticache_replication_group").flatMap(([, , body]) => (body["security_group_ids"] as string[] | undefined) ?? []),
      ];
      return ingressPermissions(doc)
        .filter(([, rule]) => rule.cidrs.length > 0 && dataGroups.includes(rule.securityGroup))
        .map(([address, rule]) => ({ address, message: `data store reachable from ${rule.cidrs.join(", ")}` }));
    },
  },
  {
    id: "eks-endpoint-private",
    rationale: "The API server has its private endpoint on, and a public one only for an allow-list that is never the internet (FSBP EKS.1).",
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
    rationale: "No password, token or key material in the synthesized configuration: AWS holds secrets (RDS-managed master password, IAM-authenticated cache users).",
    check: (doc) =>
      eachResource(doc).flatMap(([address, , body]) =>
        ["master_password", "password", "auth_token", "passwords", "secret_string", "access_key", "secret_key"]
          .filter((attribute) => body[attribute] !== undefined)
          .map((attribute) => ({ address, message: `sets ${attribute}` })),
      ),
  },
  {
    id: "production-data-protected",
    rationale: "In production, databases cannot be deleted by a plan: deletion protection, prevent_destroy and a final snapshot (FSBP RDS.7).",
    check: (doc, context) =>
      !context.production
        ? []
        : ofType(doc, "aws_rds_cluster")
            .filter(([, , body]) => body["deletion_protection"] !== true || (body["lifecycle"] as Body | undefined)?.["prevent_destroy"] !== true || body["skip_final_snapshot"] !== false)
            .map(([address]) => ({ address, message: "production database not protected from deletion" })),
  },
];
