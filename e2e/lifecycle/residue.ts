/** An AWS query-protocol call to the emulator in `region` (moto checks no signature; the credential scope picks the region). */
export async function awsQuery(endpoint: string, service: string, region: string, params: Record<string, string>): Promise<string> {
  const response = await fetch(`${endpoint}/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded; charset=utf-8",
      authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: new URLSearchParams(params).toString(),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${service} ${params["Action"]}: HTTP ${response.status}: ${text.slice(0, 300)}`);
  return text;
}

/**
 * What an environment leaves in the emulated account: what the account holds, listed through the
 * AWS APIs by kind (`ec2:vpc`, `iam:role`, `kms:key`, ...), before the environment was born and
 * after its teardown. Everything listed after and not before is residue, named. Declared
 * survivors are left out of the listing, each with its reason.
 */

/** Ids per kind: `{ "ec2:security-group": ["sg-1", ...] }`. */
export type Inventory = Readonly<Record<string, readonly string[]>>;

/** What may remain after a teardown, and why (left out of every listing). */
export const DECLARED_SURVIVORS: readonly string[] = [
  "KMS keys pending deletion: a deleted key waits out its window (7 to 30 days)",
  "Secrets scheduled for deletion (recovery window): ListSecrets leaves them out",
  "the state bucket and its objects (the bootstrap's), and the account layer's resources: listed before the birth too",
  "final snapshots a teardown takes where the file keeps snapshots (<name>-teardown-<stamp>): DescribeDBClusters does not list snapshots",
];

interface QueryListing {
  readonly kind: string;
  readonly service: string;
  readonly params: Record<string, string>;
  readonly pattern: RegExp;
}

const EC2 = "2016-11-15";
const ec2 = (kind: string, action: string, pattern: RegExp): QueryListing => ({
  kind: `ec2:${kind}`,
  service: "ec2",
  params: { Action: action, Version: EC2 },
  pattern,
});
const QUERY_LISTINGS: readonly QueryListing[] = [
  ec2("vpc", "DescribeVpcs", /<vpcId>(vpc-[^<]+)<\/vpcId>/g),
  ec2("subnet", "DescribeSubnets", /<subnetId>(subnet-[^<]+)<\/subnetId>/g),
  ec2("security-group", "DescribeSecurityGroups", /<groupId>(sg-[^<]+)<\/groupId>/g),
  ec2("route-table", "DescribeRouteTables", /<routeTableId>(rtb-[^<]+)<\/routeTableId>/g),
  ec2("internet-gateway", "DescribeInternetGateways", /<internetGatewayId>(igw-[^<]+)<\/internetGatewayId>/g),
  {
    kind: "ec2:nat-gateway",
    service: "ec2",
    params: {
      Action: "DescribeNatGateways",
      Version: EC2,
      "Filter.1.Name": "state",
      "Filter.1.Value.1": "pending",
      "Filter.1.Value.2": "available",
    },
    pattern: /<natGatewayId>(nat-[^<]+)<\/natGatewayId>/g,
  },
  ec2("elastic-ip", "DescribeAddresses", /<allocationId>(eipalloc-[^<]+)<\/allocationId>/g),
  // moto keeps a deleted endpoint listed in state `deleted` (moto/ec2/models/vpcs.py delete_vpc_endpoints), as AWS does for a while.
  ec2("vpc-endpoint", "DescribeVpcEndpoints", /<vpcEndpointId>(vpce-[^<]+)<\/vpcEndpointId>(?:(?!<\/item>)[\s\S])*?<state>(?!deleted<)/g),
  ec2("network-interface", "DescribeNetworkInterfaces", /<networkInterfaceId>(eni-[^<]+)<\/networkInterfaceId>/g),
  ec2("network-acl", "DescribeNetworkAcls", /<networkAclId>(acl-[^<]+)<\/networkAclId>/g),
  ec2("launch-template", "DescribeLaunchTemplates", /<launchTemplateId>(lt-[^<]+)<\/launchTemplateId>/g),
  ec2("flow-log", "DescribeFlowLogs", /<flowLogId>(fl-[^<]+)<\/flowLogId>/g),
  {
    kind: "iam:role",
    service: "iam",
    params: { Action: "ListRoles", Version: "2010-05-08", MaxItems: "1000" },
    pattern: /<RoleName>([^<]+)<\/RoleName>/g,
  },
  {
    kind: "iam:policy",
    service: "iam",
    params: { Action: "ListPolicies", Version: "2010-05-08", Scope: "Local", MaxItems: "1000" },
    pattern: /<PolicyName>([^<]+)<\/PolicyName>/g,
  },
  {
    kind: "iam:instance-profile",
    service: "iam",
    params: { Action: "ListInstanceProfiles", Version: "2010-05-08", MaxItems: "1000" },
    pattern: /<InstanceProfileName>([^<]+)<\/InstanceProfileName>/g,
  },
  {
    kind: "iam:group",
    service: "iam",
    params: { Action: "ListGroups", Version: "2010-05-08" },
    pattern: /<GroupName>([^<]+)<\/GroupName>/g,
  },
  {
    kind: "iam:oidc-provider",
    service: "iam",
    params: { Action: "ListOpenIDConnectProviders", Version: "2010-05-08" },
    pattern: /<Arn>([^<]+)<\/Arn>/g,
  },
  {
    kind: "rds:cluster",
    service: "rds",
    params: { Action: "DescribeDBClusters", Version: "2014-10-31" },
    pattern: /<DBClusterIdentifier>([^<]+)<\/DBClusterIdentifier>/g,
  },
  {
    kind: "rds:instance",
    service: "rds",
    params: { Action: "DescribeDBInstances", Version: "2014-10-31" },
    pattern: /<DBInstanceIdentifier>([^<]+)<\/DBInstanceIdentifier>/g,
  },
  {
    kind: "rds:subnet-group",
    service: "rds",
    params: { Action: "DescribeDBSubnetGroups", Version: "2014-10-31" },
    pattern: /<DBSubnetGroupName>([^<]+)<\/DBSubnetGroupName>/g,
  },
  {
    kind: "rds:cluster-parameter-group",
    service: "rds",
    params: { Action: "DescribeDBClusterParameterGroups", Version: "2014-10-31" },
    pattern: /<DBClusterParameterGroupName>([^<]+)<\/DBClusterParameterGroupName>/g,
  },
  {
    kind: "rds:parameter-group",
    service: "rds",
    params: { Action: "DescribeDBParameterGroups", Version: "2014-10-31" },
    pattern: /<DBParameterGroupName>([^<]+)<\/DBParameterGroupName>/g,
  },
  {
    kind: "elasticache:replication-group",
    service: "elasticache",
    params: { Action: "DescribeReplicationGroups", Version: "2015-02-02" },
    pattern: /<ReplicationGroupId>([^<]+)<\/ReplicationGroupId>/g,
  },
  {
    kind: "elasticache:user",
    service: "elasticache",
    params: { Action: "DescribeUsers", Version: "2015-02-02" },
    pattern: /<UserId>([^<]+)<\/UserId>/g,
  },
  { kind: "sns:topic", service: "sns", params: { Action: "ListTopics", Version: "2010-03-31" }, pattern: /<TopicArn>([^<]+)<\/TopicArn>/g },
  {
    kind: "cloudwatch:alarm",
    service: "monitoring",
    params: { Action: "DescribeAlarms", Version: "2010-08-01" },
    pattern: /<AlarmName>([^<]+)<\/AlarmName>/g,
  },
];

interface JsonListing {
  readonly kind: string;
  readonly target: string;
  readonly service: string;
  readonly body: unknown;
  readonly ids: (response: Record<string, unknown>) => string[];
}

const names = (list: unknown, field: string) => ((list as Record<string, unknown>[] | undefined) ?? []).map((item) => String(item[field]));
const JSON_LISTINGS: readonly JsonListing[] = [
  {
    kind: "logs:log-group",
    service: "logs",
    target: "Logs_20140328.DescribeLogGroups",
    body: {},
    ids: (r) => names(r["logGroups"], "logGroupName"),
  },
  {
    kind: "ecr:repository",
    service: "ecr",
    target: "AmazonEC2ContainerRegistry_V20150921.DescribeRepositories",
    body: {},
    ids: (r) => names(r["repositories"], "repositoryName"),
  },
  {
    kind: "secretsmanager:secret",
    service: "secretsmanager",
    target: "secretsmanager.ListSecrets",
    body: {},
    ids: (r) => names(r["SecretList"], "Name"),
  },
  {
    kind: "codebuild:project",
    service: "codebuild",
    target: "CodeBuild_20161006.ListProjects",
    body: {},
    ids: (r) => ((r["projects"] as string[] | undefined) ?? []).map(String),
  },
  {
    kind: "kms:alias",
    service: "kms",
    target: "TrentService.ListAliases",
    body: {},
    ids: (r) => names(r["Aliases"], "AliasName").filter((name) => !name.startsWith("alias/aws/")),
  },
];

/** An AWS JSON-protocol call to the emulator in `region`. */
export async function json(
  endpoint: string,
  region: string,
  service: string,
  target: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${endpoint}/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": target,
      authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${target}: HTTP ${response.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** The top-level `<item>` elements of `<setTag>` in an EC2 query response, as text (nested items stay inside theirs). */
function ec2Items(text: string, setTag: string): string[] {
  const open = text.indexOf(`<${setTag}>`);
  if (open < 0) return [];
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (const tag of text.slice(open).matchAll(/<(\/?)(item|\w+Set)>/g)) {
    if (tag[1] === "/" && tag[2] === setTag) break;
    if (tag[2] !== "item") continue;
    const at = open + (tag.index ?? 0);
    if (tag[1] === "") {
      if (depth === 0) start = at;
      depth += 1;
    } else {
      depth -= 1;
      if (depth === 0) items.push(text.slice(start, at));
    }
  }
  return items;
}

/**
 * The objects of e2e/emulator-gaps.ts RESIDUE_GAPS, by kind: what moto keeps after a delete that
 * AWS removes with it. Selected exactly as each entry's condition says.
 * @internal exported for its test
 */
export function emulatorResidue(describe: { natGateways: string; vpcs: string; networkAcls: string }): Record<string, string[]> {
  const deletedNatEnis = ec2Items(describe.natGateways, "natGatewaySet")
    .filter((item) => /<state>deleted<\/state>/.test(item))
    .flatMap((item) => [...item.matchAll(/<networkInterfaceId>(eni-[^<]+)<\/networkInterfaceId>/g)].map((match) => match[1] ?? ""));
  const vpcs = new Set([...describe.vpcs.matchAll(/<vpcId>(vpc-[^<]+)<\/vpcId>/g)].map((match) => match[1] ?? ""));
  const orphanDefaultAcls = ec2Items(describe.networkAcls, "networkAclSet")
    .filter((item) => /<default>true<\/default>/.test(item))
    .filter((item) => !vpcs.has(/<vpcId>(vpc-[^<]+)<\/vpcId>/.exec(item)?.[1] ?? ""))
    .map((item) => /<networkAclId>(acl-[^<]+)<\/networkAclId>/.exec(item)?.[1] ?? "");
  return { "ec2:network-interface": deletedNatEnis, "ec2:network-acl": orphanDefaultAcls };
}

/**
 * Everything the account holds, by kind, KMS keys pending deletion and the emulator's own
 * leftovers (RESIDUE_GAPS, counted in `emulatorLeftovers`) left out. A listing the emulator
 * cannot answer fails the inventory (an empty selection must not pass as "no residue").
 */
export async function inventory(endpoint: string, region: string, emulatorLeftovers?: Record<string, string[]>): Promise<Inventory> {
  const found: Record<string, string[]> = {};
  for (const listing of QUERY_LISTINGS) {
    const text = await awsQuery(endpoint, listing.service, region, listing.params);
    found[listing.kind] = [...new Set([...text.matchAll(listing.pattern)].map((match) => match[1] ?? ""))].sort();
  }
  const ec2Describe = (action: string) => awsQuery(endpoint, "ec2", region, { Action: action, Version: EC2 });
  const leftovers = emulatorResidue({
    natGateways: await ec2Describe("DescribeNatGateways"),
    vpcs: await ec2Describe("DescribeVpcs"),
    networkAcls: await ec2Describe("DescribeNetworkAcls"),
  });
  for (const [kind, ids] of Object.entries(leftovers)) {
    found[kind] = (found[kind] ?? []).filter((id) => !ids.includes(id));
    if (emulatorLeftovers !== undefined) emulatorLeftovers[kind] = ids;
  }
  for (const listing of JSON_LISTINGS) {
    found[listing.kind] = [...new Set(listing.ids(await json(endpoint, region, listing.service, listing.target, listing.body)))].sort();
  }
  const buckets = await fetch(`${endpoint}/`, {
    headers: { authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${region}/s3/aws4_request, SignedHeaders=host, Signature=0` },
  });
  if (!buckets.ok) throw new Error(`s3 ListBuckets: HTTP ${buckets.status}`);
  found["s3:bucket"] = [...new Set([...(await buckets.text()).matchAll(/<Name>([^<]+)<\/Name>/g)].map((match) => match[1] ?? ""))].sort();
  const keys = names((await json(endpoint, region, "kms", "TrentService.ListKeys", {}))["Keys"], "KeyId");
  const live: string[] = [];
  for (const key of keys) {
    const described = await json(endpoint, region, "kms", "TrentService.DescribeKey", { KeyId: key });
    const metadata = described["KeyMetadata"] as { KeyState?: string; KeyManager?: string } | undefined;
    if (metadata?.KeyState !== "PendingDeletion" && metadata?.KeyManager !== "AWS") live.push(key);
  }
  found["kms:key"] = live.sort();
  return found;
}

/** What `after` holds and `before` did not, by kind: `{ "ec2:security-group": ["sg-1"] }`. Empty: no residue. */
export function residue(before: Inventory, after: Inventory): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(after)
      .map(([kind, ids]) => [kind, ids.filter((id) => !(before[kind] ?? []).includes(id))] as const)
      .filter(([, extra]) => extra.length > 0),
  );
}
