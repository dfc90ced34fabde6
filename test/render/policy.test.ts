import { beforeAll, describe, expect, it } from "vitest";
import { albGatewayFlows } from "../../modules/apps/alb-gateway";
import { CLUSTER_SERVICE_FLOWS } from "../../modules/cluster-services/flows";
import { synthesizedStack } from "../support/synthesized";
import { type ClusterObject, namespaceLevels, stackObjects, type StackObjects } from "./cluster-objects";
import { flowProblems } from "./flows";
import { identityProblems, renderedPasswordProblems, secretMountProblems } from "./identity";
import { type Level, podSecurityViolations, podTemplateOf } from "./pod-security";
import { renderedReleases, workloadsStacks } from "./render";

/*
 * Policy over what will really run, every environment: the rendered releases and the kubernetes_*
 * resources of each workloads stack (test/render/cluster-objects.ts).
 */

const stacks = workloadsStacks().map(({ stack, environment }) => [stack, environment] as const);
const byStack = new Map<string, StackObjects>();
const objectsOf = (stack: string): readonly ClusterObject[] => byStack.get(stack)!.objects;

beforeAll(async () => {
  const releases = await renderedReleases();
  for (const [stack] of stacks) byStack.set(stack, stackObjects(stack, releases));
}, 180_000);

describe.each(stacks)("%s: what will run", (stack, environment) => {
  it("GIVEN every pod template WHEN its namespace's Pod Security level is evaluated THEN each passes it (kube-system included)", () => {
    const levels = namespaceLevels(stack, objectsOf(stack));
    const pods = objectsOf(stack).filter(({ object }) => podTemplateOf(object) !== undefined);
    expect(pods.length, `${stack}: pod templates`).toBeGreaterThan(15);
    const problems = pods.flatMap(({ object, source, namespace }) => {
      const level = levels.get(namespace ?? "default");
      const where = `${stack}: ${source}: ${object.kind} ${namespace}/${object.metadata?.name}`;
      if (level === undefined) return [`${where}: namespace ${namespace} declares no Pod Security level`];
      return podSecurityViolations(podTemplateOf(object)!, level as Level).map((problem) => `${where}: breaks "${level}": ${problem}`);
    });
    expect(problems).toEqual([]);
  });

  it("GIVEN the namespaces the releases install into WHEN their levels are read THEN kube-system is declared privileged and the application namespaces restricted", () => {
    const levels = namespaceLevels(stack, objectsOf(stack));
    expect(Object.fromEntries([...levels].filter(([ns]) => ["kube-system", "frontend", "backend", "external-dns"].includes(ns)))).toEqual({
      "kube-system": "privileged",
      frontend: "restricted",
      backend: "restricted",
      "external-dns": "restricted",
    });
  });

  it("GIVEN every service account WHEN compared with the platform layer's identities THEN each that needs AWS carries exactly its own", () => {
    const { problems, checked } = identityProblems(synthesizedStack(`platform-${environment}`).doc, objectsOf(stack));
    expect(checked, `${stack}: identities checked`).toBeGreaterThanOrEqual(6);
    expect(problems.map((problem) => `${stack}: ${problem}`)).toEqual([]);
  });

  it("GIVEN every pod that mounts a SecretProviderClass WHEN its service account is compared with the platform's identities THEN it has one, and the class exists", () => {
    const { problems, checked } = secretMountProblems(synthesizedStack(`platform-${environment}`).doc, objectsOf(stack));
    // The database-roles Job (the master secret) and Grafana (its admin credential).
    expect(checked, `${stack}: secret mounts checked`).toBeGreaterThanOrEqual(2);
    expect(problems.map((problem) => `${stack}: ${problem}`)).toEqual([]);
  });

  it("GIVEN Grafana WHEN rendered THEN its admin user and password come from the Secret grafana-admin that the class its pod mounts syncs", () => {
    const grafana = objectsOf(stack).find(
      ({ object }) => object.kind === "Deployment" && object.metadata?.name === "kube-prometheus-stack-grafana",
    );
    const spec = podTemplateOf(grafana?.object ?? { kind: "none" })?.spec ?? {};
    const refs = (
      spec["containers"] as { name: string; env?: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[] }[]
    )
      .filter((container) => container.name === "grafana")
      .flatMap((container) => container.env ?? [])
      .filter((variable) => variable.valueFrom?.secretKeyRef !== undefined)
      .map((variable) => [variable.name, variable.valueFrom?.secretKeyRef]);
    expect(Object.fromEntries(refs)).toMatchObject({
      GF_SECURITY_ADMIN_USER: { name: "grafana-admin", key: "admin-user" },
      GF_SECURITY_ADMIN_PASSWORD: { name: "grafana-admin", key: "admin-password" },
    });
    const spc = objectsOf(stack).find(({ object }) => object.kind === "SecretProviderClass" && object.metadata?.name === "grafana-admin");
    expect(spc?.namespace).toBe("monitoring");
    expect(((spc?.object["spec"] ?? {}) as { secretObjects?: unknown }).secretObjects).toEqual([
      {
        secretName: "grafana-admin",
        type: "Opaque",
        data: [
          { objectName: "admin-user", key: "admin-user" },
          { objectName: "admin-password", key: "admin-password" },
        ],
      },
    ]);
    expect((spec["serviceAccountName"] as string | undefined) ?? "default").toBe("grafana");
  });

  it("GIVEN a SecretProviderClass that syncs Secrets WHEN the driver is rendered THEN the driver may create Secrets (syncSecret on), or the class would sync nothing", () => {
    const syncing = objectsOf(stack).filter(
      ({ object }) =>
        object.kind === "SecretProviderClass" && ((object["spec"] ?? {}) as { secretObjects?: unknown[] }).secretObjects !== undefined,
    );
    expect(syncing.map(({ object }) => object.metadata?.name)).toEqual(["grafana-admin"]);
    const writesSecrets = objectsOf(stack).some(
      ({ object, source }) =>
        object.kind === "ClusterRole" &&
        source === "release secrets-store-csi-driver" &&
        ((object["rules"] ?? []) as { resources?: string[]; verbs?: string[] }[]).some(
          (rule) => (rule.resources ?? []).includes("secrets") && (rule.verbs ?? []).includes("create"),
        ),
    );
    expect(writesSecrets, `${stack}: the driver's ClusterRole on Secrets`).toBe(true);
  });

  it("GIVEN every Secret the charts and our resources render WHEN its keys are read THEN none carries a password (credentials come from Secrets Manager)", () => {
    const { problems, checked } = renderedPasswordProblems(objectsOf(stack));
    expect(checked, `${stack}: rendered Secrets`).toBeGreaterThan(0);
    expect(problems.map((problem) => `${stack}: ${problem}`)).toEqual([]);
  });

  it("GIVEN the flows each cluster service declares WHEN a namespace denies by default THEN its NetworkPolicies admit them", () => {
    // The public Gateway frontend/public's release: its hook Job calls the API server.
    const flows = { ...CLUSTER_SERVICE_FLOWS, "alb-gateway": albGatewayFlows("frontend", "public") };
    const { problems, checked } = flowProblems(flows, objectsOf(stack), byStack.get(stack)!.placeholders);
    expect(checked, `${stack}: flows into or out of default-deny namespaces`).toBeGreaterThan(0);
    expect(problems.map((problem) => `${stack}: ${problem}`)).toEqual([]);
  });

  it("GIVEN the monitoring stack WHEN rendered THEN nothing scrapes or alerts on kube-proxy, whose metrics the EKS add-on serves on 127.0.0.1 only", () => {
    const kubeProxy = objectsOf(stack).filter(
      ({ object }) =>
        (object.kind === "ServiceMonitor" && /kube-proxy/.test(object.metadata?.name ?? "")) ||
        (object.kind === "PrometheusRule" && JSON.stringify(object["spec"]).includes("KubeProxyDown")),
    );
    expect(objectsOf(stack).filter(({ object }) => object.kind === "ServiceMonitor").length).toBeGreaterThan(5);
    expect(kubeProxy.map(({ object }) => `${object.kind} ${object.metadata?.name}`)).toEqual([]);
  });
});
