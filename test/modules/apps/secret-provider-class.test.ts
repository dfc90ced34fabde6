import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { Release } from "@cdktf/provider-helm/lib/release";
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  SECRET_PROVIDER_CLASS_CHART_DIR,
  SecretProviderClass,
  type SecretProviderClassProps,
  type SecretProviderClassValues,
} from "../../../modules/apps/secret-provider-class";
import { ROOT } from "../../support/paths";
import { resourcesOf, type TerraformJson } from "../../support/synthesized";

const DB_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dev/backend/db-AbCdEf";
const props: SecretProviderClassProps = {
  name: "backend-secrets",
  namespace: "apps",
  objects: [{ objectName: DB_SECRET, alias: "db", jmesPath: [{ path: "username", objectAlias: "db-username" }] }],
};

/** A stack holding the CSI driver's release and a SecretProviderClass waiting for it. */
function stackWithDriver(overrides: Partial<SecretProviderClassProps> = {}): { stack: TerraformStack; spc: SecretProviderClass } {
  const stack = new TerraformStack(Testing.app(), "workloads");
  const driver = new Release(stack, "csi-driver", {
    name: "secrets-store-csi-driver",
    namespace: "kube-system",
    repository: "https://kubernetes-sigs.github.io/secrets-store-csi-driver/charts",
    chart: "secrets-store-csi-driver",
    version: "1.4.8",
  });
  const spc = new SecretProviderClass(stack, "spc", { ...props, dependsOn: [driver], ...overrides });
  return { stack, spc };
}

/** The SecretProviderClass's helm_release (the one whose chart is not the driver's). */
function spcRelease(doc: TerraformJson): Record<string, unknown> {
  const releases = Object.values(resourcesOf(doc, "helm_release")).filter((release) => release["chart"] !== "secrets-store-csi-driver");
  expect(releases).toHaveLength(1);
  return releases[0] as Record<string, unknown>;
}

const valuesOf = (release: Record<string, unknown>) => {
  const values = release["values"] as string[];
  expect(values).toHaveLength(1);
  return JSON.parse(values[0] as string) as SecretProviderClassValues;
};

describe("SecretProviderClass", () => {
  it("writes the secrets to mount into the chart's values, each with its file name and JSON keys", () => {
    const release = spcRelease(JSON.parse(Testing.synth(stackWithDriver().stack)) as TerraformJson);
    expect(valuesOf(release)).toEqual({
      name: "backend-secrets",
      namespace: "apps",
      usePodIdentity: true,
      objects: [{ objectName: DB_SECRET, objectAlias: "db", jmesPath: [{ path: "username", objectAlias: "db-username" }] }],
    });
  });

  it("GIVEN a secret ARN known only at apply time WHEN synthesized THEN the values reference it", () => {
    const stack = new TerraformStack(Testing.app(), "workloads");
    const arn = new TerraformVariable(stack, "db_secret_arn", { type: "string" });
    new SecretProviderClass(stack, "spc", { ...props, objects: [{ objectName: arn.stringValue, alias: "db" }] });
    expect(valuesOf(spcRelease(JSON.parse(Testing.synth(stack)) as TerraformJson)).objects).toEqual([
      { objectName: "${var.db_secret_arn}", objectAlias: "db" },
    ]);
  });

  it("GIVEN usePodIdentity false (IRSA) WHEN synthesized THEN the provider is told to use the pod's web identity", () => {
    const release = spcRelease(JSON.parse(Testing.synth(stackWithDriver({ usePodIdentity: false }).stack)) as TerraformJson);
    expect(valuesOf(release).usePodIdentity).toBe(false);
  });

  it("releases the repository's local chart, in the pods' namespace, under the class's name", () => {
    const { stack, spc } = stackWithDriver();
    const release = spcRelease(JSON.parse(Testing.synth(stack)) as TerraformJson);
    expect(release).toMatchObject({
      name: "backend-secrets",
      namespace: "apps",
      chart: expect.stringMatching(/^assets\/.+\/[0-9A-Fa-f]+$/),
    });
    expect(spc.name).toBe("backend-secrets");
  });

  it("copies the chart into the stack's assets folder, where Terraform resolves the release's chart path", () => {
    const { stack } = stackWithDriver();
    new HelmProvider(stack, "helm", {}); // a full synth validates that every resource has its provider
    const stackDir = path.join(Testing.fullSynth(stack), "stacks", "workloads");
    const release = spcRelease(JSON.parse(readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) as TerraformJson);
    const chartDir = path.join(stackDir, release["chart"] as string);
    expect(parse(readFileSync(path.join(chartDir, "Chart.yaml"), "utf8"))).toMatchObject({
      apiVersion: "v2",
      name: "secret-provider-class",
      version: "1.1.0",
    });
    expect(existsSync(path.join(chartDir, "templates", "secretproviderclass.yaml"))).toBe(true);
  });

  it("waits for the CSI driver's release, which brings the SecretProviderClass CRD", () => {
    const release = spcRelease(JSON.parse(Testing.synth(stackWithDriver().stack)) as TerraformJson);
    expect(release["depends_on"]).toEqual(["helm_release.csi-driver"]);
  });

  it("finds the chart in the repository when run from the source", () => {
    expect(SECRET_PROVIDER_CLASS_CHART_DIR).toBe(path.join(ROOT, "charts", "secret-provider-class"));
  });

  it("ships a chart rendering a v1 SecretProviderClass for the AWS provider, Secrets Manager objects and Pod Identity or IRSA", () => {
    const template = readFileSync(path.join(SECRET_PROVIDER_CLASS_CHART_DIR, "templates", "secretproviderclass.yaml"), "utf8");
    for (const line of [
      "apiVersion: secrets-store.csi.x-k8s.io/v1",
      "kind: SecretProviderClass",
      "provider: aws",
      'usePodIdentity: {{ ternary "true" "false" (.Values.usePodIdentity | default false) | quote }}',
      "objectType: secretsmanager",
    ]) {
      expect(template).toContain(line);
    }
  });

  it("refuses two files of the same name in the mount", () => {
    expect(() =>
      stackWithDriver({ objects: [{ objectName: DB_SECRET, alias: "db", jmesPath: [{ path: "password", objectAlias: "db" }] }] }),
    ).toThrow('SecretProviderClass "backend-secrets": two files are named "db" in the mount');
  });

  it("refuses an empty list of secrets", () => {
    expect(() => stackWithDriver({ objects: [] })).toThrow('SecretProviderClass "backend-secrets": mount at least one secret');
  });

  it("GIVEN no synced Secret WHEN synthesized THEN the values carry no secretObjects (the secrets stay files)", () => {
    const release = spcRelease(JSON.parse(Testing.synth(stackWithDriver().stack)) as TerraformJson);
    expect(Object.keys(valuesOf(release))).not.toContain("secretObjects");
  });

  it("GIVEN a Secret synced from two files WHEN synthesized THEN secretObjects name the files as objectName and the Secret's keys", () => {
    const release = spcRelease(
      JSON.parse(
        Testing.synth(
          stackWithDriver({
            objects: [
              {
                objectName: DB_SECRET,
                alias: "credential",
                jmesPath: [
                  { path: "username", objectAlias: "user" },
                  { path: "password", objectAlias: "pass" },
                ],
              },
            ],
            syncToSecrets: [
              {
                secretName: "app-login",
                keys: [
                  { objectAlias: "user", key: "admin-user" },
                  { objectAlias: "pass", key: "admin-password" },
                ],
              },
            ],
          }).stack,
        ),
      ) as TerraformJson,
    );
    expect(valuesOf(release).secretObjects).toEqual([
      {
        secretName: "app-login",
        data: [
          { objectName: "user", key: "admin-user" },
          { objectName: "pass", key: "admin-password" },
        ],
      },
    ]);
  });

  it("GIVEN a synced key naming a file the mount does not have WHEN built THEN it is refused, naming the key and the file", () => {
    expect(() => stackWithDriver({ syncToSecrets: [{ secretName: "app-login", keys: [{ objectAlias: "password", key: "pw" }] }] })).toThrow(
      'SecretProviderClass "backend-secrets": synced Secret "app-login": key "pw" names "password", which is no file of the mount',
    );
  });

  it("GIVEN a synced Secret whose name is no DNS subdomain WHEN built THEN it is refused", () => {
    expect(() => stackWithDriver({ syncToSecrets: [{ secretName: "App_Login", keys: [{ objectAlias: "db", key: "db" }] }] })).toThrow(
      'SecretProviderClass "backend-secrets": synced Secret "App_Login": the name must be a DNS subdomain',
    );
  });

  it("GIVEN a synced Secret without keys WHEN built THEN it is refused", () => {
    expect(() => stackWithDriver({ syncToSecrets: [{ secretName: "app-login", keys: [] }] })).toThrow(
      'SecretProviderClass "backend-secrets": synced Secret "app-login" needs at least one key',
    );
  });
});
