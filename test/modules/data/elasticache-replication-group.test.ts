import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { ElasticacheReplicationGroup } from "@cdktf/provider-aws/lib/elasticache-replication-group";
import { ElasticacheSubnetGroup } from "@cdktf/provider-aws/lib/elasticache-subnet-group";
import { ElasticacheUser } from "@cdktf/provider-aws/lib/elasticache-user";
import { ElasticacheUserGroup } from "@cdktf/provider-aws/lib/elasticache-user-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { TerraformOutput, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { CacheReplicationGroup, type CacheReplicationGroupProps } from "../../../modules/data/elasticache-replication-group";
import { resourcesOf, type TerraformJson } from "../../support/synthesized";

const DATA_KEY = "arn:aws:kms:eu-west-1:123456789012:key/cache";
const LOGS_KEY = "arn:aws:kms:eu-west-1:123456789012:key/logs";

/** A sandbox-like cache: valkey, one node, no Multi-AZ. */
const devProps: CacheReplicationGroupProps = {
  name: "dev-app",
  vpcId: "vpc-123",
  subnetIds: ["subnet-d0", "subnet-d1"],
  clientSecurityGroupIds: ["sg-nodes"],
  engineVersion: "8.0",
  nodeType: "cache.t4g.small",
  replicas: 1,
  multiAz: false,
  kmsKeyArn: DATA_KEY,
  snapshotRetentionDays: 0,
  logRetentionDays: 30,
  logsKmsKeyArn: LOGS_KEY,
  appUsers: [{ userName: "dev-app" }],
};

/** A production-like cache: three nodes across AZs, a week of snapshots, two application users. */
const prodProps: CacheReplicationGroupProps = {
  ...devProps,
  name: "prod-app",
  nodeType: "cache.r7g.large",
  replicas: 3,
  multiAz: true,
  snapshotRetentionDays: 7,
  appUsers: [{ userName: "prod-app" }, { userName: "prod-reports", accessString: "on ~reports:* -@all +@read" }],
};

/** A redis cache: its user group needs the `default` user. */
const redisProps: CacheReplicationGroupProps = {
  ...devProps,
  name: "dev-legacy",
  engine: "redis",
  engineVersion: "7.1",
  appUsers: [{ userName: "dev-legacy" }],
};

const synth = (props: CacheReplicationGroupProps) => Testing.synthScope((scope) => new CacheReplicationGroup(scope, "cache", props));
const parse = (json: string) => JSON.parse(json) as TerraformJson;
const ref = (type: string, attribute: string) => expect.stringMatching(new RegExp(`^\\$\\{${type}\\.[^.]+\\.${attribute}\\}$`));

describe("CacheReplicationGroup", () => {
  it("GIVEN a key WHEN synthesized THEN data is encrypted at rest with it and TLS is required in transit", () => {
    expect(synth(devProps)).toHaveResourceWithProperties(ElasticacheReplicationGroup, {
      replication_group_id: "dev-app",
      at_rest_encryption_enabled: "true",
      kms_key_id: DATA_KEY,
      transit_encryption_enabled: true,
      transit_encryption_mode: "required",
    });
  });

  it("GIVEN default props WHEN synthesized THEN valkey on 6379 in the private subnets, default parameter group, minor upgrades, changes in the maintenance window", () => {
    const json = synth(devProps);
    expect(json).toHaveResourceWithProperties(ElasticacheSubnetGroup, { name: "dev-app", subnet_ids: ["subnet-d0", "subnet-d1"] });
    expect(json).toHaveResourceWithProperties(ElasticacheReplicationGroup, {
      engine: "valkey",
      engine_version: "8.0",
      parameter_group_name: "default.valkey8",
      cluster_mode: "disabled",
      node_type: "cache.t4g.small",
      num_cache_clusters: 1,
      port: 6379,
      auto_minor_version_upgrade: "true",
      apply_immediately: false,
      description: expect.stringContaining("dev-app"),
      subnet_group_name: ref("aws_elasticache_subnet_group", "name"),
    });
  });

  it("GIVEN a valkey cache WHEN synthesized THEN its valkey user group holds exactly the app users and is attached", () => {
    const json = synth(prodProps);
    expect(json).toHaveResourceWithProperties(ElasticacheUserGroup, {
      user_group_id: "prod-app",
      engine: "valkey",
      user_ids: [
        expect.stringMatching(/^\$\{aws_elasticache_user\.cache_user-prod-app_\w+\.user_id\}$/),
        expect.stringMatching(/^\$\{aws_elasticache_user\.cache_user-prod-reports_\w+\.user_id\}$/),
      ],
    });
    expect(json).toHaveResourceWithProperties(ElasticacheReplicationGroup, {
      user_group_ids: [ref("aws_elasticache_user_group", "user_group_id")],
    });
    expect(Object.values(resourcesOf(parse(json), "aws_elasticache_user")).map((user) => user["user_name"])).toEqual([
      "prod-app",
      "prod-reports",
    ]);
  });

  it("GIVEN a redis cache WHEN synthesized THEN its user group holds a switched-off, password-less default user and the app user", () => {
    const json = synth(redisProps);
    expect(json).toHaveResourceWithProperties(ElasticacheUser, {
      user_id: "dev-legacy-default",
      user_name: "default",
      engine: "redis",
      access_string: "off -@all",
      no_password_required: true,
    });
    expect(json).toHaveResourceWithProperties(ElasticacheUserGroup, {
      user_group_id: "dev-legacy",
      engine: "redis",
      user_ids: [
        expect.stringMatching(/^\$\{aws_elasticache_user\.cache_default-user_\w+\.user_id\}$/),
        expect.stringMatching(/^\$\{aws_elasticache_user\.cache_user-dev-legacy_\w+\.user_id\}$/),
      ],
    });
    expect(json).toHaveResourceWithProperties(ElasticacheReplicationGroup, { engine: "redis", parameter_group_name: "default.redis7" });
  });

  it("GIVEN app users WHEN synthesized THEN each authenticates with IAM, its user ID equal to its user name, with its access string", () => {
    const json = synth(prodProps);
    expect(json).toHaveResourceWithProperties(ElasticacheUser, {
      user_id: "prod-app",
      user_name: "prod-app",
      engine: "valkey",
      access_string: "on ~* +@all -@dangerous",
      authentication_mode: { type: "iam" },
    });
    expect(json).toHaveResourceWithProperties(ElasticacheUser, {
      user_id: "prod-reports",
      user_name: "prod-reports",
      access_string: "on ~reports:* -@all +@read",
      authentication_mode: { type: "iam" },
    });
  });

  it.each([
    ["valkey", prodProps],
    ["redis", redisProps],
  ])("GIVEN a %s cache WHEN synthesized THEN no auth_token and no passwords appear anywhere", (_engine, props) => {
    const json = synth(props);
    expect(json).not.toContain("auth_token");
    expect(json).not.toContain("passwords");
    expect(json).not.toMatch(/"type":\s*"password"/);
  });

  it("GIVEN multiAz WHEN synthesized THEN automatic failover and Multi-AZ are on; without it both are off", () => {
    expect(synth(prodProps)).toHaveResourceWithProperties(ElasticacheReplicationGroup, {
      num_cache_clusters: 3,
      automatic_failover_enabled: true,
      multi_az_enabled: true,
    });
    expect(synth(devProps)).toHaveResourceWithProperties(ElasticacheReplicationGroup, {
      automatic_failover_enabled: false,
      multi_az_enabled: false,
    });
  });

  it("GIVEN multiAz with 1 replica WHEN constructed THEN it is refused", () => {
    expect(() => synth({ ...prodProps, replicas: 1 })).toThrow(
      "ElastiCache prod-app: multiAz needs at least 2 replicas (a primary and a standby), got 1",
    );
  });

  it("GIVEN a client security group WHEN synthesized THEN the cache admits only it, on 6379, with no CIDR and no egress rule", () => {
    const json = synth(devProps);
    const doc = parse(json);
    expect(json).toHaveResourceWithProperties(SecurityGroup, { name: "dev-app-cache", vpc_id: "vpc-123" });
    const rules = Object.values(resourcesOf(doc, "aws_vpc_security_group_ingress_rule"));
    expect(rules).toHaveLength(1);
    expect(json).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, {
      security_group_id: ref("aws_security_group", "id"),
      referenced_security_group_id: "sg-nodes",
      ip_protocol: "tcp",
      from_port: 6379,
      to_port: 6379,
    });
    expect(rules.every((rule) => !("cidr_ipv4" in rule) && !("cidr_ipv6" in rule) && !("prefix_list_id" in rule))).toBe(true);
    expect(Object.values(resourcesOf(doc, "aws_security_group")).every((group) => !("ingress" in group) && !("egress" in group))).toBe(
      true,
    );
    expect(resourcesOf(doc, "aws_vpc_security_group_egress_rule")).toEqual({});
    expect(json).toHaveResourceWithProperties(ElasticacheReplicationGroup, { security_group_ids: [ref("aws_security_group", "id")] });
  });

  it("GIVEN a log retention and key WHEN synthesized THEN slow and engine logs go as JSON to their own KMS-encrypted groups", () => {
    const json = synth(devProps);
    for (const logType of ["slow-log", "engine-log"]) {
      expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, {
        name: `/aws/elasticache/dev-app/${logType}`,
        kms_key_id: LOGS_KEY,
        retention_in_days: 30,
      });
    }
    expect(json).toHaveResourceWithProperties(ElasticacheReplicationGroup, {
      log_delivery_configuration: [
        {
          log_type: "slow-log",
          destination_type: "cloudwatch-logs",
          log_format: "json",
          destination: ref("aws_cloudwatch_log_group", "name"),
        },
        {
          log_type: "engine-log",
          destination_type: "cloudwatch-logs",
          log_format: "json",
          destination: ref("aws_cloudwatch_log_group", "name"),
        },
      ],
    });
  });

  it("GIVEN a snapshot retention WHEN synthesized THEN snapshots are kept that many days in the default windows", () => {
    expect(synth(prodProps)).toHaveResourceWithProperties(ElasticacheReplicationGroup, {
      snapshot_retention_limit: 7,
      snapshot_window: "03:00-04:00",
      maintenance_window: "sun:04:30-sun:05:30",
    });
  });

  it("GIVEN multiAz without snapshots WHEN constructed THEN it is refused", () => {
    expect(() => synth({ ...prodProps, snapshotRetentionDays: 0 })).toThrow(
      "ElastiCache prod-app: snapshotRetentionDays must be >= 1 with multiAz",
    );
  });

  it("GIVEN a snapshot window overlapping the maintenance window WHEN constructed THEN it is refused", () => {
    expect(() => synth({ ...prodProps, snapshotWindow: "04:00-05:00" })).toThrow(
      "ElastiCache prod-app: snapshotWindow 04:00-05:00 overlaps maintenanceWindow sun:04:30-sun:05:30",
    );
  });

  it.each(["Dev-app", "1dev", "dev--app", "dev-app-", "a".repeat(41), ""])(
    "GIVEN the name %j WHEN constructed THEN it is refused",
    (name) => {
      expect(() => synth({ ...devProps, name })).toThrow(
        `ElastiCache ${name}: name must be 1 to 40 lowercase letters, digits and single hyphens, start with a letter and not end with a hyphen`,
      );
    },
  );

  it("GIVEN redis 6.2 WHEN constructed THEN it is refused: IAM authentication needs redis 7.0", () => {
    expect(() => synth({ ...redisProps, engineVersion: "6.2" })).toThrow(
      "ElastiCache dev-legacy: IAM authentication needs redis >= 7.0, got redis 6.2",
    );
  });

  it("GIVEN an app user named default WHEN constructed THEN it is refused", () => {
    expect(() => synth({ ...devProps, appUsers: [{ userName: "default" }] })).toThrow("ElastiCache dev-app: app user default is reserved");
  });

  it("GIVEN the cache WHEN read THEN it exposes the port literally, user ARNs by user name and the rest as references", () => {
    const exposed: { port?: number; userNames?: string[] } = {};
    const doc = parse(
      Testing.synthScope((scope) => {
        const cache = new CacheReplicationGroup(scope, "cache", prodProps);
        exposed.port = cache.port;
        exposed.userNames = Object.keys(cache.appUserArns);
        new TerraformOutput(scope, "app-arn", { value: cache.appUserArns["prod-app"] });
        new TerraformOutput(scope, "user-ids", { value: cache.appUserIds });
        new TerraformOutput(scope, "arn", { value: cache.replicationGroupArn });
        new TerraformOutput(scope, "primary", { value: cache.primaryEndpoint });
        new TerraformOutput(scope, "reader", { value: cache.readerEndpoint });
        new TerraformOutput(scope, "user-group", { value: cache.userGroupId });
        new TerraformOutput(scope, "security-group", { value: cache.securityGroupId });
      }),
    );
    expect(exposed).toEqual({ port: 6379, userNames: ["prod-app", "prod-reports"] });
    expect(doc.output?.["app-arn"]?.value).toMatch(/^\$\{aws_elasticache_user\.cache_user-prod-app_\w+\.arn\}$/);
    expect(doc.output?.["user-ids"]?.value).toEqual([
      expect.stringMatching(/^\$\{aws_elasticache_user\.cache_user-prod-app_\w+\.user_id\}$/),
      expect.stringMatching(/^\$\{aws_elasticache_user\.cache_user-prod-reports_\w+\.user_id\}$/),
    ]);
    expect(doc.output?.["arn"]?.value).toMatch(/^\$\{aws_elasticache_replication_group\.cache_replication-group_\w+\.arn\}$/);
    expect(doc.output?.["primary"]?.value).toMatch(/\.primary_endpoint_address\}$/);
    expect(doc.output?.["reader"]?.value).toMatch(/\.reader_endpoint_address\}$/);
    expect(doc.output?.["user-group"]?.value).toMatch(/^\$\{aws_elasticache_user_group\.\w[\w-]*\.user_group_id\}$/);
    expect(doc.output?.["security-group"]?.value).toMatch(/^\$\{aws_security_group\.cache_security-group_\w+\.id\}$/);
  });
});
