import { cidrsOverlap } from "../modules/core/cidrs";
import { certificateNameCovers } from "./rules";
import type { EnvironmentFacts } from "./schema";

/**
 * Rules across environment files: what no single file can get wrong on its own but two files can
 * together, mostly because several environments share one AWS account (dev and staging do). Each
 * rule names the other file and line it collides with, and reports the collision in every file
 * involved, so whichever file the reader opens says what is wrong.
 */

/** A collision found by a rule, in one environment's file. */
export interface CrossEnvironmentProblem {
  /** The environment (file) the problem is reported in. */
  readonly environment: EnvironmentFacts;
  /** Path from the top of its file. */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** `environments/staging.yaml:21`: where a path of another environment's file is, for messages. */
export type Locate = (environment: EnvironmentFacts, path: readonly (string | number)[]) => string;

/** A named rule over every environment file at once. */
export interface CrossEnvironmentRule {
  readonly name: string;
  readonly check: (environments: readonly EnvironmentFacts[], locate: Locate) => readonly CrossEnvironmentProblem[];
}

/**
 * The name of an application image repository in the account: `<env>/<name>`. The network layer
 * names its repositories with this function, so the rule below checks the names that are created.
 */
function ecrRepositoryName(environment: string, repository: string): string {
  return `${environment}/${repository}`;
}

/** Environments grouped by a key, in the order given. */
function groupBy<T>(items: readonly T[], key: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const value = key(item);
    if (value === undefined) continue;
    groups.set(value, [...(groups.get(value) ?? []), item]);
  }
  return groups;
}

/** `dev (environments/dev.yaml:10)`, `dev (...) and staging (...)`. */
function named(environments: readonly EnvironmentFacts[], path: readonly (string | number)[], locate: Locate): string {
  const parts = environments.map((env) => `${env.name} (${locate(env, path)})`);
  return parts.length <= 1 ? (parts[0] ?? "") : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

/**
 * For every value that several environments share, a problem in each of them naming the others.
 * `message(value, others)` gets the others already located.
 */
function sharedValues(
  environments: readonly EnvironmentFacts[],
  path: readonly (string | number)[],
  value: (env: EnvironmentFacts) => string | undefined,
  locate: Locate,
  message: (value: string, others: string) => string,
): CrossEnvironmentProblem[] {
  return [...groupBy(environments, value)].flatMap(([shared, holders]) =>
    holders.length < 2
      ? []
      : holders.map((env) => ({
          environment: env,
          path,
          message: message(
            shared,
            named(
              holders.filter((other) => other !== env),
              path,
              locate,
            ),
          ),
        })),
  );
}

const byAccount = (environments: readonly EnvironmentFacts[]) => groupBy(environments, (env) => env.account.id);

/** Two files with one base name (`qa.yaml` and `qa.yml`) would make the same stacks. */
const oneFilePerEnvironment: CrossEnvironmentRule = {
  name: "one file per environment",
  check: (environments, locate) =>
    sharedValues(
      environments,
      [],
      (env) => env.name,
      locate,
      (name, others) => `environment ${name} is also defined by ${others}: one file per environment`,
    ),
};

/** Exactly one environment per account creates the account-level singletons; the others look them up. */
const oneSingletonOwnerPerAccount: CrossEnvironmentRule = {
  name: "one owner of the account's singletons",
  check: (environments, locate) =>
    [...byAccount(environments)].flatMap(([account, members]) => {
      const path = ["account", "ownsAccountSingletons"];
      const owners = members.filter((env) => env.account.ownsAccountSingletons);
      if (owners.length === 0) {
        return members.map((env) => ({
          environment: env,
          path,
          message: `no environment of account ${account} owns its singletons (GitHub OIDC provider, GuardDuty, CloudTrail, AWS Config): set true in exactly one of ${members.map((m) => m.name).join(", ")}; the others look them up`,
        }));
      }
      return owners.length === 1
        ? []
        : owners.map((env) => ({
            environment: env,
            path,
            message: `account ${account}'s singletons (GitHub OIDC provider, GuardDuty, CloudTrail, AWS Config) are owned by ${named(
              owners.filter((other) => other !== env),
              path,
              locate,
            )} too: exactly one environment of an account creates them, the others look them up`,
          }));
    }),
};

/**
 * The environments of one account keep their state in the account's one bucket (the bootstrap
 * creates it), in one region; and a bucket name, being global, belongs to one account.
 */
const oneStateBucketPerAccount: CrossEnvironmentRule = {
  name: "one state bucket per account",
  check: (environments, locate) => {
    const s3 = environments.flatMap((env) =>
      env.state.backend === "s3" ? [{ env, bucket: env.state.bucket, region: env.state.region ?? env.account.region }] : [],
    );
    const problems: CrossEnvironmentProblem[] = [];
    for (const [account, members] of groupBy(s3, (entry) => entry.env.account.id)) {
      const buckets = [...groupBy(members, (entry) => entry.bucket)].sort((a, b) => b[1].length - a[1].length);
      const [main, ...others] = buckets;
      if (main === undefined) continue;
      const [bucket, holders] = main;
      for (const [, strays] of others) {
        for (const stray of strays) {
          problems.push({
            environment: stray.env,
            path: ["state", "bucket"],
            message: `account ${account} keeps its state in ${bucket} (${named(
              holders.map((h) => h.env),
              ["state", "bucket"],
              locate,
            )}): environments of one account share the one state bucket the bootstrap creates`,
          });
        }
      }
      for (const [, sameBucket] of buckets) {
        const regions = [...new Set(sameBucket.map((entry) => entry.region))];
        if (regions.length < 2) continue;
        for (const entry of sameBucket) {
          problems.push({
            environment: entry.env,
            path: ["state"],
            message: `state bucket ${entry.bucket} is in ${entry.region} here but in ${regions.filter((r) => r !== entry.region).join(", ")} for ${named(
              sameBucket.filter((other) => other.region !== entry.region).map((other) => other.env),
              ["state"],
              locate,
            )}: a bucket has one region (state.region, else account.region)`,
          });
        }
      }
    }
    for (const [bucket, users] of groupBy(s3, (entry) => entry.bucket)) {
      const accounts = [...new Set(users.map((entry) => entry.env.account.id))];
      if (accounts.length < 2) continue;
      for (const entry of users) {
        const elsewhere = users.filter((other) => other.env.account.id !== entry.env.account.id).map((other) => other.env);
        problems.push({
          environment: entry.env,
          path: ["state", "bucket"],
          message: `state bucket ${bucket} is named in account ${entry.env.account.id} here and in another account by ${named(elsewhere, ["state", "bucket"], locate)}: a bucket name is global and lives in one account`,
        });
      }
    }
    return problems;
  },
};

/** A VPC of an environment: the application VPC or its management VPC. */
interface Network {
  readonly env: EnvironmentFacts;
  readonly path: readonly (string | number)[];
  readonly cidr: string;
}

function networksOf(env: EnvironmentFacts): Network[] {
  const management = env.network.management;
  return [
    { env, path: ["network", "vpcCidr"], cidr: env.network.vpcCidr },
    ...(management === undefined ? [] : [{ env, path: ["network", "management", "vpcCidr"], cidr: management.vpcCidr }]),
  ];
}

/**
 * In one account, the VPCs of different environments (application and management) do not share
 * or overlap ranges: the same range twice is a copied file, and peering or routing between them
 * (management access, shared CI runners, a transit gateway) needs disjoint ranges.
 */
const disjointNetworksPerAccount: CrossEnvironmentRule = {
  name: "disjoint VPC ranges in an account",
  check: (environments, locate) =>
    [...byAccount(environments)].flatMap(([account, members]) => {
      const networks = members.flatMap(networksOf);
      return networks.flatMap((network) => {
        const clashes = networks.filter((other) => other.env !== network.env && cidrsOverlap(network.cidr, other.cidr));
        return clashes.map((other) => {
          const where = `${other.env.name}'s ${other.path.join(".")} ${other.cidr} (${locate(other.env, other.path)})`;
          return {
            environment: network.env,
            path: network.path,
            message:
              other.cidr === network.cidr
                ? `${network.cidr} is also ${where} in account ${account}: each environment of an account needs its own range`
                : `${network.cidr} overlaps ${where} in account ${account}: VPCs of one account must not overlap, or they cannot be peered or routed to each other`,
          };
        });
      });
    }),
};

/** DNS names are global: two environments never manage one domain, one hosted zone or one host. */
const distinctDns: CrossEnvironmentRule = {
  name: "distinct domains, hosted zones and hosts",
  check: (environments, locate) => [
    ...sharedValues(
      environments,
      ["dns", "domain"],
      (env) => env.dns.domain,
      locate,
      (domain, others) => `${domain} is also the domain of ${others}: two environments' external-dns would fight over its records`,
    ),
    ...sharedValues(
      environments,
      ["dns", "hostedZoneId"],
      (env) => env.dns.hostedZoneId,
      locate,
      (zone, others) => `${zone} is also the hosted zone of ${others}: each environment manages its own zone`,
    ),
    ...sharedValues(
      environments,
      ["workloads", "frontendHost"],
      (env) => env.workloads.frontendHost,
      locate,
      (host, others) => `${host} is also the frontend host of ${others}: one name points at one load balancer`,
    ),
  ],
};

/**
 * A certificate is issued for the names it lists. Two environments using one certificate is a
 * copied file (it serves the other environment's host, and browsers refuse it) unless the
 * certificate covers both hosts; only the file can say so (`workloads.certificateCovers`), and
 * every file that uses the certificate must: none of them may rely on another's word.
 */
const certificatesCoverTheirHosts: CrossEnvironmentRule = {
  name: "a shared certificate covers every host it serves",
  check: (environments, locate) =>
    [...groupBy(environments, (env) => env.workloads.certificateArn)].flatMap(([certificate, holders]) =>
      holders.length < 2
        ? []
        : holders.flatMap((env) => {
            const covers = env.workloads.certificateCovers ?? [env.workloads.frontendHost];
            const uncovered = holders.filter(
              (other) => other !== env && !covers.some((name) => certificateNameCovers(name, other.workloads.frontendHost)),
            );
            if (uncovered.length === 0) return [];
            const others = uncovered.map((other) => `${other.name}'s host ${other.workloads.frontendHost}`).join(" and ");
            const hosts = uncovered.length === 1 ? "that host" : "those hosts";
            const declared =
              env.workloads.certificateCovers === undefined
                ? `this file does not say the certificate covers ${hosts} (workloads.certificateCovers)`
                : `workloads.certificateCovers here (${covers.join(", ")}) does not cover ${hosts}`;
            return [
              {
                environment: env,
                path: ["workloads", "certificateArn"],
                message: `${certificate} is also the certificate of ${named(uncovered, ["workloads", "certificateArn"], locate)}, serving ${others}, and ${declared}: give ${env.name} a certificate of its own for ${env.workloads.frontendHost}, or, if this one is issued for both hosts, list its names in workloads.certificateCovers of every file that uses it`,
              },
            ];
          }),
    ),
};

/** The image repositories an account ends up with are unique (`<env>/<name>`). */
const distinctRepositoriesPerAccount: CrossEnvironmentRule = {
  name: "distinct image repositories in an account",
  check: (environments, locate) =>
    [...byAccount(environments)].flatMap(([account, members]) => {
      const repositories = members.flatMap((env) =>
        env.ecr.repositories.map((repo, index) => ({
          env,
          path: ["ecr", "repositories", index, "name"],
          full: ecrRepositoryName(env.name, repo.name),
        })),
      );
      return repositories.flatMap((repo) =>
        repositories
          .filter((other) => other.env !== repo.env && other.full === repo.full)
          .map((other) => ({
            environment: repo.env,
            path: repo.path,
            message: `creates the repository ${repo.full} in account ${account}, as ${other.env.name} does (${locate(other.env, other.path)}): a repository has one owner`,
          })),
      );
    }),
};

/**
 * IAM scopes an environment by name patterns (`role/<env>-*`, `policy/<env>-*`, the state prefix
 * `<env>/` in a shared bucket): with `dev` and `dev-eu`, `role/dev-*` matches both, so dev's deploy
 * role could change dev-eu's roles. No environment name may be another's followed by a hyphen.
 */
const namesThatDoNotPrefixEachOther: CrossEnvironmentRule = {
  name: "no environment name prefixes another",
  check: (environments, locate) =>
    environments.flatMap((env) => {
      const shadowed = environments.filter((other) => other !== env && other.name.startsWith(`${env.name}-`));
      const shadowing = environments.filter((other) => other !== env && env.name.startsWith(`${other.name}-`));
      const firstShadowing = shadowing[0];
      return [
        ...(shadowed.length === 0
          ? []
          : [
              {
                environment: env,
                path: [],
                message: `environment name ${env.name} prefixes ${named(shadowed, [], locate)}: IAM patterns such as role/${env.name}-* would reach its resources too; rename one`,
              },
            ]),
        ...(firstShadowing === undefined
          ? []
          : [
              {
                environment: env,
                path: [],
                message: `environment name ${env.name} starts with ${named(shadowing, [], locate)} and a hyphen: IAM patterns such as role/${firstShadowing.name}-* would reach this environment's resources; rename one`,
              },
            ]),
      ];
    }),
};

/**
 * Every rule across files, in the order problems are reported.
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export const CROSS_ENVIRONMENT_RULES: readonly CrossEnvironmentRule[] = [
  namesThatDoNotPrefixEachOther,
  oneSingletonOwnerPerAccount,
  oneStateBucketPerAccount,
  disjointNetworksPerAccount,
  distinctDns,
  certificatesCoverTheirHosts,
  distinctRepositoriesPerAccount,
];

/**
 * The problems of every rule across the given environments. Two files for one environment come
 * first and alone: every other rule would only echo that they describe the same stacks.
 */
export function crossEnvironmentProblems(environments: readonly EnvironmentFacts[], locate: Locate): CrossEnvironmentProblem[] {
  const duplicates = oneFilePerEnvironment.check(environments, locate);
  if (duplicates.length > 0) return [...duplicates];
  return CROSS_ENVIRONMENT_RULES.flatMap((rule) => rule.check(environments, locate));
}
