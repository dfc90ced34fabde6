import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { ElasticacheReplicationGroup } from "@cdktf/provider-aws/lib/elasticache-replication-group";
import { ElasticacheSubnetGroup } from "@cdktf/provider-aws/lib/elasticache-subnet-group";
import { ElasticacheUser } from "@cdktf/provider-aws/lib/elasticache-user";
import { ElasticacheUserGroup } from "@cdktf/provider-aws/lib/elasticache-user-group";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { ClientPortSecurityGroup } from "./client-port-security-group";
import { CLOUDWATCH_LOG_RETENTION_DAYS, isCloudWatchLogRetention } from "../core/cloudwatch-logs";
import { DEFAULT_DATA_PORTS } from "../core/data-ports";

export type CacheEngine = "valkey" | "redis";

/** An application identity of the cache: an ElastiCache RBAC user that authenticates with IAM. */
export interface CacheAppUser {
  /**
   * User name the application passes to AUTH, also its ElastiCache user ID (IAM authentication
   * requires both to be equal). User IDs are unique per account and region, so include the
   * environment, e.g. `dev-app`. Lowercase letters, digits and single hyphens, starting with a
   * letter, at most 40 characters, not `default`.
   */
  readonly userName: string;
  /**
   * ACL rules of the user (keys, channels, command categories), without passwords.
   * @default "on ~* +@all -@dangerous"
   */
  readonly accessString?: string;
}

export interface CacheReplicationGroupProps {
  /**
   * Replication group ID, also the user group ID, the subnet group name, the prefix of the security
   * group `<name>-cache`, of the disabled default user `<name>-default` (redis) and of the log groups
   * `/aws/elasticache/<name>/slow-log` and `/engine-log`. 1 to 40 lowercase letters, digits and
   * single hyphens, starting with a letter, not ending with a hyphen (a literal).
   */
  readonly name: string;
  readonly vpcId: string;
  /** Private data subnets of the cache subnet group; with multiAz, in at least two AZs. */
  readonly subnetIds: string[];
  /**
   * Security groups whose members may connect (the EKS node security group): the only source
   * admitted, on the port, each as its own ingress rule. A literal array (its items may be tokens).
   */
  readonly clientSecurityGroupIds: string[];
  /**
   * Cache engine.
   * @default "valkey"
   */
  readonly engine?: CacheEngine;
  /**
   * `<major>.<minor>`, e.g. `8.0` for valkey or `7.1` for redis. IAM authentication needs valkey
   * >= 7.2 or redis >= 7.0. The major version selects the default parameter group
   * (`default.valkey8`, `default.redis7`): this module sets no non-default parameters.
   */
  readonly engineVersion: string;
  /** Node type, e.g. `cache.t4g.small`. */
  readonly nodeType: string;
  /** Nodes (cache clusters) of the single shard: one primary plus `replicas - 1` read replicas, 1 to 6. */
  readonly replicas: number;
  /**
   * Automatic failover to a replica in another AZ (needs replicas >= 2 and snapshotRetentionDays >= 1);
   * false switches both automatic failover and Multi-AZ off.
   */
  readonly multiAz: boolean;
  /** KMS key that encrypts the data at rest (nodes and snapshots). */
  readonly kmsKeyArn: string;
  /** Days automatic snapshots are kept, 0 to 35; 0 (no snapshots) only without multiAz. */
  readonly snapshotRetentionDays: number;
  /**
   * Daily UTC snapshot window, `hh:mm-hh:mm`, at least 60 minutes, not overlapping the maintenance window.
   * @default "03:00-04:00"
   */
  readonly snapshotWindow?: string;
  /**
   * Weekly UTC maintenance window, `ddd:hh:mm-ddd:hh:mm` (lowercase days), at least 60 minutes.
   * @default "sun:04:30-sun:05:30"
   */
  readonly maintenanceWindow?: string;
  /**
   * Port the nodes listen on.
   * @default 6379
   */
  readonly port?: number;
  /** Days CloudWatch keeps the slow log and the engine log (a CloudWatch retention value, e.g. 30). */
  readonly logRetentionDays: number;
  /** KMS key of the two log groups; its policy must admit `logs.<region>.amazonaws.com`. */
  readonly logsKmsKeyArn: string;
  /** Application users, at least one; each authenticates with IAM (`elasticache:Connect`), never a password. */
  readonly appUsers: readonly CacheAppUser[];
}

const IDENTIFIER = /^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$|^[a-z]$/;
const ENGINE_VERSION = /^(\d+)\.(\d+)$/;
const SNAPSHOT_WINDOW = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/;
const MAINTENANCE_WINDOW = /^(mon|tue|wed|thu|fri|sat|sun):(\d{2}):(\d{2})-(mon|tue|wed|thu|fri|sat|sun):(\d{2}):(\d{2})$/;
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const DAY = 24 * 60;
const WEEK = 7 * DAY;
/** Retention values CloudWatch Logs accepts. */
/** Lowest engine version with IAM authentication, per engine. */
const IAM_AUTH_MINIMUM: Record<CacheEngine, readonly [number, number]> = { valkey: [7, 2], redis: [7, 0] };
/** ElastiCache: at most 100 users per user group. */
const MAX_USERS_PER_GROUP = 100;
const LOG_TYPES = ["slow-log", "engine-log"] as const;

/**
 * A Valkey or Redis OSS replication group with one shard (cluster mode off) in private subnets:
 * encrypted at rest with the given key and in transit (TLS required), IAM-authenticated RBAC users
 * only (no AUTH token, no password anywhere in config or state), slow and engine logs in
 * KMS-encrypted log groups with retention, and a security group that admits only the client
 * security groups on the port.
 *
 * The user group has the engine of the cache. A valkey user group needs no `default` user and
 * ElastiCache switches the default user off; a valkey group cannot hold a password-less user.
 * A redis user group must contain a user named `default`: it gets `<name>-default`, switched off
 * (`off -@all`) and password-less, so nothing secret exists.
 *
 * Applications connect with TLS, user name = user ID, and a SigV4 token signed for the replication
 * group; their IAM role needs `elasticache:Connect` on `replicationGroupArn` and on their user's ARN
 * (`appUserArns`).
 */
export class CacheReplicationGroup extends Construct {
  readonly replicationGroupId: string;
  readonly replicationGroupArn: string;
  /** Endpoint of the primary node: reads and writes. */
  readonly primaryEndpoint: string;
  /** Endpoint balanced over the replicas (the primary when there is none). */
  readonly readerEndpoint: string;
  readonly port: number;
  /** The cache's own security group. */
  readonly securityGroupId: string;
  readonly userGroupId: string;
  /** ARN of each application user, by user name: the resources of `elasticache:Connect` with the replication group's ARN. */
  readonly appUserArns: Readonly<Record<string, string>>;
  /** ID of each application user (equal to its user name), in the order of `appUsers`. */
  readonly appUserIds: readonly string[];

  constructor(scope: Construct, id: string, props: CacheReplicationGroupProps) {
    super(scope, id);
    const { name } = props;
    const engine = props.engine ?? "valkey";
    const port = props.port ?? DEFAULT_DATA_PORTS.cache;
    const snapshotWindow = props.snapshotWindow ?? "03:00-04:00";
    const maintenanceWindow = props.maintenanceWindow ?? "sun:04:30-sun:05:30";
    const major = validate(props, engine, port, snapshotWindow, maintenanceWindow);

    const logDeliveryConfiguration = LOG_TYPES.map((logType) => {
      const logGroup = new CloudwatchLogGroup(this, `${logType}-group`, {
        name: `/aws/elasticache/${name}/${logType}`,
        retentionInDays: props.logRetentionDays,
        kmsKeyId: props.logsKmsKeyArn,
      });
      return { logType, destinationType: "cloudwatch-logs", destination: logGroup.name, logFormat: "json" };
    });

    const securityGroup = new ClientPortSecurityGroup(this, "security-group", {
      name: `${name}-cache`,
      purpose: `ElastiCache ${name}`,
      vpcId: props.vpcId,
      port,
      protocolName: engine,
      clientSecurityGroupIds: props.clientSecurityGroupIds,
    });

    const subnetGroup = new ElasticacheSubnetGroup(this, "subnet-group", {
      name,
      description: `Private data subnets of ElastiCache ${name}`,
      subnetIds: props.subnetIds,
    });

    // IAM authentication requires the user ID to equal the user name.
    const appUsers = props.appUsers.map((user) => ({
      userName: user.userName,
      resource: new ElasticacheUser(this, `user-${user.userName}`, {
        userId: user.userName,
        userName: user.userName,
        engine,
        accessString: user.accessString ?? "on ~* +@all -@dangerous",
        authenticationMode: { type: "iam" },
      }),
    }));
    // A redis user group must hold a user named `default`. Password-less is set with
    // no_password_required rather than authentication_mode "no-password-required": the API reads
    // that mode back as "no-password", which would show a change on every plan.
    const defaultUsers =
      engine === "redis"
        ? [
            new ElasticacheUser(this, "default-user", {
              userId: `${name}-default`,
              userName: "default",
              engine,
              accessString: "off -@all",
              noPasswordRequired: true,
            }),
          ]
        : [];
    const userGroup = new ElasticacheUserGroup(this, "user-group", {
      userGroupId: name,
      engine,
      userIds: [...defaultUsers, ...appUsers.map((user) => user.resource)].map((user) => user.userId),
    });

    const group = new ElasticacheReplicationGroup(this, "replication-group", {
      replicationGroupId: name,
      description: `${engine} cache ${name}: IAM-authenticated users, TLS required`,
      engine,
      engineVersion: props.engineVersion,
      // Default parameters suffice (cluster mode off); the family follows the major version.
      parameterGroupName: `default.${engine}${major}`,
      clusterMode: "disabled",
      nodeType: props.nodeType,
      numCacheClusters: props.replicas,
      port,
      subnetGroupName: subnetGroup.name,
      securityGroupIds: [securityGroup.securityGroupId],
      automaticFailoverEnabled: props.multiAz,
      multiAzEnabled: props.multiAz,
      atRestEncryptionEnabled: "true",
      kmsKeyId: props.kmsKeyArn,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      userGroupIds: [userGroup.userGroupId],
      snapshotRetentionLimit: props.snapshotRetentionDays,
      snapshotWindow,
      maintenanceWindow,
      autoMinorVersionUpgrade: "true",
      applyImmediately: false,
      logDeliveryConfiguration,
      tags: { Name: name },
    });

    this.replicationGroupId = group.replicationGroupId;
    this.replicationGroupArn = group.arn;
    this.primaryEndpoint = group.primaryEndpointAddress;
    this.readerEndpoint = group.readerEndpointAddress;
    this.port = port;
    this.securityGroupId = securityGroup.securityGroupId;
    this.userGroupId = userGroup.userGroupId;
    this.appUserArns = Object.fromEntries(appUsers.map((user) => [user.userName, user.resource.arn]));
    this.appUserIds = appUsers.map((user) => user.resource.userId);
  }
}

/** Throws on the first prop that cannot work; returns the engine's major version. */
function validate(
  props: CacheReplicationGroupProps,
  engine: CacheEngine,
  port: number,
  snapshotWindow: string,
  maintenanceWindow: string,
): number {
  const { name } = props;
  const fail = (message: string): never => {
    throw new Error(`ElastiCache ${name}: ${message}`);
  };
  if (!IDENTIFIER.test(name) || name.length > 40) {
    fail("name must be 1 to 40 lowercase letters, digits and single hyphens, start with a letter and not end with a hyphen");
  }
  const version =
    ENGINE_VERSION.exec(props.engineVersion) ?? fail(`engineVersion must be <major>.<minor> like 8.0, got ${props.engineVersion}`);
  const major = Number(version[1]);
  const minor = Number(version[2]);
  const [minMajor, minMinor] = IAM_AUTH_MINIMUM[engine];
  if (major < minMajor || (major === minMajor && minor < minMinor)) {
    fail(`IAM authentication needs ${engine} >= ${minMajor}.${minMinor}, got ${engine} ${props.engineVersion}`);
  }
  if (!props.nodeType.startsWith("cache.")) fail(`nodeType must be a cache node type like cache.t4g.small, got ${props.nodeType}`);
  if (!Number.isInteger(props.replicas) || props.replicas < 1 || props.replicas > 6) {
    fail(`replicas (nodes of the shard) must be an integer from 1 to 6, got ${props.replicas}`);
  }
  if (props.multiAz && props.replicas < 2) fail(`multiAz needs at least 2 replicas (a primary and a standby), got ${props.replicas}`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`port ${port} must be 1 to 65535`);
  const retention = props.snapshotRetentionDays;
  if (!Number.isInteger(retention) || retention < 0 || retention > 35)
    fail(`snapshotRetentionDays ${retention} must be an integer from 0 to 35`);
  if (props.multiAz && retention < 1) fail("snapshotRetentionDays must be >= 1 with multiAz");
  if (!isCloudWatchLogRetention(props.logRetentionDays)) {
    fail(`logRetentionDays ${props.logRetentionDays} is not a CloudWatch retention (${CLOUDWATCH_LOG_RETENTION_DAYS.join(", ")})`);
  }
  if (!Token.isUnresolved(props.subnetIds) && props.subnetIds.length === 0) fail("subnetIds must name at least one subnet");
  if (Token.isUnresolved(props.clientSecurityGroupIds)) fail("clientSecurityGroupIds must be a literal array (its items may be tokens)");
  if (props.clientSecurityGroupIds.length === 0) fail("clientSecurityGroupIds must name at least one client security group");
  validateUsers(props.appUsers, fail);
  if (props.appUsers.some((user) => user.userName === `${name}-default`))
    fail(`app user ${name}-default is reserved: it is the ID of the disabled default user`);
  validateWindows(snapshotWindow, maintenanceWindow, fail);
  return major;
}

function validateUsers(users: readonly CacheAppUser[], fail: (message: string) => never): void {
  if (users.length === 0) fail("appUsers must name at least one application user");
  if (users.length + 1 > MAX_USERS_PER_GROUP)
    fail(`appUsers has ${users.length} users; a user group holds at most ${MAX_USERS_PER_GROUP} with the default user`);
  const seen = new Set<string>();
  for (const user of users) {
    if (!IDENTIFIER.test(user.userName) || user.userName.length > 40) {
      fail(
        `app user ${user.userName} must be 1 to 40 lowercase letters, digits and single hyphens, start with a letter and not end with a hyphen`,
      );
    }
    if (user.userName === "default") fail("app user default is reserved: the default user is managed here, switched off");
    if (seen.has(user.userName)) fail(`app user ${user.userName} is listed twice`);
    seen.add(user.userName);
    // Passwords set in an ACL (`>secret`, `#hash`, `nopass`) would put a credential in config; ElastiCache refuses them anyway.
    const rules = (user.accessString ?? "").split(/\s+/);
    if (rules.some((rule) => /^[><#!]/.test(rule) || rule === "nopass" || rule === "resetpass" || rule === "reset")) {
      fail(
        `app user ${user.userName}: accessString must not set passwords (>, <, #, !, nopass, resetpass, reset); users authenticate with IAM`,
      );
    }
  }
}

/** Formats, the 60-minute minimum of both windows, and no overlap between the daily snapshot and the weekly maintenance. */
function validateWindows(snapshotWindow: string, maintenanceWindow: string, fail: (message: string) => never): void {
  const snapshot = SNAPSHOT_WINDOW.exec(snapshotWindow);
  const start = snapshot === null ? undefined : minutes(snapshot[1], snapshot[2]);
  const end = snapshot === null ? undefined : minutes(snapshot[3], snapshot[4]);
  if (start === undefined || end === undefined) fail(`snapshotWindow must be hh:mm-hh:mm in UTC, got ${snapshotWindow}`);
  const snapshotLength = (end - start + DAY) % DAY;
  if (snapshotLength < 60) fail(`snapshotWindow ${snapshotWindow} must last at least 60 minutes`);

  const maintenance = MAINTENANCE_WINDOW.exec(maintenanceWindow);
  const from = maintenance === null ? undefined : weekMinutes(maintenance[1], maintenance[2], maintenance[3]);
  const to = maintenance === null ? undefined : weekMinutes(maintenance[4], maintenance[5], maintenance[6]);
  if (from === undefined || to === undefined)
    fail(`maintenanceWindow must be ddd:hh:mm-ddd:hh:mm in UTC with lowercase days, got ${maintenanceWindow}`);
  const maintenanceLength = (to - from + WEEK) % WEEK;
  if (maintenanceLength < 60) fail(`maintenanceWindow ${maintenanceWindow} must last at least 60 minutes`);

  const overlaps = DAYS.some((_, day) => intersects(day * DAY + start, snapshotLength, from, maintenanceLength));
  if (overlaps) fail(`snapshotWindow ${snapshotWindow} overlaps maintenanceWindow ${maintenanceWindow}`);
}

function minutes(hours: string | undefined, mins: string | undefined): number | undefined {
  const h = Number(hours);
  const m = Number(mins);
  return h <= 23 && m <= 59 ? h * 60 + m : undefined;
}

function weekMinutes(day: string | undefined, hours: string | undefined, mins: string | undefined): number | undefined {
  const time = minutes(hours, mins);
  const index = DAYS.indexOf(day ?? "");
  return time === undefined || index < 0 ? undefined : index * DAY + time;
}

/** Whether two intervals of the week (start, length in minutes, wrapping at the week's end) share a minute. */
function intersects(aStart: number, aLength: number, bStart: number, bLength: number): boolean {
  const within = (point: number, start: number, length: number) => (point - start + WEEK) % WEEK < length;
  return within(aStart % WEEK, bStart, bLength) || within(bStart, aStart % WEEK, aLength);
}
