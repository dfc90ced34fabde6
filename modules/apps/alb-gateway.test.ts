import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { resourcesOf, type TerraformJson } from "../../test/support/synthesized";
import { AlbGateway, type AlbGatewayProps } from "./alb-gateway";
import { localChartDir } from "../kubernetes/local-chart-release";

const props: AlbGatewayProps = {
  name: "public",
  namespace: "frontend",
  host: "app.example.com",
  certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000000",
  subnetIds: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"],
  webAclArn: "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/prod-frontend/0000",
  backend: { serviceName: "frontend", servicePort: 80, healthCheckPath: "/ready" },
  kubernetesVersion: "1.35",
  dependsOn: [],
};
const synth = (overrides: Partial<AlbGatewayProps> = {}) =>
  JSON.parse(Testing.synthScope((scope) => new AlbGateway(scope, "gateway", { ...props, ...overrides }))) as TerraformJson;
const valuesOf = (doc: TerraformJson) =>
  JSON.parse(String((Object.values(resourcesOf(doc, "helm_release"))[0]!["values"] as string[])[0])) as Record<string, unknown>;
const attributes = (doc: TerraformJson) =>
  Object.fromEntries((valuesOf(doc)["loadBalancerAttributes"] as { key: string; value: string }[]).map((a) => [a.key, a.value]));

/** Every `.Values.<path>` the chart's templates read, as dotted paths. */
function valuesPathsInTemplates(): string[] {
  const dir = path.join(localChartDir("alb-gateway"), "templates");
  const text = readdirSync(dir)
    .map((file) => readFileSync(path.join(dir, file), "utf8"))
    .join("\n");
  return [...new Set([...text.matchAll(/\.Values\.([A-Za-z0-9_.]+)/g)].map((m) => m[1]!))].sort();
}
const has = (tree: unknown, dotted: string) =>
  dotted
    .split(".")
    .reduce<unknown>(
      (node, key) => (node !== null && typeof node === "object" && key in node ? (node as Record<string, unknown>)[key] : undefined),
      tree,
    ) !== undefined;

describe("AlbGateway", () => {
  it("gives the chart every value its templates read, and no value that none reads", () => {
    const values = valuesOf(synth({ accessLogs: { bucketName: "logs", prefix: "frontend" }, tags: { environment: "prod" } }));
    const read = valuesPathsInTemplates();
    expect(read.filter((dotted) => !has(values, dotted))).toEqual([]);
    expect(Object.keys(values).filter((key) => !read.some((dotted) => dotted === key || dotted.startsWith(`${key}.`)))).toEqual([]);
  });

  it("protects the ALB from deletion, drops invalid header fields and logs to the bucket when given one", () => {
    expect(attributes(synth({ accessLogs: { bucketName: "prod-alb-access-logs", prefix: "frontend" } }))).toEqual({
      "deletion_protection.enabled": "true",
      "routing.http.drop_invalid_header_fields.enabled": "true",
      "idle_timeout.timeout_seconds": "60",
      "access_logs.s3.enabled": "true",
      "access_logs.s3.bucket": "prod-alb-access-logs",
      "access_logs.s3.prefix": "frontend",
    });
    expect(attributes(synth({ deletionProtection: false }))).toMatchObject({
      "deletion_protection.enabled": "false",
      "access_logs.s3.enabled": "false",
    });
  });

  it("serves TLS 1.2 and 1.3 only, with the class of the AWS Load Balancer Controller's ALB gateways", () => {
    expect(valuesOf(synth())).toMatchObject({ sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", gatewayClassName: "public-alb" });
    const templates = readFileSync(path.join(localChartDir("alb-gateway"), "templates/gatewayclass.yaml"), "utf8");
    expect(templates).toContain("controllerName: gateway.k8s.aws/alb");
  });

  it("answers plain HTTP with a permanent redirect to HTTPS only (no route from port 80 to the application)", () => {
    const routes = readFileSync(path.join(localChartDir("alb-gateway"), "templates/httproutes.yaml"), "utf8").split(/^---$/m);
    const onHttp = routes.filter((route) => /sectionName: http$/m.test(route));
    expect(onHttp).toHaveLength(1);
    expect(onHttp[0]).toMatch(/type: RequestRedirect\s+requestRedirect:\s+scheme: https\s+port: 443\s+statusCode: 301/);
    expect(onHttp[0]).not.toContain("backendRefs");
  });

  it("GIVEN the defaults WHEN synthesized THEN the hook waits 600 s with the cluster minor's kubectl, and the release's timeout outlasts the hook Job's deadline", () => {
    const doc = synth();
    expect(valuesOf(doc)["programmedWait"]).toEqual({ image: "registry.k8s.io/kubectl:v1.35.0", timeoutSeconds: 600 });
    const release = Object.values(resourcesOf(doc, "helm_release"))[0]!;
    // The Job's deadline is the wait and 60 s (charts/alb-gateway/templates/programmed-wait.yaml).
    expect(release["timeout"]).toBe(720);
    expect(Number(release["timeout"])).toBeGreaterThan(600 + 60);
  });

  it("GIVEN a 1.34 cluster and a 900 s wait WHEN synthesized THEN the hook runs kubectl v1.34.0 and the release waits 1020 s", () => {
    const doc = synth({ kubernetesVersion: "1.34", programmedTimeoutSeconds: 900 });
    expect(valuesOf(doc)["programmedWait"]).toEqual({ image: "registry.k8s.io/kubectl:v1.34.0", timeoutSeconds: 900 });
    expect(Object.values(resourcesOf(doc, "helm_release"))[0]!["timeout"]).toBe(1020);
  });

  it("GIVEN a wait shorter than a minute or a version that is not a minor WHEN synthesized THEN each is refused, naming the gateway", () => {
    expect(() => synth({ programmedTimeoutSeconds: 30 })).toThrow(
      "ALB gateway public: programmedTimeoutSeconds must be 60 to 1800 (got 30)",
    );
    expect(() => synth({ kubernetesVersion: "v1.35.2" })).toThrow(
      'ALB gateway public: kubernetesVersion must be a minor version such as 1.35 (got "v1.35.2")',
    );
  });

  it("refuses a single subnet, a bad host, a log prefix S3 log delivery rejects", () => {
    expect(() => synth({ subnetIds: ["subnet-0aaaaaaaaaaaaaaaa"] })).toThrow(
      "ALB gateway public: an ALB needs subnets in at least two availability zones (got 1)",
    );
    expect(() => synth({ host: "not a host" })).toThrow('ALB gateway public: host "not a host" is not a DNS name');
    expect(() => synth({ accessLogs: { bucketName: "b", prefix: "AWSLogs/x" } })).toThrow('access log prefix "AWSLogs/x"');
  });
});
