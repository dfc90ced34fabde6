import { readdirSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { environmentsDir, loadEnvironmentFile, loadEnvironments } from "../environments/load";
import type { EnvironmentConfig } from "../environments/schema";
import { SUBNET_TIERS, planSubnets, type SubnetPlan, type SubnetTierRequest } from "../environments/subnet-plan";
import { cpuMillicores, memoryBytes, resolvedChartVersions } from "../environments/workloads-schema";

const MINIMAL_FILE = path.join(__dirname, "fixtures/environments/valid/minimal.yaml");

/** The schema's default tiers, written out by hand: public /24, private-app /20, private-data /24. */
const DEFAULT_TIERS = {
  public: { prefixLength: 24 },
  privateApp: { prefixLength: 20 },
  privateData: { prefixLength: 24 },
} as const satisfies Record<string, SubnetTierRequest>;

/** A plan, or the test fails with the planner's problems. */
function plan(
  vpcCidr: string,
  azCount: number,
  azSlots: number,
  tiers: Record<(typeof SUBNET_TIERS)[number], SubnetTierRequest>,
): SubnetPlan {
  const result = planSubnets(vpcCidr, azCount, azSlots, tiers);
  if (!result.ok) throw new Error(`expected a plan, got: ${result.problems.map((p) => p.message).join("; ")}`);
  return result.plan;
}

/** First and last address of a CIDR as integers: independent of the planner's own IP library. */
function bounds(cidr: string): { first: number; last: number } {
  const [address = "", prefix = ""] = cidr.split("/");
  const first = address.split(".").reduce((value, octet) => value * 256 + Number(octet), 0);
  return { first, last: first + 2 ** (32 - Number(prefix)) - 1 };
}

const allSubnets = (subnetPlan: SubnetPlan) => SUBNET_TIERS.flatMap((tier) => subnetPlan[tier].map((cidr) => ({ tier, cidr })));

describe("the real environment files", () => {
  it("GIVEN environments/*.yaml WHEN loaded THEN every file comes back once, named after it", () => {
    const files = readdirSync(environmentsDir())
      .filter((entry) => /\.ya?ml$/.test(entry))
      .map((entry) => entry.replace(/\.ya?ml$/, ""));

    expect(
      loadEnvironments()
        .map((env) => env.name)
        .sort(),
    ).toEqual(files.sort());
  });

  it("GIVEN environments/*.yaml WHEN loaded THEN they come in promotion order: development, then staging, then production", () => {
    const rank = { development: 0, staging: 1, production: 2 } as const;
    const ranks = loadEnvironments().map((env) => rank[env.stage]);

    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it("GIVEN the real files WHEN loaded THEN every environment carries a literal subnet CIDR per AZ in use and tier", () => {
    for (const env of loadEnvironments()) {
      for (const tier of SUBNET_TIERS) {
        expect(env.subnetPlan[tier], `${env.name} ${tier}`).toHaveLength(env.network.azCount);
        for (const cidr of env.subnetPlan[tier]) expect(cidr).toMatch(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/);
      }
    }
  });
});

describe("defaults of a minimal file", () => {
  // GIVEN test/fixtures/environments/valid/minimal.yaml, which sets only what has no default
  const minimal: EnvironmentConfig = loadEnvironmentFile(MINIMAL_FILE);

  it("WHEN loaded THEN the environment is named after its file", () => {
    expect(minimal.name).toBe("minimal");
  });

  it("WHEN loaded THEN it uses 3 availability zones", () => {
    expect(minimal.network.azCount).toBe(3);
  });

  it("WHEN loaded THEN it has a NAT gateway per AZ", () => {
    expect(minimal.network.natGateways).toBe("perAz");
  });

  it("WHEN loaded THEN flow logs are kept 90 days", () => {
    expect(minimal.network.flowLogs).toEqual({ retentionDays: 90 });
  });

  it("WHEN loaded THEN the subnet tiers are public /24, private-app /20 and private-data /24 without explicit CIDRs", () => {
    expect(minimal.network.subnets).toEqual({
      public: { prefixLength: 24 },
      privateApp: { prefixLength: 20 },
      privateData: { prefixLength: 24 },
    });
  });

  it("WHEN loaded THEN the data tier admits PostgreSQL and Redis ports and only the STS interface endpoint is created", () => {
    expect(minimal.network.dataTierPorts).toEqual([5432, 6379]);
    expect(minimal.network.interfaceEndpoints).toEqual(["sts"]);
  });

  it("WHEN loaded THEN ECR has frontend and backend, keeping 30 tagged images and expiring untagged ones after 7 days", () => {
    expect(minimal.ecr.repositories).toEqual([
      { name: "frontend", keepTaggedImages: 30, untaggedExpiryDays: 7 },
      { name: "backend", keepTaggedImages: 30, untaggedExpiryDays: 7 },
    ]);
  });

  it("WHEN loaded THEN the deploy branch is main and there are no additional tags", () => {
    expect(minimal.github.deployBranch).toBe("main");
    expect(minimal.tags.additional).toEqual({});
  });

  it("WHEN loaded THEN the state region stays unset (the stacks default it to account.region, the loader does not guess)", () => {
    expect(minimal.state).toEqual({ backend: "s3", bucket: "acme-test-terraform-state" });
  });

  it("WHEN loaded THEN its DNS zone is taken as written (a per-account fact, never guessed)", () => {
    expect(minimal.dns).toEqual({ domain: "test.acme.example", hostedZoneId: "Z0TESTACME000000001" });
  });

  it("WHEN loaded THEN the cluster uses access entries only (authenticationMode API) and a private API endpoint only", () => {
    expect(minimal.platform.kubernetesVersion).toBe("1.34");
    expect(minimal.platform.authenticationMode).toBe("API");
    expect(minimal.platform.endpoint).toEqual({ publicAccess: false, publicAccessCidrs: [], privateAccessCidrs: [] });
  });

  it("WHEN loaded THEN all five control-plane log types are exported and kept 90 days", () => {
    expect(minimal.platform.controlPlaneLogs).toEqual({
      types: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
      retentionDays: 90,
    });
  });

  it("WHEN loaded THEN only the CI roles get cluster access, no Fargate profile, add-on versions from the per-minor table and the load balancer controller's identity", () => {
    expect(minimal.platform.access).toEqual({ admins: [], viewers: [] });
    expect(minimal.platform.fargateNamespaces).toEqual([]);
    expect(minimal.platform.addons).toEqual({ vpcCni: {}, coredns: {}, kubeProxy: {}, ebsCsiDriver: {}, podIdentityAgent: {} });
    // The public entry is Gateway API on the controller in every environment: its identity is on by default.
    expect(minimal.platform.loadBalancerController).toBe(true);
  });

  it("WHEN loaded THEN a node group is ON_DEMAND with a 50 GiB root volume, no labels and no taints", () => {
    expect(minimal.platform.nodeGroups).toEqual([
      {
        name: "system",
        capacityType: "ON_DEMAND",
        instanceTypes: ["m7g.large"],
        minSize: 2,
        desiredSize: 2,
        maxSize: 4,
        diskSizeGiB: 50,
        labels: {},
        taints: [],
      },
    ]);
  });

  it("WHEN loaded THEN the database is Aurora PostgreSQL 16 (AWS owns the minor) serverless 0.5-8 ACU, 2 instances, 7-day backups and deletion protection", () => {
    expect(minimal.platform.database).toEqual({
      engineVersion: "16",
      databaseName: "app",
      masterUsername: "app_admin",
      capacity: { mode: "serverless", minAcu: 0.5, maxAcu: 8 },
      instances: 2,
      backupRetentionDays: 7,
      deletionProtection: true,
      performanceInsightsRetentionDays: 7,
      logRetentionDays: 30,
    });
  });

  it("WHEN loaded THEN the cache is Valkey 8.0 with 2 nodes, multi-AZ failover and 7-day snapshots", () => {
    expect(minimal.platform.cache).toEqual({
      engine: "valkey",
      engineVersion: "8.0",
      nodeType: "cache.t4g.small",
      replicas: 2,
      multiAz: true,
      snapshotRetentionDays: 7,
      logRetentionDays: 30,
    });
  });

  it("WHEN loaded THEN both apps run 2 replicas on 8080 with 100m/128Mi requests, 500m/512Mi limits, /healthz and /ready probes", () => {
    for (const name of ["frontend", "backend"] as const) {
      expect(minimal.workloads[name], name).toEqual({
        imageTag: "1.0.0",
        replicas: 2,
        containerPort: 8080,
        requests: { cpu: "100m", memory: "128Mi" },
        limits: { cpu: "500m", memory: "512Mi" },
        livenessPath: "/healthz",
        readinessPath: "/ready",
        // enabled as the fixture writes it; the rest are the schema's defaults
        autoscaling: { enabled: true, maxReplicas: 10, cpuUtilization: 70, memoryUtilization: 80 },
      });
    }
  });

  it("WHEN loaded THEN the host and certificate are taken as written, the entry is the Gateway API ALB with its guarantees, and full monitoring", () => {
    expect(minimal.workloads.frontendHost).toBe("app.test.acme.example");
    expect(minimal.workloads.certificateArn).toBe("arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000000");
    expect(minimal.workloads.entry).toEqual({
      type: "alb",
      waf: { rateLimitPer5Minutes: 2000 },
      deletionProtection: true,
      accessLogs: { enabled: true, retentionDays: 90 },
    });
    expect(minimal.workloads.monitoring).toEqual({
      prometheus: true,
      prometheusRetention: "15d",
      prometheusStorageGiB: 50,
      fluentBit: true,
    });
  });

  it("WHEN no chart is pinned THEN each resolves to the newest listed version that supports the cluster's minor", () => {
    // The oracle: the versions this repository was moved to (issue 14; Karpenter in issue 19).
    expect(resolvedChartVersions(minimal.workloads, "1.35")).toEqual({
      secretsStoreCsiDriver: "1.6.0",
      secretsStoreCsiProviderAws: "3.1.1",
      externalDns: "1.21.1",
      karpenter: "1.14.1",
      metricsServer: "3.13.1",
      kubePrometheusStack: "88.5.3",
      fluentBit: "0.58.1",
      awsLoadBalancerController: "3.5.0",
    });
    expect(resolvedChartVersions(minimal.workloads, "1.34").karpenter).toBe("1.14.1");
  });

  it("WHEN loaded THEN its subnet plan is computed from the /16: private-app /20s first, then the /24s", () => {
    expect(minimal.subnetPlan).toEqual({
      public: ["10.0.48.0/24", "10.0.49.0/24", "10.0.50.0/24"],
      privateApp: ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"],
      privateData: ["10.0.51.0/24", "10.0.52.0/24", "10.0.53.0/24"],
    });
  });
});

describe("subnet plan", () => {
  const layouts = [
    { vpcCidr: "10.0.0.0/16", azCount: 3, azSlots: 3, tiers: DEFAULT_TIERS },
    { vpcCidr: "10.10.0.0/16", azCount: 2, azSlots: 3, tiers: DEFAULT_TIERS },
    {
      vpcCidr: "172.16.0.0/20",
      azCount: 3,
      azSlots: 4,
      tiers: { public: { prefixLength: 26 }, privateApp: { prefixLength: 23 }, privateData: { prefixLength: 26 } },
    },
    {
      vpcCidr: "192.168.10.0/24",
      azCount: 2,
      azSlots: 2,
      tiers: { public: { prefixLength: 28 }, privateApp: { prefixLength: 26 }, privateData: { prefixLength: 28 } },
    },
  ] as const;

  it.each(layouts)(
    "GIVEN $vpcCidr with $azCount of $azSlots AZs WHEN planned THEN no two subnets of any tiers overlap",
    ({ vpcCidr, azCount, azSlots, tiers }) => {
      const subnets = allSubnets(plan(vpcCidr, azCount, azSlots, tiers));

      expect(subnets).toHaveLength(3 * azCount);
      for (const [i, a] of subnets.entries()) {
        for (const b of subnets.slice(i + 1)) {
          const disjoint = bounds(a.cidr).last < bounds(b.cidr).first || bounds(b.cidr).last < bounds(a.cidr).first;
          expect(disjoint, `${a.tier} ${a.cidr} vs ${b.tier} ${b.cidr}`).toBe(true);
        }
      }
    },
  );

  it.each(layouts)(
    "GIVEN $vpcCidr with $azCount of $azSlots AZs WHEN planned THEN every subnet lies inside the VPC",
    ({ vpcCidr, azCount, azSlots, tiers }) => {
      const vpc = bounds(vpcCidr);

      for (const { tier, cidr } of allSubnets(plan(vpcCidr, azCount, azSlots, tiers))) {
        expect(bounds(cidr).first >= vpc.first && bounds(cidr).last <= vpc.last, `${tier} ${cidr} inside ${vpcCidr}`).toBe(true);
      }
    },
  );

  it("GIVEN a /24 VPC with two AZs WHEN planned THEN the CIDRs are the literal lowest free blocks, largest tier first", () => {
    const subnetPlan = plan("192.168.10.0/24", 2, 2, {
      public: { prefixLength: 28 },
      privateApp: { prefixLength: 26 },
      privateData: { prefixLength: 28 },
    });

    expect(subnetPlan).toEqual({
      privateApp: ["192.168.10.0/26", "192.168.10.64/26"],
      public: ["192.168.10.128/28", "192.168.10.144/28"],
      privateData: ["192.168.10.160/28", "192.168.10.176/28"],
    });
  });

  it("GIVEN 3 listed AZs WHEN azCount goes from 2 to 3 THEN the first two subnets of every tier stay where they were", () => {
    const before = plan("10.10.0.0/16", 2, 3, DEFAULT_TIERS);
    const after = plan("10.10.0.0/16", 3, 3, DEFAULT_TIERS);

    expect(before).toEqual({
      public: ["10.10.48.0/24", "10.10.49.0/24"],
      privateApp: ["10.10.0.0/20", "10.10.16.0/20"],
      privateData: ["10.10.51.0/24", "10.10.52.0/24"],
    });
    expect(after).toEqual({
      public: ["10.10.48.0/24", "10.10.49.0/24", "10.10.50.0/24"],
      privateApp: ["10.10.0.0/20", "10.10.16.0/20", "10.10.32.0/20"],
      privateData: ["10.10.51.0/24", "10.10.52.0/24", "10.10.53.0/24"],
    });
  });

  it("GIVEN explicit public CIDRs WHEN planned THEN they are used as written and the computed tiers are placed around them", () => {
    const subnetPlan = plan("10.0.0.0/16", 3, 3, {
      ...DEFAULT_TIERS,
      public: { prefixLength: 24, cidrs: ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"] },
    });

    expect(subnetPlan).toEqual({
      public: ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"],
      // 10.0.0.0/20 holds the explicit /24s, so the /20s start at the next block...
      privateApp: ["10.0.16.0/20", "10.0.32.0/20", "10.0.48.0/20"],
      // ...and the /24s fill the rest of 10.0.0.0/20.
      privateData: ["10.0.3.0/24", "10.0.4.0/24", "10.0.5.0/24"],
    });
  });
});

describe("Kubernetes quantities", () => {
  it.each([
    ["250m", 250],
    ["1", 1000],
    ["1.5", 1500],
    ["0.1", 100],
    ["2000m", 2000],
  ])("GIVEN the CPU quantity %s WHEN measured THEN it is %d millicores", (quantity, millicores) => {
    expect(cpuMillicores(quantity)).toBe(millicores);
  });

  it("GIVEN a CPU quantity that is not one (half) WHEN measured THEN it is NaN", () => {
    expect(cpuMillicores("half")).toBeNaN();
  });

  it.each([
    ["128Mi", 134_217_728], // 128 * 1024 * 1024
    ["1Gi", 1_073_741_824], // 1024 * 1024 * 1024
    ["512Ki", 524_288], // 512 * 1024
    ["500M", 500_000_000], // 500 * 1000 * 1000
    ["2G", 2_000_000_000],
    ["1.5Gi", 1_610_612_736], // 1.5 * 1073741824
    ["1000", 1000],
    ["500k", 500_000], // Kubernetes' decimal kilo is lowercase
    ["1Ti", 1_099_511_627_776], // 1024 ** 4
  ])("GIVEN the memory quantity %s WHEN measured THEN it is %d bytes", (quantity, bytes) => {
    expect(memoryBytes(quantity)).toBe(bytes);
  });

  it.each(["lots", "1GB", "Mi", "-1Gi", "", "500K"])("GIVEN %j, not a memory quantity, WHEN measured THEN it is NaN", (garbage) => {
    expect(memoryBytes(garbage)).toBeNaN();
  });

  it("GIVEN a 1Gi request and a 512Mi limit WHEN compared THEN the limit is the smaller (binary units, not string order)", () => {
    expect(memoryBytes("512Mi")).toBeLessThan(memoryBytes("1Gi"));
    expect(cpuMillicores("250m")).toBeLessThan(cpuMillicores("0.5"));
  });
});
