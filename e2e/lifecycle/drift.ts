import { awsQuery } from "./residue";
import { planJson, type Lifecycle } from "./terraform";

/**
 * Drift: a change made behind Terraform's back in the emulator (a tag on the VPC, an ingress rule
 * on a security group) must be reported by the drift check: the plan drift.yml runs
 * (`terraform plan -refresh=true -detailed-exitcode`) exits 2 and lists the resource in
 * `resource_drift`.
 */
export interface DriftVerdict {
  /** The resources changed behind Terraform's back. */
  readonly made: readonly string[];
  /** Those the plan reported as drifted. */
  readonly reported: readonly string[];
  readonly exitCode: number;
  /** The same plan's exit code before the changes: 0, or the check proves nothing. */
  readonly exitCodeBefore: number;
}

/** The changes to make: on the VPC (a tag) and on a security group (an ingress rule), by their ids. */
export interface DriftTargets {
  readonly vpc: { readonly address: string; readonly id: string };
  readonly securityGroup: { readonly address: string; readonly id: string };
}

export async function detectDrift(lifecycle: Lifecycle, region: string, dir: string, targets: DriftTargets): Promise<DriftVerdict> {
  // What the refresh reports before anything is changed (the emulator's own normalisations): a
  // change counts as reported only if the plan after it differs there.
  const before = await planJson(lifecycle, dir, ["-refresh=true"]);
  const driftedBefore = new Map((before.plan.resource_drift ?? []).map((change) => [change.address, JSON.stringify(change.change.after)]));
  const ec2 = (params: Record<string, string>) => awsQuery(lifecycle.emulator.endpoint, "ec2", region, params);
  await ec2({
    Action: "CreateTags",
    Version: "2016-11-15",
    "ResourceId.1": targets.vpc.id,
    "Tag.1.Key": "changed-by",
    "Tag.1.Value": "someone-in-the-console",
  });
  await ec2({
    Action: "AuthorizeSecurityGroupIngress",
    Version: "2016-11-15",
    GroupId: targets.securityGroup.id,
    "IpPermissions.1.IpProtocol": "tcp",
    "IpPermissions.1.FromPort": "22",
    "IpPermissions.1.ToPort": "22",
    "IpPermissions.1.IpRanges.1.CidrIp": "0.0.0.0/0",
  });
  const made = [targets.vpc.address, targets.securityGroup.address];
  const { code, plan } = await planJson(lifecycle, dir, ["-refresh=true"]);
  const drifted = new Map((plan.resource_drift ?? []).map((change) => [change.address, JSON.stringify(change.change.after)]));
  const updated = new Set(
    (plan.resource_changes ?? []).filter((change) => change.change.actions.includes("update")).map((change) => change.address),
  );
  // Newly drifted, drifted differently than before the change (moto's refresh already reports
  // normalisation drift on some resources), or planned to be changed back.
  const reported = made.filter(
    (address) => (drifted.has(address) && drifted.get(address) !== driftedBefore.get(address)) || updated.has(address),
  );
  lifecycle.log(
    `drift check (plan -refresh=true -detailed-exitcode): exit ${code}; made ${made.length} changes, reported ${reported.length} (${reported.join(", ") || "none"}); plan exit before the changes: ${before.code}`,
  );
  return { made, reported, exitCode: code, exitCodeBefore: before.code };
}
