import { z } from "zod";
import { CHART_VERSIONS, type ChartName, chartRelease, chartVersionProblem, supportsKubernetes } from "../modules/core/chart-versions";
import { KUBERNETES_VERSIONS, isKubernetesVersion } from "../modules/core/kubernetes-versions";
import { IMAGE_TAG_PATTERN, MOVING_IMAGE_TAG } from "../modules/core/image-tag";

/**
 * The `workloads` section of an environment file: the cluster services (Helm charts, pinned) and
 * the two applications. Cross-field rules that need other sections (the host inside dns.domain,
 * production floors) live in schema.ts.
 */

/**
 * Kubernetes CPU quantity (`250m`, `1`, `1.5`) in millicores.
 * @internal Exported for its tests (knip --production ignores the tag).
 */
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

/**
 * Kubernetes memory quantity (`128Mi`, `1Gi`, `500M`) in bytes.
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function memoryBytes(quantity: string): number {
  const match = MEMORY_PATTERN.exec(quantity);
  if (match === null) return Number.NaN;
  return Number(match[1]) * (MEMORY_UNITS[match[2] ?? ""] ?? Number.NaN);
}

const cpu = z
  .string()
  .regex(/^(\d+m|\d+(\.\d+)?)$/, "must be a CPU quantity such as 250m or 1")
  .describe("CPU as a Kubernetes quantity: millicores (`250m`) or cores (`1`, `0.5`).");
const memory = z
  .string()
  .regex(MEMORY_PATTERN, "must be a memory quantity such as 256Mi or 1Gi")
  .describe("Memory as a Kubernetes quantity: binary (`256Mi`, `1Gi`) or decimal (`500M`) units.");
const resources = z.strictObject({ cpu, memory });

const chartVersion = (name: ChartName) =>
  z
    .string({ error: 'must be a quoted string such as "1.2.3" (unquoted, YAML reads 4.12 as a number)' })
    .regex(/^\d+\.\d+\.\d+$/, "must be an exact chart version such as 1.2.3")
    .optional()
    .describe(
      `Pinned ${CHART_VERSIONS[name].chart} chart version, one listed in modules/core/chart-versions.ts. @default the newest listed version that supports platform.kubernetesVersion (${CHART_VERSIONS[name].default} on ${newestListedMinor()})`,
    );

/** The newest Kubernetes minor of the EKS table, for the documented defaults. */
function newestListedMinor(): string {
  return KUBERNETES_VERSIONS[KUBERNETES_VERSIONS.length - 1] ?? "";
}

/** What an old environment file may still carry from the ingress-nginx entry, and what to do instead. */
const INGRESS_NGINX_REMOVED =
  "ingress-nginx was removed (retired upstream in March 2026, no security fixes after 1.15.1): the public entry is Gateway API on the AWS Load Balancer Controller (entry.type alb); see docs/migrations/ingress-nginx-to-gateway-api.md";

/** A key that no longer exists: its presence is an error that says what replaced it. */
const removedKey = (message: string) => z.never({ error: message }).optional().describe(`Removed. ${message}`);

const app = (name: string, defaultPort: number) =>
  z
    .strictObject({
      imageTag: z
        .string({ error: 'must be a quoted string such as "1.4.2" (unquoted, YAML reads 1.0 as a number)' })
        .regex(new RegExp(IMAGE_TAG_PATTERN), "must be a container image tag")
        .refine((tag) => tag !== MOVING_IMAGE_TAG, "must name one image: tags are immutable, `latest` is not a release")
        .describe(`Default image tag of ${name}; a release overrides it with -var ${name}_image_tag=<tag>.`),
      replicas: z.number().int().min(1).max(100).default(2).describe("Replicas (the HPA minimum when autoscaling). @default 2"),
      containerPort: z
        .number()
        .int()
        .min(1024, "must be >= 1024: containers run as non-root and cannot bind lower ports")
        .max(65535)
        .default(defaultPort)
        .describe(`Port the container listens on (non-root: >= 1024). @default ${defaultPort}`),
      requests: resources
        .default({ cpu: "100m", memory: "128Mi" })
        .describe(
          "What the scheduler reserves for each pod (and what autoscaling utilization is a percentage of). @default 100m CPU, 128Mi memory",
        ),
      limits: resources
        .default({ cpu: "500m", memory: "512Mi" })
        .describe(
          "The most each pod may use: CPU is throttled above it, a pod is killed above its memory; each at least its request. @default 500m CPU, 512Mi memory",
        ),
      livenessPath: z
        .string()
        .regex(/^\/[\w./-]*$/, "must be an HTTP path")
        .default("/healthz")
        .describe("HTTP path of the liveness probe: a failing pod is restarted. @default /healthz"),
      readinessPath: z
        .string()
        .regex(/^\/[\w./-]*$/, "must be an HTTP path")
        .default("/ready")
        .describe("HTTP path of the readiness probe: a pod gets traffic only while it answers. @default /ready"),
      autoscaling: z
        .strictObject({
          enabled: z
            .boolean()
            .default(false)
            .describe("Horizontal pod autoscaling on CPU and memory. @default false; required in production"),
          maxReplicas: z
            .number()
            .int()
            .min(1)
            .max(100)
            .default(10)
            .describe("Most pods the autoscaler may run (replicas is the least). @default 10"),
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
  certificateCovers: z
    .array(
      z
        .string()
        .regex(/^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a DNS name or a wildcard such as *.acme.example"),
    )
    .min(1)
    .optional()
    .describe(
      "The names certificateArn was issued for (its domain name and subject alternative names, wildcards as ACM writes them: *.acme.example covers one label). Needed only when another environment uses the same certificate: then every file that uses it must list names covering its own frontendHost and the other environments' hosts. @default none: the certificate is taken to cover this environment's frontendHost only, and sharing it is refused",
    ),
  ingressReplicas: removedKey(INGRESS_NGINX_REMOVED),
  entry: z
    .strictObject({
      type: z
        .string()
        .refine(
          (type) => type !== "nlb",
          INGRESS_NGINX_REMOVED.replace("the public entry is", "nlb (ingress-nginx behind an NLB) is gone; the public entry is"),
        )
        .pipe(z.enum(["alb"], { error: "must be alb" }))
        .default("alb")
        .describe(
          "The public entry: alb, Gateway API on the AWS Load Balancer Controller: an internet-facing Application Load Balancer (HTTPS 443 with the ACM certificate, HTTP 80 redirected to HTTPS) behind a WAF web ACL. Needs platform.loadBalancerController and certificateArn. @default alb",
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
        .describe("The web application firewall in front of the ALB."),
      deletionProtection: z
        .boolean()
        .default(true)
        .describe(
          "The ALB's deletion protection (deleting the Gateway then leaves the ALB until an operator lifts it). @default true; cannot be false in production",
        ),
      accessLogs: z
        .strictObject({
          enabled: z
            .boolean()
            .default(true)
            .describe("ALB access logs to an encrypted S3 bucket of this environment. @default true; required in production"),
          retentionDays: z.number().int().min(1).max(3650).default(90).describe("Days the access log objects are kept. @default 90"),
        })
        .prefault({})
        .describe("The ALB's access logs."),
    })
    .prefault({})
    .describe("How the internet reaches the frontend. @default alb"),
  frontend: app("frontend", 8080),
  backend: app("backend", 8080),
  charts: z
    .strictObject({
      ingressNginx: removedKey(INGRESS_NGINX_REMOVED),
      secretsStoreCsiDriver: chartVersion("secretsStoreCsiDriver"),
      secretsStoreCsiProviderAws: chartVersion("secretsStoreCsiProviderAws"),
      externalDns: chartVersion("externalDns"),
      karpenter: chartVersion("karpenter"),
      metricsServer: chartVersion("metricsServer"),
      kubePrometheusStack: chartVersion("kubePrometheusStack"),
      fluentBit: chartVersion("fluentBit"),
      awsLoadBalancerController: chartVersion("awsLoadBalancerController"),
    })
    .prefault({})
    .describe(
      "Chart versions an environment pins (to roll a bump through dev and staging first). @default per chart: the newest version of modules/core/chart-versions.ts that supports platform.kubernetesVersion",
    ),
  monitoring: z
    .strictObject({
      prometheus: z.boolean().default(true).describe("kube-prometheus-stack (Prometheus, Alertmanager, Grafana). @default true"),
      prometheusRetention: z
        .string()
        .regex(/^\d+[dh]$/, "must be a duration such as 15d")
        .default("15d")
        .describe("How long Prometheus keeps samples, in days (`15d`) or hours (`12h`). @default 15d"),
      prometheusStorageGiB: z
        .number()
        .int()
        .min(10)
        .max(4096)
        .default(50)
        .describe("Size of Prometheus's encrypted gp3 volume, in GiB. @default 50"),
      fluentBit: z.boolean().default(true).describe("Fluent Bit shipping container logs to CloudWatch Logs. @default true"),
    })
    .prefault({}),
});

export type WorkloadsSettings = z.output<typeof workloadsSchema>;

/** The charts an environment file may pin (the local CRD charts follow the controller and the Gateway API release). */
export const PINNABLE_CHARTS = [
  "secretsStoreCsiDriver",
  "secretsStoreCsiProviderAws",
  "externalDns",
  "karpenter",
  "metricsServer",
  "kubePrometheusStack",
  "fluentBit",
  "awsLoadBalancerController",
] as const satisfies readonly ChartName[];
export type PinnableChart = (typeof PINNABLE_CHARTS)[number];

/**
 * The chart version each release installs: the environment's pin, else the newest version of the
 * chart table whose Kubernetes range includes the cluster's minor (else the table's default, which
 * the schema then reports).
 */
export function resolvedChartVersions(
  workloads: WorkloadsSettings,
  kubernetesVersion: string,
): { readonly [name in PinnableChart]: string } {
  const resolve = (name: PinnableChart): string => {
    const pinned = workloads.charts[name];
    if (pinned !== undefined) return pinned;
    const entry = CHART_VERSIONS[name];
    const fitting = Object.keys(entry.versions)
      .filter((version) => {
        const release = chartRelease(name, version);
        return release !== undefined && supportsKubernetes(release.kubernetes, kubernetesVersion);
      })
      .sort(compareSemver);
    return fitting[fitting.length - 1] ?? entry.default;
  };
  return Object.fromEntries(PINNABLE_CHARTS.map((name) => [name, resolve(name)])) as { readonly [name in PinnableChart]: string };
}

/** Every chart the environment would install that cannot run on its Kubernetes version, paths relative to `workloads`. */
export function kubernetesRangeProblems(
  workloads: WorkloadsSettings,
  kubernetesVersion: string,
): { path: (string | number)[]; message: string }[] {
  // An unknown version is reported once, at platform.kubernetesVersion.
  if (!isKubernetesVersion(kubernetesVersion)) return [];
  const versions = resolvedChartVersions(workloads, kubernetesVersion);
  return PINNABLE_CHARTS.flatMap((name) => {
    // A version that is not x.y.z is reported by its field.
    if (!/^\d+\.\d+\.\d+$/.test(versions[name])) return [];
    const problem = chartVersionProblem(name, versions[name], kubernetesVersion);
    return problem === undefined ? [] : [{ path: ["charts", name], message: problem }];
  });
}

function compareSemver(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** Production floors of the workloads section, paths relative to `workloads`. */
export function productionWorkloadsProblems(workloads: WorkloadsSettings): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  for (const name of ["frontend", "backend"] as const) {
    const settings = workloads[name];
    if (settings.replicas < 2) problems.push({ path: [name, "replicas"], message: "must be >= 2 in production (one per zone at least)" });
    if (!settings.autoscaling.enabled) problems.push({ path: [name, "autoscaling", "enabled"], message: "must be true in production" });
  }
  if (workloads.certificateArn === undefined)
    problems.push({ path: ["certificateArn"], message: "is required in production: the frontend is served over TLS" });
  if (!workloads.entry.deletionProtection) {
    problems.push({
      path: ["entry", "deletionProtection"],
      message: "must be true in production: the public entry is not deleted by a stray change",
    });
  }
  if (!workloads.entry.accessLogs.enabled) {
    problems.push({
      path: ["entry", "accessLogs", "enabled"],
      message: "must be true in production: every request to the public entry is recorded",
    });
  }
  return problems;
}
