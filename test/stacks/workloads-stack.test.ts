import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import type { EnvironmentConfig } from "../../environments/schema";
import { buildEnvironment, ENVIRONMENTS, environment } from "../support/fixtures";
import { resourcesOf, synthesizedStack, type TerraformJson } from "../support/synthesized";

const fromPlatform = (output: string) => `\${data.terraform_remote_state.platform-state.outputs.${output}}`;
const fromNetwork = (output: string) => `\${data.terraform_remote_state.network-state.outputs.${output}}`;
type Body = Record<string, unknown>;
const byName = (stack: string, type: string, name: string): Body | undefined =>
  Object.values(resourcesOf(synthesizedStack(stack).doc, type)).find((r) => (r["metadata"] as Body | undefined)?.["name"] === name);
const releasesOf = (doc: TerraformJson) => Object.values(resourcesOf(doc, "helm_release"));
const releases = (stack: string) => releasesOf(synthesizedStack(stack).doc);
const valuesOf = (doc: TerraformJson, chart: string) => JSON.parse(String((releasesOf(doc).find((r) => r["chart"] === chart)?.["values"] as string[])[0])) as Body;
const releaseValues = (stack: string, chart: string) => valuesOf(synthesizedStack(stack).doc, chart);
const charts = (stack: string) => releases(stack).map((r) => r["chart"]);
const onlyIngress = (doc: TerraformJson) => {
  const ingresses = Object.values(resourcesOf(doc, "kubernetes_ingress_v1"));
  expect(ingresses).toHaveLength(1);
  return ingresses[0]!;
};
const ingressAnnotations = (doc: TerraformJson) => ((onlyIngress(doc)["metadata"] as Body)["annotations"] ?? {}) as Record<string, string>;
const CERTIFICATE = "arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-4000-8000-000000000000";

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

  it("prod serves HTTPS from its certificate; dev serves plain HTTP", () => {
    expect(ingressAnnotations(synthesizedStack("workloads-prod").doc)["alb.ingress.kubernetes.io/certificate-arn"]).toBe(
      "arn:aws:acm:eu-west-1:222222222222:certificate/5f0c1a2b-3d4e-4f60-8a9b-0c1d2e3f4a5b",
    );
    expect(JSON.stringify(releaseValues("workloads-dev", "ingress-nginx"))).not.toContain("aws-load-balancer-ssl-cert");
    expect(synthesizedStack("workloads-prod").doc.output?.["frontend_url"]?.value).toBe("https://app.acme.example");
    expect(synthesizedStack("workloads-dev").doc.output?.["frontend_url"]?.value).toBe("http://app.dev.acme.example");
  });

  it("GIVEN the nlb entry with a certificate WHEN synthesized THEN TLS ends at the NLB in front of ingress-nginx", () => {
    const withCertificate = environment("dev", (env): EnvironmentConfig => ({ ...env, workloads: { ...env.workloads, certificateArn: CERTIFICATE } }));
    const doc = JSON.parse(Testing.synth(buildEnvironment(withCertificate).stacks.workloads)) as TerraformJson;
    const service = (valuesOf(doc, "ingress-nginx")["controller"] as Body)["service"] as Body;
    expect((service["annotations"] as Body)["service.beta.kubernetes.io/aws-load-balancer-ssl-cert"]).toBe(CERTIFICATE);
    expect(doc.output?.["frontend_url"]?.value).toBe("https://app.dev.acme.example");
  });

  it("prod's public entry is an ALB behind the WAF web ACL, with no ingress-nginx installed", () => {
    const doc = synthesizedStack("workloads-prod").doc;
    const ingress = onlyIngress(doc);
    expect((ingress["spec"] as Body)["ingress_class_name"]).toBe("alb");
    const acls = Object.keys(resourcesOf(doc, "aws_wafv2_web_acl"));
    expect(acls).toHaveLength(1);
    expect(ingressAnnotations(doc)).toMatchObject({
      "alb.ingress.kubernetes.io/scheme": "internet-facing",
      "alb.ingress.kubernetes.io/target-type": "ip",
      "alb.ingress.kubernetes.io/listen-ports": '[{"HTTPS":443}]',
      "alb.ingress.kubernetes.io/ssl-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
      "alb.ingress.kubernetes.io/wafv2-acl-arn": `\${aws_wafv2_web_acl.${acls[0]!}.arn}`,
      "alb.ingress.kubernetes.io/healthcheck-path": "/ready",
    });
    expect(charts("workloads-prod")).toContain("aws-load-balancer-controller");
    expect(charts("workloads-prod")).not.toContain("ingress-nginx");
    expect(byName("workloads-prod", "kubernetes_namespace_v1", "ingress-nginx")).toBeUndefined();
  });

  it("GIVEN prod's ALB entry WHEN synthesized THEN its listener negotiates TLS 1.2 and 1.3 only (no TLS 1.0 or 1.1 policy)", () => {
    expect(ingressAnnotations(synthesizedStack("workloads-prod").doc)["alb.ingress.kubernetes.io/ssl-policy"]).toBe("ELBSecurityPolicy-TLS13-1-2-2021-06");
  });

  it("prod's controller runs under the platform's role for it, in the network's VPC", () => {
    const values = releaseValues("workloads-prod", "aws-load-balancer-controller");
    expect(values).toMatchObject({
      clusterName: fromPlatform("cluster_name"),
      vpcId: fromNetwork("vpc_id"),
      serviceAccount: { annotations: { "eks.amazonaws.com/role-arn": fromPlatform("load_balancer_controller_role_arn") } },
    });
  });

  it("prod's web ACL limits each client IP to the configured rate and logs with the network layer's logs key", () => {
    const doc = synthesizedStack("workloads-prod").doc;
    const acl = Object.values(resourcesOf(doc, "aws_wafv2_web_acl"))[0]!;
    expect(JSON.stringify(acl["rule"])).toContain('"limit":2000');
    const group = Object.values(resourcesOf(doc, "aws_cloudwatch_log_group"))[0]!;
    expect(group).toMatchObject({ name: "aws-waf-logs-prod-frontend", kms_key_id: fromNetwork("logs_kms_key_arn") });
  });

  it("prod's frontend admits the ALB from the public subnets on its container port, and nothing from ingress-nginx", () => {
    const policy = byName("workloads-prod", "kubernetes_network_policy_v1", "ingress-from-load-balancer");
    const rule = ((policy?.["spec"] as Body)["ingress"] as Body[])[0]!;
    expect((rule["from"] as Body[]).map((peer) => (peer["ip_block"] as Body)["cidr"])).toEqual(
      [0, 1, 2].map((i) => `\${element(data.terraform_remote_state.network-state.outputs.public_subnet_cidrs, ${i})}`),
    );
    expect((rule["ports"] as Body[]).map((p) => p["port"])).toEqual(["8080"]);
    expect(byName("workloads-prod", "kubernetes_network_policy_v1", "ingress-from-ingress-nginx")).toBeUndefined();
  });

  it("dev keeps the NLB and ingress-nginx, with no web ACL and no load balancer controller", () => {
    const doc = synthesizedStack("workloads-dev").doc;
    expect((onlyIngress(doc)["spec"] as Body)["ingress_class_name"]).toBe("nginx");
    expect(charts("workloads-dev")).toContain("ingress-nginx");
    expect(charts("workloads-dev")).not.toContain("aws-load-balancer-controller");
    expect(resourcesOf(doc, "aws_wafv2_web_acl")).toEqual({});
    expect(byName("workloads-dev", "kubernetes_network_policy_v1", "ingress-from-ingress-nginx")).toBeDefined();
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
      expect(stack.doc.variable?.[`${app}_image_tag`]?.["default"]).toBe(env.workloads[app].imageTag);
      const deployment = byName(stackName, "kubernetes_deployment_v1", app);
      const container = ((((deployment?.["spec"] as Body)["template"] as Body)["spec"] as Body)["container"] as Body[])[0];
      expect(container?.["image"]).toBe(`\${data.terraform_remote_state.network-state.outputs.ecr_repository_urls.${app}}:\${var.${app}_image_tag}`);
    }
  });

  it("runs the backend under its own role (IAM authentication to Aurora and the cache: test/stacks/database-app-role.test.ts)", () => {
    expect(releases(stackName).find((r) => String(r["name"]) === "backend-secrets")).toBeUndefined();
    const account = byName(stackName, "kubernetes_service_account_v1", "backend");
    expect((account?.["metadata"] as Body)["annotations"]).toEqual({ "eks.amazonaws.com/role-arn": fromPlatform("backend_role_arn") });
  });

  it("exposes only the frontend, through the ingress class of its entry on the configured host", () => {
    const spec = onlyIngress(stack.doc)["spec"] as Body;
    expect(spec["ingress_class_name"]).toBe(env.workloads.entry.type === "alb" ? "alb" : "nginx");
    expect(JSON.stringify(spec["rule"])).toContain(`"host":"${env.workloads.frontendHost}"`);
    for (const service of Object.values(resourcesOf(stack.doc, "kubernetes_service_v1"))) {
      expect((service["spec"] as Body)["type"]).toBe("ClusterIP");
    }
  });

  it("lets the backend reach the data tier's subnets on the data ports (443 and DNS: backend-egress.test.ts)", () => {
    const toData = byName(stackName, "kubernetes_network_policy_v1", "egress-to-data-tier");
    const egress = ((toData?.["spec"] as Body)["egress"] as Body[])[0]!;
    expect((egress["to"] as Body[]).map((peer) => (peer["ip_block"] as Body)["cidr"])).toEqual(
      Array.from({ length: env.network.azCount }, (_, i) => `\${element(data.terraform_remote_state.network-state.outputs.private_data_subnet_cidrs, ${i})}`),
    );
    expect((egress["ports"] as Body[]).map((p) => Number(p["port"]))).toEqual(env.network.dataTierPorts);
  });

  it("installs every cluster service from a pinned chart version of the environment file", () => {
    const versions = Object.fromEntries(releases(stackName).map((r) => [r["chart"], r["version"]]));
    if (env.workloads.entry.type === "alb") {
      expect(versions["aws-load-balancer-controller"]).toBe(env.workloads.charts.awsLoadBalancerController);
    } else {
      expect(versions["ingress-nginx"]).toBe(env.workloads.charts.ingressNginx);
    }
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
