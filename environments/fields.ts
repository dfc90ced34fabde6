import { z } from "zod";
import { AWS_REGION_ZONES } from "./aws-regions";
import { alertsSchema } from "./alerts-schema";
import { platformSchema } from "./platform-schema";
import { isNetworkCidr } from "./subnet-plan";
import { workloadsSchema } from "./workloads-schema";
import { CLOUDWATCH_LOG_RETENTION_DAYS } from "../modules/core/cloudwatch-logs";
import { DEFAULT_DATA_PORTS } from "../modules/core/data-ports";

/** Prefix lengths a management VPC may have: two subnets, each with room for the endpoints, the operator instance and Client VPN. */
export const MANAGEMENT_VPC_PREFIX = { largest: 16, smallest: 26 } as const;

/**
 * The fields of `environments/<env>.yaml` (schema.ts adds the cross-field rules of rules.ts):
 * the platform team's only interface.
 *
 * Every default lives here and is documented once (`describe`), and the JSON Schema that editors
 * use is generated from this file (`npm run schema`). Objects are strict: an unknown key is an
 * error, so a typo never passes silently. The cross-field rules of one file are named in rules.ts,
 * the rules across files in cross-environment-rules.ts.
 */

const accountId = z
  .string({ error: "must be a quoted string of 12 digits (unquoted, YAML reads a number and drops leading zeros)" })
  .regex(/^\d{12}$/, "must be a 12-digit AWS account id");

/** A region of the table in aws-regions.ts (an enum, so editors complete it). */
const region = z.enum(Object.keys(AWS_REGION_ZONES) as [string, ...string[]], {
  error: (issue) => `${String(issue.input)} is not an AWS region: environments/aws-regions.ts lists them (eu-west-1, us-east-1, ...)`,
});

export const cidr = z.string().refine(isNetworkCidr, "must be an IPv4 CIDR whose address is the network address, such as 10.0.0.0/16");

const arn = (service: string) =>
  z.string().regex(new RegExp(`^arn:aws[a-z-]*:${service}:`), `must be an ${service} ARN (arn:aws:${service}:...)`);

const acmCertificateArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/,
    "must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)",
  );

const tagValue = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u, "may hold only letters, digits, spaces and _ . : / = + - @");

/** CloudWatch Logs accepts only these retention periods. */
const retentionDays = z.literal(CLOUDWATCH_LOG_RETENTION_DAYS, {
  error: `must be one of CloudWatch's retention periods: ${CLOUDWATCH_LOG_RETENTION_DAYS.join(", ")}`,
});

/** Interface endpoints the network layer knows how to create (service name suffixes). */
const INTERFACE_ENDPOINT_SERVICES = [
  "ecr.api",
  "ecr.dkr",
  "sts",
  "logs",
  "kms",
  "secretsmanager",
  "ssm",
  "ssmmessages",
  "ec2messages",
  "ec2",
  "elasticloadbalancing",
  "autoscaling",
  "eks",
  "eks-auth",
] as const;

const clientVpn = z.strictObject({
  serverCertificateArn: acmCertificateArn.describe("ACM certificate the Client VPN endpoint presents (in account.region)."),
  clientRootCertificateArn: acmCertificateArn.describe(
    "ACM certificate of the CA that issued the operators' client certificates (mutual authentication; in account.region).",
  ),
  clientCidr: cidr.describe("Addresses handed to VPN clients: a /22 or larger (up to /12), overlapping neither VPC."),
});

const management = z.strictObject({
  vpcCidr: cidr.describe(
    `IPv4 CIDR of the management VPC, /${MANAGEMENT_VPC_PREFIX.largest} to /${MANAGEMENT_VPC_PREFIX.smallest}, split into two subnets in the first two availability zones; must not overlap network.vpcCidr (the two VPCs are peered).`,
  ),
  clientVpn: clientVpn
    .optional()
    .describe(
      "An AWS Client VPN endpoint into the management network (certificate authentication, split tunnel). @default none: Session Manager only",
    ),
});

const subnetTier = (defaultPrefix: number, what: string) =>
  z
    .strictObject({
      prefixLength: z
        .number()
        .int()
        .min(16)
        .max(28)
        .default(defaultPrefix)
        .describe(`Prefix length of each ${what} subnet (one per AZ). @default ${defaultPrefix}`),
      cidrs: z.array(cidr).optional().describe("Explicit CIDRs, one per AZ in use, for a layout that is already fixed. @default computed"),
    })
    .default({ prefixLength: defaultPrefix });

const ecrRepository = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/, "must be a valid ECR repository name")
    .max(200)
    .describe("Application name; the repository is <env>/<name> (frontend and backend are required)."),
  keepTaggedImages: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(30)
    .describe("Lifecycle: keep this many most recent tagged images. @default 30"),
  untaggedExpiryDays: z
    .number()
    .int()
    .min(1)
    .max(365)
    .default(7)
    .describe("Lifecycle: expire untagged images this many days after push. @default 7"),
});

const s3State = z.strictObject({
  backend: z.literal("s3").describe("Terraform's S3 backend: encrypted, with S3-native locking."),
  bucket: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name")
    .describe("State bucket of this account (versioned, encrypted, public access blocked; see README bootstrap)."),
  region: region.optional().describe("Region of the state bucket. @default account.region"),
  kmsKeyArn: arn("kms")
    .optional()
    .describe(
      "KMS key for state objects (set it to the bootstrap stack's key output). @default SSE-S3: Terraform's S3 backend asks for AES256 when no key is named",
    ),
  roleArn: arn("iam").optional().describe("Role assumed to reach the state bucket. @default the caller's credentials"),
});

const localState = z.strictObject({
  backend: z.literal("local").describe("Local state files, for a sandbox without a state bucket."),
  directory: z
    .string()
    .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, "must be a relative directory inside the repository")
    .refine((dir) => !dir.split("/").includes(".."), "must not leave the repository")
    .default(".terraform-state")
    .describe("Sandbox state directory, relative to the repository root (git-ignored). @default .terraform-state"),
});

/** The fields of an environment file, before the cross-field rules. */
export const environmentFields = z.strictObject({
  stage: z
    .enum(["development", "staging", "production"])
    .describe("Which guarantees apply: production enforces multi-AZ, NAT per AZ and private endpoints."),
  account: z.strictObject({
    id: accountId.describe("The one AWS account this environment deploys into; the provider refuses any other."),
    region: region.describe("Region of every resource of this environment."),
    availabilityZones: z.array(z.string()).min(1).describe("The region's availability zones this account may use, in order of preference."),
    ownsAccountSingletons: z
      .boolean()
      .describe(
        "True in exactly one environment per account: it creates the account-level singletons (GitHub OIDC provider, GuardDuty, CloudTrail, AWS Config, password policy, account public access block); the others look the OIDC provider up.",
      ),
    deployRoleArn: arn("iam").optional().describe("Role the AWS provider assumes for every change. @default the caller's credentials"),
  }),
  state: z
    .discriminatedUnion("backend", [s3State, localState], {
      error: "backend must be s3 or local",
    })
    .describe("Where each layer keeps its Terraform state: key <env>/<layer>.tfstate."),
  tags: z.strictObject({
    owner: tagValue.describe("Team that owns the environment (tag owner)."),
    costCenter: tagValue.describe("Cost centre billed (tag cost-center)."),
    additional: z
      .record(z.string().regex(/^[A-Za-z0-9_.:/=+\-@]{1,128}$/, "must be a valid tag key"), tagValue)
      .default({})
      .describe("Further tags on every resource. @default {}"),
  }),
  network: z.strictObject({
    vpcCidr: cidr.describe("IPv4 CIDR of the application VPC, /16 to /24."),
    azCount: z
      .number()
      .int()
      .min(1)
      .max(6)
      .default(3)
      .describe("Availability zones in use, the first N of account.availabilityZones. @default 3"),
    natGateways: z
      .enum(["single", "perAz"])
      .default("perAz")
      .describe("One NAT gateway per AZ (resilient) or a single one (cheap, dev only). @default perAz"),
    subnets: z
      .strictObject({
        public: subnetTier(24, "public"),
        privateApp: subnetTier(20, "private-app"),
        privateData: subnetTier(24, "private-data"),
      })
      .default({ public: { prefixLength: 24 }, privateApp: { prefixLength: 20 }, privateData: { prefixLength: 24 } })
      .describe("Subnet tiers, computed at synth time from the VPC CIDR. @default public /24, privateApp /20, privateData /24"),
    dataTierPorts: z
      .array(z.number().int().min(1).max(65535))
      .min(1)
      .default([DEFAULT_DATA_PORTS.postgres, DEFAULT_DATA_PORTS.cache])
      .describe("TCP ports the private-data tier's NACL admits from the private-app tier. @default [5432, 6379]"),
    flowLogs: z
      .strictObject({
        retentionDays: retentionDays.default(90).describe("Retention of the VPC flow log group, in days. @default 90"),
      })
      .default({ retentionDays: 90 }),
    interfaceEndpoints: z
      .array(z.enum(INTERFACE_ENDPOINT_SERVICES))
      .default(["sts"])
      .describe(
        "Interface VPC endpoints (the S3 gateway endpoint is always created); sts is required: pods get their IAM roles through it. @default [sts]",
      ),
    management: management
      .optional()
      .describe(
        "A management VPC peered with the application VPC, from which operators reach the EKS API and the data stores through SSM Session Manager: no internet path, no SSH. Required in production. @default none",
      ),
  }),
  ecr: z
    .strictObject({
      repositories: z
        .array(ecrRepository)
        .min(1)
        .default([
          { name: "frontend", keepTaggedImages: 30, untaggedExpiryDays: 7 },
          { name: "backend", keepTaggedImages: 30, untaggedExpiryDays: 7 },
        ])
        .describe("Application image repositories. @default frontend and backend"),
    })
    .default({
      repositories: [
        { name: "frontend", keepTaggedImages: 30, untaggedExpiryDays: 7 },
        { name: "backend", keepTaggedImages: 30, untaggedExpiryDays: 7 },
      ],
    }),
  dns: z
    .strictObject({
      domain: z
        .string()
        .regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a DNS domain such as dev.example.com")
        .describe("Domain the environment's public names live under; external-dns manages records in it."),
      hostedZoneId: z
        .string()
        .regex(/^Z[A-Z0-9]{4,32}$/, "must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ")
        .describe("Route 53 public hosted zone of the domain; external-dns may change this zone only."),
    })
    .describe("The environment's DNS zone (a per-account fact)."),
  alerts: alertsSchema,
  platform: platformSchema.describe("The platform layer: EKS, nodes, add-ons, Aurora PostgreSQL, ElastiCache."),
  workloads: workloadsSchema.describe("The workloads layer: cluster services (Helm) and the frontend and backend applications."),
  github: z.strictObject({
    repository: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "must be owner/name")
      .describe("The only GitHub repository whose workflows may assume this environment's CI roles."),
    deployBranch: z
      .string()
      .regex(/^[A-Za-z0-9._/-]+$/, "must be a branch name")
      .default("main")
      .describe("Branch whose workflows may apply and push. @default main"),
    connectionArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]+$/,
        "must be an AWS CodeConnections connection ARN (arn:aws:codeconnections:<region>:<account>:connection/<id>)",
      )
      .describe(
        "AWS CodeConnections connection to GitHub, created and authorized once per account (console: Developer Tools > Settings > Connections; docs/ci-cd.md). The environment's CodeBuild-hosted GitHub Actions runner (in the private-app subnets, the only CI path to the private cluster API) reads the repository and registers through it: no token is stored anywhere.",
      ),
    runnerActorIds: z
      .array(z.string().regex(/^[1-9][0-9]*$/, "must be a numeric GitHub account id (https://api.github.com/users/<login>: id)"))
      .min(1)
      .describe(
        "Numeric GitHub account ids of the people whose workflow jobs the environment's CodeBuild runners take (the webhook's ACTOR_ACCOUNT_ID filter): a job queued by anyone else never starts a build in the VPC. Look one up at https://api.github.com/users/<login>.",
      ),
  }),
});

/** A file's fields with defaults applied, as the cross-field rules (rules.ts) see them. */
export type EnvironmentFields = z.output<typeof environmentFields>;
