import { z } from "zod";
import { IMAGE_TAG_PATTERN, MOVING_IMAGE_TAG } from "../modules/core/image-tag";

/**
 * The `workloads` section of an environment file: the cluster services (Helm charts, pinned) and
 * the two applications. Cross-field rules that need other sections (the host inside dns.domain,
 * production floors) live in schema.ts.
 */

/** Kubernetes CPU quantity (`250m`, `1`, `1.5`) in millicores. */
export function cpuMillicores(quantity: string): number {
  return quantity.endsWith("m") ? Number(quantity.slice(0, -1)) : Number(quantity) * 1000;
}

/** Kubernetes' memory suffixes: binary (Ki...Ei) and decimal (k...E). Uppercase K is not one. */
const MEMORY_UNITS: { readonly [unit: string]: number } = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const MEMORY_PATTERN = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;

/** Kubernetes memory quantity (`128Mi`, `1Gi`, `500M`) in bytes. */
export function memoryBytes(quantity: string): number {
  const match = MEMORY_PATTERN.exec(quantity);
  if (match === null) return Number.NaN;
  return Number(match[1]) * (MEMORY_UNITS[match[2] ?? ""] ?? Number.NaN);
}

const cpu = z.string().regex(/^(\d+m|\d+(\.\d+)?)$/, "must be a CPU quantity such as 250m or 1");
const memory = z.string().regex(MEMORY_PATTERN, "must be a memory quantity such as 256Mi or 1Gi");
const resources = z.strictObject({ cpu, memory });

const chartVersion = (chart: string, version: string) =>
  z
    .string({ error: 'must be a quoted string such as "1.2.3" (unquoted, YAML reads 4.12 as a number)' })
    .regex(/^\d+\.\d+\.\d+$/, "must be an exact chart version such as 1.2.3")
    .default(version)
    .describe(`Pinned ${chart} chart version. @default ${version}`);

/** Chart versions this project was written against; bump deliberately, one at a time. */
export const DEFAULT_CHART_VERSIONS = {
  ingressNginx: "4.12.1",
  secretsStoreCsiDriver: "1.4.8",
  secretsStoreCsiProviderAws: "1.0.1",
  externalDns: "1.15.2",
  clusterAutoscaler: "9.46.6",
  metricsServer: "3.12.2",
  kubePrometheusStack: "70.4.2",
  fluentBit: "0.48.9",
  awsLoadBalancerController: "1.17.1",
} as const;

const app = (name: string, defaultPort: number) =>
  z
    .strictObject({
      imageTag: z
        .string({ error: 'must be a quoted string such as "1.4.2" (unquoted, YAML reads 1.0 as a number)' })
        .regex(new RegExp(IMAGE_TAG_PATTERN), "must be a container image tag")
        .refine((tag) => tag !== MOVING_IMAGE_TAG, "must name one image: tags are immutable, `latest` is not a release")
        .describe(`Default image tag of ${name}; a release overrides it with -var ${name}_image_tag=<tag>.`),
      replicas: z.number().int().min(1).max(100).default(2).describe("Replicas (the HPA minimum when autoscaling). @default 2"),
      containerPort: z.number().int().min(1024, "must be >= 1024: containers run as non-root and cannot bind lower ports").max(65535).default(defaultPort).describe(`Port the container listens on (non-root: >= 1024). @default ${defaultPort}`),
      requests: resources.default({ cpu: "100m", memory: "128Mi" }).describe("@default 100m CPU, 128Mi memory"),
      limits: resources.default({ cpu: "500m", memory: "512Mi" }).describe("@default 500m CPU, 512Mi memory"),
      livenessPath: z.string().regex(/^\/[\w./-]*$/, "must be an HTTP path").default("/healthz").describe("@default /healthz"),
      readinessPath: z.string().regex(/^\/[\w./-]*$/, "must be an HTTP path").default("/ready").describe("@default /ready"),
      autoscaling: z
        .strictObject({
          enabled: z.boolean().default(false).describe("Horizontal pod autoscaling on CPU and memory. @default false; required in production"),
          maxReplicas: z.number().int().min(1).max(100).default(10).describe("@default 10"),
          cpuUtilization: z.number().int().min(10).max(100).default(70).describe("Target average CPU utilization, %. @default 70"),
          memoryUtilization: z.number().int().min(10).max(100).default(80).describe("Target average memory utilization, %. @default 80"),
        })
        .prefault({}),
    })
    .superRefine((settings, ctx) => {
      for (const key of ["cpu", "memory"] as const) {
        const measure = key === "cpu" ? cpuMillicores : memoryBytes;
        if (measure(settings.limits[key]) < measure(settings.requests[key])) {
          ctx.addIssue({ code: "custom", path: ["limits", key], message: `must be >= the request (${settings.requests[key]})` });
        }
      }
      if (settings.autoscaling.enabled && settings.autoscaling.maxReplicas < settings.replicas) {
        ctx.addIssue({ code: "custom", path: ["autoscaling", "maxReplicas"], message: `must be >= replicas (${settings.replicas})` });
      }
    });

export const workloadsSchema = z.strictObject({
  frontendHost: z
    .string()
    .regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a DNS name such as app.dev.example.com")
    .describe("Public host name of the frontend; must lie in dns.domain (external-dns creates the record)."),
  certificateArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/, "must be an ACM certificate ARN")
    .optional()
    .describe("ACM certificate the load balancer terminates TLS with. @default none: plain HTTP on 80 only"),
  ingressReplicas: z.number().int().min(1).max(20).default(2).describe("ingress-nginx controller replicas, spread across zones (the nlb entry). @default 2"),
  entry: z
    .strictObject({
      type: z
        .enum(["nlb", "alb"], { error: "must be nlb or alb" })
        .default("nlb")
        .describe(
          "The public entry: nlb (a Network Load Balancer in front of ingress-nginx) or alb (an Application Load Balancer of the AWS Load Balancer Controller behind a WAF web ACL; needs platform.loadBalancerController and certificateArn; required in production). @default nlb",
        ),
      waf: z
        .strictObject({
          rateLimitPer5Minutes: z
            .number()
            .int()
            .min(100)
            .max(2_000_000_000)
            .default(2000)
            .describe("Requests one client IP may send in any 5 minutes before the web ACL blocks it. @default 2000"),
        })
        .prefault({})
        .describe("The web application firewall in front of the ALB (used with type alb only)."),
    })
    .prefault({})
    .describe("How the internet reaches the frontend. @default nlb"),
  frontend: app("frontend", 8080),
  backend: app("backend", 8080),
  charts: z
    .strictObject({
      ingressNginx: chartVersion("ingress-nginx", DEFAULT_CHART_VERSIONS.ingressNginx),
      secretsStoreCsiDriver: chartVersion("secrets-store-csi-driver", DEFAULT_CHART_VERSIONS.secretsStoreCsiDriver),
      secretsStoreCsiProviderAws: chartVersion("secrets-store-csi-driver-provider-aws", DEFAULT_CHART_VERSIONS.secretsStoreCsiProviderAws),
      externalDns: chartVersion("external-dns", DEFAULT_CHART_VERSIONS.externalDns),
      clusterAutoscaler: chartVersion("cluster-autoscaler", DEFAULT_CHART_VERSIONS.clusterAutoscaler),
      metricsServer: chartVersion("metrics-server", DEFAULT_CHART_VERSIONS.metricsServer),
      kubePrometheusStack: chartVersion("kube-prometheus-stack", DEFAULT_CHART_VERSIONS.kubePrometheusStack),
      fluentBit: chartVersion("fluent-bit", DEFAULT_CHART_VERSIONS.fluentBit),
      awsLoadBalancerController: chartVersion("aws-load-balancer-controller", DEFAULT_CHART_VERSIONS.awsLoadBalancerController),
    })
    .prefault({}),
  monitoring: z
    .strictObject({
      prometheus: z.boolean().default(true).describe("kube-prometheus-stack (Prometheus, Alertmanager, Grafana). @default true"),
      prometheusRetention: z.string().regex(/^\d+[dh]$/, "must be a duration such as 15d").default("15d").describe("@default 15d"),
      prometheusStorageGiB: z.number().int().min(10).max(4096).default(50).describe("@default 50"),
      fluentBit: z.boolean().default(true).describe("Fluent Bit shipping container logs to CloudWatch Logs. @default true"),
    })
    .prefault({}),
});

export type WorkloadsSettings = z.output<typeof workloadsSchema>;

/** Production floors of the workloads section, paths relative to `workloads`. */
export function productionWorkloadsProblems(workloads: WorkloadsSettings): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  for (const name of ["frontend", "backend"] as const) {
    const settings = workloads[name];
    if (settings.replicas < 2) problems.push({ path: [name, "replicas"], message: "must be >= 2 in production (one per zone at least)" });
    if (!settings.autoscaling.enabled) problems.push({ path: [name, "autoscaling", "enabled"], message: "must be true in production" });
  }
  if (workloads.certificateArn === undefined) problems.push({ path: ["certificateArn"], message: "is required in production: the frontend is served over TLS" });
  if (workloads.entry.type !== "alb") {
    problems.push({ path: ["entry", "type"], message: "must be alb in production: the public entry goes through the web application firewall" });
  }
  return problems;
}
