import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Fn, TerraformOutput, TerraformVariable } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../../environments/schema";
import { AwsLoadBalancerController } from "../../modules/cluster-services/aws-load-balancer-controller/aws-load-balancer-controller";
import { Karpenter } from "../../modules/cluster-services/karpenter/karpenter";
import { KarpenterNodePools } from "../../modules/cluster-services/karpenter/node-pools";
import { annotatesServiceAccounts, usesPodIdentity } from "../../modules/core/identity-modes";
import { ExternalDns } from "../../modules/cluster-services/external-dns/external-dns";
import { FluentBit } from "../../modules/cluster-services/fluent-bit/fluent-bit";
import { Gp3StorageClass } from "../../modules/kubernetes/gp3-storage-class";
import { KubePrometheusStack } from "../../modules/cluster-services/kube-prometheus-stack/kube-prometheus-stack";
import { MetricsServer } from "../../modules/cluster-services/metrics-server/metrics-server";
import { DataKubernetesServiceV1 } from "@cdktf/provider-kubernetes/lib/data-kubernetes-service-v1";
import { NamespaceNetworkPolicies } from "../../modules/kubernetes/namespace-network-policies";
import { SecretProviderClass } from "../../modules/apps/secret-provider-class";
import { SecretsStoreCsi } from "../../modules/cluster-services/secrets-store-csi/secrets-store-csi";
import { WebApplicationFirewall } from "../../modules/security/web-acl";
import { WebService } from "../../modules/apps/web-service";
import { AlbGateway } from "../../modules/apps/alb-gateway";
import { GatewayApiCrds } from "../../modules/kubernetes/gateway-api-crds";
import { LoadBalancerLogBucket } from "../../modules/storage/load-balancer-log-bucket";
import { resolvedChartVersions } from "../../environments/workloads-schema";
import { WorkloadNamespace } from "../../modules/kubernetes/workload-namespace";
import { KUBE_SYSTEM_POD_SECURITY, SystemNamespace } from "../../modules/kubernetes/system-namespace";
import { DatabaseAppRole } from "../../modules/apps/database-app-role";
import { DatabaseCaBundle } from "../../modules/apps/database-ca-bundle";
import { loadBalancerAlarms } from "../../modules/observability/alarm-specs";
import { MetricAlarms } from "../../modules/observability/metric-alarms";
import { GatewayLoadBalancer } from "../../modules/observability/gateway-load-balancer";
import { BACKEND_DATABASE_USER, DATABASE_ROLES_SERVICE_ACCOUNT } from "../../modules/apps/database-roles-identity";
import { DEFAULT_DATA_PORTS } from "../../modules/core/data-ports";
import type { ReadContractOptions } from "../contract";
import { LayerStack } from "../layer-stack";
import { networkContract } from "../network/contract";
import type { NetworkStack } from "../network/network-stack";
import { platformContract } from "../platform/contract";
import type { PlatformStack } from "../platform/platform-stack";
import { BACKEND_SERVICE_ACCOUNT } from "../../modules/apps/backend-identity";
import { IMAGE_TAG_PATTERN, MOVING_IMAGE_TAG } from "../../modules/core/image-tag";
import { PlanReaderRbac, refreshedResources } from "../../modules/kubernetes/plan-reader-rbac";
import { planReaderGroup } from "../../modules/kubernetes/plan-reader-group";
import { EXTERNAL_DNS_SERVICE_ACCOUNT } from "../../modules/cluster-services/external-dns/identity";
import { FLUENT_BIT_SERVICE_ACCOUNT } from "../../modules/cluster-services/fluent-bit/identity";

/** The frontend's namespace, where the public Gateway lives. */
const FRONTEND_NAMESPACE = "frontend";
/** The public Gateway's name: with its namespace, the tag the controller puts on its ALB. */
const PUBLIC_GATEWAY = "public";
/**
 * Where the Helm releases of namespaces that hold credentials keep their release records (ADR 0012):
 * a namespace with no workload and no Secret but those records, which the plan identity may read.
 */
const HELM_RELEASES_NAMESPACE = "helm-releases";

export interface WorkloadsStackProps extends ReadContractOptions {
  readonly environment: EnvironmentConfig;
  readonly network: NetworkStack;
  readonly platform: PlatformStack;
}

/** The EKS Pod Identity agent's address on every node (IPv4), where pods' SDKs get their credentials. */
const POD_IDENTITY_AGENT_CIDR = "169.254.170.23/32";

/** Marks the application namespaces (default-deny network policies; the policy suite checks them). */
const APPLICATION_NAMESPACE_LABELS = { "platform.acme.example/workload": "application" } as const;

/** Namespace label that has the AWS Load Balancer Controller add target-health readiness gates to new pods. */
const POD_READINESS_GATE_LABEL = { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" } as const;

/** The Terraform variable a release sets: `frontend_image_tag`, `backend_image_tag`. */
function imageTagVariableName(app: "frontend" | "backend"): string {
  return `${app}_image_tag`;
}

/**
 * `workloads-<env>`: Kubernetes and Helm on the platform's cluster. Reaches the cluster and the
 * network only through the platform and network contracts; the application image tags are
 * Terraform variables, so a release is `terraform apply -var frontend_image_tag=...` on this stack
 * alone, without re-synthesizing and without touching the infrastructure layers.
 */
export class WorkloadsStack extends LayerStack {
  readonly network: ReturnType<typeof networkContract.read>;
  readonly platform: ReturnType<typeof platformContract.read>;

  constructor(scope: Construct, props: WorkloadsStackProps) {
    super(scope, { environment: props.environment, layer: "workloads" });
    const env = props.environment;
    const settings = env.workloads;
    const region = env.account.region;
    const network = networkContract.read(this, props.network, props);
    const platform = platformContract.read(this, props.platform, props);
    this.network = network;
    this.platform = platform;

    // Cluster access: endpoint and CA from the platform's state, a short-lived token from the
    // caller's AWS identity at plan/apply time. No static token or kubeconfig anywhere.
    const clusterCaCertificate = Fn.base64decode(platform.clusterCertificateAuthorityData);
    const exec = {
      apiVersion: "client.authentication.k8s.io/v1beta1",
      command: "aws",
      args: ["eks", "get-token", "--cluster-name", platform.clusterName, "--region", region],
    };
    new KubernetesProvider(this, "kubernetes", { host: platform.clusterEndpoint, clusterCaCertificate, exec: [exec] });
    new HelmProvider(this, "helm", { kubernetes: { host: platform.clusterEndpoint, clusterCaCertificate, exec } });

    const charts = resolvedChartVersions(settings, env.platform.kubernetesVersion);
    // kube-system is the cluster's; its Pod Security level is declared here (the releases installed there run under it).
    new SystemNamespace(this, "kube-system", KUBE_SYSTEM_POD_SECURITY);
    // IRSA annotations only while the environment is on IRSA (platform.identity.mode); with EKS
    // Pod Identity (and during the cut-over) the associations bind the roles to the service accounts.
    const irsa = annotatesServiceAccounts(env.platform.identity.mode);
    const irsaRole = (roleArn: string): string | undefined => (irsa ? roleArn : undefined);
    // With Pod Identity, a pod's SDK fetches its credentials from the node's agent on a link-local
    // address (EKS user guide, pod-id-how-it-works): default-deny namespaces let their pods reach it.
    const podIdentityAgentEgress = usesPodIdentity(env.platform.identity.mode)
      ? [
          {
            name: "to-pod-identity-agent",
            peers: [{ cidrs: [POD_IDENTITY_AGENT_CIDR] }],
            ports: [{ port: 80, protocol: "TCP" as const }],
          },
        ]
      : [];
    // Release records of the charts whose objects live beside credentials (monitoring, database-roles)
    // or in an application namespace: the plan identity reads Secrets here, never there.
    const releaseRecords = new WorkloadNamespace(this, "helm-releases-namespace", { name: HELM_RELEASES_NAMESPACE });
    const storageClass = new Gp3StorageClass(this, "gp3");
    const csi = new SecretsStoreCsi(this, "secrets-store-csi", {
      driverChartVersion: charts.secretsStoreCsiDriver,
      providerChartVersion: charts.secretsStoreCsiProviderAws,
    });
    if (settings.monitoring.prometheus) {
      new KubePrometheusStack(this, "kube-prometheus-stack", {
        chartVersion: charts.kubePrometheusStack,
        kubernetesVersion: env.platform.kubernetesVersion,
        retention: settings.monitoring.prometheusRetention,
        storageGiB: settings.monitoring.prometheusStorageGiB,
        storageClassName: storageClass.name,
        alertmanagerSns: { topicArn: network.alertsTopicArn, region, roleArn: irsaRole(platform.alertmanagerRoleArn) },
        // Grafana's admin credential: the platform's secret, read with Grafana's role through the CSI driver.
        grafanaAdmin: {
          secretArn: platform.grafanaAdminSecretArn,
          roleArn: irsaRole(platform.grafanaRoleArn),
          dependsOn: [csi.providerRelease],
        },
        releaseNamespace: releaseRecords.name,
        dependsOn: [storageClass.storageClass],
      });
    }
    // The public entry, the same path in every environment: Gateway API on the AWS Load Balancer
    // Controller 3.x, an internet-facing ALB behind a WAF web ACL. CRDs first (ADR 0007), then the
    // controller, then the Gateway objects (after the frontend, below).
    const certificateArn = settings.certificateArn;
    if (certificateArn === undefined) {
      throw new Error(`workloads-${env.name}: the alb entry needs workloads.certificateArn (the schema requires it)`);
    }
    const firewall = new WebApplicationFirewall(this, "web-acl", {
      name: `${env.name}-frontend`,
      target: this.target,
      rateLimitPer5Minutes: settings.entry.waf.rateLimitPer5Minutes,
      logsKmsKeyArn: network.logsKmsKeyArn,
    });
    const accessLogs = settings.entry.accessLogs.enabled
      ? new LoadBalancerLogBucket(this, "alb-access-logs", {
          name: `${env.name}-alb-access-logs-${env.account.id}-${region}`,
          region,
          accountId: env.account.id,
          partition: this.target.partition,
          prefix: "frontend",
          retentionDays: settings.entry.accessLogs.retentionDays,
        })
      : undefined;
    const controllerRoleArn = platform.loadBalancerControllerRoleArn;
    if (controllerRoleArn === undefined) {
      // The schema refuses this combination; the contract says so too, should the two ever part.
      throw new Error(
        `${this.node.id}: the platform layer publishes no load balancer controller role (platform.loadBalancerController is off), and the public entry needs the controller`,
      );
    }
    const gatewayCrds = new GatewayApiCrds(this, "gateway-api-crds");
    const loadBalancerController = new AwsLoadBalancerController(this, "aws-load-balancer-controller", {
      chartVersion: charts.awsLoadBalancerController,
      roleArn: irsaRole(controllerRoleArn),
      clusterName: platform.clusterName,
      region,
      vpcId: network.vpcId,
      dependsOn: [gatewayCrds.release],
    });
    const externalDns = new ExternalDns(this, "external-dns", {
      chartVersion: charts.externalDns,
      roleArn: irsaRole(platform.externalDnsRoleArn),
      domain: env.dns.domain,
      hostedZoneId: env.dns.hostedZoneId,
      txtOwnerId: env.name,
      region,
    });
    // Karpenter on the system node group; every other pod runs on the nodes it launches for its NodePools.
    const karpenter = new Karpenter(this, "karpenter", {
      chartVersion: charts.karpenter,
      clusterName: platform.clusterName,
      clusterEndpoint: platform.clusterEndpoint,
      interruptionQueueName: platform.karpenterInterruptionQueueName,
      roleArn: irsaRole(platform.karpenterRoleArn),
    });
    new KarpenterNodePools(this, "karpenter-node-pools", {
      clusterName: platform.clusterName,
      nodeRoleName: platform.karpenterNodeRoleName,
      amiAlias: env.platform.karpenter.amiAlias,
      rootVolumeGiB: env.platform.karpenter.rootVolumeGiB,
      nodePools: env.platform.karpenter.nodePools,
      tags: { environment: env.name, owner: env.tags.owner },
      dependsOn: [karpenter.release],
    });
    new MetricsServer(this, "metrics-server", { chartVersion: charts.metricsServer });
    const fluentBit = settings.monitoring.fluentBit
      ? new FluentBit(this, "fluent-bit", {
          chartVersion: charts.fluentBit,
          roleArn: irsaRole(platform.fluentBitRoleArn),
          logGroupName: platform.containerLogGroupName,
          region,
          clusterName: platform.clusterName,
        })
      : undefined;

    const imageTag = (app: "frontend" | "backend") =>
      new TerraformVariable(this, imageTagVariableName(app), {
        type: "string",
        default: settings[app].imageTag,
        description: `Image tag of the ${app} (a release sets it with -var ${imageTagVariableName(app)}=<tag>)`,
        nullable: false,
        validation: [
          {
            condition: `\${can(regex("${IMAGE_TAG_PATTERN}", var.${imageTagVariableName(app)})) && var.${imageTagVariableName(app)} != "${MOVING_IMAGE_TAG}"}`,
            errorMessage: "The image tag must be a valid, immutable tag (not latest).",
          },
        ],
      }).stringValue;
    const production = env.stage === "production";
    const common = (app: "frontend" | "backend") => {
      const s = settings[app];
      return {
        replicas: s.replicas,
        containerPort: s.containerPort,
        requests: s.requests,
        limits: s.limits,
        livenessPath: s.livenessPath,
        readinessPath: s.readinessPath,
        podDisruptionBudget: production || s.replicas > 1,
        ...(s.autoscaling.enabled
          ? {
              autoscaling: {
                maxReplicas: s.autoscaling.maxReplicas,
                cpuUtilization: s.autoscaling.cpuUtilization,
                memoryUtilization: s.autoscaling.memoryUtilization,
              },
            }
          : {}),
      };
    };

    // The backend's database role, with IAM authentication: created by a Job that alone may read
    // the master secret (RDS rotates that one every 7 days; no application holds it).
    const dataTierCidrs = Array.from({ length: env.network.azCount }, (_, i) => Fn.element(network.privateDataSubnetCidrs, i));
    const rolesNamespace = new WorkloadNamespace(this, "database-roles-namespace", {
      name: DATABASE_ROLES_SERVICE_ACCOUNT.namespace,
      labels: APPLICATION_NAMESPACE_LABELS,
    });
    const masterSecret = new SecretProviderClass(this, "database-master-secret", {
      name: "database-master",
      namespace: rolesNamespace.name,
      // The release's records elsewhere: the plan identity never reads Secrets in database-roles.
      releaseNamespace: releaseRecords.name,
      usePodIdentity: !irsa,
      objects: [
        {
          objectName: platform.databaseSecretArn,
          alias: "master",
          jmesPath: [
            { path: "username", objectAlias: "username" },
            { path: "password", objectAlias: "password" },
          ],
        },
      ],
      dependsOn: [csi.providerRelease, rolesNamespace.namespace],
    });
    new NamespaceNetworkPolicies(this, "database-roles-policies", {
      namespace: rolesNamespace.name,
      ingressRules: [],
      egressRules: [
        {
          name: "to-database",
          peers: [{ cidrs: dataTierCidrs }],
          ports: [{ port: DEFAULT_DATA_PORTS.postgres, protocol: "TCP" }],
        },
        ...podIdentityAgentEgress,
      ],
    });
    // Database clients verify the server: the region's RDS root CAs, mounted read-only.
    const rolesCa = new DatabaseCaBundle(this, "database-roles-rds-ca", {
      namespace: rolesNamespace.name,
      region,
      dependsOn: [rolesNamespace.namespace],
    });
    const appDatabaseRole = new DatabaseAppRole(this, "database-app-role", {
      namespace: rolesNamespace.name,
      serviceAccountName: DATABASE_ROLES_SERVICE_ACCOUNT.name,
      serviceAccountRoleArn: irsaRole(platform.databaseRolesRoleArn),
      masterSecretProviderClass: masterSecret.name,
      host: platform.databaseEndpoint,
      port: Fn.tostring(platform.databasePort),
      // Literals from the environment file: the Job's name hashes them, so it changes only when they do.
      database: env.platform.database.databaseName,
      appUser: BACKEND_DATABASE_USER,
      certificateAuthority: rolesCa.volume,
      dependsOn: [masterSecret.release],
    });

    // Backend: internal only; Aurora and the cache with IAM authentication (tokens signed with the
    // pod's role), so it holds no password at all.
    const backendNamespace = new WorkloadNamespace(this, "backend-namespace", {
      name: BACKEND_SERVICE_ACCOUNT.namespace,
      labels: APPLICATION_NAMESPACE_LABELS,
    });
    const backendCa = new DatabaseCaBundle(this, "backend-rds-ca", {
      namespace: backendNamespace.name,
      region,
      dependsOn: [backendNamespace.namespace],
    });
    const backend = new WebService(this, "backend-app", {
      ...common("backend"),
      name: "backend",
      namespace: backendNamespace.name,
      image: Fn.lookup(network.ecrRepositoryUrls, "backend"),
      imageTag: imageTag("backend"),
      serviceAccountName: BACKEND_SERVICE_ACCOUNT.name,
      serviceAccountRoleArn: irsaRole(platform.backendRoleArn),
      configMapVolume: backendCa.volume,
      env: {
        DATABASE_HOST: platform.databaseEndpoint,
        DATABASE_READER_HOST: platform.databaseReaderEndpoint,
        DATABASE_PORT: Fn.tostring(platform.databasePort),
        DATABASE_NAME: platform.databaseName,
        DATABASE_USER: platform.databaseAppUser,
        DATABASE_AUTH: "iam",
        // libpq (and drivers that read its variables): TLS, the certificate chained to the RDS root
        // CAs of the mounted bundle, and the host name DATABASE_HOST (the cluster endpoint) on it.
        PGSSLMODE: "verify-full",
        PGSSLROOTCERT: backendCa.volume.certificatePath,
        CACHE_HOST: platform.cacheEndpoint,
        CACHE_READER_HOST: platform.cacheReaderEndpoint,
        CACHE_PORT: Fn.tostring(platform.cachePort),
        CACHE_USER: platform.cacheUserName,
        CACHE_TLS: "true",
        AWS_REGION: region,
      },
      // The role must exist before the first pod logs in.
      dependsOn: [appDatabaseRole.job, backendNamespace.namespace],
    });

    // Frontend: the only public tier, behind the Gateway's ALB and its web ACL.
    const frontendNamespace = new WorkloadNamespace(this, "frontend-namespace", {
      name: FRONTEND_NAMESPACE,
      // With ALB ip targets, a rolling update waits for each new pod to pass the ALB's health check.
      labels: { ...APPLICATION_NAMESPACE_LABELS, ...POD_READINESS_GATE_LABEL },
    });
    const frontend = new WebService(this, "frontend-app", {
      ...common("frontend"),
      name: "frontend",
      namespace: frontendNamespace.name,
      image: Fn.lookup(network.ecrRepositoryUrls, "frontend"),
      imageTag: imageTag("frontend"),
      serviceAccountName: "frontend",
      env: { BACKEND_URL: backend.serviceUrl },
      // The controller's pod webhook injects the readiness gates: it must be up before the pods.
      dependsOn: [loadBalancerController.release, frontendNamespace.namespace],
    });
    const publicSubnetIds = Array.from({ length: env.network.azCount }, (_, i) => Fn.element(network.publicSubnetIds, i));
    // Deletion protection on the ALB: its Gateway refuses a destroy before anything else goes
    // (the controller could not delete the ALB, and the VPC would keep its ENIs and k8s-* groups);
    // a teardown turns it off in the Helm values first.
    const albDeletionProtection = settings.entry.deletionProtection && !this.teardown;
    const gateway = new AlbGateway(this, "public-gateway", {
      name: PUBLIC_GATEWAY,
      namespace: frontendNamespace.name,
      // An application namespace holds the application's Secrets: the release records go elsewhere.
      releaseNamespace: releaseRecords.name,
      host: settings.frontendHost,
      certificateArn,
      subnetIds: publicSubnetIds,
      webAclArn: firewall.webAclArn,
      backend: { serviceName: frontend.serviceName, servicePort: frontend.servicePort, healthCheckPath: settings.frontend.readinessPath },
      deletionProtection: albDeletionProtection,
      ...(accessLogs === undefined ? {} : { accessLogs: { bucketName: accessLogs.bucketName, prefix: accessLogs.prefix } }),
      tags: { environment: env.name },
      kubernetesVersion: env.platform.kubernetesVersion,
      dependsOn: [loadBalancerController.release, frontend.service, ...(accessLogs === undefined ? [] : [accessLogs.policy])],
    });
    // The Gateway's ALB, made by the controller at run time: found by the controller's own tags,
    // read after the Gateway's release (whose hook waits until the controller has programmed the
    // Gateway), so the apply that creates the ALB also creates its alarms. One set, no count: a
    // lookup deferred to the apply cannot decide a count.
    const entryLoadBalancer = new GatewayLoadBalancer(this, "entry-load-balancers", {
      clusterName: env.name,
      gatewayNamespace: FRONTEND_NAMESPACE,
      gatewayName: PUBLIC_GATEWAY,
      gatewayRelease: gateway.release,
      requireOne: !this.teardown,
    });
    new MetricAlarms(this, "entry-alarms", {
      prefix: env.name,
      topicArn: network.alertsTopicArn,
      alarms: loadBalancerAlarms({ gateway: `${FRONTEND_NAMESPACE}/${PUBLIC_GATEWAY}`, loadBalancer: entryLoadBalancer.dimension }),
    });
    if (settings.entry.deletionProtection) {
      gateway.release.lifecycle = { ...(gateway.release.lifecycle ?? {}), preventDestroy: true };
      if (this.teardown) this.recordLifted(`helm_release.${gateway.release.friendlyUniqueId}`, "ALB deletion_protection.enabled = false");
    }

    // Network policies: default deny; the ALB -> frontend -> backend -> data tier.
    const namespaceSelector = (name: string) => ({ "kubernetes.io/metadata.name": name });
    // With ip targets the ALB connects (and health-checks) from its ENIs in the public subnets.
    const publicCidrs = Array.from({ length: env.network.azCount }, (_, i) => Fn.element(network.publicSubnetCidrs, i));
    const privateAppCidrs = Array.from({ length: env.network.azCount }, (_, i) => Fn.element(network.privateAppSubnetCidrs, i));
    // The API server's in-cluster Service (default/kubernetes): its ClusterIP, read from the cluster.
    const apiServerService = new DataKubernetesServiceV1(this, "api-server-service", {
      metadata: { name: "kubernetes", namespace: "default" },
    });
    new NamespaceNetworkPolicies(this, "frontend-policies", {
      namespace: frontendNamespace.name,
      ingressRules: [
        {
          // The ALB's nodes, and only they, live in the public subnets: its ENIs there connect to
          // the pods (ip targets) for traffic and health checks. Nothing else admits to the frontend.
          name: "from-load-balancer",
          podSelector: frontend.podLabels,
          peers: [{ cidrs: publicCidrs }],
          ports: [{ port: settings.frontend.containerPort, protocol: "TCP" }],
        },
      ],
      egressRules: [
        {
          // The Gateway release's hook Job (kubectl wait) calls the API server: the `kubernetes`
          // Service's address, which the pod dials, and the control plane's interfaces in the
          // cluster's subnets (private-app), where the Service leads (EKS replaces them on upgrades:
          // no fixed address). Only that Job's pods, only 443.
          name: "to-api-server",
          podSelector: gateway.programmedWaitPods.labels,
          peers: [{ cidrs: [Fn.format("%s/32", [apiServerService.spec.get(0).clusterIp]), ...privateAppCidrs] }],
          ports: [{ port: 443, protocol: "TCP" }],
        },
        {
          name: "to-backend",
          podSelector: frontend.podLabels,
          peers: [{ namespaceLabels: namespaceSelector(backendNamespace.name), podLabels: backend.podLabels }],
          ports: [{ port: settings.backend.containerPort, protocol: "TCP" }],
        },
      ],
    });
    new NamespaceNetworkPolicies(this, "backend-policies", {
      namespace: backendNamespace.name,
      ingressRules: [
        {
          name: "from-frontend",
          podSelector: backend.podLabels,
          peers: [{ namespaceLabels: namespaceSelector(frontendNamespace.name), podLabels: frontend.podLabels }],
          ports: [{ port: settings.backend.containerPort, protocol: "TCP" }],
        },
      ],
      egressRules: [
        {
          name: "to-data-tier",
          podSelector: backend.podLabels,
          peers: [{ cidrs: dataTierCidrs }],
          ports: env.network.dataTierPorts.map((port) => ({ port, protocol: "TCP" as const })),
        },
        {
          // STS (and other AWS APIs) through the VPC's interface endpoints, for the pod's IAM role:
          // only the ranges reserved for them, not the VPC (which holds the API server's interfaces).
          name: "to-vpc-endpoints",
          podSelector: backend.podLabels,
          peers: [{ cidrs: Array.from({ length: env.network.azCount }, (_, i) => Fn.element(network.vpcEndpointCidrs, i)) }],
          ports: [{ port: 443, protocol: "TCP" }],
        },
        ...podIdentityAgentEgress.map((rule) => ({ ...rule, podSelector: backend.podLabels })),
      ],
    });

    // What `terraform plan` reads in the cluster as the plan role (ADR 0012): every kind this stack
    // manages (found in the stack, so a new kind cannot be forgotten), and Secrets only where Helm
    // keeps release records. Last, so that it sees every resource above.
    new PlanReaderRbac(this, "plan-reader", {
      group: planReaderGroup(env.name),
      resources: refreshedResources(this),
      // Every namespace a helm_release of this stack names (test/stacks/plan-reader-rbac.test.ts holds it to that).
      releaseRecordNamespaces: {
        [HELM_RELEASES_NAMESPACE]: releaseRecords.name,
        [KUBE_SYSTEM_POD_SECURITY.name]: KUBE_SYSTEM_POD_SECURITY.name,
        [EXTERNAL_DNS_SERVICE_ACCOUNT.namespace]: externalDns.namespace,
        ...(fluentBit === undefined ? {} : { [FLUENT_BIT_SERVICE_ACCOUNT.namespace]: fluentBit.namespace }),
      },
    });

    new TerraformOutput(this, "frontend-url", {
      value: `${settings.certificateArn === undefined ? "http" : "https"}://${settings.frontendHost}`,
      description: "Public URL of the frontend",
    }).overrideLogicalId("frontend_url");
  }
}
