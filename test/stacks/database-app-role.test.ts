import { describe, expect, it } from "vitest";
import { ENVIRONMENTS } from "../support/fixtures";
import { resourcesOf, synthesizedStack, type TerraformJson } from "../support/synthesized";

/**
 * Issue 13, item 5: the backend talks to Aurora as its own role with IAM authentication, never as
 * the master user. The role is created by a Job in the workloads layer whose service account alone
 * may read the RDS-managed master secret; the backend mounts no secret.
 */
type Body = Record<string, unknown>;
interface Statement {
  readonly effect?: string;
  readonly actions?: string[];
  readonly resources?: string[];
  readonly condition?: { test: string; variable: string; values: string[] }[];
}
const fromPlatform = (output: string) => `\${data.terraform_remote_state.platform-state.outputs.${output}}`;

/** The statements of the inline policy of the role named `roleName`, and that role's trust statements. */
function roleDocuments(doc: TerraformJson, roleName: string): { permissions: Statement[]; trust: Statement[] } {
  const documents = doc.data?.["aws_iam_policy_document"] ?? {};
  const statementsOf = (reference: unknown) => {
    const key = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(String(reference))?.[1];
    return ((key === undefined ? undefined : documents[key]?.["statement"]) ?? []) as Statement[];
  };
  const [key, role] = Object.entries(resourcesOf(doc, "aws_iam_role")).find(([, r]) => r["name"] === roleName) ?? [];
  if (key === undefined || role === undefined) throw new Error(`no role ${roleName}`);
  const inline = Object.values(resourcesOf(doc, "aws_iam_role_policy")).filter((p) => p["role"] === `\${aws_iam_role.${key}.id}`);
  return { permissions: inline.flatMap((p) => statementsOf(p["policy"])), trust: statementsOf(role["assume_role_policy"]) };
}

describe.each(ENVIRONMENTS.map((env) => [env.name, env] as const))("the application's database role in %s", (name, env) => {
  const platform = synthesizedStack(`platform-${name}`).doc;
  const workloads = synthesizedStack(`workloads-${name}`).doc;
  const [clusterKey] = Object.keys(resourcesOf(platform, "aws_rds_cluster"));
  const masterSecret = `\${aws_rds_cluster.${clusterKey}.master_user_secret[0].secret_arn}`;

  it("platform: the backend's role connects as the user backend of this cluster, and reads no secret", () => {
    const { permissions } = roleDocuments(platform, `${name}-backend`);
    expect(permissions.flatMap((s) => s.actions ?? []).filter((a) => a.startsWith("secretsmanager:") || a.startsWith("kms:"))).toEqual([]);
    const connect = permissions.filter((s) => s.actions?.includes("rds-db:connect"));
    expect(connect.map((s) => s.resources)).toEqual([
      [`arn:aws:rds-db:${env.account.region}:${env.account.id}:dbuser:\${aws_rds_cluster.${clusterKey}.cluster_resource_id}/backend`],
    ]);
  });

  it("platform: only the role of the service account database-roles/database-roles reads the master secret", () => {
    const readers = Object.values(resourcesOf(platform, "aws_iam_role"))
      .map((role) => String(role["name"]))
      .filter((roleName) =>
        roleDocuments(platform, roleName).permissions.some(
          (s) => s.actions?.includes("secretsmanager:GetSecretValue") && s.resources?.includes(masterSecret),
        ),
      );
    expect(readers).toEqual([`${name}-database-roles`]);
    const [association, ...others] = Object.values(resourcesOf(platform, "aws_eks_pod_identity_association")).filter(
      (candidate) => candidate["namespace"] === "database-roles",
    );
    expect(others).toEqual([]);
    expect(association?.["service_account"]).toBe("database-roles");
    const [roleKey] =
      Object.entries(resourcesOf(platform, "aws_iam_role")).find(([, role]) => role["name"] === `${name}-database-roles`) ?? [];
    expect(association?.["role_arn"]).toBe(`\${aws_iam_role.${roleKey}.arn}`);
  });

  it("workloads: a Job in database-roles, as that service account, mounts the master secret and creates the role before the backend starts", () => {
    const jobs = Object.entries(resourcesOf(workloads, "kubernetes_job_v1"));
    expect(jobs).toHaveLength(1);
    const [jobKey, job] = jobs[0]!;
    const metadata = job["metadata"] as Body[] | Body as Body;
    expect(metadata["namespace"]).toMatch(/database-roles|kubernetes_namespace_v1/);
    expect(job["wait_for_completion"]).toBe(true);
    const pod = ((job["spec"] as Body)["template"] as Body)["spec"] as Body;
    const account = Object.values(resourcesOf(workloads, "kubernetes_service_account_v1")).find(
      (sa) => (sa["metadata"] as Body)["name"] === "database-roles",
    );
    // EKS Pod Identity: no IRSA annotation; the platform's association binds this account.
    expect((account!["metadata"] as Body)["annotations"]).toBeUndefined();
    const spcName = ((pod["volume"] as Body[]).find((v) => v["csi"] !== undefined)!["csi"] as Body)["volume_attributes"] as Body;
    const spc = Object.values(resourcesOf(workloads, "helm_release")).find((r) => r["name"] === spcName["secretProviderClass"]);
    expect(String((spc!["values"] as string[])[0])).toContain(fromPlatform("database_secret_arn"));
    const container = (pod["container"] as Body[])[0]!;
    expect(container["env"]).toEqual(
      expect.arrayContaining([
        { name: "APP_USER", value: "backend" },
        { name: "PGHOST", value: fromPlatform("database_endpoint") },
      ]),
    );
    const backend = Object.values(resourcesOf(workloads, "kubernetes_deployment_v1")).find(
      (d) => (d["metadata"] as Body)["name"] === "backend",
    )!;
    expect(backend["depends_on"]).toContain(`kubernetes_job_v1.${jobKey}`);
  });

  it("workloads: the backend logs in as that user with IAM authentication and mounts no secret", () => {
    const backend = Object.values(resourcesOf(workloads, "kubernetes_deployment_v1")).find(
      (d) => (d["metadata"] as Body)["name"] === "backend",
    )!;
    const pod = ((backend["spec"] as Body)["template"] as Body)["spec"] as Body;
    expect(((pod["volume"] as Body[] | undefined) ?? []).filter((v) => v["csi"] !== undefined)).toEqual([]);
    const env = ((pod["container"] as Body[])[0]!["env"] as { name: string; value: string }[]).map((e) => [e.name, e.value]);
    expect(env).toEqual(
      expect.arrayContaining([
        ["DATABASE_USER", fromPlatform("database_app_user")],
        ["DATABASE_AUTH", "iam"],
      ]),
    );
    expect(JSON.stringify(backend)).not.toContain("database_secret_arn");
    // Nothing in the backend's namespace refers to the master secret either.
    const inBackend = Object.values(resourcesOf(workloads, "helm_release")).filter((r) => String(r["namespace"]).includes("backend"));
    expect(JSON.stringify(inBackend)).not.toContain("database_secret_arn");
  });
});
