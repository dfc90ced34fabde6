import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { EksCluster } from "@cdktf/provider-aws/lib/eks-cluster";
import { ElasticacheReplicationGroup } from "@cdktf/provider-aws/lib/elasticache-replication-group";
import { RdsCluster } from "@cdktf/provider-aws/lib/rds-cluster";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import type { EnvironmentConfig } from "../../environments/schema";
import { NetworkStack } from "../../stacks/network/network-stack";
import { PlatformStack } from "../../stacks/platform/platform-stack";
import { buildEnvironment, ENVIRONMENTS, environment } from "../support/fixtures";
import { resourcesOf, synthesizedStack, type TerraformJson } from "../support/synthesized";

const fromNetwork = (output: string) => `\${data.terraform_remote_state.network-state.outputs.${output}}`;
const only = (stack: string, type: string) => {
  const all = Object.values(resourcesOf(synthesizedStack(stack).doc, type));
  expect(all).toHaveLength(1);
  return all[0]!;
};
/** Which environments have the management network (environments/<env>.yaml network.management), written out by hand. */
const roleNames = (doc: TerraformJson) => Object.values(resourcesOf(doc, "aws_iam_role")).map((role) => role["name"]);

describe("platform stack: what each environment gets", () => {
  it("prod protects its database: deletion protection, prevent_destroy, a final snapshot, two instances, reader autoscaling", () => {
    const db = only("platform-prod", "aws_rds_cluster");
    expect(db).toMatchObject({
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: "prod-app-final",
      lifecycle: { prevent_destroy: true },
    });
    expect(Object.keys(resourcesOf(synthesizedStack("platform-prod").doc, "aws_rds_cluster_instance"))).toHaveLength(2);
    expect(synthesizedStack("platform-prod").json).toHaveResource(RdsCluster);
    expect(Object.keys(resourcesOf(synthesizedStack("platform-prod").doc, "aws_appautoscaling_target"))).toHaveLength(1);
  });

  it("dev runs one serverless instance it may delete", () => {
    const db = only("platform-dev", "aws_rds_cluster");
    expect(db).toMatchObject({ deletion_protection: false, serverlessv2_scaling_configuration: { min_capacity: 0.5, max_capacity: 4 } });
    expect(db["lifecycle"]).toBeUndefined();
    expect(Object.keys(resourcesOf(synthesizedStack("platform-dev").doc, "aws_rds_cluster_instance"))).toHaveLength(1);
  });

  it("prod's cache fails over across AZs; dev's is a single node", () => {
    expect(synthesizedStack("platform-prod").json).toHaveResourceWithProperties(ElasticacheReplicationGroup, {
      multi_az_enabled: true,
      automatic_failover_enabled: true,
      num_cache_clusters: 3,
    });
    expect(synthesizedStack("platform-dev").json).toHaveResourceWithProperties(ElasticacheReplicationGroup, {
      multi_az_enabled: false,
      num_cache_clusters: 1,
    });
  });

  it("prod's API server is private only; dev's public endpoint admits the office range only", () => {
    expect(synthesizedStack("platform-prod").json).toHaveResourceWithProperties(EksCluster, {
      vpc_config: { endpoint_public_access: false },
    });
    expect(synthesizedStack("platform-dev").json).toHaveResourceWithProperties(EksCluster, {
      vpc_config: { endpoint_public_access: true, public_access_cidrs: ["203.0.113.0/24"] },
    });
  });

  it("prod admits the management VPC to the API server; dev admits no private range", () => {
    const apiRanges = (stack: string) => {
      const doc = synthesizedStack(stack).doc;
      const [cluster] = Object.entries(resourcesOf(doc, "aws_security_group")).find(([, sg]) => String(sg["name"]).endsWith("-cluster"))!;
      return Object.values(resourcesOf(doc, "aws_vpc_security_group_ingress_rule"))
        .filter((rule) => rule["security_group_id"] === `\${aws_security_group.${cluster}.id}` && rule["cidr_ipv4"] !== undefined)
        .map((rule) => [rule["cidr_ipv4"], rule["from_port"], rule["to_port"]]);
    };
    // The management VPC's CIDR comes from the network layer's optional output (absent in dev).
    expect(apiRanges("platform-prod")).toEqual([["${data.terraform_remote_state.network-state.outputs.management_cidr}", 443, 443]]);
    expect(apiRanges("platform-dev")).toEqual([]);
  });

  it("every environment's load balancer controller gets its role (the Gateway API entry needs it); GIVEN the option off THEN none", () => {
    for (const { name } of ENVIRONMENTS) {
      expect(roleNames(synthesizedStack(`platform-${name}`).doc)).toContain(`${name}-aws-load-balancer-controller`);
    }
    const without = environment(
      "dev",
      (env): EnvironmentConfig => ({ ...env, platform: { ...env.platform, loadBalancerController: false } }),
    );
    const app = Testing.app();
    const network = new NetworkStack(app, { environment: without });
    const doc = JSON.parse(Testing.synth(new PlatformStack(app, { environment: without, network }))) as TerraformJson;
    expect(roleNames(doc)).not.toContain("dev-aws-load-balancer-controller");
    // An optional output: absent, not an empty string.
    expect(doc.output).not.toHaveProperty("load_balancer_controller_role_arn");
  });

  it("GIVEN no controller role from the platform (the option off) WHEN the workloads stack is built THEN it stops, saying the entry needs the controller", () => {
    const without = environment(
      "dev",
      (env): EnvironmentConfig => ({ ...env, platform: { ...env.platform, loadBalancerController: false } }),
    );
    expect(() => buildEnvironment(without)).toThrow(
      "workloads-dev: the platform layer publishes no load balancer controller role (platform.loadBalancerController is off), and the public entry needs the controller",
    );
  });

  it("pins the four add-ons to the versions their sources list for Kubernetes 1.35, and moves the node groups with the cluster's version", () => {
    const doc = synthesizedStack("platform-prod").doc;
    const versionOf = (name: string) =>
      Object.values(resourcesOf(doc, "aws_eks_addon")).find((addon) => addon["addon_name"] === name)?.["addon_version"];
    // The oracles: the EKS user guide's kube-proxy table, eksctl's coredns-1.35.json, cdk-eks-blueprints' version maps.
    expect(versionOf("kube-proxy")).toBe("v1.35.3-eksbuild.13");
    expect(versionOf("coredns")).toBe("v1.14.3-eksbuild.11");
    expect(versionOf("vpc-cni")).toBe("v1.21.1-eksbuild.1");
    expect(versionOf("aws-ebs-csi-driver")).toBe("v1.57.1-eksbuild.1");
    const clusters = Object.keys(resourcesOf(doc, "aws_eks_cluster"));
    for (const group of Object.values(resourcesOf(doc, "aws_eks_node_group"))) {
      expect(group["version"]).toBe(`\${aws_eks_cluster.${clusters[0]}.version}`);
    }
  });

  it("GIVEN Fargate namespaces WHEN synthesized THEN one profile selects them", () => {
    const withFargate = environment(
      "dev",
      (env): EnvironmentConfig => ({ ...env, platform: { ...env.platform, fargateNamespaces: ["batch"] } }),
    );
    const doc = JSON.parse(Testing.synth(buildEnvironment(withFargate).stacks.platform)) as TerraformJson;
    expect(Object.values(resourcesOf(doc, "aws_eks_fargate_profile"))[0]?.["selector"]).toEqual([{ namespace: "batch" }]);
    expect(Object.keys(resourcesOf(synthesizedStack("platform-dev").doc, "aws_eks_fargate_profile"))).toHaveLength(0);
  });
});

describe.each(ENVIRONMENTS.map((env) => [env.name, env] as const))("platform-%s", (name, env) => {
  const stack = synthesizedStack(`platform-${name}`);

  it("runs the control plane and the nodes in the network layer's private-app subnets", () => {
    expect(stack.json).toHaveResourceWithProperties(EksCluster, { vpc_config: { subnet_ids: fromNetwork("private_app_subnet_ids") } });
    for (const group of Object.values(resourcesOf(stack.doc, "aws_eks_node_group"))) {
      expect(group["subnet_ids"]).toBe(fromNetwork("private_app_subnet_ids"));
    }
  });

  it("puts the database and the cache in the private-data subnets", () => {
    expect(only(`platform-${name}`, "aws_db_subnet_group")["subnet_ids"]).toBe(fromNetwork("private_data_subnet_ids"));
    expect(only(`platform-${name}`, "aws_elasticache_subnet_group")["subnet_ids"]).toBe(fromNetwork("private_data_subnet_ids"));
  });

  it("admits database and cache traffic only from the nodes' security group, plus the operator host's where the management network exists, on their ports", () => {
    const groups = resourcesOf(stack.doc, "aws_security_group");
    const nodes = Object.entries(groups).find(([, sg]) => sg["name"] === `${name}-nodes`)![0];
    const db = String(only(`platform-${name}`, "aws_rds_cluster")["vpc_security_group_ids"]);
    const cache = String(only(`platform-${name}`, "aws_elasticache_replication_group")["security_group_ids"]);
    const rules = Object.values(resourcesOf(stack.doc, "aws_vpc_security_group_ingress_rule"));
    // Where the environment file gives it a management network, its operator host is admitted too.
    const managed = env.network.management !== undefined;
    for (const [sgList, port] of [
      [db, 5432],
      [cache, 6379],
    ] as const) {
      const into = rules.filter((rule) => sgList.includes(String(rule["security_group_id"])));
      const fromNodes = expect.objectContaining({
        from_port: port,
        to_port: port,
        referenced_security_group_id: `\${aws_security_group.${nodes}.id}`,
      });
      const fromOperator = expect.objectContaining({
        from_port: port,
        to_port: port,
        referenced_security_group_id: fromNetwork("operator_security_group_id"),
      });
      expect(into).toEqual(managed ? [fromNodes, fromOperator] : [fromNodes]);
    }
  });

  it("gives CI's deploy role admin and its plan role read access to the cluster", () => {
    expect(stack.json).toHaveResourceWithProperties(EksAccessEntry, { principal_arn: fromNetwork("ci_deploy_role_arn") });
    expect(stack.json).toHaveResourceWithProperties(EksAccessEntry, { principal_arn: fromNetwork("ci_plan_role_arn") });
  });

  it("maps each configured admin and viewer to an access entry", () => {
    for (const arn of [...env.platform.access.admins, ...env.platform.access.viewers]) {
      expect(stack.json).toHaveResourceWithProperties(EksAccessEntry, { principal_arn: arn });
    }
  });

  it("creates one node group per configured group with its bounds", () => {
    const groups = Object.values(resourcesOf(stack.doc, "aws_eks_node_group"));
    expect(groups.map((g) => g["node_group_name"]).sort()).toEqual(env.platform.nodeGroups.map((g) => g.name).sort());
    for (const group of env.platform.nodeGroups) {
      const synthesized = groups.find((g) => g["node_group_name"] === group.name);
      expect(synthesized?.["scaling_config"]).toEqual({
        min_size: group.minSize,
        desired_size: group.desiredSize,
        max_size: group.maxSize,
      });
      expect(synthesized?.["capacity_type"]).toBe(group.capacityType);
    }
  });

  it("binds each workload role to its one service account with an EKS Pod Identity association", () => {
    const bound = Object.values(resourcesOf(stack.doc, "aws_eks_pod_identity_association")).map(
      (association) => `${String(association["namespace"])}/${String(association["service_account"])}`,
    );
    expect(bound.sort()).toEqual(
      [
        "kube-system/ebs-csi-controller-sa",
        "kube-system/karpenter",
        "external-dns/external-dns",
        "logging/fluent-bit",
        "backend/backend",
        "database-roles/database-roles",
        "monitoring/alertmanager",
        "monitoring/grafana",
        "kube-system/aws-load-balancer-controller",
      ].sort(),
    );
  });

  it("keeps the IAM OIDC provider and web-identity trusts only while its file is in a migration from IRSA", () => {
    const federated = Object.values(stack.doc.data?.["aws_iam_policy_document"] ?? {})
      .flatMap((doc) => (doc["statement"] as { principals?: { type: string }[] }[]) ?? [])
      .filter((statement) => statement.principals?.some((principal) => principal.type === "Federated"));
    const providers = Object.keys(resourcesOf(stack.doc, "aws_iam_openid_connect_provider"));
    if (env.platform.identity.mode === "podIdentity") {
      expect([providers, federated]).toEqual([[], []]);
    } else {
      // One web-identity statement per workload role (nine), next to its Pod Identity statement.
      expect([providers.length, federated.length]).toEqual([1, 9]);
    }
  });

  it("installs the EKS Pod Identity agent at the version pinned for its Kubernetes minor", () => {
    const agent = Object.values(resourcesOf(stack.doc, "aws_eks_addon")).find((addon) => addon["addon_name"] === "eks-pod-identity-agent");
    expect(agent?.["addon_version"]).toBe("v1.3.10-eksbuild.2");
  });

  it("admits Karpenter's nodes with an EC2_LINUX access entry of their own role", () => {
    const entries = Object.values(resourcesOf(stack.doc, "aws_eks_access_entry")).filter((entry) => entry["type"] === "EC2_LINUX");
    expect(entries).toHaveLength(1);
    const roles = resourcesOf(stack.doc, "aws_iam_role");
    const [address] = Object.entries(roles).find(([, role]) => role["name"] === `${name}-karpenter-nodes`) ?? [];
    expect(entries[0]?.["principal_arn"]).toBe(`\${aws_iam_role.${address}.arn}`);
  });

  it("keeps Karpenter's interruption queue encrypted (SSE-SQS) for 5 minutes, fed by five EventBridge rules", () => {
    const queue = only(`platform-${name}`, "aws_sqs_queue");
    expect(queue).toMatchObject({ name: `${name}-karpenter`, sqs_managed_sse_enabled: true, message_retention_seconds: 300 });
    const patterns = Object.values(resourcesOf(stack.doc, "aws_cloudwatch_event_rule")).map(
      (rule) => (JSON.parse(String(rule["event_pattern"])) as { "detail-type": string[] })["detail-type"][0],
    );
    expect(patterns.sort()).toEqual([
      "AWS Health Event",
      "EC2 Capacity Reservation Instance Interruption Warning",
      "EC2 Instance Rebalance Recommendation",
      "EC2 Instance State-change Notification",
      "EC2 Spot Instance Interruption Warning",
    ]);
    expect(Object.keys(resourcesOf(stack.doc, "aws_cloudwatch_event_target"))).toHaveLength(5);
  });

  it("tags the nodes' security group for Karpenter's discovery", () => {
    const groups = Object.values(resourcesOf(stack.doc, "aws_security_group")).filter((group) => group["name"] === `${name}-nodes`);
    expect(groups[0]?.["tags"]).toMatchObject({ "karpenter.sh/discovery": name });
  });

  it("lets external-dns change the environment's hosted zone only", () => {
    const statements = Object.values(stack.doc.data?.["aws_iam_policy_document"] ?? {}).flatMap(
      (doc) => (doc["statement"] as { actions?: string[]; resources?: string[] }[]) ?? [],
    );
    const change = statements.find((s) => s.actions?.includes("route53:ChangeResourceRecordSets"));
    expect(change?.resources).toEqual([`arn:aws:route53:::hostedzone/${env.dns.hostedZoneId}`]);
  });
});
