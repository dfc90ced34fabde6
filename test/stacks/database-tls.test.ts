import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ENVIRONMENTS } from "../support/fixtures";
import { resourcesOf, synthesizedStack, type TerraformJson } from "../support/synthesized";

/**
 * Issue 20, item 10: every database client verifies the server: PGSSLMODE=verify-full against the
 * RDS root CAs of the environment's region, from a ConfigMap mounted read-only, and the host it
 * dials is the cluster endpoint, the name on the server's certificate (no IP, no CNAME of ours).
 */
type Body = Record<string, unknown>;
const fromPlatform = (output: string) => `\${data.terraform_remote_state.platform-state.outputs.${output}}`;
const commonNames = (pem: string) =>
  (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []).map((block) =>
    new X509Certificate(block).subject
      .split("\n")
      .find((line) => line.startsWith("CN="))
      ?.slice(3),
  );

/** The namespace an object's metadata names, through the reference to the namespace resource. */
function namespaceOf(doc: TerraformJson, metadata: Body | undefined): unknown {
  const reference = /^\$\{kubernetes_namespace_v1\.([^.]+)\.metadata\[0\]\.name\}$/.exec(String(metadata?.["namespace"]));
  const namespace = reference === null ? undefined : resourcesOf(doc, "kubernetes_namespace_v1")[reference[1]!];
  return (namespace?.["metadata"] as Body | undefined)?.["name"];
}

/** The pod spec of the one resource of `type` in `namespace`. */
function podIn(doc: TerraformJson, type: string, namespace: string): Body {
  const found = Object.values(resourcesOf(doc, type)).filter((r) => namespaceOf(doc, r["metadata"] as Body) === namespace);
  expect(found, `${type} in ${namespace}`).toHaveLength(1);
  return ((found[0]!["spec"] as Body)["template"] as Body)["spec"] as Body;
}

/** What a pod's first container is told about TLS, and the ConfigMap mounted where PGSSLROOTCERT points. */
function tlsOf(doc: TerraformJson, pod: Body) {
  const container = (pod["container"] as Body[])[0]!;
  const env = Object.fromEntries((container["env"] as { name: string; value: string }[]).map((e) => [e.name, e.value]));
  const rootCert = env["PGSSLROOTCERT"] ?? "";
  const mount = (container["volume_mount"] as Body[]).find((m) => rootCert.startsWith(`${String(m["mount_path"])}/`));
  const volume = (pod["volume"] as Body[]).find((v) => v["name"] === mount?.["name"]);
  const reference = /^\$\{kubernetes_config_map_v1\.([^.]+)\.metadata\[0\]\.name\}$/.exec(
    String((volume?.["config_map"] as Body | undefined)?.["name"]),
  );
  const configMap = reference === null ? undefined : resourcesOf(doc, "kubernetes_config_map_v1")[reference[1]!];
  const file = rootCert.slice(String(mount?.["mount_path"]).length + 1);
  return {
    env,
    mountReadOnly: mount?.["read_only"],
    configMapNamespace: namespaceOf(doc, configMap?.["metadata"] as Body | undefined),
    certificates: commonNames(String((configMap?.["data"] as Body | undefined)?.[file] ?? "")),
  };
}

describe.each(ENVIRONMENTS.map((env) => [env.name, env.account.region] as const))("database TLS in %s", (name, region) => {
  const workloads = synthesizedStack(`workloads-${name}`).doc;
  const regionRoots = [
    `Amazon RDS ${region} Root CA RSA2048 G1`,
    `Amazon RDS ${region} Root CA ECC384 G1`,
    `Amazon RDS ${region} Root CA RSA4096 G1`,
  ];

  it("GIVEN the backend WHEN it connects THEN it verifies the server (verify-full) with the region's RDS root CAs, mounted read-only from its namespace", () => {
    const tls = tlsOf(workloads, podIn(workloads, "kubernetes_deployment_v1", "backend"));
    expect(tls.env["PGSSLMODE"]).toBe("verify-full");
    expect(tls.env["PGSSLROOTCERT"]).toBe("/etc/ssl/rds/rds-ca.pem");
    expect([tls.mountReadOnly, tls.configMapNamespace]).toEqual([true, "backend"]);
    expect(tls.certificates).toEqual(regionRoots);
  });

  it("GIVEN the Job that creates the backend's role WHEN psql connects as the master user THEN it verifies the server the same way", () => {
    const tls = tlsOf(workloads, podIn(workloads, "kubernetes_job_v1", "database-roles"));
    expect(tls.env["PGSSLMODE"]).toBe("verify-full");
    expect(tls.env["PGSSLROOTCERT"]).toBe("/etc/ssl/rds/rds-ca.pem");
    expect([tls.mountReadOnly, tls.configMapNamespace]).toEqual([true, "database-roles"]);
    expect(tls.certificates).toEqual(regionRoots);
  });

  it("GIVEN verify-full WHEN the clients dial THEN they dial the Aurora cluster's own endpoints, the names on its certificate", () => {
    const backend = tlsOf(workloads, podIn(workloads, "kubernetes_deployment_v1", "backend")).env;
    const job = tlsOf(workloads, podIn(workloads, "kubernetes_job_v1", "database-roles")).env;
    expect([backend["DATABASE_HOST"], backend["DATABASE_READER_HOST"], job["PGHOST"]]).toEqual([
      fromPlatform("database_endpoint"),
      fromPlatform("database_reader_endpoint"),
      fromPlatform("database_endpoint"),
    ]);
    const platform = synthesizedStack(`platform-${name}`).doc;
    const [cluster] = Object.keys(resourcesOf(platform, "aws_rds_cluster"));
    const outputs = platform.output ?? {};
    expect([outputs["database_endpoint"]?.["value"], outputs["database_reader_endpoint"]?.["value"]]).toEqual([
      `\${aws_rds_cluster.${cluster}.endpoint}`,
      `\${aws_rds_cluster.${cluster}.reader_endpoint}`,
    ]);
  });
});
