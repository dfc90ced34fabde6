import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../../environments/schema";
import { AuroraPostgres } from "../../modules/data/aurora-postgres";
import { EksAddons } from "../../modules/eks/eks-addons";
import { addonVersionsFor } from "../../modules/core/eks-addon-versions";
import { EksCluster, type ClusterAccessGrant } from "../../modules/eks/eks-cluster";
import { EksFargateProfile } from "../../modules/eks/eks-fargate-profile";
import { EksNodeGroup } from "../../modules/eks/eks-node-group";
import { EksNodeRole } from "../../modules/eks/eks-node-role";
import { EksSecurityGroups } from "../../modules/eks/eks-security-groups";
import { CacheReplicationGroup } from "../../modules/data/elasticache-replication-group";
import { annotatesServiceAccounts, usesIrsa, usesPodIdentity } from "../../modules/core/identity-modes";
import { WorkloadRole, type WorkloadRoleProps } from "../../modules/eks/workload-role";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { planReaderGroup } from "../../modules/kubernetes/plan-reader-group";
import { karpenterControllerStatements } from "../../modules/cluster-services/karpenter/iam-policy";
import { KARPENTER_SERVICE_ACCOUNT, karpenterDiscoveryTags } from "../../modules/cluster-services/karpenter/identity";
import { InterruptionQueue } from "../../modules/cluster-services/karpenter/interruption-queue";
import { KmsKey } from "../../modules/security/kms-key";
import type { ReadContractOptions } from "../contract";
import { LayerStack } from "../layer-stack";
import { networkContract } from "../network/contract";
import type { NetworkStack } from "../network/network-stack";
import { platformContract } from "./contract";
import { cacheConnectStatements } from "../../modules/apps/cache-connect-statements";
import { externalDnsStatements } from "../../modules/cluster-services/external-dns/iam-policy";
import { fluentBitStatements } from "../../modules/cluster-services/fluent-bit/iam-policy";
import { loadBalancerControllerStatements } from "../../modules/cluster-services/aws-load-balancer-controller/iam-policy";
import { secretReaderStatements } from "../../modules/apps/secret-reader-statements";
import { LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT } from "../../modules/cluster-services/aws-load-balancer-controller/identity";
import { EXTERNAL_DNS_SERVICE_ACCOUNT } from "../../modules/cluster-services/external-dns/identity";
import { FLUENT_BIT_SERVICE_ACCOUNT } from "../../modules/cluster-services/fluent-bit/identity";
import { BACKEND_SERVICE_ACCOUNT } from "../../modules/apps/backend-identity";
import { databaseConnectStatements } from "../../modules/apps/database-connect-statements";
import { alertmanagerStatements } from "../../modules/cluster-services/kube-prometheus-stack/iam-policy";
import {
  ALERTMANAGER_SERVICE_ACCOUNT,
  GRAFANA_ADMIN_USER,
  GRAFANA_SERVICE_ACCOUNT,
  grafanaAdminSecretName,
} from "../../modules/cluster-services/kube-prometheus-stack/identity";
import { GeneratedCredentialSecret } from "../../modules/security/generated-credential-secret";
import { auroraAlarms, cacheAlarms, interruptionQueueAlarms, nodeCapacityAlarms } from "../../modules/observability/alarm-specs";
import { MetricAlarms } from "../../modules/observability/metric-alarms";
import { BACKEND_DATABASE_USER, DATABASE_ROLES_SERVICE_ACCOUNT } from "../../modules/apps/database-roles-identity";
import { EBS_CSI_CONTROLLER_SERVICE_ACCOUNT } from "../../modules/eks/ebs-csi-identity";

/** `arn:aws:iam::1:role/team/platform-admins` -> `role-team-platform-admins`: a stable construct id. */
function principalKey(arn: string): string {
  return (arn.split(":").pop() ?? arn).replace(/[^A-Za-z0-9]+/g, "-").toLowerCase();
}

export interface PlatformStackProps extends ReadContractOptions {
  readonly environment: EnvironmentConfig;
  /** The same environment's network stack, read through its contract. */
  readonly network: NetworkStack;
}

/**
 * `platform-<env>`: the EKS cluster with its node groups, add-ons and controller identities,
 * Aurora PostgreSQL and ElastiCache in the data tier. Reads the network layer only through
 * {@link networkContract}; publishes {@link platformContract}.
 */
export class PlatformStack extends LayerStack {
  /** The network layer's outputs as seen from this stack (remote-state tokens). */
  readonly network: ReturnType<typeof networkContract.read>;

  constructor(scope: Construct, props: PlatformStackProps) {
    super(scope, { environment: props.environment, layer: "platform" });
    const env = props.environment;
    const settings = env.platform;
    const target = this.target;
    const network = networkContract.read(this, props.network, props);
    this.network = network;
    const clusterName = env.name;
    // Whether the network layer built a management network is what its contract says: the two
    // management outputs are optional and absent (undefined here) where it has none.
    const managementCidr = network.managementCidr;
    const operatorSecurityGroupId = network.operatorSecurityGroupId;

    const securityGroups = new EksSecurityGroups(this, "eks-security-groups", {
      clusterName,
      vpcId: network.vpcId,
      nodeSecurityGroupTags: karpenterDiscoveryTags(clusterName),
      apiAccessCidrs: [...new Set([...settings.endpoint.privateAccessCidrs, ...(managementCidr === undefined ? [] : [managementCidr])])],
      // CI's runner in the private-app subnets (the network layer's CodeBuild project).
      apiAccessSecurityGroups: { "ci-runner": network.ciRunnerSecurityGroupId, "ci-plan-runner": network.ciPlanRunnerSecurityGroupId },
    });
    // The data stores admit the nodes and, where the management network exists, the operator host.
    const dataClientSecurityGroupIds = [
      securityGroups.nodeSecurityGroupId,
      ...(operatorSecurityGroupId === undefined ? [] : [operatorSecurityGroupId]),
    ];

    const access: ClusterAccessGrant[] = [
      { id: "ci-deploy", principalArn: network.ciDeployRoleArn, level: "admin" },
      // No access policy: the group's RBAC, which workloads-<env> creates, is all it reads (ADR 0012).
      { id: "ci-plan", principalArn: network.ciPlanRoleArn, level: "planner", kubernetesGroups: [planReaderGroup(env.name)] },
      // Keyed by the principal, not its position: removing one admin leaves the others' entries alone.
      ...settings.access.admins.map((arn): ClusterAccessGrant => ({ id: `admin-${principalKey(arn)}`, principalArn: arn, level: "admin" })),
      ...settings.access.viewers.map(
        (arn): ClusterAccessGrant => ({ id: `viewer-${principalKey(arn)}`, principalArn: arn, level: "viewer" }),
      ),
    ];
    const cluster = new EksCluster(this, "eks", {
      name: clusterName,
      target,
      kubernetesVersion: settings.kubernetesVersion,
      subnetIds: network.privateAppSubnetIds,
      securityGroupId: securityGroups.clusterSecurityGroupId,
      endpointPublicAccess: settings.endpoint.publicAccess,
      publicAccessCidrs: settings.endpoint.publicAccessCidrs,
      authenticationMode: settings.authenticationMode,
      logTypes: settings.controlPlaneLogs.types,
      logRetentionDays: settings.controlPlaneLogs.retentionDays,
      logsKmsKeyArn: network.logsKmsKeyArn,
      access,
      // IRSA needs the cluster's IAM OIDC provider; EKS Pod Identity does not.
      oidcProvider: usesIrsa(settings.identity.mode),
      deletionProtection: settings.clusterDeletionProtection,
    });

    const nodeRole = new EksNodeRole(this, "node-role", { roleName: `${clusterName}-nodes`, partition: target.partition });
    const nodeGroups = settings.nodeGroups.map(
      (group) =>
        new EksNodeGroup(this, `node-group-${group.name}`, {
          clusterName: cluster.clusterName,
          name: group.name,
          nodeRoleArn: nodeRole.roleArn,
          // The cluster's version attribute: nodes follow the control plane in the same apply.
          kubernetesVersion: cluster.cluster.version,
          subnetIds: network.privateAppSubnetIds,
          securityGroupId: securityGroups.nodeSecurityGroupId,
          instanceTypes: group.instanceTypes,
          capacityType: group.capacityType,
          minSize: group.minSize,
          desiredSize: group.desiredSize,
          maxSize: group.maxSize,
          diskSizeGiB: group.diskSizeGiB,
          labels: group.labels,
          taints: group.taints,
        }),
    );
    if (settings.fargateNamespaces.length > 0) {
      new EksFargateProfile(this, "fargate", {
        clusterName: cluster.clusterName,
        target,
        namespaces: settings.fargateNamespaces,
        subnetIds: network.privateAppSubnetIds,
      });
    }

    // Every workload role: EKS Pod Identity (an association per service account) or, during a
    // migration from it, IRSA. The construct ids stay those of the former IRSA roles: same addresses.
    const identityMode = settings.identity.mode;
    const workloadCluster = {
      mode: identityMode,
      clusterName: cluster.clusterName,
      clusterArn: cluster.clusterArn,
      accountId: target.accountId,
      oidcProviderArn: cluster.oidcProviderArn,
      oidcIssuerUrl: cluster.oidcIssuerUrl,
    };
    const irsa = (id: string, role: Omit<WorkloadRoleProps, "cluster">) =>
      new WorkloadRole(this, id, { ...role, cluster: workloadCluster });

    const ebsCsi = irsa("irsa-ebs-csi", {
      roleName: `${clusterName}-ebs-csi`,
      serviceAccount: EBS_CSI_CONTROLLER_SERVICE_ACCOUNT,
      managedPolicyArns: [`arn:${target.partition}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy`],
    });
    const pinnedAddons = addonVersionsFor(settings.kubernetesVersion);
    new EksAddons(this, "addons", {
      clusterName: cluster.clusterName,
      // Pinned per Kubernetes minor (modules/eks/addon-versions.ts): a version bump moves the
      // add-ons in the same apply, after the control plane; the file may pin one explicitly.
      versions: {
        vpcCni: settings.addons.vpcCni.version ?? pinnedAddons?.vpcCni,
        coredns: settings.addons.coredns.version ?? pinnedAddons?.coredns,
        kubeProxy: settings.addons.kubeProxy.version ?? pinnedAddons?.kubeProxy,
        ebsCsiDriver: settings.addons.ebsCsiDriver.version ?? pinnedAddons?.ebsCsiDriver,
        podIdentityAgent: settings.addons.podIdentityAgent.version ?? pinnedAddons?.podIdentityAgent,
      },
      // With IRSA the add-on annotates its service account; with Pod Identity the association binds it.
      ...(annotatesServiceAccounts(identityMode) ? { ebsCsiRoleArn: ebsCsi.roleArn } : {}),
      podIdentityAgent: usesPodIdentity(identityMode),
      dependsOn: nodeGroups.map((group) => group.nodeGroup),
    });

    const containerLogs = new CloudwatchLogGroup(this, "container-logs", {
      name: `/aws/eks/${clusterName}/containers`,
      retentionInDays: settings.controlPlaneLogs.retentionDays,
      kmsKeyId: network.logsKmsKeyArn,
    });

    // Karpenter: the role of the nodes it launches (admitted by an EC2_LINUX access entry), its
    // interruption queue, and its controller's role, scoped to this cluster's tag and this
    // environment's node role and queue.
    const karpenterNodeRole = new EksNodeRole(this, "karpenter-node-role", {
      roleName: `${clusterName}-karpenter-nodes`,
      partition: target.partition,
    });
    new EksAccessEntry(this, "karpenter-node-access", {
      clusterName: cluster.clusterName,
      principalArn: karpenterNodeRole.roleArn,
      type: "EC2_LINUX",
    });
    const interruptionQueue = new InterruptionQueue(this, "karpenter-interruption", {
      queueName: `${clusterName}-karpenter`,
      accountId: target.accountId,
    });
    const karpenter = new WorkloadRole(this, "role-karpenter", {
      roleName: `${clusterName}-karpenter`,
      cluster: workloadCluster,
      serviceAccount: KARPENTER_SERVICE_ACCOUNT,
      statements: karpenterControllerStatements({
        clusterName,
        partition: target.partition,
        region: target.region,
        accountId: target.accountId,
        nodeRoleArn: karpenterNodeRole.roleArn,
        interruptionQueueArn: interruptionQueue.queueArn,
      }),
    });
    const externalDns = irsa("irsa-external-dns", {
      roleName: `${clusterName}-external-dns`,
      serviceAccount: EXTERNAL_DNS_SERVICE_ACCOUNT,
      statements: externalDnsStatements({ hostedZoneId: env.dns.hostedZoneId, partition: target.partition }),
    });
    const fluentBit = irsa("irsa-fluent-bit", {
      roleName: `${clusterName}-fluent-bit`,
      serviceAccount: FLUENT_BIT_SERVICE_ACCOUNT,
      statements: fluentBitStatements({ logGroupArn: containerLogs.arn }),
    });
    const loadBalancerController = settings.loadBalancerController
      ? irsa("irsa-load-balancer-controller", {
          roleName: `${clusterName}-aws-load-balancer-controller`,
          serviceAccount: LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT,
          statements: loadBalancerControllerStatements({ clusterName, partition: target.partition }),
        })
      : undefined;

    const dataKey = new KmsKey(this, "data-key", {
      target,
      alias: `${env.name}/data`,
      description: `Aurora, its master secret, ElastiCache and the platform's secrets of the ${env.name} environment`,
    });
    const database = new AuroraPostgres(this, "database", {
      name: `${env.name}-app`,
      target,
      vpcId: network.vpcId,
      subnetIds: network.privateDataSubnetIds,
      clientSecurityGroupIds: dataClientSecurityGroupIds,
      kmsKeyArn: dataKey.keyArn,
      logsKmsKeyArn: network.logsKmsKeyArn,
      engineVersion: settings.database.engineVersion,
      databaseName: settings.database.databaseName,
      masterUsername: settings.database.masterUsername,
      capacity: settings.database.capacity,
      instances: settings.database.instances,
      backupRetentionDays: settings.database.backupRetentionDays,
      deletionProtection: settings.database.deletionProtection,
      protectFromDestroy: env.stage === "production",
      performanceInsightsRetentionDays: settings.database.performanceInsightsRetentionDays,
      // OS metrics every minute in production (processes, memory, swap: what CloudWatch's
      // hypervisor metrics cannot see); off elsewhere.
      enhancedMonitoringInterval: env.stage === "production" ? 60 : 0,
      logRetentionDays: settings.database.logRetentionDays,
    });

    const cacheUser = `${env.name}-backend`;
    const cache = new CacheReplicationGroup(this, "cache", {
      name: `${env.name}-app`,
      vpcId: network.vpcId,
      subnetIds: network.privateDataSubnetIds,
      clientSecurityGroupIds: dataClientSecurityGroupIds,
      engine: settings.cache.engine,
      engineVersion: settings.cache.engineVersion,
      nodeType: settings.cache.nodeType,
      replicas: settings.cache.replicas,
      multiAz: settings.cache.multiAz,
      kmsKeyArn: dataKey.keyArn,
      snapshotRetentionDays: settings.cache.snapshotRetentionDays,
      logRetentionDays: settings.cache.logRetentionDays,
      logsKmsKeyArn: network.logsKmsKeyArn,
      appUsers: [{ userName: cacheUser }],
    });

    // The backend logs in to Aurora as its own role with IAM authentication (a token signed with its
    // IRSA credentials), never as the master user; it reads no secret.
    const backend = irsa("irsa-backend", {
      roleName: `${clusterName}-backend`,
      serviceAccount: BACKEND_SERVICE_ACCOUNT,
      statements: [
        ...databaseConnectStatements({
          partition: target.partition,
          region: target.region,
          accountId: target.accountId,
          clusterResourceId: database.clusterResourceId,
          userName: BACKEND_DATABASE_USER,
        }),
        ...cacheConnectStatements({ replicationGroupArn: cache.replicationGroupArn, userArns: Object.values(cache.appUserArns) }),
      ],
    });
    // The one identity that may read the RDS-managed master secret: the workloads layer's Job that
    // creates the application's database role. People use it for break-glass through their own roles.
    const databaseRoles = irsa("irsa-database-roles", {
      roleName: `${clusterName}-database-roles`,
      serviceAccount: DATABASE_ROLES_SERVICE_ACCOUNT,
      statements: secretReaderStatements({
        secretArns: [database.masterUserSecretArn],
        kmsKeyArns: [dataKey.keyArn],
        region: target.region,
      }),
    });

    // What pages a human, to the network layer's alert topic.
    new MetricAlarms(this, "alarms", {
      prefix: env.name,
      topicArn: network.alertsTopicArn,
      alarms: [
        ...auroraAlarms({
          clusterIdentifier: `${env.name}-app`,
          serverless: settings.database.capacity.mode === "serverless",
          instances: settings.database.instances,
        }),
        ...cacheAlarms({ replicationGroupId: `${env.name}-app`, nodes: settings.cache.replicas }),
        ...nodeCapacityAlarms({ clusterName }),
        ...interruptionQueueAlarms({ queueName: `${clusterName}-karpenter` }),
      ],
    });
    // Alertmanager publishes Prometheus' alerts to the same topic (SNS receiver, SigV4).
    const alertmanager = irsa("irsa-alertmanager", {
      roleName: `${clusterName}-alertmanager`,
      serviceAccount: ALERTMANAGER_SERVICE_ACCOUNT,
      statements: alertmanagerStatements({ topicArn: network.alertsTopicArn, kmsKeyArn: network.alertsKmsKeyArn, region: target.region }),
    });

    // Grafana's admin credential: generated by Secrets Manager, written through a write-only
    // attribute (never in the plan or the state), encrypted with the data key; only Grafana's role
    // reads it, through the Secrets Store CSI driver (ADR 0011).
    const grafanaAdmin = new GeneratedCredentialSecret(this, "grafana-admin-secret", {
      name: grafanaAdminSecretName(env.name),
      description: `Grafana's admin user and password in the ${env.name} cluster (generated; read by Grafana's role only)`,
      kmsKeyArn: dataKey.keyArn,
      username: GRAFANA_ADMIN_USER,
      // Raise to rotate: the next apply writes a new random password (docs/operations.md#grafana).
      passwordVersion: 1,
    });
    const grafana = irsa("role-grafana", {
      roleName: `${clusterName}-grafana`,
      serviceAccount: GRAFANA_SERVICE_ACCOUNT,
      statements: secretReaderStatements({ secretArns: [grafanaAdmin.secretArn], kmsKeyArns: [dataKey.keyArn], region: target.region }),
    });

    platformContract.publish(this, {
      clusterName: cluster.clusterName,
      clusterEndpoint: cluster.endpoint,
      clusterCertificateAuthorityData: cluster.certificateAuthorityData,
      clusterOidcIssuerUrl: cluster.oidcIssuerUrl,
      oidcProviderArn: cluster.oidcProviderArn,
      nodeSecurityGroupId: securityGroups.nodeSecurityGroupId,
      clusterSecurityGroupId: securityGroups.clusterSecurityGroupId,
      karpenterRoleArn: karpenter.roleArn,
      karpenterNodeRoleName: karpenterNodeRole.roleName,
      karpenterInterruptionQueueName: interruptionQueue.queueName,
      externalDnsRoleArn: externalDns.roleArn,
      fluentBitRoleArn: fluentBit.roleArn,
      loadBalancerControllerRoleArn: loadBalancerController?.roleArn,
      backendRoleArn: backend.roleArn,
      databaseRolesRoleArn: databaseRoles.roleArn,
      alertmanagerRoleArn: alertmanager.roleArn,
      grafanaRoleArn: grafana.roleArn,
      grafanaAdminSecretArn: grafanaAdmin.secretArn,
      databaseAppUser: BACKEND_DATABASE_USER,
      containerLogGroupName: containerLogs.name,
      databaseEndpoint: database.endpoint,
      databaseReaderEndpoint: database.readerEndpoint,
      databasePort: database.port,
      databaseName: database.databaseName,
      databaseSecretArn: database.masterUserSecretArn,
      cacheEndpoint: cache.primaryEndpoint,
      cacheReaderEndpoint: cache.readerEndpoint,
      cachePort: cache.port,
      cacheUserName: cacheUser,
    });
  }
}
