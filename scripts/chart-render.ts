import { createHash } from "node:crypto";
import { parseAllDocuments } from "yaml";

/*
 * What the render tests (test/render/) and npm run charts:diff share: Terraform expressions in
 * synthesized values replaced by typed placeholders, and helm's output parsed.
 */

/** The parts of a synthesized Terraform document the placeholders read. */
interface TerraformDoc {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
}
type Body = Record<string, unknown>;

const parsedChunks = new Map<string, unknown[]>();
/**
 * YAML documents as objects, each `---`-separated chunk parsed once per process: the
 * prometheus-operator CRDs (some 5 MB of YAML, seconds to parse) are the same text in every
 * environment's render and in the chart's crds/.
 */
export function parseDocuments(text: string): unknown[] {
  return text.split(/^---[ \t]*$/m).flatMap((chunk) => {
    if (chunk.trim() === "") return [];
    const key = createHash("sha256").update(chunk).digest("hex");
    let parsed = parsedChunks.get(key);
    if (parsed === undefined) {
      parsed = parseAllDocuments(chunk).map((document) => document.toJS() as unknown);
      parsedChunks.set(key, parsed);
    }
    return parsed;
  });
}

/*
 * Typed placeholders: a Terraform expression in a value becomes a value of the shape the field
 * holds at apply time (an ARN, a VPC id, a name), so a chart's schema or template that checks the
 * shape sees a realistic value. IAM role ARNs name the expression they replace (the identity policy
 * traces them back to the platform layer's output). An expression without a typed placeholder
 * fails the render test: add it here.
 */
const ACCOUNT = "000000000000";
const REGION = "eu-west-1";
const PLACEHOLDERS: readonly [RegExp, (match: RegExpExecArray) => string][] = [
  [/outputs\.([a-z_]+_role_arn)$/, (m) => `arn:aws:iam::${ACCOUNT}:role/terraform-output/${m[1]}`],
  [/outputs\.vpc_id$/, () => "vpc-0123456789abcdef0"],
  [/outputs\.public_subnet_ids, (\d+)$/, (m) => `subnet-0123456789abcdef${m[1]}`],
  [/outputs\.cluster_name$/, () => "placeholder-cluster"],
  [/outputs\.cluster_endpoint$/, () => "https://PLACEHOLDER.gr7.eu-west-1.eks.amazonaws.com"],
  [/outputs\.karpenter_node_role_name$/, () => "placeholder-cluster-karpenter-nodes"],
  [/outputs\.karpenter_interruption_queue_name$/, () => "placeholder-cluster-karpenter"],
  [/outputs\.container_log_group_name$/, () => "/aws/eks/placeholder-cluster/containers"],
  [/outputs\.alerts_topic_arn$/, () => `arn:aws:sns:${REGION}:${ACCOUNT}:placeholder-alerts`],
  [/outputs\.database_secret_arn$/, () => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:placeholder-master-AbCdEf`],
  [/outputs\.grafana_admin_secret_arn$/, () => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:placeholder/grafana/admin-AbCdEf`],
  [
    /^aws_wafv2_web_acl\.[^.]+\.arn$/,
    () => `arn:aws:wafv2:${REGION}:${ACCOUNT}:regional/webacl/placeholder/11111111-2222-3333-4444-555555555555`,
  ],
  [/outputs\.ecr_repository_urls\.([a-z-]+)$/, (m) => `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/placeholder/${m[1]}`],
  // The release pipeline's image tag (a Terraform variable whose validation refuses `latest`).
  [/^var\.([a-z]+)_image_tag$/, (m) => `${m[1]}-release-tag`],
  // A subnet range of the network layer: a distinct /24 per output and index, so a placeholder names one expression.
  [/outputs\.([a-z_]+_cidrs), (\d+)$/, (m) => `10.${cidrOutputIndex(m[1] ?? "")}.${m[2]}.0/24`],
  [/^aws_s3_bucket\.[^.]+\.bucket$/, () => "placeholder-access-logs-bucket"],
  // The `kubernetes` Service's ClusterIP as a /32 (EKS's first address of the service range).
  [/^format\("%s\/32", data\.kubernetes_service_v1\.[^.]+\.spec\[0\]\.cluster_ip\)$/, () => "172.20.0.1/32"],
];

const cidrOutputs: string[] = [];
function cidrOutputIndex(name: string): number {
  if (!cidrOutputs.includes(name)) cidrOutputs.push(name);
  return 200 + cidrOutputs.indexOf(name);
}

/** The literal `metadata.name` of a resource the expression names (`kubernetes_namespace_v1.x.metadata[0].name`), if literal. */
function referencedName(doc: TerraformDoc, expression: string): string | undefined {
  const match = /^(kubernetes_[a-z0-9_]+)\.([^.]+)\.metadata\[0\]\.name$/.exec(expression);
  if (match === null) return undefined;
  const [, type = "", resourceName = ""] = match;
  const body = doc.resource?.[type]?.[resourceName];
  const metadata = body?.["metadata"];
  const name = (Array.isArray(metadata) ? metadata[0] : metadata) as Body | undefined;
  return typeof name?.["name"] === "string" && !name["name"].includes("${") ? name["name"] : undefined;
}

/** Replaces every `${...}` of a synthesized string; records which placeholder replaced which expression. */
export function replaceExpressions(doc: TerraformDoc, text: string, where: string, placeholders: Map<string, string>): string {
  return text.replace(/\$\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}/g, (_whole, inner: string) => {
    const expression = inner.replace(/^element\((.*)\)$/, "$1").trim();
    const literal = referencedName(doc, expression);
    if (literal !== undefined) return literal;
    for (const [pattern, make] of PLACEHOLDERS) {
      const match = pattern.exec(expression);
      if (match !== null) {
        const value = make(match);
        placeholders.set(value, inner);
        return value;
      }
    }
    throw new Error(
      `${where}: no typed placeholder for the Terraform expression \${${inner}} (add one to PLACEHOLDERS in scripts/chart-render.ts)`,
    );
  });
}
