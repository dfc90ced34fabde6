import { z } from "zod";
import { ec2InstanceTypeProblem, isArmInstanceType } from "../modules/core/instance-types";
import { auroraPostgresInstanceClassProblem } from "../modules/core/aurora-instance-classes";
import { EKS_KUBERNETES_VERSIONS_SOURCE, KUBERNETES_VERSIONS, isKubernetesVersion } from "../modules/core/kubernetes-versions";
import { EKS_ADDON_VERSIONS } from "../modules/core/eks-addon-versions";
import { isNetworkCidr } from "./subnet-plan";
import { CLOUDWATCH_LOG_RETENTION_DAYS } from "../modules/core/cloudwatch-logs";
import { IDENTITY_MODES } from "../modules/core/identity-modes";

/**
 * The `platform` section of an environment file: EKS, node groups, add-ons, Aurora and
 * ElastiCache. Production floors are checked with the rest of the file in schema.ts.
 */

const cidr = z.string().refine(isNetworkCidr, "must be an IPv4 CIDR whose address is the network address, such as 203.0.113.0/24");

const iamPrincipalArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/, "must be an IAM role or user ARN (arn:aws:iam::<account>:role/<name>)");

const retentionDays = z.literal(CLOUDWATCH_LOG_RETENTION_DAYS, {
  error: `must be one of CloudWatch's retention periods: ${CLOUDWATCH_LOG_RETENTION_DAYS.join(", ")}`,
});

/** Control-plane log types EKS can export. */
const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

const addon = z
  .strictObject({
    version: z
      .string()
      .regex(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/, "must be an EKS add-on version such as v1.19.2-eksbuild.1")
      .optional()
      .describe("Pinned add-on version. @default the default version for the cluster's Kubernetes version"),
  })
  .default({});

/** An EC2 instance type that exists (the generated table of modules/core/ec2-instance-types.ts), not a name that looks like one. */
const ec2InstanceType = z.superRefine((instanceType: string, ctx) => {
  const problem = ec2InstanceTypeProblem(instanceType);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
});

const taint = z.strictObject({
  key: z.string().min(1).max(63).describe("Taint key: pods need a toleration for it."),
  value: z.string().max(63).optional().describe("Taint value. @default none"),
  effect: z
    .enum(["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"])
    .describe("What happens to pods without a toleration: not scheduled, evicted, or avoided where possible."),
});

const nodeGroup = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,30}$/, "must be lowercase letters, digits and hyphens, at most 31 characters")
      .describe("Name of the managed node group, unique in the environment."),
    capacityType: z
      .enum(["ON_DEMAND", "SPOT"])
      .default("ON_DEMAND")
      .describe("On-demand instances, or spot capacity (cheaper, may be reclaimed). @default ON_DEMAND"),
    instanceTypes: z
      .array(z.string().check(ec2InstanceType))
      .min(1)
      .describe("Instance types; spot groups need at least two for capacity diversity."),
    minSize: z.number().int().min(0).max(450).describe("Fewest nodes the group keeps."),
    desiredSize: z
      .number()
      .int()
      .min(0)
      .max(450)
      .describe(
        "Nodes at creation; Terraform ignores it afterwards (set it with aws eks update-nodegroup-config), between minSize and maxSize.",
      ),
    maxSize: z.number().int().min(1).max(450).describe("Most nodes the group may have."),
    diskSizeGiB: z.number().int().min(20).max(16384).default(50).describe("Encrypted gp3 root volume size. @default 50"),
    labels: z.record(z.string(), z.string()).default({}).describe("Kubernetes labels of the nodes. @default {}"),
    taints: z.array(taint).default([]).describe("Kubernetes taints of the nodes. @default []"),
  })
  .superRefine((group, ctx) => {
    if (group.desiredSize < group.minSize) {
      ctx.addIssue({ code: "custom", path: ["desiredSize"], message: `must be >= minSize (${group.minSize})` });
    }
    if (group.maxSize < group.minSize) {
      ctx.addIssue({ code: "custom", path: ["maxSize"], message: `must be >= minSize (${group.minSize})` });
    }
    if (group.desiredSize > group.maxSize) {
      ctx.addIssue({ code: "custom", path: ["desiredSize"], message: `must be <= maxSize (${group.maxSize})` });
    }
    const arm = group.instanceTypes.map(isArmInstanceType);
    if (arm.some((isArm) => isArm !== arm[0])) {
      ctx.addIssue({
        code: "custom",
        path: ["instanceTypes"],
        message: "must not mix Graviton (arm64) and x86_64 types: one AMI serves the group",
      });
    }
    if (group.capacityType === "SPOT" && group.instanceTypes.length < 2) {
      ctx.addIssue({ code: "custom", path: ["instanceTypes"], message: "a SPOT group needs at least two instance types" });
    }
  });

/** A Karpenter duration: hours, minutes or seconds (`720h`, `30m`, `1h30m`). */
const duration = z
  .string()
  .regex(/^(\d+h)?(\d+m)?(\d+s)?$/, "must be a duration such as 720h, 30m or 1h30m")
  .refine((d) => d !== "", "must not be empty");

const disruptionBudget = z.strictObject({
  nodes: z
    .string()
    .regex(/^((100|[0-9]{1,2})%|[0-9]+)$/, 'must be a node count such as "1" or a percentage such as "10%"')
    .describe('How many of the pool\'s nodes Karpenter may disrupt at once: a count ("1") or a percentage ("10%").'),
  schedule: z
    .string()
    .regex(
      /^(@(annually|yearly|monthly|weekly|daily|midnight|hourly))|((\S+\s){4}\S+)$/,
      "must be a cron schedule such as '0 9 * * mon-fri'",
    )
    .optional()
    .describe("When the budget starts (cron, UTC); needs duration. @default always active"),
  duration: z
    .string()
    .regex(/^((\d+h)?(\d+m)?)$/, "must be hours and minutes such as 8h or 30m")
    .optional()
    .describe("How long the budget lasts from each schedule start. @default always active"),
  reasons: z
    .array(z.enum(["Underutilized", "Empty", "Drifted"]))
    .optional()
    .describe("Disruption reasons the budget limits. @default all reasons"),
});

const nodePool = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,62}$/, "must be lowercase letters, digits and hyphens, at most 63 characters")
      .describe("Name of the NodePool, unique in the environment."),
    capacityTypes: z
      .array(z.enum(["on-demand", "spot"]))
      .min(1)
      .default(["on-demand"])
      .describe("Capacity types Karpenter may launch (karpenter.sh/capacity-type); with both, it prefers spot. @default [on-demand]"),
    instanceCategories: z
      .array(z.string().regex(/^[a-z]{1,2}$/, "must be an EC2 instance category such as c, m or r"))
      .min(1)
      .default(["c", "m", "r"])
      .describe("EC2 instance categories (karpenter.k8s.aws/instance-category). @default [c, m, r]"),
    minInstanceGeneration: z
      .number()
      .int()
      .min(1)
      .max(20)
      .default(6)
      .describe("Oldest instance generation Karpenter may launch (karpenter.k8s.aws/instance-generation). @default 6"),
    architectures: z
      .array(z.enum(["amd64", "arm64"]))
      .min(1)
      .default(["arm64", "amd64"])
      .describe("CPU architectures (kubernetes.io/arch); images must be built for each. @default [arm64, amd64]"),
    limits: z
      .strictObject({
        cpu: z.number().int().min(1).describe("Most vCPUs of all the pool's nodes together."),
        memoryGiB: z.number().int().min(1).describe("Most memory of all the pool's nodes together, in GiB."),
      })
      .default({ cpu: 64, memoryGiB: 256 })
      .describe("What the pool may grow to; Karpenter launches nothing beyond. @default 64 vCPUs, 256 GiB"),
    consolidationPolicy: z
      .enum(["WhenEmptyOrUnderutilized", "WhenEmpty"])
      .default("WhenEmptyOrUnderutilized")
      .describe("Which nodes Karpenter consolidates: empty or underutilized ones, or empty ones only. @default WhenEmptyOrUnderutilized"),
    consolidateAfter: duration.default("1m").describe("How long a node stays empty or underutilized before Karpenter acts. @default 1m"),
    expireAfter: duration
      .or(z.literal("Never"))
      .default("720h")
      .describe("Node lifetime: Karpenter replaces older nodes (fresh AMIs, no drift). @default 720h (30 days)"),
    disruptionBudgets: z
      .array(disruptionBudget)
      .min(1)
      .default([{ nodes: "10%" }])
      .describe('How many nodes Karpenter may disrupt at once. @default [{ nodes: "10%" }]'),
    labels: z.record(z.string(), z.string()).default({}).describe("Kubernetes labels of the pool's nodes. @default {}"),
  })
  .superRefine((pool, ctx) => {
    pool.disruptionBudgets.forEach((budget, index) => {
      if ((budget.schedule === undefined) !== (budget.duration === undefined)) {
        ctx.addIssue({ code: "custom", path: ["disruptionBudgets", index], message: "schedule and duration go together" });
      }
    });
  });

/** The defaults of `platform.karpenter`: one general-purpose on-demand pool. */
const DEFAULT_NODE_POOL = {
  name: "general",
  capacityTypes: ["on-demand" as const],
  instanceCategories: ["c", "m", "r"],
  minInstanceGeneration: 6,
  architectures: ["arm64" as const, "amd64" as const],
  limits: { cpu: 64, memoryGiB: 256 },
  consolidationPolicy: "WhenEmptyOrUnderutilized" as const,
  consolidateAfter: "1m",
  expireAfter: "720h",
  disruptionBudgets: [{ nodes: "10%" }],
  labels: {},
};

const karpenter = z
  .strictObject({
    amiAlias: z
      .string()
      .regex(/^al2023@(latest|v\d{8})$/, "must be an AL2023 alias: al2023@latest or al2023@v<YYYYMMDD>")
      .default("al2023@latest")
      .describe(
        "EKS-optimized AL2023 AMI of Karpenter's nodes, by alias: al2023@latest follows each release (nodes drift and roll), al2023@v20260901 pins one. @default al2023@latest",
      ),
    rootVolumeGiB: z.number().int().min(20).max(16384).default(50).describe("Encrypted gp3 root volume of each node, GiB. @default 50"),
    nodePools: z
      .array(nodePool)
      .min(1)
      .default([DEFAULT_NODE_POOL])
      .describe("NodePools: everything but the system pods runs on the nodes Karpenter launches for them. @default one pool, general"),
  })
  .superRefine((k, ctx) => {
    const names = k.nodePools.map((pool) => pool.name);
    names.forEach((name, index) => {
      if (names.indexOf(name) !== index)
        ctx.addIssue({ code: "custom", path: ["nodePools", index, "name"], message: `node pool ${name} is listed twice` });
    });
  });

const serverlessCapacity = z.strictObject({
  mode: z.literal("serverless").describe("Aurora Serverless v2: capacity scales between minAcu and maxAcu."),
  minAcu: z.number().min(0.5).max(256).multipleOf(0.5).default(0.5).describe("Serverless v2 minimum capacity in ACUs. @default 0.5"),
  maxAcu: z.number().min(1).max(256).multipleOf(0.5).default(8).describe("Serverless v2 maximum capacity in ACUs. @default 8"),
});
const provisionedCapacity = z.strictObject({
  mode: z.literal("provisioned").describe("Provisioned instances of one class, readers scaled by Aurora autoscaling."),
  instanceClass: z
    .string()
    .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, "must be an RDS instance class such as db.r6g.large")
    .describe("RDS instance class of the writer and the readers, such as db.r7g.large."),
  maxReaders: z.number().int().min(1).max(15).describe("Upper bound of read-replica autoscaling."),
});

const database = z
  .strictObject({
    engineVersion: z
      .string()
      .regex(/^\d+(\.\d+)?$/, "must be an Aurora PostgreSQL major version such as 16, or major.minor such as 16.6")
      .default("16")
      .describe(
        "Aurora PostgreSQL engine version, and who owns its minor version. A major version alone (16): AWS does, the instances upgrade minor versions in the maintenance window and Terraform keeps its plan empty. major.minor (16.6): this file does, automatic minor upgrades are off and a minor upgrade is a change of this value. @default 16",
      ),
    databaseName: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,62}$/, "must be a PostgreSQL identifier")
      .default("app")
      .describe("Database created in the cluster for the backend. @default app"),
    masterUsername: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,62}$/, "must be a PostgreSQL identifier of at most 63 characters")
      .refine((name) => !["postgres", "admin", "rdsadmin"].includes(name), "is reserved")
      .default("app_admin")
      .describe("Master user; its password is created and rotated by RDS in Secrets Manager. @default app_admin"),
    capacity: z
      .discriminatedUnion("mode", [serverlessCapacity, provisionedCapacity], { error: "mode must be serverless or provisioned" })
      .default({ mode: "serverless", minAcu: 0.5, maxAcu: 8 })
      .describe("Serverless v2 capacity range, or provisioned instances with read-replica autoscaling. @default serverless 0.5-8 ACU"),
    instances: z.number().int().min(1).max(15).default(2).describe("Writer plus readers at rest. @default 2"),
    backupRetentionDays: z
      .number()
      .int()
      .min(7)
      .max(35)
      .default(7)
      .describe("Days of automated backups (point-in-time recovery window). @default 7 (the floor)"),
    deletionProtection: z
      .boolean()
      .default(true)
      .describe("RDS refuses to delete the cluster while true. @default true; cannot be false in production"),
    performanceInsightsRetentionDays: z
      .number()
      .int()
      .refine(
        (days) => days === 7 || days === 731 || (days % 31 === 0 && days >= 31 && days <= 713),
        "must be 7, a multiple of 31 up to 713, or 731",
      )
      .default(7)
      .describe("Days Performance Insights keeps its data: 7 (free), multiples of 31, or 731. @default 7"),
    logRetentionDays: retentionDays.default(30).describe("PostgreSQL log retention. @default 30"),
  })
  .superRefine((db, ctx) => {
    if (db.capacity.mode === "serverless" && db.capacity.minAcu > db.capacity.maxAcu) {
      ctx.addIssue({ code: "custom", path: ["capacity", "maxAcu"], message: `must be >= minAcu (${db.capacity.minAcu})` });
    }
    if (db.capacity.mode === "provisioned") {
      const problem = auroraPostgresInstanceClassProblem(db.capacity.instanceClass, db.engineVersion);
      if (problem !== undefined) ctx.addIssue({ code: "custom", path: ["capacity", "instanceClass"], message: problem });
    }
    if (db.capacity.mode === "provisioned" && db.capacity.maxReaders < db.instances - 1) {
      ctx.addIssue({
        code: "custom",
        path: ["capacity", "maxReaders"],
        message: `must be >= the ${db.instances - 1} readers that always run`,
      });
    }
  });

const cache = z
  .strictObject({
    engine: z.enum(["valkey", "redis"]).default("valkey").describe("Cache engine: Valkey or Redis OSS. @default valkey"),
    engineVersion: z
      .string()
      .regex(/^\d+\.\d+$/, "must be a version such as 8.0")
      .default("8.0")
      .describe("Engine version, major.minor; IAM authentication needs Valkey >= 7.2 or Redis >= 7.0. @default 8.0"),
    nodeType: z
      .string()
      .regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, "must be a node type such as cache.t4g.small")
      .default("cache.t4g.small")
      .describe("ElastiCache node type of every node. @default cache.t4g.small"),
    replicas: z.number().int().min(1).max(6).default(2).describe("Nodes in the shard (primary included). @default 2"),
    multiAz: z.boolean().default(true).describe("Automatic failover across AZs. @default true; cannot be false in production"),
    snapshotRetentionDays: z
      .number()
      .int()
      .min(0)
      .max(35)
      .default(7)
      .describe("Days of automatic snapshots; 0 turns them off (not with multiAz). @default 7"),
    logRetentionDays: retentionDays.default(30).describe("Slow and engine log retention. @default 30"),
  })
  .superRefine((c, ctx) => {
    if (c.multiAz && c.replicas < 2) ctx.addIssue({ code: "custom", path: ["replicas"], message: "must be >= 2 when multiAz is true" });
    if (c.multiAz && c.snapshotRetentionDays < 1) {
      ctx.addIssue({ code: "custom", path: ["snapshotRetentionDays"], message: "must be >= 1 when multiAz is true" });
    }
    const [major = 0, minor = 0] = c.engineVersion.split(".").map(Number);
    const [needMajor, needMinor] = c.engine === "valkey" ? [7, 2] : [7, 0];
    if (major < needMajor || (major === needMajor && minor < needMinor)) {
      ctx.addIssue({
        code: "custom",
        path: ["engineVersion"],
        message: `must be >= ${needMajor}.${needMinor} for ${c.engine}: IAM authentication needs it`,
      });
    }
  });

export const platformSchema = z
  .strictObject({
    kubernetesVersion: z
      .string({ error: 'must be a quoted string such as "1.35" (unquoted, YAML reads 1.30 as the number 1.3)' })
      .regex(/^1\.\d{2}$/, "must be a Kubernetes minor version such as 1.35")
      .refine(
        (version) => !/^1\.\d{2}$/.test(version) || isKubernetesVersion(version),
        `must be a Kubernetes version EKS supports: ${KUBERNETES_VERSIONS.join(", ")} (modules/core/kubernetes-versions.ts, from the EKS release calendar)`,
      )
      .refine(
        (version) => !isKubernetesVersion(version) || Object.hasOwn(EKS_ADDON_VERSIONS, version),
        `has no pinned EKS add-on versions: modules/core/eks-addon-versions.ts covers ${Object.keys(EKS_ADDON_VERSIONS).join(", ")}`,
      )
      .describe(`Kubernetes minor of the cluster; one of the versions EKS supports (${EKS_KUBERNETES_VERSIONS_SOURCE}).`),
    endpoint: z
      .strictObject({
        publicAccess: z.boolean().default(false).describe("Expose the API server publicly (to publicAccessCidrs only). @default false"),
        publicAccessCidrs: z
          .array(cidr)
          .default([])
          .describe("Who may reach the public endpoint; never 0.0.0.0/0 in production. @default []"),
        privateAccessCidrs: z
          .array(cidr)
          .default([])
          .describe(
            "Private ranges (CI runners, VPN, peered networks) admitted to the private endpoint on 443; the nodes always are. @default []",
          ),
      })
      .default({ publicAccess: false, publicAccessCidrs: [], privateAccessCidrs: [] }),
    clusterDeletionProtection: z
      .boolean()
      .default(true)
      .describe(
        "EKS refuses to delete the cluster while true (the provider's deletion_protection); a teardown turns it off first. @default true; cannot be false in production",
      ),
    authenticationMode: z
      .enum(["API", "API_AND_CONFIG_MAP"])
      .default("API")
      .describe("Access entries only, or also the aws-auth ConfigMap. @default API"),
    controlPlaneLogs: z
      .strictObject({
        types: z
          .array(z.enum(CONTROL_PLANE_LOG_TYPES))
          .default([...CONTROL_PLANE_LOG_TYPES])
          .describe("Control-plane log types sent to CloudWatch Logs. @default all five"),
        retentionDays: retentionDays
          .default(90)
          .describe("Retention of the control-plane (and container) log groups, in days. @default 90"),
      })
      .default({ types: [...CONTROL_PLANE_LOG_TYPES], retentionDays: 90 }),
    access: z
      .strictObject({
        admins: z
          .array(iamPrincipalArn)
          .default([])
          .describe("IAM principals with cluster-admin (the CI deploy role is always added). @default []"),
        viewers: z
          .array(iamPrincipalArn)
          .default([])
          .describe("IAM principals with read-only access (the CI plan role is always added). @default []"),
      })
      .default({ admins: [], viewers: [] }),
    nodeGroups: z
      .array(nodeGroup)
      .min(1)
      .describe(
        "Managed node groups in the private-app subnets, for the system pods (Karpenter, CoreDNS): taint them CriticalAddonsOnly; Karpenter launches the nodes of everything else.",
      ),
    karpenter: karpenter
      .prefault({})
      .describe("Karpenter: its EC2NodeClass (AL2023, IMDSv2, encrypted gp3, private subnets) and its NodePools."),
    identity: z
      .strictObject({
        mode: z
          .enum(IDENTITY_MODES)
          .default("podIdentity")
          .describe(
            "How workloads get their IAM roles: podIdentity (EKS Pod Identity associations, no OIDC provider), both (the cut-over of a migration from IRSA: both trusts), irsa (the state before it). docs/migrations/irsa-to-pod-identity.md. @default podIdentity",
          ),
      })
      .prefault({}),
    fargateNamespaces: z
      .array(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a Kubernetes namespace name"))
      .max(5, "at most 5 namespaces (one Fargate profile selects up to 5)")
      .default([])
      .describe("Namespaces whose pods run on Fargate (one profile). @default [] (no profile)"),
    addons: z
      .strictObject({ vpcCni: addon, coredns: addon, kubeProxy: addon, ebsCsiDriver: addon, podIdentityAgent: addon })
      .default({ vpcCni: {}, coredns: {}, kubeProxy: {}, ebsCsiDriver: {}, podIdentityAgent: {} }),
    loadBalancerController: z
      .boolean()
      .default(true)
      .describe("Create the AWS Load Balancer Controller's identity: the public entry (Gateway API on an ALB) needs it. @default true"),
    database: database.prefault({}).describe("Aurora PostgreSQL in the private-data subnets."),
    cache: cache.prefault({}).describe("ElastiCache (Valkey or Redis) in the private-data subnets."),
  })
  .superRefine((platform, ctx) => {
    const names = platform.nodeGroups.map((group) => group.name);
    names.forEach((name, index) => {
      if (names.indexOf(name) !== index)
        ctx.addIssue({ code: "custom", path: ["nodeGroups", index, "name"], message: `node group ${name} is listed twice` });
    });
    if (platform.endpoint.publicAccess && platform.endpoint.publicAccessCidrs.length === 0) {
      ctx.addIssue({ code: "custom", path: ["endpoint", "publicAccessCidrs"], message: "must list who may reach the public endpoint" });
    }
    platform.endpoint.publicAccessCidrs.forEach((block, index) => {
      if (block.endsWith("/0")) {
        ctx.addIssue({
          code: "custom",
          path: ["endpoint", "publicAccessCidrs", index],
          message: "must not open the API server to the whole internet",
        });
      }
    });
    platform.endpoint.privateAccessCidrs.forEach((block, index) => {
      if (Number(block.split("/")[1]) < 8) {
        ctx.addIssue({
          code: "custom",
          path: ["endpoint", "privateAccessCidrs", index],
          message: "must be a private range (/8 or narrower), not the internet",
        });
      }
    });
    if (!platform.endpoint.publicAccess && platform.endpoint.publicAccessCidrs.length > 0) {
      ctx.addIssue({ code: "custom", path: ["endpoint", "publicAccessCidrs"], message: "must be empty while publicAccess is false" });
    }
  });

export type PlatformSettings = z.output<typeof platformSchema>;

/** In production, every node pool has an always-active budget of at most this many nodes ... */
const PRODUCTION_MAX_DISRUPTED_NODES = 2;
/** ... or this percentage of its nodes. */
const PRODUCTION_MAX_DISRUPTED_PERCENT = 10;
const withinProductionBudget = (nodes: string): boolean =>
  nodes.endsWith("%") ? Number(nodes.slice(0, -1)) <= PRODUCTION_MAX_DISRUPTED_PERCENT : Number(nodes) <= PRODUCTION_MAX_DISRUPTED_NODES;

/** Production floors of the platform section: reported with paths relative to `platform`. */
export function productionPlatformProblems(platform: PlatformSettings): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  platform.endpoint.publicAccessCidrs.forEach((block, index) => {
    if (Number(block.split("/")[1]) < 16) {
      problems.push({
        path: ["endpoint", "publicAccessCidrs", index],
        message: "must be /16 or narrower in production: the API server is not for the whole internet",
      });
    }
  });
  if (!platform.controlPlaneLogs.types.includes("audit")) {
    problems.push({ path: ["controlPlaneLogs", "types"], message: "must include audit in production" });
  }
  if (platform.database.instances < 2)
    problems.push({ path: ["database", "instances"], message: "must be >= 2 in production (a writer and a reader in another AZ)" });
  if (!platform.clusterDeletionProtection) problems.push({ path: ["clusterDeletionProtection"], message: "must be true in production" });
  if (!platform.database.deletionProtection)
    problems.push({ path: ["database", "deletionProtection"], message: "must be true in production" });
  if (!platform.cache.multiAz) problems.push({ path: ["cache", "multiAz"], message: "must be true in production" });
  platform.karpenter.nodePools.forEach((pool, index) => {
    if (!pool.disruptionBudgets.some((budget) => budget.schedule === undefined && withinProductionBudget(budget.nodes))) {
      problems.push({
        path: ["karpenter", "nodePools", index, "disruptionBudgets"],
        message: `must include an always-active budget of at most ${PRODUCTION_MAX_DISRUPTED_NODES} nodes or ${PRODUCTION_MAX_DISRUPTED_PERCENT}% in production: Karpenter must not recycle many nodes at once`,
      });
    }
    if (pool.expireAfter === "Never") {
      problems.push({
        path: ["karpenter", "nodePools", index, "expireAfter"],
        message: "must be a duration in production: nodes that never expire miss AMI and security updates",
      });
    }
  });
  if (!platform.nodeGroups.some((group) => group.capacityType === "ON_DEMAND" && group.minSize >= 2)) {
    problems.push({ path: ["nodeGroups"], message: "must include an ON_DEMAND group with minSize >= 2 in production" });
  }
  return problems;
}
