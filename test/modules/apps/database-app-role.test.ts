import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { databaseConnectStatements } from "../../../modules/apps/database-connect-statements";
import { DatabaseAppRole, type DatabaseAppRoleProps } from "../../../modules/apps/database-app-role";
import { resourcesOf, type TerraformJson } from "../../support/synthesized";

const props: DatabaseAppRoleProps = {
  namespace: "database-roles",
  serviceAccountName: "database-roles",
  serviceAccountRoleArn: "arn:aws:iam::123456789012:role/test-database-roles",
  masterSecretProviderClass: "database-master",
  host: "db.cluster-x.eu-west-1.rds.amazonaws.com",
  port: "5432",
  database: "app",
  appUser: "backend",
  certificateAuthority: { configMapName: "rds-ca", mountPath: "/etc/ssl/rds", certificatePath: "/etc/ssl/rds/rds-ca.pem" },
};
const synth = (overrides: Partial<DatabaseAppRoleProps> = {}): TerraformJson =>
  JSON.parse(Testing.synthScope((scope) => new DatabaseAppRole(scope, "role", { ...props, ...overrides }))) as TerraformJson;
type Body = Record<string, unknown>;
const job = (doc: TerraformJson) => Object.values(resourcesOf(doc, "kubernetes_job_v1"))[0]!;
const jobName = (doc: TerraformJson) => (job(doc)["metadata"] as Body)["name"];

describe("DatabaseAppRole", () => {
  it("names the Job after what it does: the same inputs keep it, another user or database replaces it (it runs once per change)", () => {
    expect(jobName(synth())).toBe(jobName(synth()));
    expect(jobName(synth())).toMatch(/^app-role-backend-[0-9a-f]{10}$/);
    expect(jobName(synth({ appUser: "reporting" }))).not.toBe(jobName(synth()));
    expect(jobName(synth({ database: "other" }))).not.toBe(jobName(synth()));
  });

  it("waits for the Job, as the service account of the master-secret role, with the secret mounted read-only", () => {
    const doc = synth();
    expect(job(doc)["wait_for_completion"]).toBe(true);
    expect(Object.values(resourcesOf(doc, "kubernetes_service_account_v1"))[0]?.["metadata"]).toMatchObject({
      name: "database-roles",
      annotations: { "eks.amazonaws.com/role-arn": props.serviceAccountRoleArn },
    });
    const pod = ((job(doc)["spec"] as Body)["template"] as Body)["spec"] as Body;
    expect(pod["volume"]).toContainEqual(
      expect.objectContaining({
        csi: { driver: "secrets-store.csi.k8s.io", read_only: true, volume_attributes: { secretProviderClass: "database-master" } },
      }),
    );
    expect(pod["restart_policy"]).toBe("Never");
  });

  it("creates a login role with IAM authentication and no password, and grants it the database only", () => {
    const env = ((((job(synth())["spec"] as Body)["template"] as Body)["spec"] as Body)["container"] as Body[])[0]!["env"] as {
      name: string;
      value: string;
    }[];
    const sql = env.find((e) => e.name === "APP_ROLE_SQL")!.value;
    expect(sql).toContain('GRANT rds_iam TO :"app_user";');
    expect(sql).toContain("PASSWORD NULL");
    expect(sql).toContain("NOSUPERUSER NOCREATEDB NOCREATEROLE");
    expect(sql).toContain('GRANT CONNECT, TEMPORARY ON DATABASE :"database" TO :"app_user";');
  });

  it("GIVEN a database whose tables the master user created before the cut-over THEN the role gets their data rights, now and for the master's future tables", () => {
    const env = ((((job(synth())["spec"] as Body)["template"] as Body)["spec"] as Body)["container"] as Body[])[0]!["env"] as {
      name: string;
      value: string;
    }[];
    const sql = env.find((e) => e.name === "APP_ROLE_SQL")!.value;
    expect(sql).toContain('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_user";');
    expect(sql).toContain('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO :"app_user";');
    expect(sql).toContain('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_user";');
    expect(sql).toContain('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO :"app_user";');
  });

  it("GIVEN the RDS CA bundle WHEN psql connects THEN it verifies the server (verify-full) against the bundle, mounted read-only", () => {
    const pod = ((job(synth())["spec"] as Body)["template"] as Body)["spec"] as Body;
    const container = (pod["container"] as Body[])[0]!;
    const env = Object.fromEntries((container["env"] as { name: string; value: string }[]).map((e) => [e.name, e.value]));
    expect([env["PGSSLMODE"], env["PGSSLROOTCERT"], env["PGHOST"]]).toEqual([
      "verify-full",
      "/etc/ssl/rds/rds-ca.pem",
      "db.cluster-x.eu-west-1.rds.amazonaws.com",
    ]);
    expect(container["volume_mount"]).toContainEqual({ name: "rds-ca", mount_path: "/etc/ssl/rds", read_only: true });
    expect(pod["volume"]).toContainEqual({ name: "rds-ca", config_map: { name: "rds-ca", default_mode: "0444" } });
  });

  it("refuses a user name that is not one plain PostgreSQL role", () => {
    expect(() => synth({ appUser: "Backend; DROP" })).toThrow('app user "Backend; DROP" must be a lowercase PostgreSQL role name');
  });
});

describe("databaseConnectStatements", () => {
  const base = {
    partition: "aws",
    region: "eu-west-1",
    accountId: "123456789012",
    clusterResourceId: "cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    userName: "backend",
  };

  it("allows rds-db:connect on exactly one user of one cluster", () => {
    expect(databaseConnectStatements(base)).toEqual([
      {
        effect: "Allow",
        sid: "ConnectAsTheAppUser",
        actions: ["rds-db:connect"],
        resources: ["arn:aws:rds-db:eu-west-1:123456789012:dbuser:cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ/backend"],
      },
    ]);
  });

  it("refuses a wildcard user and a cluster name in place of its resource id", () => {
    expect(() => databaseConnectStatements({ ...base, userName: "*" })).toThrow('user "*" must be one lowercase PostgreSQL role name');
    expect(() => databaseConnectStatements({ ...base, clusterResourceId: "dev-app" })).toThrow('"dev-app" is not a cluster resource id');
  });
});
