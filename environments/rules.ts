import { cidrsOverlap, prefixLengthOf } from "../modules/core/cidrs";
import { isKnownRegion, zonesOf } from "./aws-regions";
import { productionPlatformProblems } from "./platform-schema";
import { MANAGEMENT_VPC_PREFIX, type EnvironmentFields } from "./fields";
import { planSubnets } from "./subnet-plan";
import { kubernetesRangeProblems, productionWorkloadsProblems } from "./workloads-schema";

/**
 * The cross-field rules of one environment file: what the field schemas alone cannot say. Each
 * rule has a name, says what it guards, and returns its problems with paths from the top of the
 * file; `environmentSchema` runs them in this order (the order problems are reported in).
 * Rules across files (accounts shared by several environments) are in `cross-environment-rules.ts`.
 */

/** One broken rule, at a path from the top of the file (`["network", "azCount"]`). */
export interface RuleProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** A named cross-field rule of one environment file. */
export interface EnvironmentRule {
  /** Short name, for readers and test titles. */
  readonly name: string;
  readonly check: (env: EnvironmentFields) => readonly RuleProblem[];
}

/** Problems for each entry of a list that repeats an earlier one. */
function repeated<T>(
  items: readonly T[],
  path: (index: number) => readonly (string | number)[],
  message: (item: T) => string,
): RuleProblem[] {
  return items.flatMap((item, index) => (items.indexOf(item) === index ? [] : [{ path: path(index), message: message(item) }]));
}

/** Prefix lengths AWS allows for a VPC, less the smallest (too small for three tiers). */
const VPC_PREFIX = { largest: 16, smallest: 24 } as const;

/** AWS Client VPN hands clients addresses from a /12 to a /22. */
const CLIENT_VPN_CIDR_PREFIX = { largest: 12, smallest: 22 } as const;

/** Endpoints a production VPC must have, so image pulls and credentials never leave the VPC. */
const PRODUCTION_REQUIRED_ENDPOINTS = ["ecr.api", "ecr.dkr", "sts"] as const;

function vpcSizeAllowed(env: EnvironmentFields): boolean {
  const prefix = prefixLengthOf(env.network.vpcCidr);
  return prefix >= VPC_PREFIX.largest && prefix <= VPC_PREFIX.smallest;
}

/** Zones belong to the region (the table in aws-regions.ts) and are listed once. An unknown region is the region's problem alone. */
const zonesOfTheRegion: EnvironmentRule = {
  name: "availability zones of the region",
  check: (env) => {
    const { region, availabilityZones: zones } = env.account;
    const known = zonesOf(region);
    return zones.flatMap((zone, index): RuleProblem[] => [
      ...(isKnownRegion(region) && !known.includes(zone)
        ? [
            {
              path: ["account", "availabilityZones", index],
              message: `${zone} is not an availability zone of ${region} (it has ${known.join(", ")})`,
            },
          ]
        : []),
      ...(zones.indexOf(zone) === index ? [] : [{ path: ["account", "availabilityZones", index], message: `${zone} is listed twice` }]),
    ]);
  },
};

const azCountWithinZones: EnvironmentRule = {
  name: "azCount within the listed zones",
  check: (env) =>
    env.network.azCount > env.account.availabilityZones.length
      ? [
          {
            path: ["network", "azCount"],
            message: `must be <= the ${env.account.availabilityZones.length} availability zones listed in account.availabilityZones`,
          },
        ]
      : [],
};

const vpcSize: EnvironmentRule = {
  name: "VPC size",
  check: (env) =>
    vpcSizeAllowed(env)
      ? []
      : [
          {
            path: ["network", "vpcCidr"],
            message: `must be a /${VPC_PREFIX.largest} to /${VPC_PREFIX.smallest} (the range AWS allows for a VPC, less the smallest)`,
          },
        ],
};

const dataTierPortsOnce: EnvironmentRule = {
  name: "data tier ports listed once",
  check: (env) =>
    repeated(
      env.network.dataTierPorts,
      (index) => ["network", "dataTierPorts", index],
      (port) => `port ${port} is listed twice`,
    ),
};

const interfaceEndpoints: EnvironmentRule = {
  name: "interface endpoints listed once, sts among them",
  check: (env) => {
    const endpoints = env.network.interfaceEndpoints;
    return [
      ...repeated(
        endpoints,
        (index) => ["network", "interfaceEndpoints", index],
        (service) => `${service} is listed twice`,
      ),
      ...(endpoints.includes("sts")
        ? []
        : [
            {
              path: ["network", "interfaceEndpoints"],
              message: "must include sts: the backend's network policy reaches AWS APIs only through the VPC's endpoints",
            },
          ]),
    ];
  },
};

/** `network.management`: sizes, overlaps with what it is peered with, certificates in the environment's region. */
const managementNetwork: EnvironmentRule = {
  name: "management network",
  check: (env) => {
    const settings = env.network.management;
    if (settings === undefined) return [];
    const at = (...path: (string | number)[]) => ["network", "management", ...path];
    const problems: RuleProblem[] = [];
    const appCidr = env.network.vpcCidr;
    const prefix = prefixLengthOf(settings.vpcCidr);
    if (prefix < MANAGEMENT_VPC_PREFIX.largest || prefix > MANAGEMENT_VPC_PREFIX.smallest) {
      problems.push({
        path: at("vpcCidr"),
        message: `must be a /${MANAGEMENT_VPC_PREFIX.largest} to /${MANAGEMENT_VPC_PREFIX.smallest}: two subnets, each with room for the endpoints, the operator instance and Client VPN`,
      });
    }
    if (cidrsOverlap(settings.vpcCidr, appCidr)) {
      problems.push({
        path: at("vpcCidr"),
        message: `${settings.vpcCidr} overlaps network.vpcCidr ${appCidr}: the management VPC is peered with the application VPC, and peered VPCs must not overlap`,
      });
    }
    if (env.account.availabilityZones.length < 2) {
      problems.push({ path: at(), message: "needs two availability zones in account.availabilityZones: one management subnet in each" });
    }
    const vpn = settings.clientVpn;
    if (vpn === undefined) return problems;
    const clientPrefix = prefixLengthOf(vpn.clientCidr);
    if (clientPrefix < CLIENT_VPN_CIDR_PREFIX.largest || clientPrefix > CLIENT_VPN_CIDR_PREFIX.smallest) {
      problems.push({
        path: at("clientVpn", "clientCidr"),
        message: `must be a /${CLIENT_VPN_CIDR_PREFIX.smallest} or larger (up to /${CLIENT_VPN_CIDR_PREFIX.largest}): AWS Client VPN needs at least 1,024 client addresses`,
      });
    }
    for (const [what, other] of [
      ["network.vpcCidr", appCidr],
      ["network.management.vpcCidr", settings.vpcCidr],
    ] as const) {
      if (cidrsOverlap(vpn.clientCidr, other)) {
        problems.push({
          path: at("clientVpn", "clientCidr"),
          message: `${vpn.clientCidr} overlaps ${what} ${other}: client addresses must not collide with the networks they reach`,
        });
      }
    }
    for (const key of ["serverCertificateArn", "clientRootCertificateArn"] as const) {
      if (vpn[key].split(":")[3] !== env.account.region) {
        problems.push({
          path: at("clientVpn", key),
          message: `must be a certificate in ${env.account.region}: Client VPN uses certificates of its own region`,
        });
      }
    }
    return problems;
  },
};

const applicationRepositories: EnvironmentRule = {
  name: "frontend and backend repositories",
  check: (env) => {
    const names = env.ecr.repositories.map((repo) => repo.name);
    return ["frontend", "backend"]
      .filter((app) => !names.includes(app))
      .map((app) => ({ path: ["ecr", "repositories"], message: `must include ${app}: the workloads layer runs its image from there` }));
  },
};

const certificateInRegion: EnvironmentRule = {
  name: "certificate in the environment's region",
  check: (env) => {
    const certificate = env.workloads.certificateArn;
    return certificate !== undefined && certificate.split(":")[3] !== env.account.region
      ? [
          {
            path: ["workloads", "certificateArn"],
            message: `must be a certificate in ${env.account.region}: the load balancer uses certificates of its own region`,
          },
        ]
      : [];
  },
};

/** A load balancer uses a certificate of its own account; a file copied from another account keeps the other's. */
const certificateInAccount: EnvironmentRule = {
  name: "certificate in the environment's account",
  check: (env) => {
    const certificate = env.workloads.certificateArn;
    // An account id that is not 12 digits has its own problem; the certificate is judged against a valid one.
    return certificate !== undefined && /^\d{12}$/.test(env.account.id) && certificate.split(":")[4] !== env.account.id
      ? [
          {
            path: ["workloads", "certificateArn"],
            message: `must be a certificate of account ${env.account.id} (account.id): the load balancer uses certificates of its own account`,
          },
        ]
      : [];
  },
};

/** `*.acme.example` covers `app.acme.example` (one label), a plain name only itself; as ACM matches them. */
export function certificateNameCovers(name: string, host: string): boolean {
  const [pattern, candidate] = [name.toLowerCase(), host.toLowerCase()];
  if (!pattern.startsWith("*.")) return pattern === candidate;
  const dot = candidate.indexOf(".");
  return dot > 0 && candidate.slice(dot + 1) === pattern.slice(2);
}

/** The names of `workloads.certificateCovers`, when given, include one for the environment's own host. */
const certificateCoversItsHost: EnvironmentRule = {
  name: "certificate covers the frontend host",
  check: (env) => {
    const { certificateCovers: covers, certificateArn, frontendHost } = env.workloads;
    if (covers === undefined) return [];
    if (certificateArn === undefined)
      return [{ path: ["workloads", "certificateCovers"], message: "names what workloads.certificateArn covers, which is not set" }];
    return covers.some((name) => certificateNameCovers(name, frontendHost))
      ? []
      : [
          {
            path: ["workloads", "certificateCovers"],
            message: `must cover workloads.frontendHost (${frontendHost}): the load balancer serves that host with this certificate`,
          },
        ];
  },
};

const albEntryPrerequisites: EnvironmentRule = {
  name: "ALB entry prerequisites",
  check: (env) => {
    if (env.workloads.entry.type !== "alb") return [];
    const problems: RuleProblem[] = [];
    if (!env.platform.loadBalancerController) {
      problems.push({
        path: ["workloads", "entry", "type"],
        message: "alb needs platform.loadBalancerController: true (the platform layer creates the controller's IAM role)",
      });
    }
    if (env.workloads.certificateArn === undefined) {
      problems.push({
        path: ["workloads", "entry", "type"],
        message:
          "alb needs workloads.certificateArn: the Gateway's HTTPS listener serves the site with it (HTTP 80 only redirects to HTTPS)",
      });
    }
    return problems;
  },
};

const repositoriesOnce: EnvironmentRule = {
  name: "repositories listed once",
  check: (env) =>
    repeated(
      env.ecr.repositories.map((repo) => repo.name),
      (index) => ["ecr", "repositories", index, "name"],
      (name) => `repository ${name} is listed twice`,
    ),
};

/** The subnet tiers fit in the VPC without overlapping (only once the VPC size and the zone count are right). */
const subnetsFit: EnvironmentRule = {
  name: "subnets fit in the VPC",
  check: (env) => {
    const zones = env.account.availabilityZones.length;
    if (!vpcSizeAllowed(env) || env.network.azCount > zones) return [];
    const result = planSubnets(env.network.vpcCidr, env.network.azCount, zones, env.network.subnets);
    return result.ok ? [] : result.problems.map((problem) => ({ path: ["network", ...problem.path], message: problem.message }));
  },
};

const frontendHostInDomain: EnvironmentRule = {
  name: "frontend host in the DNS domain",
  check: (env) => {
    const { frontendHost: host } = env.workloads;
    const { domain } = env.dns;
    return host === domain || host.endsWith(`.${domain}`)
      ? []
      : [{ path: ["workloads", "frontendHost"], message: `must lie in dns.domain (${domain}): external-dns manages that zone only` }];
  },
};

/** Every chart the environment installs supports its Kubernetes minor (modules/core/chart-versions.ts). */
const chartsForKubernetesVersion: EnvironmentRule = {
  name: "chart versions for the Kubernetes version",
  check: (env) =>
    kubernetesRangeProblems(env.workloads, env.platform.kubernetesVersion).map((problem) => ({
      path: ["workloads", ...problem.path],
      message: problem.message,
    })),
};

/** What production cannot switch off: resilience, private paths, protection of data. */
const productionGuarantees: EnvironmentRule = {
  name: "production guarantees",
  check: (env) => {
    if (env.stage !== "production") return [];
    const problems: RuleProblem[] = productionWorkloadsProblems(env.workloads).map((problem) => ({
      path: ["workloads", ...problem.path],
      message: problem.message,
    }));
    if (env.network.natGateways !== "perAz") {
      problems.push({
        path: ["network", "natGateways"],
        message: "must be perAz in production: a single NAT gateway is a single point of failure",
      });
    }
    if (env.network.management === undefined) {
      problems.push({
        path: ["network", "management"],
        message:
          "is required in production: operators reach private resources only through the management network (Session Manager, no SSH)",
      });
    }
    if (env.network.azCount < 3) problems.push({ path: ["network", "azCount"], message: "must be >= 3 in production" });
    problems.push(
      ...productionPlatformProblems(env.platform).map((problem) => ({ path: ["platform", ...problem.path], message: problem.message })),
    );
    const missing = PRODUCTION_REQUIRED_ENDPOINTS.filter((service) => !env.network.interfaceEndpoints.includes(service));
    if (missing.length > 0) {
      problems.push({
        path: ["network", "interfaceEndpoints"],
        message: `must include ${missing.join(", ")} in production (image pulls and credentials stay inside the VPC)`,
      });
    }
    return problems;
  },
};

/** Every rule, in the order its problems are reported. */
const ENVIRONMENT_RULES: readonly EnvironmentRule[] = [
  zonesOfTheRegion,
  azCountWithinZones,
  vpcSize,
  dataTierPortsOnce,
  interfaceEndpoints,
  managementNetwork,
  applicationRepositories,
  certificateInRegion,
  certificateInAccount,
  certificateCoversItsHost,
  albEntryPrerequisites,
  chartsForKubernetesVersion,
  repositoriesOnce,
  subnetsFit,
  frontendHostInDomain,
  productionGuarantees,
];

/** The problems of every rule, in order. */
export function environmentRuleProblems(env: EnvironmentFields): RuleProblem[] {
  return ENVIRONMENT_RULES.flatMap((rule) => rule.check(env));
}
