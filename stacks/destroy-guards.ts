import { EksCluster } from "@cdktf/provider-aws/lib/eks-cluster";
import { ElasticacheReplicationGroup } from "@cdktf/provider-aws/lib/elasticache-replication-group";
import { RdsCluster } from "@cdktf/provider-aws/lib/rds-cluster";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { TerraformResource, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";

/**
 * A destroy never stops half-way. AWS refuses to delete some resources (a database with deletion
 * protection, a bucket that still holds objects); Terraform deletes everything else of the stack
 * before it meets them, leaving an environment half gone. {@link RequireDestroyGuards} gives each
 * such resource `prevent_destroy`, so Terraform refuses the whole destroy before deleting anything;
 * {@link LiftDestroyGuards} lifts every guard, explicitly and by name, for `npm run teardown` of a
 * non-production environment (scripts/teardown.ts).
 */

/** Why a resource refuses deletion, or `undefined` when AWS deletes it without objection. */
function deletionRefusal(resource: TerraformResource): string | undefined {
  if (resource instanceof RdsCluster && resource.deletionProtectionInput === true) return "deletion protection";
  if (resource instanceof EksCluster && resource.deletionProtectionInput === true) return "deletion protection";
  if (resource instanceof S3Bucket && resource.forceDestroyInput !== true) return "a bucket must be emptied before it is deleted";
  return undefined;
}

const addressOf = (resource: TerraformResource) => `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;

/** Adds `prevent_destroy` to every resource AWS would refuse to delete (see {@link deletionRefusal}). */
export class RequireDestroyGuards implements IAspect {
  visit(node: IConstruct): void {
    if (!TerraformResource.isTerraformResource(node)) return;
    const resource = node as TerraformResource;
    if (deletionRefusal(resource) === undefined || resource.lifecycle?.preventDestroy === true) return;
    resource.lifecycle = { ...(resource.lifecycle ?? {}), preventDestroy: true };
  }
}

/** One guard lifted for a teardown: the resource and what was changed. */
export interface LiftedGuard {
  readonly address: string;
  readonly lifted: string;
}

/**
 * For a teardown: lifts `prevent_destroy`, turns deletion protection off, lets Terraform empty the
 * buckets (`force_destroy`), and names the final snapshot a database or a cache with snapshots
 * leaves behind `<name>-teardown-<stamp>` (a fixed name would collide with the previous
 * teardown's), and deletes secrets without a recovery window: a secret waiting out its window
 * keeps its name, so the re-created environment could not create it again (the platform's secrets
 * hold generated values only; the RDS-managed one goes with its database). Every change is recorded in `lifted`, which the teardown command prints.
 */
export class LiftDestroyGuards implements IAspect {
  readonly lifted: LiftedGuard[] = [];

  /** @param stamp what makes this teardown's snapshot names unique, e.g. `20261206-0412` */
  constructor(private readonly stamp: string) {}

  visit(node: IConstruct): void {
    if (!TerraformResource.isTerraformResource(node)) return;
    const resource = node as TerraformResource;
    const address = addressOf(resource);
    const record = (lifted: string) => this.lifted.push({ address, lifted });
    if (resource.lifecycle?.preventDestroy === true) {
      resource.lifecycle = { ...resource.lifecycle, preventDestroy: false };
      record("prevent_destroy = false");
    }
    if (resource instanceof RdsCluster) {
      if (resource.deletionProtectionInput === true) {
        resource.deletionProtection = false;
        record("deletion_protection = false");
      }
      if (resource.skipFinalSnapshotInput === false) {
        const snapshot = `${resource.clusterIdentifierInput}-teardown-${this.stamp}`;
        resource.finalSnapshotIdentifier = snapshot;
        record(`final snapshot ${snapshot}`);
      }
    }
    if (resource instanceof EksCluster && resource.deletionProtectionInput === true) {
      resource.deletionProtection = false;
      record("deletion_protection = false");
    }
    if (resource instanceof ElasticacheReplicationGroup && (resource.snapshotRetentionLimitInput ?? 0) > 0) {
      const snapshot = `${resource.replicationGroupIdInput}-teardown-${this.stamp}`;
      resource.finalSnapshotIdentifier = snapshot;
      record(`final snapshot ${snapshot}`);
    }
    if (resource instanceof SecretsmanagerSecret && resource.recoveryWindowInDaysInput !== 0) {
      resource.recoveryWindowInDays = 0;
      record("recovery_window_in_days = 0 (deleted at once: the re-created environment takes the name again)");
    }
    if (resource instanceof S3Bucket && resource.forceDestroyInput !== true) {
      resource.forceDestroy = true;
      record("force_destroy = true (Terraform empties the bucket)");
    }
  }
}
