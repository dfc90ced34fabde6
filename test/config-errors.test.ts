import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { EnvironmentConfigError, loadEnvironmentFile, loadEnvironments, parseEnvironment, type ConfigProblem } from "../environments/load";

const FIXTURES = path.join(__dirname, "fixtures/environments");
/** How the loader names fixture files in messages: relative to the working directory (the repository root). */
const INVALID = "test/fixtures/environments/invalid";
const MIXED = "test/fixtures/environments/mixed";

/** The problems `load` reports; fails the test when it loads or throws anything else. */
function problemsOf(load: () => unknown): readonly ConfigProblem[] {
  try {
    load();
  } catch (error) {
    if (error instanceof EnvironmentConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected an EnvironmentConfigError, but the environment loaded");
}

type Expected = {
  readonly line: number;
  /** YAML syntax errors only. */
  readonly column?: number;
  readonly path: string;
} & (
  | {
      /** A fragment of the message, in the user's terms. */
      readonly says: string;
    }
  | {
      /** The whole message, exactly. */
      readonly message: string;
    }
);

interface BadFile {
  readonly given: string;
  readonly fixture: string;
  readonly problems: readonly Expected[];
}

/** One fixture per bad input; every line number below was counted by hand in the fixture. */
const BAD_FILES: readonly BadFile[] = [
  {
    given: "a YAML syntax error (unclosed [), reported where the [ opens, not where the parser noticed",
    fixture: "syntax.yaml",
    problems: [{ line: 6, column: 22, path: "", message: 'YAML syntax: flow sequence "[" opened here is never closed with "]"' }],
  },
  { given: "an empty file", fixture: "empty.yaml", problems: [{ line: 1, path: "", says: "the file is empty" }] },
  { given: "a list at the top level", fixture: "not-a-mapping.yaml", problems: [{ line: 2, path: "", says: "must be a mapping of keys" }] },
  {
    given: "network written twice",
    fixture: "duplicate-key.yaml",
    problems: [{ line: 16, column: 1, path: "", says: "Map keys must be unique" }],
  },
  {
    given: "an unknown top-level key (tag for tags)",
    fixture: "unknown-key.yaml",
    problems: [{ line: 14, path: "tag", says: "unknown key" }],
  },
  {
    given: "an unknown nested key (flowLogs.retention)",
    fixture: "unknown-nested.yaml",
    problems: [{ line: 17, path: "network.flowLogs.retention", says: "unknown key (check the spelling" }],
  },
  {
    given: 'a string where a number belongs (azCount: "3")',
    fixture: "wrong-type.yaml",
    problems: [{ line: 16, path: "network.azCount", says: "expected number, received string" }],
  },
  {
    given: "an unquoted account id (a YAML number)",
    fixture: "unquoted-id.yaml",
    problems: [{ line: 4, path: "account.id", says: "must be a quoted string of 12 digits" }],
  },
  { given: "no account.id", fixture: "missing-id.yaml", problems: [{ line: 3, path: "account.id", says: "is required" }] },
  {
    given: "a VPC CIDR with host bits (10.0.0.1/16)",
    fixture: "cidr-host-bits.yaml",
    problems: [{ line: 15, path: "network.vpcCidr", says: "whose address is the network address" }],
  },
  { given: "a /8 VPC", fixture: "vpc-too-large.yaml", problems: [{ line: 15, path: "network.vpcCidr", says: "must be a /16 to /24" }] },
  { given: "a /26 VPC", fixture: "vpc-too-small.yaml", problems: [{ line: 15, path: "network.vpcCidr", says: "must be a /16 to /24" }] },
  {
    given: "default /20 and /24 subnets in a /22 VPC",
    fixture: "subnets-too-big.yaml",
    problems: [
      { line: 14, path: "network.subnets.privateApp.prefixLength", says: "/20 subnets are larger than the VPC 10.0.0.0/22" },
      {
        line: 14,
        path: "network.subnets.privateData.prefixLength",
        says: "3 subnets of /24 (one per listed availability zone) do not fit in the VPC 10.0.0.0/22",
      },
    ],
  },
  {
    given: "three /18 subnets in a /17 VPC",
    fixture: "subnets-no-fit.yaml",
    problems: [
      {
        line: 18,
        path: "network.subnets.privateApp.prefixLength",
        says: "3 subnets of /18 (one per listed availability zone) do not fit in the VPC 10.0.0.0/17",
      },
    ],
  },
  {
    given: "explicit private-data CIDRs overlapping the public ones",
    fixture: "cidrs-overlap.yaml",
    problems: [{ line: 20, path: "network.subnets.privateData.cidrs[1]", says: "10.0.0.0/23 overlaps 10.0.0.0/24 of the public tier" }],
  },
  {
    given: "an explicit CIDR outside the VPC",
    fixture: "cidrs-outside.yaml",
    problems: [{ line: 20, path: "network.subnets.public.cidrs[1]", says: "10.1.1.0/24 is not inside the VPC 10.0.0.0/16" }],
  },
  {
    given: "two explicit CIDRs for three AZs",
    fixture: "cidrs-count.yaml",
    problems: [{ line: 19, path: "network.subnets.public.cidrs", says: "lists 2 CIDRs but azCount is 3" }],
  },
  {
    given: "azCount 3 with two AZs listed",
    fixture: "too-many-azs.yaml",
    problems: [{ line: 16, path: "network.azCount", says: "must be <= the 2 availability zones listed in account.availabilityZones" }],
  },
  {
    given: "an AZ of another region",
    fixture: "az-wrong-region.yaml",
    problems: [{ line: 6, path: "account.availabilityZones[1]", says: "us-east-1b is not an availability zone of eu-west-1" }],
  },
  {
    given: "a prod-* file whose stage is staging",
    fixture: "prod-wrong-stage.yaml",
    problems: [{ line: 2, path: "stage", says: "must be production in an environment named prod-wrong-stage" }],
  },
  {
    given: "production with a single NAT gateway",
    fixture: "single-nat.yaml",
    problems: [{ line: 16, path: "network.natGateways", says: "must be perAz in production" }],
  },
  {
    given: "production in two AZs",
    fixture: "two-azs.yaml",
    problems: [{ line: 16, path: "network.azCount", says: "must be >= 3 in production" }],
  },
  {
    given: "production without the ecr.dkr and sts endpoints",
    fixture: "no-endpoints.yaml",
    problems: [
      {
        line: 16,
        path: "network.interfaceEndpoints",
        says: "must include sts: the backend's network policy reaches AWS APIs only through the VPC's endpoints",
      },
      { line: 16, path: "network.interfaceEndpoints", says: "must include ecr.dkr, sts in production" },
    ],
  },
  {
    given: "a flow log retention of 45 days",
    fixture: "bad-retention.yaml",
    problems: [
      { line: 17, path: "network.flowLogs.retentionDays", says: "must be one of CloudWatch's retention periods: 1, 3, 5, 7, 14, 30" },
    ],
  },
  {
    given: "two ECR repositories named frontend",
    fixture: "duplicate-repo.yaml",
    problems: [{ line: 20, path: "ecr.repositories[2].name", says: "repository frontend is listed twice" }],
  },
  {
    given: "a gcs state backend",
    fixture: "state-gcs.yaml",
    problems: [{ line: 9, path: "state.backend", says: "backend must be s3 or local" }],
  },
  // dns and platform
  { given: "no platform section", fixture: "missing-platform.yaml", problems: [{ line: 2, path: "platform", says: "is required" }] },
  {
    given: "a platform without node groups",
    fixture: "no-node-groups.yaml",
    problems: [{ line: 19, path: "platform.nodeGroups", says: "is required" }],
  },
  {
    given: "a hosted zone id written as a Route 53 path",
    fixture: "bad-hosted-zone.yaml",
    problems: [{ line: 18, path: "dns.hostedZoneId", says: "must be a Route 53 hosted zone id" }],
  },
  {
    given: 'a Kubernetes version "1.x"',
    fixture: "bad-k8s-version.yaml",
    problems: [{ line: 20, path: "platform.kubernetesVersion", message: "must be a Kubernetes minor version such as 1.35" }],
  },
  {
    given: "Kubernetes 1.31, past the end of its extended support on EKS",
    fixture: "k8s-unsupported.yaml",
    problems: [
      {
        line: 20,
        path: "platform.kubernetesVersion",
        message:
          "must be a Kubernetes version EKS supports: 1.32, 1.33, 1.34, 1.35, 1.36 (modules/core/kubernetes-versions.ts, from the EKS release calendar)",
      },
    ],
  },
  {
    given: "a chart version the chart table does not list (its Kubernetes range is unknown)",
    fixture: "chart-unlisted.yaml",
    problems: [
      {
        line: 37,
        path: "workloads.charts.awsLoadBalancerController",
        message:
          "aws-load-balancer-controller 1.17.1 is not in the chart version table (modules/core/chart-versions.ts lists 3.5.0): add it with the Kubernetes minors it supports",
      },
    ],
  },
  {
    given: "an old file that still sizes ingress-nginx",
    fixture: "old-ingress-reps.yaml",
    problems: [{ line: 30, path: "workloads.ingressReplicas", says: "ingress-nginx was removed (retired upstream in March 2026" }],
  },
  {
    given: "an old file that still pins the ingress-nginx chart",
    fixture: "old-nginx-chart.yaml",
    problems: [{ line: 37, path: "workloads.charts.ingressNginx", says: "docs/migrations/ingress-nginx-to-gateway-api.md" }],
  },
  {
    given: "a node group whose desiredSize is below its minSize",
    fixture: "ng-desired-low.yaml",
    problems: [{ line: 25, path: "platform.nodeGroups[0].desiredSize", says: "must be >= minSize (3)" }],
  },
  {
    given: "a node group whose maxSize is below its minSize (and so below its desiredSize)",
    fixture: "ng-max-low.yaml",
    problems: [
      { line: 26, path: "platform.nodeGroups[0].maxSize", says: "must be >= minSize (3)" },
      { line: 25, path: "platform.nodeGroups[0].desiredSize", says: "must be <= maxSize (2)" },
    ],
  },
  {
    given: "a node group whose desiredSize is above its maxSize",
    fixture: "ng-desired-high.yaml",
    problems: [{ line: 25, path: "platform.nodeGroups[0].desiredSize", says: "must be <= maxSize (4)" }],
  },
  {
    given: "a SPOT node group with one instance type",
    fixture: "spot-one-type.yaml",
    problems: [{ line: 29, path: "platform.nodeGroups[1].instanceTypes", says: "a SPOT group needs at least two instance types" }],
  },
  {
    given: "two node groups named system",
    fixture: "dup-node-group.yaml",
    problems: [{ line: 27, path: "platform.nodeGroups[1].name", says: "node group system is listed twice" }],
  },
  {
    given: "an instance type with a hyphen for the dot (m7g-xlarge)",
    fixture: "bad-instance.yaml",
    problems: [
      {
        line: 25,
        path: "platform.nodeGroups[0].instanceTypes[1]",
        message:
          "m7g-xlarge is not an EC2 instance type (@aws-sdk/client-ec2 3.1178.0 InstanceType enum, generated 2026-12-06): the m7 families are m7a, m7g, m7gd, m7i, m7i-flex",
      },
    ],
  },
  {
    given: "an instance type of a family EC2 does not have (m7q.large)",
    fixture: "ec2-type-unknown.yaml",
    problems: [
      {
        line: 23,
        path: "platform.nodeGroups[0].instanceTypes[0]",
        message:
          "m7q.large is not an EC2 instance type (@aws-sdk/client-ec2 3.1178.0 InstanceType enum, generated 2026-12-06): the m7 families are m7a, m7g, m7gd, m7i, m7i-flex",
      },
    ],
  },
  {
    given: "an Aurora PostgreSQL 16 cluster on db.t2.micro, a class the engine does not offer",
    fixture: "db-class-unknown.yaml",
    problems: [
      {
        line: 30,
        path: "platform.database.capacity.instanceClass",
        message:
          "db.t2.micro is not an instance class of Aurora PostgreSQL 16: its families are r5, r6g, r6gd, r6i, r6id, r7g, r7i, r8g, r8gd, x2g, t3, t4g (modules/core/aurora-instance-classes.ts: AWS price list via cfn-lint 2026-07-18, Aurora User Guide Supported DB engines for DB instance classes)",
      },
    ],
  },
  {
    given: "a public API endpoint without publicAccessCidrs",
    fixture: "public-no-cidrs.yaml",
    problems: [{ line: 21, path: "platform.endpoint.publicAccessCidrs", says: "must list who may reach the public endpoint" }],
  },
  {
    given: "publicAccessCidrs while publicAccess is false",
    fixture: "private-cidrs.yaml",
    problems: [{ line: 22, path: "platform.endpoint.publicAccessCidrs", says: "must be empty while publicAccess is false" }],
  },
  {
    given: "production with 0.0.0.0/0 in publicAccessCidrs",
    fixture: "prod-open-api.yaml",
    problems: [
      { line: 24, path: "platform.endpoint.publicAccessCidrs[1]", says: "must not open the API server to the whole internet" },
      { line: 24, path: "platform.endpoint.publicAccessCidrs[1]", says: "must be /16 or narrower in production" },
    ],
  },
  {
    given: "Karpenter settings the schema refuses: a non-AL2023 alias, a capacity type, a budget, a duration, an identity mode",
    fixture: "karpenter-bad.yaml",
    problems: [
      { line: 30, path: "platform.karpenter.amiAlias", says: "must be an AL2023 alias: al2023@latest or al2023@v<YYYYMMDD>" },
      { line: 33, path: "platform.karpenter.nodePools[0].capacityTypes[0]", says: '"on-demand"|"spot"' },
      { line: 35, path: "platform.karpenter.nodePools[0].disruptionBudgets[0].nodes", says: 'must be a node count such as "1"' },
      { line: 39, path: "platform.karpenter.nodePools[1].consolidateAfter", says: "must be a duration such as 720h" },
      { line: 28, path: "platform.identity.mode", says: '"irsa"|"both"|"podIdentity"' },
    ],
  },
  {
    given: "a Karpenter budget with a schedule and no duration, and a node pool listed twice",
    fixture: "kp-pairs.yaml",
    problems: [
      { line: 31, path: "platform.karpenter.nodePools[0].disruptionBudgets[0]", says: "schedule and duration go together" },
      { line: 33, path: "platform.karpenter.nodePools[1].name", says: "node pool general is listed twice" },
    ],
  },
  {
    given: "production Karpenter that may recycle half its nodes at once, with nodes that never expire",
    fixture: "prod-kp-budget.yaml",
    problems: [
      {
        line: 32,
        path: "platform.karpenter.nodePools[0].disruptionBudgets",
        says: "must include an always-active budget of at most 2 nodes or 10% in production",
      },
      { line: 31, path: "platform.karpenter.nodePools[0].expireAfter", says: "must be a duration in production" },
    ],
  },
  {
    given: "production with one database instance",
    fixture: "prod-one-db.yaml",
    problems: [{ line: 29, path: "platform.database.instances", says: "must be >= 2 in production" }],
  },
  {
    given: "production with database deletion protection off",
    fixture: "prod-no-protect.yaml",
    problems: [{ line: 29, path: "platform.database.deletionProtection", says: "must be true in production" }],
  },
  {
    given: "production with the EKS cluster's deletion protection off",
    fixture: "prod-eks-open.yaml",
    problems: [{ line: 28, path: "platform.clusterDeletionProtection", says: "must be true in production" }],
  },
  {
    given: "production with a cache that is not multi-AZ",
    fixture: "prod-cache-1az.yaml",
    problems: [{ line: 29, path: "platform.cache.multiAz", says: "must be true in production" }],
  },
  {
    given: "production with cache snapshots off",
    fixture: "prod-no-snapshot.yaml",
    problems: [{ line: 29, path: "platform.cache.snapshotRetentionDays", says: "must be >= 1 when multiAz is true" }],
  },
  {
    given: "production without an ON_DEMAND node group of minSize >= 2",
    fixture: "prod-no-ondemand.yaml",
    problems: [{ line: 22, path: "platform.nodeGroups", says: "must include an ON_DEMAND group with minSize >= 2 in production" }],
  },
  {
    given: "database backups kept 3 days",
    fixture: "db-short-backups.yaml",
    problems: [{ line: 28, path: "platform.database.backupRetentionDays", says: "expected number to be >=7" }],
  },
  {
    given: "a serverless minAcu above maxAcu",
    fixture: "db-acu-inverted.yaml",
    problems: [{ line: 31, path: "platform.database.capacity.maxAcu", says: "must be >= minAcu (8)" }],
  },
  {
    given: "a provisioned maxReaders below the readers that always run",
    fixture: "db-few-readers.yaml",
    problems: [{ line: 31, path: "platform.database.capacity.maxReaders", says: "must be >= the 3 readers that always run" }],
  },
  {
    given: "a multi-AZ cache with one node",
    fixture: "cache-one-node.yaml",
    problems: [{ line: 28, path: "platform.cache.replicas", says: "must be >= 2 when multiAz is true" }],
  },
  {
    given: "ECR without the backend repository",
    fixture: "no-backend-repo.yaml",
    problems: [{ line: 17, path: "ecr.repositories", says: "must include backend: the workloads layer runs its image from there" }],
  },
  {
    given: "a certificate of another region",
    fixture: "cert-region.yaml",
    problems: [{ line: 29, path: "workloads.certificateArn", says: "must be a certificate in eu-west-1" }],
  },
  {
    given: "interface endpoints without sts",
    fixture: "no-sts.yaml",
    problems: [{ line: 16, path: "network.interfaceEndpoints", says: "must include sts" }],
  },
  // the management network
  {
    given: "a management VPC inside the application VPC",
    fixture: "mgmt-overlap.yaml",
    problems: [
      {
        line: 17,
        path: "network.management.vpcCidr",
        message:
          "10.0.255.0/24 overlaps network.vpcCidr 10.0.0.0/16: the management VPC is peered with the application VPC, and peered VPCs must not overlap",
      },
    ],
  },
  {
    given: "production without the management network (reported on the network line, the key being absent)",
    fixture: "prod-no-mgmt.yaml",
    problems: [
      {
        line: 14,
        path: "network.management",
        message:
          "is required in production: operators reach private resources only through the management network (Session Manager, no SSH)",
      },
    ],
  },
  {
    given: "a Client VPN client CIDR of /24 (AWS needs /22 or larger)",
    fixture: "vpn-client-cidr.yaml",
    problems: [
      {
        line: 21,
        path: "network.management.clientVpn.clientCidr",
        message: "must be a /22 or larger (up to /12): AWS Client VPN needs at least 1,024 client addresses",
      },
    ],
  },
  {
    given: "a Client VPN client CIDR overlapping the management VPC",
    fixture: "vpn-overlap.yaml",
    problems: [
      {
        line: 21,
        path: "network.management.clientVpn.clientCidr",
        message:
          "10.128.0.0/14 overlaps network.management.vpcCidr 10.130.0.0/24: client addresses must not collide with the networks they reach",
      },
    ],
  },
  {
    given: "production with a /8 allowed to reach the API server",
    fixture: "prod-wide-api.yaml",
    problems: [{ line: 24, path: "platform.endpoint.publicAccessCidrs[0]", says: "must be /16 or narrower in production" }],
  },
  {
    given: "production without the audit log",
    fixture: "prod-no-audit.yaml",
    problems: [{ line: 23, path: "platform.controlPlaneLogs.types", says: "must include audit in production" }],
  },
  {
    given: "valkey 7.0, too old for IAM authentication",
    fixture: "cache-old-valkey.yaml",
    problems: [{ line: 29, path: "platform.cache.engineVersion", says: "must be >= 7.2 for valkey" }],
  },
  {
    given: "a serverless minimum of 0.75 ACU (steps are 0.5)",
    fixture: "acu-step.yaml",
    problems: [{ line: 31, path: "platform.database.capacity.minAcu", says: "must be a multiple of 0.5" }],
  },
  {
    given: "an unquoted Kubernetes version",
    fixture: "k8s-unquoted.yaml",
    problems: [{ line: 21, path: "platform.kubernetesVersion", says: "must be a quoted string" }],
  },
  {
    given: "the reserved master username postgres",
    fixture: "db-reserved-user.yaml",
    problems: [{ line: 28, path: "platform.database.masterUsername", says: "is reserved" }],
  },
  {
    given: "an unknown key in platform.database (backupRetention for backupRetentionDays)",
    fixture: "unknown-db-key.yaml",
    problems: [{ line: 28, path: "platform.database.backupRetention", says: "unknown key (check the spelling" }],
  },
  // workloads: whole messages, so a reworded rule is a deliberate change here too
  {
    given: "a CPU limit (250m) below the CPU request (500m)",
    fixture: "cpu-limit-low.yaml",
    problems: [{ line: 36, path: "workloads.frontend.limits.cpu", message: "must be >= the request (500m)" }],
  },
  {
    given: "a memory limit (512Mi) below the memory request (1Gi)",
    fixture: "mem-limit-low.yaml",
    problems: [{ line: 40, path: "workloads.backend.limits.memory", message: "must be >= the request (1Gi)" }],
  },
  {
    given: "autoscaling.maxReplicas 3 below replicas 4",
    fixture: "hpa-max-low.yaml",
    problems: [{ line: 35, path: "workloads.frontend.autoscaling.maxReplicas", message: "must be >= replicas (4)" }],
  },
  {
    given: "the image tag latest",
    fixture: "tag-latest.yaml",
    problems: [
      { line: 31, path: "workloads.frontend.imageTag", message: "must name one image: tags are immutable, `latest` is not a release" },
    ],
  },
  {
    given: 'an image tag with a colon ("backend:1.0.0")',
    fixture: "tag-colon.yaml",
    problems: [{ line: 34, path: "workloads.backend.imageTag", message: "must be a container image tag" }],
  },
  {
    given: 'an image tag with a space ("1.0 beta")',
    fixture: "tag-space.yaml",
    problems: [{ line: 31, path: "workloads.frontend.imageTag", message: "must be a container image tag" }],
  },
  {
    given: "a frontend host that only ends like dns.domain (apptest.acme.example vs test.acme.example)",
    fixture: "host-outside.yaml",
    problems: [
      {
        line: 28,
        path: "workloads.frontendHost",
        message: "must lie in dns.domain (test.acme.example): external-dns manages that zone only",
      },
    ],
  },
  {
    given: 'a chart version "4.12" that is not exact',
    fixture: "chart-not-exact.yaml",
    problems: [{ line: 37, path: "workloads.charts.externalDns", message: "must be an exact chart version such as 1.2.3" }],
  },
  {
    given: "an unquoted chart version 4.12 (a YAML number)",
    fixture: "chart-unquoted.yaml",
    problems: [{ line: 37, path: "workloads.charts.externalDns", says: 'must be a quoted string such as "1.2.3"' }],
  },
  {
    given: 'a CPU request "half"',
    fixture: "cpu-half.yaml",
    problems: [{ line: 33, path: "workloads.frontend.requests.cpu", message: "must be a CPU quantity such as 250m or 1" }],
  },
  {
    given: "containerPort 80 (privileged, the containers run as non-root)",
    fixture: "port-80.yaml",
    problems: [
      {
        line: 35,
        path: "workloads.backend.containerPort",
        message: "must be >= 1024: containers run as non-root and cannot bind lower ports",
      },
    ],
  },
  {
    given: "an unknown key in workloads.monitoring (retention for prometheusRetention)",
    fixture: "unknown-mon-key.yaml",
    problems: [
      {
        line: 37,
        path: "workloads.monitoring.retention",
        message: "unknown key (check the spelling against environments/environment.schema.json)",
      },
    ],
  },
  {
    given: "production without a certificateArn (reported on the workloads line, the key being absent; the ALB entry needs it too)",
    fixture: "prod-no-cert.yaml",
    problems: [
      {
        line: 37,
        path: "workloads.entry.type",
        message:
          "alb needs workloads.certificateArn: the Gateway's HTTPS listener serves the site with it (HTTP 80 only redirects to HTTPS)",
      },
      { line: 29, path: "workloads.certificateArn", message: "is required in production: the frontend is served over TLS" },
    ],
  },
  {
    given: "production with the backend's autoscaling off",
    fixture: "prod-no-hpa.yaml",
    problems: [{ line: 37, path: "workloads.backend.autoscaling.enabled", message: "must be true in production" }],
  },
  {
    given: "production with one frontend replica",
    fixture: "prod-one-replica.yaml",
    problems: [{ line: 34, path: "workloads.frontend.replicas", message: "must be >= 2 in production (one per zone at least)" }],
  },
  // the public entry: the ALB's prerequisites, and the WAF required in production
  {
    given: "the ALB entry without platform.loadBalancerController (no IAM role for the controller)",
    fixture: "alb-no-lbc.yaml",
    problems: [
      {
        line: 32,
        path: "workloads.entry.type",
        message: "alb needs platform.loadBalancerController: true (the platform layer creates the controller's IAM role)",
      },
    ],
  },
  {
    given: "the ALB entry without a certificateArn",
    fixture: "alb-no-cert.yaml",
    problems: [
      {
        line: 31,
        path: "workloads.entry.type",
        message:
          "alb needs workloads.certificateArn: the Gateway's HTTPS listener serves the site with it (HTTP 80 only redirects to HTTPS)",
      },
    ],
  },
  {
    given: "an old file on the nlb entry (ingress-nginx behind an NLB): the migration says what replaced it",
    fixture: "prod-nlb.yaml",
    problems: [
      {
        line: 32,
        path: "workloads.entry.type",
        message:
          "ingress-nginx was removed (retired upstream in March 2026, no security fixes after 1.15.1): nlb (ingress-nginx behind an NLB) is gone; the public entry is Gateway API on the AWS Load Balancer Controller (entry.type alb); see docs/migrations/ingress-nginx-to-gateway-api.md",
      },
    ],
  },
  {
    given: "production with the ALB's deletion protection and access logs off",
    fixture: "prod-entry-open.yaml",
    problems: [
      {
        line: 32,
        path: "workloads.entry.deletionProtection",
        message: "must be true in production: the public entry is not deleted by a stray change",
      },
      {
        line: 33,
        path: "workloads.entry.accessLogs.enabled",
        message: "must be true in production: every request to the public entry is recorded",
      },
    ],
  },
  {
    given: "a WAF rate limit of 50 requests per 5 minutes",
    fixture: "waf-rate-low.yaml",
    problems: [{ line: 34, path: "workloads.entry.waf.rateLimitPer5Minutes", says: "expected number to be >=100" }],
  },
  {
    given: "an entry type gwlb",
    fixture: "entry-bad-type.yaml",
    problems: [{ line: 29, path: "workloads.entry.type", message: "must be alb" }],
  },
];

describe("a bad environment file", () => {
  it.each(BAD_FILES)(
    "GIVEN $given WHEN loaded THEN it is reported at $fixture with file, line, path and message",
    ({ fixture, problems }) => {
      const reported = problemsOf(() => loadEnvironmentFile(path.join(FIXTURES, "invalid", fixture)));

      expect(reported).toEqual(
        problems.map((problem) => ({
          file: `${INVALID}/${fixture}`,
          line: problem.line,
          ...(problem.column === undefined ? {} : { column: problem.column }),
          path: problem.path,
          message: "message" in problem ? problem.message : expect.stringContaining(problem.says),
        })),
      );
    },
  );

  it("GIVEN a bad file WHEN the error is printed THEN each line reads file:line path: message", () => {
    const error = ((): unknown => {
      try {
        return loadEnvironmentFile(path.join(FIXTURES, "invalid", "two-azs.yaml"));
      } catch (thrown) {
        return thrown;
      }
    })();

    expect(error).toBeInstanceOf(EnvironmentConfigError);
    expect((error as Error).message).toBe(`${INVALID}/two-azs.yaml:16 network.azCount: must be >= 3 in production`);
  });

  it("GIVEN a file name that cannot name an environment WHEN parsed THEN the name is refused at line 1", () => {
    const problems = problemsOf(() => parseEnvironment("stage: development\n", "environments/Prod_EU.yaml", "Prod_EU"));

    expect(problems).toEqual([
      { file: "environments/Prod_EU.yaml", line: 1, path: "", message: expect.stringContaining('environment name "Prod_EU"') },
    ]);
  });

  it("GIVEN a path that does not exist WHEN loaded THEN it is reported as unreadable", () => {
    const problems = problemsOf(() => loadEnvironmentFile(path.join(FIXTURES, "invalid", "absent.yaml")));

    expect(problems).toEqual([{ file: `${INVALID}/absent.yaml`, line: 1, path: "", message: expect.stringContaining("cannot be read") }]);
  });
});

describe("loading a folder", () => {
  it("GIVEN one good and two bad files WHEN the folder is loaded THEN one error lists the problems of both bad files and nothing is returned", () => {
    let loaded: unknown;
    const problems = problemsOf(() => {
      loaded = loadEnvironments(path.join(FIXTURES, "mixed"));
    });

    expect(loaded).toBeUndefined();
    expect(problems).toHaveLength(3);
    expect(problems).toEqual(
      expect.arrayContaining([
        { file: `${MIXED}/staging.yaml`, line: 4, path: "account.id", message: "must be a 12-digit AWS account id" },
        { file: `${MIXED}/prod.yaml`, line: 16, path: "network.azCount", message: "must be >= 3 in production" },
        {
          file: `${MIXED}/prod.yaml`,
          line: 17,
          path: "network.natGateways",
          message: expect.stringContaining("must be perAz in production"),
        },
      ]),
    );
  });

  it("GIVEN a folder without any .yaml file WHEN loaded THEN the folder itself is reported", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "no-environments-"));
    try {
      const problems = problemsOf(() => loadEnvironments(dir));

      expect(problems).toEqual([
        { file: expect.stringContaining("no-environments-"), line: 1, path: "", message: "holds no <env>.yaml file" },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * main.ts, with its environments folder pointed at the mixed fixtures (ENVIRONMENTS_DIR). The stacks and cdktf's
 * App are replaced by spies, so this proves at function level (no build, no subprocess) that the
 * app validates every file before it creates a single construct: it exits 1 and never creates
 * the App that would write cdktf.out.
 */
describe("the app with a bad environments folder", () => {
  class ExitCalled extends Error {
    constructor(readonly code: string | number | null | undefined) {
      super(`process.exit(${String(code)})`);
    }
  }

  afterEach(() => {
    vi.doUnmock("../stacks/environment-stacks");
    vi.doUnmock("cdktf");
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it("GIVEN two bad files WHEN main.ts runs THEN it prints both files' problems, exits 1 and never creates the App", async () => {
    const mixedDir = path.join(FIXTURES, "mixed");
    const App = vi.fn();
    const addEnvironmentStacks = vi.fn();
    vi.resetModules();
    vi.stubEnv("ENVIRONMENTS_DIR", mixedDir);
    vi.doMock("../stacks/environment-stacks", () => ({ addEnvironmentStacks }));
    vi.doMock("cdktf", () => ({ App }));
    const exit = vi.spyOn(process, "exit").mockImplementation((code) => {
      throw new ExitCalled(code);
    });
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const argv = process.argv;
    process.argv = [process.execPath, "main.js"]; // no options: the whole app, as npm run synth runs it
    try {
      await expect(import("../main.js")).rejects.toThrow(ExitCalled);
    } finally {
      process.argv = argv;
    }

    expect(exit).toHaveBeenCalledExactlyOnceWith(1);
    const printed = stderr.mock.calls.map(([chunk]) => String(chunk)).join("");
    expect(printed).toContain("Invalid environment configuration:");
    expect(printed).toContain(`${MIXED}/staging.yaml:4 account.id: must be a 12-digit AWS account id`);
    expect(printed).toContain(`${MIXED}/prod.yaml:16 network.azCount: must be >= 3 in production`);
    expect(App).not.toHaveBeenCalled();
    expect(addEnvironmentStacks).not.toHaveBeenCalled();
  });
});
