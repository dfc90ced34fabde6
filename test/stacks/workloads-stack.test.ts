import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { describe, expect, it } from "vitest";
import { imageTagVariableName } from "../../stacks/workloads/workloads-stack";
import { ENVIRONMENTS } from "../support/fixtures";
import { resourcesOf, synthesizedStack } from "../support/synthesized";

const fromPlatform = (output: string) => `\${data.terraform_remote_state.platform-state.outputs.${output}}`;
type Body = Record<string, unknown>;
const byName = (stack: string, type: string, name: string): Body | undefined =>
  Object.values(resourcesOf(synthesizedStack(stack).doc, type)).find((r) => (r["metadata"] as Body | undefined)?.["name"] === name);
const releases = (stack: string) => Object.values(resourcesOf(synthesizedStack(stack).doc, "helm_release"));
const releaseValues = (stack: string, chart: string) => JSON.parse(String((releases(stack).find((r) => r["chart"] === chart)?.["values"] as string[])[0])) as Body;

describe("workloads stack: what each environment gets", () => {
  it("prod autoscales both apps on CPU and memory and protects them with disruption budgets; dev runs single replicas without", () => {
    const prodHpas = Object.values(resourcesOf(synthesizedStack("workloads-prod").doc, "kubernetes_horizontal_pod_autoscaler_v2"));
    expect(prodHpas).toHaveLength(2);
    for (const hpa of prodHpas) {
      const metrics = ((hpa["spec"] as Body)["metric"] as { resource: { name: string } }[]).map((m) => m.resource.name).sort();
      expect(metrics).toEqual(["cpu", "memory"]);
    }
    expect(Object.keys(resourcesOf(synthesizedStack("workloads-prod").doc, "kubernetes_pod_disruption_budget_v1"))).toHaveLength(2);
    expect(Object.keys(resourcesOf(synthesizedStack("workloads-dev").doc, "kubernetes_horizontal_pod_autoscaler_v2"))).toHaveLength(0);
    expect(Object.keys(resourcesOf(synthesizedStack("workloads-dev").doc, "kubernetes_pod_disruption_budget_v1"))).toHaveLength(0);
  });

  it("prod terminates TLS at the NLB with its certificate; dev serves plain HTTP", () => {
    const prodAnnotations = JSON.stringify(releaseValues("workloads-prod", "ingress-nginx"));
    expect(prodAnnotations).toContain("arn:aws:acm:eu-west-1:222222222222:certificate/5f0c1a2b-3d4e-4f60-8a9b-0c1d2e3f4a5b");
    expect(JSON.stringify(releaseValues("workloads-dev", "ingress-nginx"))).not.toContain("aws-load-balancer-ssl-cert");
    expect(synthesizedStack("workloads-prod").doc.output?.["frontend_url"]?.value).toBe("https://app.acme.example");
    expect(synthesizedStack("workloads-dev").doc.output?.["frontend_url"]?.value).toBe("http://app.dev.acme.example");
  });
});

describe.each(ENVIRONMENTS.map((env) => [env.name, env] as const))("workloads-%s", (name, env) => {
  const stackName = `workloads-${name}`;
  const stack = synthesizedStack(stackName);

  it("reaches the cluster from the platform's state with a short-lived token, no static credentials", () => {
    const exec = {
      api_version: "client.authentication.k8s.io/v1beta1",
      command: "aws",
      args: ["eks", "get-token", "--cluster-name", fromPlatform("cluster_name"), "--region", env.account.region],
    };
    const host = fromPlatform("cluster_endpoint");
    expect(stack.json).toHaveProviderWithProperties(KubernetesProvider, { host, exec: [exec] });
    expect(stack.json).toHaveProviderWithProperties(HelmProvider, { kubernetes: { host, exec } });
    expect(stack.json).not.toMatch(/"token"|"config_path"|"client_key"/);
  });

  it("takes each app's image from the network layer's repository with the tag as a release variable", () => {
    for (const app of ["frontend", "backend"] as const) {
      expect(stack.doc.variable?.[imageTagVariableName(app)]?.["default"]).toBe(env.workloads[app].imageTag);
      const deployment = byName(stackName, "kubernetes_deployment_v1", app);
      const container = ((((deployment?.["spec"] as Body)["template"] as Body)["spec"] as Body)["container"] as Body[])[0];
      expect(container?.["image"]).toBe(`\${data.terraform_remote_state.network-state.outputs.ecr_repository_urls.${app}}:\${var.${app}_image_tag}`);
    }
  });

  it("mounts the database credentials into the backend from Secrets Manager, under the backend's own role", () => {
    const spc = releases(stackName).find((r) => String(r["name"]) === "backend-secrets");
    expect(String((spc?.["values"] as string[])[0])).toContain(fromPlatform("database_secret_arn"));
    const account = byName(stackName, "kubernetes_service_account_v1", "backend");
    expect((account?.["metadata"] as Body)["annotations"]).toEqual({ "eks.amazonaws.com/role-arn": fromPlatform("backend_role_arn") });
  });

  it("exposes only the frontend, through an nginx ingress on the configured host", () => {
    const ingresses = Object.values(resourcesOf(stack.doc, "kubernetes_ingress_v1"));
    expect(ingresses).toHaveLength(1);
    const spec = ingresses[0]?.["spec"] as Body;
    expect(spec["ingress_class_name"]).toBe("nginx");
    expect(JSON.stringify(spec["rule"])).toContain(`"host":"${env.workloads.frontendHost}"`);
    for (const service of Object.values(resourcesOf(stack.doc, "kubernetes_service_v1"))) {
      expect((service["spec"] as Body)["type"]).toBe("ClusterIP");
    }
  });

  it("lets the backend egress only to the data tier's subnets on the data ports, the VPC endpoints and DNS", () => {
    const toData = byName(stackName, "kubernetes_network_policy_v1", "egress-to-data-tier");
    const egress = ((toData?.["spec"] as Body)["egress"] as Body[])[0]!;
    expect((egress["to"] as Body[]).map((peer) => (peer["ip_block"] as Body)["cidr"])).toEqual(
      Array.from({ length: env.network.azCount }, (_, i) => `\${element(data.terraform_remote_state.network-state.outputs.private_data_subnet_cidrs, ${i})}`),
    );
    expect((egress["ports"] as Body[]).map((p) => Number(p["port"]))).toEqual(env.network.dataTierPorts);
  });

  it("installs every cluster service from a pinned chart version of the environment file", () => {
    const versions = Object.fromEntries(releases(stackName).map((r) => [r["chart"], r["version"]]));
    expect(versions["ingress-nginx"]).toBe(env.workloads.charts.ingressNginx);
    expect(versions["external-dns"]).toBe(env.workloads.charts.externalDns);
    expect(versions["cluster-autoscaler"]).toBe(env.workloads.charts.clusterAutoscaler);
    expect(versions["metrics-server"]).toBe(env.workloads.charts.metricsServer);
    expect(versions["secrets-store-csi-driver"]).toBe(env.workloads.charts.secretsStoreCsiDriver);
  });

  it("runs each controller under the IAM role the platform created for it", () => {
    expect(JSON.stringify(releaseValues(stackName, "external-dns"))).toContain(fromPlatform("external_dns_role_arn"));
    expect(JSON.stringify(releaseValues(stackName, "cluster-autoscaler"))).toContain(fromPlatform("cluster_autoscaler_role_arn"));
    if (env.workloads.monitoring.fluentBit) {
      expect(JSON.stringify(releaseValues(stackName, "fluent-bit"))).toContain(fromPlatform("fluent_bit_role_arn"));
    }
  });
});
