import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { describe, expect, it } from "vitest";
import { resolvedChartVersions } from "../../environments/workloads-schema";
import { ENVIRONMENTS } from "../support/fixtures";
import { resourcesOf, synthesizedStack, type TerraformJson } from "../support/synthesized";

const fromPlatform = (output: string) => `\${data.terraform_remote_state.platform-state.outputs.${output}}`;
const fromNetwork = (output: string) => `\${data.terraform_remote_state.network-state.outputs.${output}}`;
type Body = Record<string, unknown>;
const byName = (stack: string, type: string, name: string): Body | undefined =>
  Object.values(resourcesOf(synthesizedStack(stack).doc, type)).find((r) => (r["metadata"] as Body | undefined)?.["name"] === name);
const releasesOf = (doc: TerraformJson) => Object.values(resourcesOf(doc, "helm_release"));
const releases = (stack: string) => releasesOf(synthesizedStack(stack).doc);
const valuesOf = (doc: TerraformJson, chart: string) =>
  JSON.parse(String((releasesOf(doc).find((r) => r["chart"] === chart)!["values"] as string[])[0])) as Body;
const releaseValues = (stack: string, chart: string) => valuesOf(synthesizedStack(stack).doc, chart);
const charts = (stack: string) => releases(stack).map((r) => r["chart"]);
const releaseNamed = (doc: TerraformJson, name: string) => releasesOf(doc).find((r) => r["name"] === name);
const valuesNamed = (doc: TerraformJson, name: string) => JSON.parse(String((releaseNamed(doc, name)!["values"] as string[])[0])) as Body;
const idOf = (doc: TerraformJson, name: string) =>
  Object.entries(resourcesOf(doc, "helm_release")).find(([, r]) => r["name"] === name)?.[0];
/** The ALB attributes the Gateway's LoadBalancerConfiguration sets, as a map. */
const albAttributes = (doc: TerraformJson) =>
  Object.fromEntries(
    (valuesNamed(doc, "public-gateway")["loadBalancerAttributes"] as { key: string; value: string }[]).map((a) => [a.key, a.value]),
  );

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

  it("no environment installs ingress-nginx, an Ingress or an IngressClass any more", () => {
    for (const env of ENVIRONMENTS) {
      const stack = synthesizedStack(`workloads-${env.name}`);
      expect(charts(`workloads-${env.name}`)).not.toContain("ingress-nginx");
      expect(resourcesOf(stack.doc, "kubernetes_ingress_v1")).toEqual({});
      expect(stack.json).not.toContain("ingress-nginx");
      expect(byName(`workloads-${env.name}`, "kubernetes_namespace_v1", "ingress-nginx")).toBeUndefined();
    }
  });

  it("staging runs exactly prod's entry path: the same releases, the web ACL, deletion protection and access logs", () => {
    const entryOf = (stack: string) => {
      const doc = synthesizedStack(stack).doc;
      const values = valuesNamed(doc, "public-gateway");
      return {
        releases: releasesOf(doc)
          .map((r) => r["name"])
          .sort(),
        acls: Object.keys(resourcesOf(doc, "aws_wafv2_web_acl")).length,
        sslPolicy: values["sslPolicy"],
        attributes: Object.keys(albAttributes(doc)).sort(),
        deletionProtection: albAttributes(doc)["deletion_protection.enabled"],
        accessLogs: albAttributes(doc)["access_logs.s3.enabled"],
      };
    };
    expect(entryOf("workloads-staging")).toEqual(entryOf("workloads-prod"));
    expect(entryOf("workloads-prod")).toMatchObject({ acls: 1, deletionProtection: "true", accessLogs: "true" });
  });

  it("prod's ALB: deletion protection on, access logs to its encrypted log bucket, invalid header fields dropped, TLS 1.2+ only", () => {
    const doc = synthesizedStack("workloads-prod").doc;
    const buckets = resourcesOf(doc, "aws_s3_bucket");
    const logBucket = Object.entries(buckets).find(([, b]) => String(b["bucket"]).startsWith("prod-alb-access-logs-"));
    expect(logBucket?.[1]["bucket"]).toBe("prod-alb-access-logs-222222222222-eu-west-1");
    expect(albAttributes(doc)).toEqual({
      "deletion_protection.enabled": "true",
      "routing.http.drop_invalid_header_fields.enabled": "true",
      "idle_timeout.timeout_seconds": "60",
      "access_logs.s3.enabled": "true",
      "access_logs.s3.bucket": `\${aws_s3_bucket.${logBucket?.[0]}.bucket}`,
      "access_logs.s3.prefix": "frontend",
    });
    // SSE-S3: the only server-side encryption ALB log delivery writes with.
    const encryption = Object.values(resourcesOf(doc, "aws_s3_bucket_server_side_encryption_configuration")).find(
      (e) => e["bucket"] === `\${aws_s3_bucket.${logBucket?.[0]}.id}`,
    );
    expect(JSON.stringify(encryption?.["rule"])).toContain('"sse_algorithm":"AES256"');
    expect(valuesNamed(doc, "public-gateway")["sslPolicy"]).toBe("ELBSecurityPolicy-TLS13-1-2-2021-06");
  });

  it("dev may switch the ALB's deletion protection off (a sandbox is torn down), and still logs", () => {
    expect(albAttributes(synthesizedStack("workloads-dev").doc)).toMatchObject({
      "deletion_protection.enabled": "false",
      "access_logs.s3.enabled": "true",
    });
  });

  it("prod's controller runs as the service account its Pod Identity association names, in the network's VPC", () => {
    const values = releaseValues("workloads-prod", "aws-load-balancer-controller");
    expect(values).toMatchObject({
      clusterName: fromPlatform("cluster_name"),
      vpcId: fromNetwork("vpc_id"),
      serviceAccount: { create: true, name: "aws-load-balancer-controller", annotations: {} },
    });
  });

  it("prod's web ACL limits each client IP to the configured rate and logs with the network layer's logs key", () => {
    const doc = synthesizedStack("workloads-prod").doc;
    const acl = Object.values(resourcesOf(doc, "aws_wafv2_web_acl"))[0]!;
    expect(JSON.stringify(acl["rule"])).toContain('"limit":2000');
    const group = Object.values(resourcesOf(doc, "aws_cloudwatch_log_group"))[0]!;
    expect(group).toMatchObject({ name: "aws-waf-logs-prod-frontend", kms_key_id: fromNetwork("logs_kms_key_arn") });
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
      const container = ((((deployment!["spec"] as Body)["template"] as Body)["spec"] as Body)["container"] as Body[])[0];
      expect(container?.["image"]).toBe(
        `\${data.terraform_remote_state.network-state.outputs.ecr_repository_urls.${app}}:\${var.${app}_image_tag}`,
      );
    }
  });

  it("runs the backend under its own role (IAM authentication to Aurora and the cache: test/stacks/database-app-role.test.ts)", () => {
    expect(releases(stackName).find((r) => String(r["name"]) === "backend-secrets")).toBeUndefined();
    // EKS Pod Identity: the association (platform layer) binds backend/backend; no IRSA annotation.
    const account = byName(stackName, "kubernetes_service_account_v1", "backend");
    expect((account!["metadata"] as Body)["annotations"]).toBeUndefined();
  });

  it("serves the frontend through a Gateway of the controller's ALB: the host, the certificate, the web ACL, the public subnets, pod targets", () => {
    const values = valuesNamed(stack.doc, "public-gateway");
    const acls = Object.keys(resourcesOf(stack.doc, "aws_wafv2_web_acl"));
    expect(acls).toHaveLength(1);
    expect(values).toMatchObject({
      gatewayClassName: "public-alb",
      host: env.workloads.frontendHost,
      certificateArn: env.workloads.certificateArn,
      webAclArn: `\${aws_wafv2_web_acl.${acls[0]!}.arn}`,
      subnetIds: Array.from(
        { length: env.network.azCount },
        (_, i) => `\${element(data.terraform_remote_state.network-state.outputs.public_subnet_ids, ${i})}`,
      ),
      backend: {
        serviceName: "frontend",
        servicePort: env.workloads.frontend.containerPort,
        healthCheckPath: env.workloads.frontend.readinessPath,
      },
    });
    for (const service of Object.values(resourcesOf(stack.doc, "kubernetes_service_v1"))) {
      expect((service["spec"] as Body)["type"]).toBe("ClusterIP");
    }
    expect(stack.doc.output?.["frontend_url"]?.value).toBe(`https://${env.workloads.frontendHost}`);
  });

  it("installs the Gateway API CRDs, then the controller's CRDs, then the controller (without its crds/), then the Gateway", () => {
    const dependsOn = (name: string) => releaseNamed(stack.doc, name)?.["depends_on"] as string[] | undefined;
    const ref = (name: string) => `helm_release.${idOf(stack.doc, name)}`;
    expect(dependsOn("aws-load-balancer-controller-crds")).toEqual([ref("gateway-api-crds")]);
    expect(dependsOn("aws-load-balancer-controller")).toEqual([ref("aws-load-balancer-controller-crds")]);
    expect(releaseNamed(stack.doc, "aws-load-balancer-controller")?.["skip_crds"]).toBe(true);
    expect(dependsOn("public-gateway")).toContain(ref("aws-load-balancer-controller"));
  });

  it("admits to the frontend only the load balancer's addresses in the public subnets, on the container port", () => {
    const policy = byName(stackName, "kubernetes_network_policy_v1", "ingress-from-load-balancer");
    const rules = (policy!["spec"] as Body)["ingress"] as Body[];
    expect(rules).toHaveLength(1);
    expect((rules[0]!["from"] as Body[]).map((peer) => (peer["ip_block"] as Body)["cidr"])).toEqual(
      Array.from(
        { length: env.network.azCount },
        (_, i) => `\${element(data.terraform_remote_state.network-state.outputs.public_subnet_cidrs, ${i})}`,
      ),
    );
    expect((rules[0]!["ports"] as Body[]).map((p) => p["port"])).toEqual([String(env.workloads.frontend.containerPort)]);
  });

  it("lets the backend reach the data tier's subnets on the data ports (443 and DNS: backend-egress.test.ts)", () => {
    const toData = byName(stackName, "kubernetes_network_policy_v1", "egress-to-data-tier");
    const egress = ((toData!["spec"] as Body)["egress"] as Body[])[0]!;
    expect((egress["to"] as Body[]).map((peer) => (peer["ip_block"] as Body)["cidr"])).toEqual(
      Array.from(
        { length: env.network.azCount },
        (_, i) => `\${element(data.terraform_remote_state.network-state.outputs.private_data_subnet_cidrs, ${i})}`,
      ),
    );
    expect((egress["ports"] as Body[]).map((p) => Number(p["port"]))).toEqual(env.network.dataTierPorts);
  });

  it("installs every cluster service at the version resolved for its Kubernetes minor (the file's pin, else the table's newest fitting)", () => {
    const versions = Object.fromEntries(releases(stackName).map((r) => [r["chart"], r["version"]]));
    const resolved = resolvedChartVersions(env.workloads, env.platform.kubernetesVersion);
    expect(versions["aws-load-balancer-controller"]).toBe(resolved.awsLoadBalancerController);
    expect(versions["external-dns"]).toBe(resolved.externalDns);
    expect(versions["karpenter"]).toBe(resolved.karpenter);
    expect(versions["karpenter-crd"]).toBe(resolved.karpenter);
    expect(versions["metrics-server"]).toBe(resolved.metricsServer);
    expect(versions["secrets-store-csi-driver"]).toBe(resolved.secretsStoreCsiDriver);
    expect(versions["secrets-store-csi-driver-provider-aws"]).toBe(resolved.secretsStoreCsiProviderAws);
  });

  it("annotates no service account for IRSA: every role comes through EKS Pod Identity", () => {
    expect(stack.json).not.toContain("eks.amazonaws.com/role-arn");
  });

  it("runs Karpenter with the platform's interruption queue and cluster, its CRDs first", () => {
    expect(releaseValues(stackName, "karpenter")).toMatchObject({
      settings: {
        clusterName: fromPlatform("cluster_name"),
        clusterEndpoint: fromPlatform("cluster_endpoint"),
        interruptionQueue: fromPlatform("karpenter_interruption_queue_name"),
      },
      serviceAccount: { create: true, name: "karpenter", annotations: {} },
      tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" }],
    });
    const karpenter = releasesOf(stack.doc).find((r) => r["chart"] === "karpenter");
    expect(karpenter).toMatchObject({ repository: "oci://public.ecr.aws/karpenter", skip_crds: true, namespace: "kube-system" });
    expect(karpenter?.["depends_on"]).toEqual([`helm_release.${idOf(stack.doc, "karpenter-crd")}`]);
  });

  it("releases the environment's NodePools and their EC2NodeClass after Karpenter, with the platform's node role", () => {
    const values = valuesNamed(stack.doc, "karpenter-node-pools") as { nodeClasses: Body[]; nodePools: { metadata: { name: string } }[] };
    expect(values.nodePools.map((pool) => pool.metadata.name)).toEqual(env.platform.karpenter.nodePools.map((pool) => pool.name));
    expect((values.nodeClasses[0]!["spec"] as Body)["role"]).toBe(fromPlatform("karpenter_node_role_name"));
    expect(releaseNamed(stack.doc, "karpenter-node-pools")?.["depends_on"]).toEqual([`helm_release.${idOf(stack.doc, "karpenter")}`]);
  });
});
