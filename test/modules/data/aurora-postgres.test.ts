import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { RdsCluster } from "@cdktf/provider-aws/lib/rds-cluster";
import { RdsClusterInstance } from "@cdktf/provider-aws/lib/rds-cluster-instance";
import { RdsClusterParameterGroup } from "@cdktf/provider-aws/lib/rds-cluster-parameter-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { TerraformOutput, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AuroraPostgres, type AuroraPostgresProps } from "../../../modules/data/aurora-postgres";
import { TEST_TARGET } from "../../support/target";
import { resourcesOf, type TerraformJson } from "../../support/synthesized";

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/db";

/** A sandbox-like cluster: serverless, no protection. */
const devProps: AuroraPostgresProps = {
  name: "dev-app",
  target: TEST_TARGET,
  vpcId: "vpc-123",
  subnetIds: ["subnet-d0", "subnet-d1", "subnet-d2"],
  clientSecurityGroupIds: ["sg-nodes"],
  kmsKeyArn: KEY,
  engineVersion: "16.6",
  databaseName: "app",
  masterUsername: "app_admin",
  capacity: { mode: "serverless", minAcu: 0.5, maxAcu: 4 },
  instances: 1,
  backupRetentionDays: 7,
  deletionProtection: false,
  protectFromDestroy: false,
  logRetentionDays: 30,
};

/** A production-like cluster: provisioned, protected. */
const prodProps: AuroraPostgresProps = {
  ...devProps,
  name: "prod-app",
  capacity: { mode: "provisioned", instanceClass: "db.r7g.large", maxReaders: 5 },
  instances: 3,
  backupRetentionDays: 14,
  deletionProtection: true,
  protectFromDestroy: true,
};

const synth = (props: AuroraPostgresProps) => Testing.synthScope((scope) => new AuroraPostgres(scope, "db", props));
const parse = (json: string) => JSON.parse(json) as TerraformJson;

describe("AuroraPostgres", () => {
  it("GIVEN a key WHEN synthesized THEN storage, Performance Insights and the master secret are encrypted with it", () => {
    const json = synth(devProps);
    expect(json).toHaveResourceWithProperties(RdsCluster, {
      engine: "aurora-postgresql",
      engine_mode: "provisioned",
      storage_encrypted: true,
      kms_key_id: KEY,
    });
    expect(json).toHaveResourceWithProperties(RdsClusterInstance, {
      performance_insights_enabled: true,
      performance_insights_kms_key_id: KEY,
      performance_insights_retention_period: 7,
    });
  });

  it("GIVEN any props WHEN synthesized THEN RDS manages the master password and no master_password appears anywhere", () => {
    const json = synth(prodProps);
    expect(json).toHaveResourceWithProperties(RdsCluster, {
      manage_master_user_password: true,
      master_user_secret_kms_key_id: KEY,
      master_username: "app_admin",
    });
    expect(json).not.toContain("master_password");
  });

  it("GIVEN any props WHEN synthesized THEN IAM database authentication is on and instances stay private", () => {
    const json = synth(devProps);
    expect(json).toHaveResourceWithProperties(RdsCluster, { iam_database_authentication_enabled: true });
    expect(json).toHaveResourceWithProperties(RdsClusterInstance, { publicly_accessible: false, ca_cert_identifier: "rds-ca-rsa2048-g1" });
  });

  it("GIVEN a log retention WHEN synthesized THEN the PostgreSQL log is exported to its own KMS-encrypted group created first", () => {
    const json = synth(devProps);
    expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: "/aws/rds/cluster/dev-app/postgresql",
      kms_key_id: KEY,
      retention_in_days: 30,
    });
    expect(json).toHaveResourceWithProperties(RdsCluster, {
      enabled_cloudwatch_logs_exports: ["postgresql"],
      depends_on: [expect.stringMatching(/^aws_cloudwatch_log_group\./)],
    });
  });

  it("GIVEN backups kept 6 days WHEN constructed THEN it is refused", () => {
    expect(() => synth({ ...devProps, backupRetentionDays: 6 })).toThrow(
      "Aurora PostgreSQL dev-app: backupRetentionDays 6 must be 7 to 35",
    );
  });

  it("GIVEN production-like props WHEN synthesized THEN deletion protection, prevent_destroy and a final snapshot guard the cluster", () => {
    expect(synth(prodProps)).toHaveResourceWithProperties(RdsCluster, {
      cluster_identifier: "prod-app",
      deletion_protection: true,
      lifecycle: { prevent_destroy: true },
      skip_final_snapshot: false,
      final_snapshot_identifier: "prod-app-final",
      backup_retention_period: 14,
      preferred_backup_window: "02:00-03:00",
      preferred_maintenance_window: "sun:03:30-sun:04:30",
      copy_tags_to_snapshot: true,
    });
  });

  it("GIVEN sandbox props WHEN synthesized THEN the cluster can be destroyed without a final snapshot", () => {
    const cluster = Object.values(resourcesOf(parse(synth(devProps)), "aws_rds_cluster"))[0];
    expect(cluster).toMatchObject({ deletion_protection: false, skip_final_snapshot: true });
    expect(cluster).not.toHaveProperty("lifecycle");
    expect(cluster).not.toHaveProperty("final_snapshot_identifier");
  });

  it("GIVEN the node security group WHEN synthesized THEN only it is admitted, on 5432, and no CIDR or egress rule exists", () => {
    const json = synth(devProps);
    const doc = parse(json);
    const rules = Object.values(resourcesOf(doc, "aws_vpc_security_group_ingress_rule"));
    expect(rules).toHaveLength(1);
    expect(json).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, {
      referenced_security_group_id: "sg-nodes",
      ip_protocol: "tcp",
      from_port: 5432,
      to_port: 5432,
    });
    expect(json).not.toContain("cidr_ipv4");
    expect(json).not.toContain("cidr_blocks");
    expect(resourcesOf(doc, "aws_vpc_security_group_egress_rule")).toEqual({});
    const group = Object.values(resourcesOf(doc, "aws_security_group"))[0];
    expect(group).toMatchObject({ vpc_id: "vpc-123" });
    expect(group).not.toHaveProperty("ingress");
    expect(group).not.toHaveProperty("egress");
    expect(json).toHaveResourceWithProperties(RdsCluster, {
      port: 5432,
      vpc_security_group_ids: [expect.stringMatching(/^\$\{aws_security_group\..*\.id\}$/)],
    });
  });

  it("GIVEN serverless capacity WHEN synthesized THEN the cluster scales 0.5 to 4 ACU on db.serverless instances without autoscaling", () => {
    const json = synth(devProps);
    expect(json).toHaveResourceWithProperties(RdsCluster, { serverlessv2_scaling_configuration: { min_capacity: 0.5, max_capacity: 4 } });
    expect(json).toHaveResourceWithProperties(RdsClusterInstance, { instance_class: "db.serverless" });
    expect(resourcesOf(parse(json), "aws_appautoscaling_target")).toEqual({});
  });

  it("GIVEN provisioned capacity WHEN synthesized THEN readers autoscale from instances-1 to maxReaders on reader CPU", () => {
    const json = synth(prodProps);
    expect(json).toHaveResourceWithProperties(RdsClusterInstance, { instance_class: "db.r7g.large" });
    expect(json).toHaveResourceWithProperties(AppautoscalingTarget, {
      service_namespace: "rds",
      scalable_dimension: "rds:cluster:ReadReplicaCount",
      resource_id: expect.stringMatching(/^cluster:\$\{aws_rds_cluster\..*\.cluster_identifier\}$/),
      min_capacity: 2,
      max_capacity: 5,
    });
    expect(json).toHaveResourceWithProperties(AppautoscalingPolicy, {
      policy_type: "TargetTrackingScaling",
      target_tracking_scaling_policy_configuration: {
        predefined_metric_specification: { predefined_metric_type: "RDSReaderAverageCPUUtilization" },
        target_value: 60,
      },
    });
    expect(Object.values(resourcesOf(parse(json), "aws_rds_cluster"))[0]).not.toHaveProperty("serverlessv2_scaling_configuration");
  });

  it("GIVEN minAcu above maxAcu WHEN constructed THEN it is refused", () => {
    expect(() => synth({ ...devProps, capacity: { mode: "serverless", minAcu: 8, maxAcu: 4 } })).toThrow(
      "Aurora PostgreSQL dev-app: minAcu 8 exceeds maxAcu 4",
    );
  });

  it("GIVEN maxReaders below the readers already created WHEN constructed THEN it is refused", () => {
    expect(() => synth({ ...prodProps, capacity: { mode: "provisioned", instanceClass: "db.r7g.large", maxReaders: 1 } })).toThrow(
      "Aurora PostgreSQL prod-app: maxReaders 1 is below the 2 reader(s) that 3 instances create",
    );
  });

  it("GIVEN engine version 16.6 WHEN synthesized THEN both parameter groups are aurora-postgresql16 and the cluster forces TLS", () => {
    const json = synth(devProps);
    expect(json).toHaveResourceWithProperties(RdsClusterParameterGroup, {
      family: "aurora-postgresql16",
      parameter: [
        { name: "rds.force_ssl", value: "1" },
        { name: "log_min_duration_statement", value: "1000" },
        { name: "log_connections", value: "1" },
        { name: "log_disconnections", value: "1" },
      ],
    });
    expect(json).toHaveResourceWithProperties(DbParameterGroup, { family: "aurora-postgresql16" });
    expect(json).toHaveResourceWithProperties(RdsCluster, {
      engine_version: "16.6",
      db_cluster_parameter_group_name: expect.stringMatching(/aws_rds_cluster_parameter_group\./),
    });
  });

  it("GIVEN a major version alone WHEN synthesized THEN AWS owns the minor: engine_version 16 and every instance upgrades automatically", () => {
    const doc = parse(synth({ ...prodProps, engineVersion: "16" }));
    expect(Object.values(resourcesOf(doc, "aws_rds_cluster"))[0]?.["engine_version"]).toBe("16");
    expect(Object.values(resourcesOf(doc, "aws_rds_cluster_instance")).map((instance) => instance["auto_minor_version_upgrade"])).toEqual([
      true,
      true,
      true,
    ]);
  });

  it("GIVEN major.minor WHEN synthesized THEN the configuration owns the minor: no instance upgrades automatically", () => {
    const doc = parse(synth({ ...prodProps, engineVersion: "16.6" }));
    expect(Object.values(resourcesOf(doc, "aws_rds_cluster_instance")).map((instance) => instance["auto_minor_version_upgrade"])).toEqual([
      false,
      false,
      false,
    ]);
  });

  it("GIVEN 3 instances WHEN synthesized THEN 3 cluster instances are named in turn with no AZ pinned", () => {
    const instances = Object.values(resourcesOf(parse(synth(prodProps)), "aws_rds_cluster_instance"));
    expect(instances.map((instance) => instance["identifier"])).toEqual(["prod-app-1", "prod-app-2", "prod-app-3"]);
    for (const instance of instances) expect(instance).not.toHaveProperty("availability_zone");
  });

  it("GIVEN enhanced monitoring every 30 s WHEN synthesized THEN instances report through a role only this account's RDS monitoring may assume", () => {
    const json = synth({ ...devProps, enhancedMonitoringInterval: 30 });
    expect(json).toHaveResourceWithProperties(RdsClusterInstance, {
      monitoring_interval: 30,
      monitoring_role_arn: expect.stringMatching(/aws_iam_role\..*\.arn/),
    });
    expect(json).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["monitoring.rds.amazonaws.com"] }],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] }],
        },
      ],
    });
    expect(json).toHaveResourceWithProperties(IamRolePolicyAttachment, {
      policy_arn: "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
    });
  });

  it("GIVEN the cluster WHEN read THEN it exposes the port and database literally and the rest as references", () => {
    const exposed: { port?: number; databaseName?: string } = {};
    const doc = parse(
      Testing.synthScope((scope) => {
        const db = new AuroraPostgres(scope, "db", devProps);
        exposed.port = db.port;
        exposed.databaseName = db.databaseName;
        new TerraformOutput(scope, "secret", { value: db.masterUserSecretArn });
        new TerraformOutput(scope, "resource-id", { value: db.clusterResourceId });
        new TerraformOutput(scope, "security-group", { value: db.securityGroupId });
      }),
    );
    expect(exposed).toEqual({ port: 5432, databaseName: "app" });
    expect(doc.output?.["secret"]?.value).toMatch(/^\$\{aws_rds_cluster\.db_cluster_\w+\.master_user_secret\[0\]\.secret_arn\}$/);
    expect(doc.output?.["resource-id"]?.value).toMatch(/^\$\{aws_rds_cluster\.db_cluster_\w+\.cluster_resource_id\}$/);
    expect(doc.output?.["security-group"]?.value).toMatch(/^\$\{aws_security_group\.db_security-group_\w+\.id\}$/);
  });
});
