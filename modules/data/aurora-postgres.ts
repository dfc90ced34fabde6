import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { RdsCluster } from "@cdktf/provider-aws/lib/rds-cluster";
import { RdsClusterInstance } from "@cdktf/provider-aws/lib/rds-cluster-instance";
import { RdsClusterParameterGroup } from "@cdktf/provider-aws/lib/rds-cluster-parameter-group";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { ClientPortSecurityGroup } from "./client-port-security-group";
import type { AwsTarget } from "../core/aws-target";
import { DEFAULT_DATA_PORTS } from "../core/data-ports";

/** Aurora Serverless v2: every instance is `db.serverless` and scales between the bounds. */
export interface AuroraServerlessCapacity {
  readonly mode: "serverless";
  /** Lowest Aurora capacity units per instance, 0.5 to 256 in steps of 0.5. */
  readonly minAcu: number;
  /** Highest Aurora capacity units per instance, minAcu to 256 in steps of 0.5. */
  readonly maxAcu: number;
}

/** Provisioned instances of one class, plus read replicas added by Application Auto Scaling on reader CPU. */
export interface AuroraProvisionedCapacity {
  readonly mode: "provisioned";
  /** Instance class, e.g. `db.r7g.large` (not `db.serverless`: use the serverless mode). */
  readonly instanceClass: string;
  /**
   * Most readers the cluster may have (those created here plus those autoscaling adds), at least
   * `instances - 1` and at most 15. Equal to `instances - 1` pins the reader count.
   */
  readonly maxReaders: number;
}

export type AuroraCapacity = AuroraServerlessCapacity | AuroraProvisionedCapacity;

/** Intervals, in seconds, at which RDS enhanced monitoring may collect OS metrics; 0 turns it off. */
export type EnhancedMonitoringInterval = 0 | 1 | 5 | 10 | 15 | 30 | 60;

export interface AuroraPostgresProps {
  /**
   * The cluster identifier, also the prefix of every other name: instances `<name>-1`..`<name>-N`,
   * final snapshot `<name>-final`, log group `/aws/rds/cluster/<name>/postgresql`.
   * Lowercase letters, digits and single hyphens, starting with a letter, at most 49 characters
   * (a literal: names derived from it must be known at synth).
   */
  readonly name: string;
  readonly target: AwsTarget;
  readonly vpcId: string;
  /** Private data subnets of the DB subnet group, in at least two AZs; Aurora spreads instances across them. */
  readonly subnetIds: string[];
  /**
   * Security groups whose members may connect (the EKS node security group): the only source
   * admitted, on the port, each as its own ingress rule. A literal array (its items may be tokens).
   */
  readonly clientSecurityGroupIds: string[];
  /** Key for storage encryption, Performance Insights and the managed master secret. */
  readonly kmsKeyArn: string;
  /**
   * Key of the PostgreSQL log group; its policy must admit `logs.<region>.amazonaws.com`.
   * @default kmsKeyArn (which then needs that grant)
   */
  readonly logsKmsKeyArn?: string;
  /**
   * Aurora PostgreSQL version; its major version selects the parameter group family. It also says
   * who owns the minor version: a major version alone (`16`) leaves it to AWS (the instances upgrade
   * automatically, and the provider keeps `16` while the cluster runs `16.x`, so the plan stays
   * empty); `major.minor` (`16.6`) pins it here, with automatic minor upgrades off, so AWS never
   * moves the cluster away from what the configuration says.
   */
  readonly engineVersion: string;
  /** Database created with the cluster: a letter, then letters, digits or underscores, at most 63. */
  readonly databaseName: string;
  /** Master user; RDS creates and rotates its password in Secrets Manager (never in config or state). */
  readonly masterUsername: string;
  /**
   * Port the cluster listens on, 1150 to 65535.
   * @default 5432
   */
  readonly port?: number;
  readonly capacity: AuroraCapacity;
  /** Instances Terraform manages (one writer, the rest readers), at least 1. AZ placement is left to RDS. */
  readonly instances: number;
  /** Days automated backups are kept, 7 to 35. */
  readonly backupRetentionDays: number;
  /**
   * Daily UTC backup window, `hh:mm-hh:mm`.
   * @default "02:00-03:00"
   */
  readonly preferredBackupWindow?: string;
  /**
   * Weekly UTC maintenance window, `ddd:hh:mm-ddd:hh:mm`; must not overlap the backup window.
   * @default "sun:03:30-sun:04:30"
   */
  readonly preferredMaintenanceWindow?: string;
  /** RDS deletion protection: the API refuses to delete the cluster while it is on. */
  readonly deletionProtection: boolean;
  /**
   * Terraform `lifecycle { prevent_destroy = true }` on the cluster: a plan that would destroy or
   * replace it fails. Whenever this or deletionProtection is on, destroying the cluster (after both
   * are switched off) takes the final snapshot `<name>-final`; with both off (a sandbox) no final
   * snapshot is taken.
   */
  readonly protectFromDestroy: boolean;
  /**
   * Days Performance Insights keeps data: 7, a multiple of 31 up to 713, or 731.
   * @default 7
   */
  readonly performanceInsightsRetentionDays?: number;
  /** Days CloudWatch keeps the exported PostgreSQL log. */
  readonly logRetentionDays: number;
  /**
   * Seconds between enhanced-monitoring OS metric samples; above 0 creates a monitoring role that
   * only this account's RDS monitoring service may assume.
   * @default 0 (off)
   */
  readonly enhancedMonitoringInterval?: EnhancedMonitoringInterval;
}

const IDENTIFIER = /^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$/;
const SQL_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
const ENGINE_VERSION = /^(\d+)(\.\d+)?$/;

/**
 * An encrypted Aurora PostgreSQL cluster in private subnets: the master password managed and
 * rotated by RDS in Secrets Manager under the given key, IAM database authentication, TLS forced,
 * the PostgreSQL log exported to a KMS-encrypted log group with retention, Performance Insights on
 * every instance, and a security group that admits only the client security groups on the port.
 * Serverless v2 or provisioned capacity; provisioned clusters add readers on CPU.
 *
 * Readers added by autoscaling are not in Terraform state: destroying the cluster needs them
 * removed first (deregister the scalable target, then delete the `application-autoscaling-*` instances).
 */
export class AuroraPostgres extends Construct {
  readonly clusterIdentifier: string;
  readonly clusterArn: string;
  readonly clusterResourceId: string;
  /** Writer endpoint. */
  readonly endpoint: string;
  /** Load-balanced reader endpoint. */
  readonly readerEndpoint: string;
  readonly port: number;
  readonly databaseName: string;
  /** Secrets Manager secret holding the master user's credentials, rotated by RDS. */
  readonly masterUserSecretArn: string;
  /** The cluster's own security group. */
  readonly securityGroupId: string;

  constructor(scope: Construct, id: string, props: AuroraPostgresProps) {
    super(scope, id);
    const { name, capacity } = props;
    const port = props.port ?? DEFAULT_DATA_PORTS.postgres;
    const performanceInsightsRetentionDays = props.performanceInsightsRetentionDays ?? 7;
    const preferredBackupWindow = props.preferredBackupWindow ?? "02:00-03:00";
    const preferredMaintenanceWindow = props.preferredMaintenanceWindow ?? "sun:03:30-sun:04:30";
    const enhancedMonitoringInterval = props.enhancedMonitoringInterval ?? 0;
    const family = validate(props, port, performanceInsightsRetentionDays);
    // One owner of the minor version (see engineVersion).
    const awsOwnsMinorVersion = !props.engineVersion.includes(".");

    const logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: `/aws/rds/cluster/${name}/postgresql`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logsKmsKeyArn ?? props.kmsKeyArn,
    });

    const securityGroup = new ClientPortSecurityGroup(this, "security-group", {
      name: `${name}-aurora`,
      purpose: `Aurora PostgreSQL ${name}`,
      vpcId: props.vpcId,
      port,
      protocolName: "PostgreSQL",
      clientSecurityGroupIds: props.clientSecurityGroupIds,
    });

    const subnetGroup = new DbSubnetGroup(this, "subnet-group", {
      name: `${name}-aurora`,
      description: `Private data subnets of Aurora PostgreSQL ${name}`,
      subnetIds: props.subnetIds,
    });

    // The family is part of the names, so a major upgrade creates the new groups before the old go.
    const clusterParameters = new RdsClusterParameterGroup(this, "cluster-parameters", {
      name: `${name}-${family}`,
      family,
      description: `Cluster parameters of Aurora PostgreSQL ${name}`,
      parameter: [
        { name: "rds.force_ssl", value: "1" },
        { name: "log_min_duration_statement", value: "1000" },
        { name: "log_connections", value: "1" },
        { name: "log_disconnections", value: "1" },
      ],
      lifecycle: { createBeforeDestroy: true },
    });
    const instanceParameters = new DbParameterGroup(this, "instance-parameters", {
      name: `${name}-${family}-instance`,
      family,
      description: `Instance parameters of Aurora PostgreSQL ${name}`,
      lifecycle: { createBeforeDestroy: true },
    });

    // A database protected either way always leaves a final snapshot behind.
    const takeFinalSnapshot = props.protectFromDestroy === true || props.deletionProtection === true;
    const cluster = new RdsCluster(this, "cluster", {
      clusterIdentifier: name,
      engine: "aurora-postgresql",
      engineMode: "provisioned",
      engineVersion: props.engineVersion,
      databaseName: props.databaseName,
      masterUsername: props.masterUsername,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: props.kmsKeyArn,
      iamDatabaseAuthenticationEnabled: true,
      port,
      storageEncrypted: true,
      kmsKeyId: props.kmsKeyArn,
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [securityGroup.securityGroupId],
      dbClusterParameterGroupName: clusterParameters.name,
      enabledCloudwatchLogsExports: ["postgresql"],
      backupRetentionPeriod: props.backupRetentionDays,
      preferredBackupWindow,
      preferredMaintenanceWindow,
      copyTagsToSnapshot: true,
      deletionProtection: props.deletionProtection,
      skipFinalSnapshot: !takeFinalSnapshot,
      finalSnapshotIdentifier: takeFinalSnapshot ? `${name}-final` : undefined,
      serverlessv2ScalingConfiguration:
        capacity.mode === "serverless" ? { minCapacity: capacity.minAcu, maxCapacity: capacity.maxAcu } : undefined,
      tags: { Name: name },
      // RDS would otherwise create the log group itself, unencrypted and kept forever.
      dependsOn: [logGroup],
      lifecycle: props.protectFromDestroy ? { preventDestroy: true } : undefined,
    });

    const monitoringRoleArn = enhancedMonitoringInterval > 0 ? this.monitoringRole(props).arn : undefined;
    const instances = Array.from(
      { length: props.instances },
      (_, index) =>
        new RdsClusterInstance(this, `instance-${index + 1}`, {
          identifier: `${name}-${index + 1}`,
          clusterIdentifier: cluster.clusterIdentifier,
          engine: cluster.engine,
          instanceClass: capacity.mode === "serverless" ? "db.serverless" : capacity.instanceClass,
          dbSubnetGroupName: subnetGroup.name,
          dbParameterGroupName: instanceParameters.name,
          publiclyAccessible: false,
          autoMinorVersionUpgrade: awsOwnsMinorVersion,
          caCertIdentifier: "rds-ca-rsa2048-g1",
          performanceInsightsEnabled: true,
          performanceInsightsKmsKeyId: props.kmsKeyArn,
          performanceInsightsRetentionPeriod: performanceInsightsRetentionDays,
          monitoringInterval: enhancedMonitoringInterval,
          monitoringRoleArn,
          tags: { Name: `${name}-${index + 1}` },
        }),
    );

    if (capacity.mode === "provisioned") {
      const readers = new AppautoscalingTarget(this, "reader-scaling", {
        serviceNamespace: "rds",
        scalableDimension: "rds:cluster:ReadReplicaCount",
        resourceId: `cluster:${cluster.clusterIdentifier}`,
        minCapacity: props.instances - 1,
        maxCapacity: capacity.maxReaders,
        // The cluster must be available, with its writer, before readers can be registered.
        dependsOn: instances,
      });
      new AppautoscalingPolicy(this, "reader-cpu", {
        name: `${name}-reader-cpu`,
        policyType: "TargetTrackingScaling",
        serviceNamespace: readers.serviceNamespace,
        scalableDimension: readers.scalableDimension,
        resourceId: readers.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          predefinedMetricSpecification: { predefinedMetricType: "RDSReaderAverageCPUUtilization" },
          targetValue: 60,
          scaleOutCooldown: 300,
          scaleInCooldown: 300,
        },
      });
    }

    this.clusterIdentifier = cluster.clusterIdentifier;
    this.clusterArn = cluster.arn;
    this.clusterResourceId = cluster.clusterResourceId;
    this.endpoint = cluster.endpoint;
    this.readerEndpoint = cluster.readerEndpoint;
    this.port = port;
    this.databaseName = props.databaseName;
    this.masterUserSecretArn = cluster.masterUserSecret.get(0).secretArn;
    this.securityGroupId = securityGroup.securityGroupId;
  }

  /** The role RDS enhanced monitoring publishes OS metrics with, assumable only for this account. */
  private monitoringRole(props: AuroraPostgresProps): IamRole {
    const { accountId, partition } = props.target;
    const trust = new DataAwsIamPolicyDocument(this, "monitoring-trust", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["monitoring.rds.amazonaws.com"] }],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] }],
        },
      ],
    });
    const role = new IamRole(this, "monitoring-role", {
      name: `${props.name}-rds-monitoring`,
      assumeRolePolicy: trust.json,
    });
    new IamRolePolicyAttachment(this, "monitoring-policy", {
      role: role.name,
      policyArn: `arn:${partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`,
    });
    return role;
  }
}

/** Throws on the first prop that cannot work; returns the parameter group family. */
function validate(props: AuroraPostgresProps, port: number, performanceInsightsRetentionDays: number): string {
  const { name, capacity } = props;
  const fail = (message: string): never => {
    throw new Error(`Aurora PostgreSQL ${name}: ${message}`);
  };
  // 49 leaves room for the longest derived name, the monitoring role `<name>-rds-monitoring` (IAM: 64).
  if (!IDENTIFIER.test(name) || name.length > 49) {
    fail(
      "name must be lowercase letters, digits and single hyphens, start with a letter, not end with a hyphen, and be at most 49 characters",
    );
  }
  const major =
    ENGINE_VERSION.exec(props.engineVersion)?.[1] ??
    fail(`engineVersion must be a literal version like 16 or 16.6, got ${props.engineVersion}`);
  if (!SQL_NAME.test(props.databaseName))
    fail(`databaseName ${props.databaseName} must be a letter then letters, digits or underscores, at most 63`);
  if (!SQL_NAME.test(props.masterUsername) || props.masterUsername.toLowerCase() === "rdsadmin") {
    fail(`masterUsername ${props.masterUsername} must be a letter then letters, digits or underscores, at most 63, and not rdsadmin`);
  }
  if (!Number.isInteger(port) || port < 1150 || port > 65535) fail(`port ${port} must be 1150 to 65535`);
  if (!Number.isInteger(props.instances) || props.instances < 1) fail(`instances must be an integer >= 1, got ${props.instances}`);
  if (props.instances > 16) fail(`instances ${props.instances} exceeds Aurora's 16 (one writer, 15 readers)`);
  if (props.backupRetentionDays < 7 || props.backupRetentionDays > 35)
    fail(`backupRetentionDays ${props.backupRetentionDays} must be 7 to 35`);
  if (props.logRetentionDays < 1) fail(`logRetentionDays must be >= 1, got ${props.logRetentionDays}`);
  const pi = performanceInsightsRetentionDays;
  if (pi !== 7 && pi !== 731 && !(Number.isInteger(pi) && pi % 31 === 0 && pi >= 31 && pi <= 713)) {
    fail(`performanceInsightsRetentionDays ${pi} must be 7, a multiple of 31 up to 713, or 731`);
  }
  if (!Token.isUnresolved(props.subnetIds) && props.subnetIds.length < 2)
    fail(`needs subnets in at least two AZs, got ${props.subnetIds.length} subnet(s)`);
  if (Token.isUnresolved(props.clientSecurityGroupIds)) fail("clientSecurityGroupIds must be a literal array (its items may be tokens)");
  if (props.clientSecurityGroupIds.length === 0) fail("clientSecurityGroupIds must name at least one client security group");
  if (capacity.mode === "serverless") {
    const acu = (value: number) => value >= 0.5 && value <= 256 && Number.isInteger(value * 2);
    if (!acu(capacity.minAcu)) fail(`minAcu ${capacity.minAcu} must be 0.5 to 256 in steps of 0.5`);
    if (!acu(capacity.maxAcu)) fail(`maxAcu ${capacity.maxAcu} must be 0.5 to 256 in steps of 0.5`);
    if (capacity.minAcu > capacity.maxAcu) fail(`minAcu ${capacity.minAcu} exceeds maxAcu ${capacity.maxAcu}`);
  } else {
    if (!capacity.instanceClass.startsWith("db.") || capacity.instanceClass === "db.serverless") {
      fail(
        `instanceClass ${capacity.instanceClass} must be a provisioned class like db.r7g.large (use mode "serverless" for db.serverless)`,
      );
    }
    if (!Number.isInteger(capacity.maxReaders) || capacity.maxReaders > 15)
      fail(`maxReaders ${capacity.maxReaders} must be an integer <= 15`);
    if (capacity.maxReaders < props.instances - 1) {
      fail(`maxReaders ${capacity.maxReaders} is below the ${props.instances - 1} reader(s) that ${props.instances} instances create`);
    }
  }
  return `aurora-postgresql${major}`;
}
