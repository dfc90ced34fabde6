import type { TerraformJson } from "./synthesized";

/**
 * Resource types whose replacement loses data or something clients hold on to: databases and
 * their instances, caches, keys (a replaced key schedules the old one's deletion, and with it
 * everything encrypted under it), buckets, log groups, image repositories, the cluster, secrets.
 * Subnet groups are here because Terraform cannot delete one a database still uses; namespaces
 * because deleting one deletes everything in it, Prometheus' volumes included.
 * Written here, not imported from the product: this list is the oracle.
 */
const STATEFUL_TYPES: readonly string[] = [
  "aws_cloudwatch_log_group",
  "aws_db_subnet_group",
  "aws_dynamodb_table",
  "aws_ebs_volume",
  "aws_ecr_repository",
  "aws_efs_file_system",
  "aws_eks_cluster",
  "aws_elasticache_replication_group",
  "aws_elasticache_subnet_group",
  "aws_elasticache_user",
  "aws_guardduty_detector",
  "aws_kms_key",
  "aws_rds_cluster",
  "aws_rds_cluster_instance",
  "aws_s3_bucket",
  "aws_secretsmanager_secret",
  "aws_ssm_parameter",
  "kubernetes_namespace_v1",
  "kubernetes_persistent_volume_claim_v1",
];

/** A Terraform `moved` block as cdktf writes it (`resource.moveFromId(...)`, `moveTo(...)`, `moveToId(...)`). */
export interface MovedBlock {
  readonly from: string;
  readonly to: string;
}

/** The Terraform address (`type.name`) of every stateful resource of a document, sorted. */
export function statefulAddresses(doc: TerraformJson): string[] {
  return STATEFUL_TYPES.flatMap((type) => Object.keys(doc.resource?.[type] ?? {}).map((name) => `${type}.${name}`)).sort();
}

/** The document's `moved` blocks. */
export function movedBlocks(doc: TerraformJson): readonly MovedBlock[] {
  return (doc as TerraformJson & { readonly moved?: readonly MovedBlock[] }).moved ?? [];
}

const typeOf = (address: string) => address.slice(0, address.indexOf("."));

/**
 * Where the state at `address` ends up: the address itself, or the end of its chain of `moved`
 * blocks. Terraform refuses a move to another resource type, so such a move leads nowhere.
 */
function resolveAddress(doc: TerraformJson, address: string): string | undefined {
  const moves = new Map(movedBlocks(doc).map((block) => [block.from, block.to]));
  let current = address;
  for (let hop = 0; moves.has(current); hop++) {
    const next = moves.get(current) ?? current;
    if (hop > moves.size || typeOf(next) !== typeOf(address)) return undefined;
    current = next;
  }
  return current;
}

/**
 * The pinned addresses whose state a plan of this document would destroy: no resource sits at
 * the address, and no `moved` block carries it to a resource that exists.
 */
export function replacedAddresses(doc: TerraformJson, pinned: readonly string[]): string[] {
  const present = new Set(statefulAddresses(doc));
  return pinned.filter((address) => {
    const target = resolveAddress(doc, address);
    return target === undefined || !present.has(target);
  });
}

/**
 * Stateful resources that no pinned address names, directly or as the target of a `moved` block
 * from a pinned address: a new resource, or a renamed one without its `moved` block.
 */
export function unpinnedAddresses(doc: TerraformJson, pinned: readonly string[]): string[] {
  const kept = new Set(pinned.map((address) => resolveAddress(doc, address)));
  return statefulAddresses(doc).filter((address) => !kept.has(address));
}
