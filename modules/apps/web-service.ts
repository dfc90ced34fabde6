import {
  DeploymentV1,
  type DeploymentV1SpecTemplateSpecVolume,
  type DeploymentV1SpecTemplateSpecContainerVolumeMount,
} from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { HorizontalPodAutoscalerV2 } from "@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2";
import { PodDisruptionBudgetV1 } from "@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1";
import { Token, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";

/** Kubernetes resource quantities of one container. */
export interface ContainerResources {
  /** CPU quantity, `250m` or `1`. */
  readonly cpu: string;
  /** Memory quantity, `256Mi` or `1Gi`. */
  readonly memory: string;
}

/** Horizontal pod autoscaling (autoscaling/v2) on average CPU and memory utilization. */
export interface WebServiceAutoscaling {
  /** Upper bound of replicas; the lower bound is the service's `replicas`. */
  readonly maxReplicas: number;
  /** Target average CPU utilization, % of the request. */
  readonly cpuUtilization: number;
  /** Target average memory utilization, % of the request. */
  readonly memoryUtilization: number;
}

/** A Secrets Store CSI volume, mounted read-only. */
export interface WebServiceSecretVolume {
  /** Name of the SecretProviderClass in the service's namespace (see SecretProviderClass). */
  readonly secretProviderClass: string;
  /** Where the secret files appear in the container, e.g. `/mnt/secrets`. */
  readonly mountPath: string;
}

/** A ConfigMap mounted read-only as files (certificates, configuration: nothing secret). */
export interface WebServiceConfigMapVolume {
  /** Name of the ConfigMap in the service's namespace. */
  readonly configMapName: string;
  /** Where its keys appear as files in the container, e.g. `/etc/ssl/rds`. */
  readonly mountPath: string;
}

export interface WebServiceProps {
  /** Name of the Deployment, Service, Ingress, HPA and PDB: a DNS label (RFC 1035). */
  readonly name: string;
  /** Namespace the objects go in (created elsewhere, see WorkloadNamespace). */
  readonly namespace: string;
  /** Image repository URL without a tag, e.g. an ECR repository URL (may be a token). */
  readonly image: string;
  /** Image tag (may be a token, e.g. a Terraform variable set by the release pipeline). */
  readonly imageTag: string;
  /** Replicas; the HPA's minimum when autoscaling. */
  readonly replicas: number;
  /** Port the container listens on; the Service exposes it on port 80 as `http`. */
  readonly containerPort: number;
  readonly requests: ContainerResources;
  readonly limits: ContainerResources;
  /** HTTP path of the liveness probe, e.g. `/healthz`. */
  readonly livenessPath: string;
  /** HTTP path of the readiness probe, e.g. `/ready`. */
  readonly readinessPath: string;
  /** Name of the ServiceAccount this construct creates for the pods. */
  readonly serviceAccountName: string;
  /**
   * IAM role of the pods (IRSA): annotates the ServiceAccount with `eks.amazonaws.com/role-arn`
   * and lets the pods mount the service-account token the AWS SDK exchanges for credentials.
   * @default none: no AWS identity, and no service-account token in the pods
   */
  readonly serviceAccountRoleArn?: string;
  /**
   * Plain environment variables of the container (no secrets: use `secretVolume`).
   * @default none
   */
  readonly env?: { readonly [name: string]: string };
  /**
   * Secrets Store CSI volume with the files of a SecretProviderClass.
   * @default none
   */
  readonly secretVolume?: WebServiceSecretVolume;
  /**
   * A ConfigMap mounted read-only, its files mode 0444.
   * @default none
   */
  readonly configMapVolume?: WebServiceConfigMapVolume;
  /**
   * Horizontal pod autoscaling; the Deployment then leaves `replicas` to the HPA.
   * @default none: a fixed number of replicas
   */
  readonly autoscaling?: WebServiceAutoscaling;
  /** A PodDisruptionBudget allowing one pod at a time to be evicted (see the class docs). */
  readonly podDisruptionBudget: boolean;
  /**
   * What must exist before any of these objects: the SecretProviderClass release, the load
   * balancer controller (its pod webhook adds readiness gates), the metrics server. Public routing
   * is not here: a Gateway's route names the Service (see AlbGateway).
   * @default none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** RFC 1035 label: Service names must start with a letter. */
const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** RFC 1123 label: namespaces and service accounts may start with a digit. */
const RFC1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The name of the container port, and of the Service port in front of it (the same number: see WebService). */
const PORT_NAME = "http";

/** UID and GID the containers run as (non-root, outside the range of system users). */
const RUN_AS_ID = "10001";

const IRSA_ANNOTATION = "eks.amazonaws.com/role-arn";
const SECRETS_STORE_DRIVER = "secrets-store.csi.k8s.io";

/**
 * One application tier: a ServiceAccount (IRSA optional), a hardened Deployment (non-root,
 * read-only root file system with a writable /tmp, no privilege escalation, every capability
 * dropped, RuntimeDefault seccomp), probes, resources, spread across zones and nodes, a ClusterIP
 * Service, and optionally an HPA on CPU and memory and a PodDisruptionBudget.
 *
 * The PodDisruptionBudget uses `maxUnavailable: 1` rather than `minAvailable: 1`: with one replica,
 * `minAvailable: 1` would forbid every eviction and hang node drains (and so cluster upgrades);
 * with an HPA at ten replicas it would let nine go at once. `maxUnavailable: 1` drains one pod at
 * a time whatever the scale, and the rolling update (`maxUnavailable: 0`) never drops below the
 * desired count on its own.
 */
export class WebService extends Construct {
  /** Name of the ClusterIP Service. */
  readonly serviceName: string;
  /** In-cluster DNS name of the Service, `<name>.<namespace>.svc.cluster.local`. */
  readonly serviceDnsName: string;
  /** The Service's port: the container port itself. */
  readonly servicePort: number;
  /** `http://<service>.<namespace>.svc.cluster.local:<port>`, what other workloads call. */
  readonly serviceUrl: string;
  /** Labels of the pods (and the selector of the Service, PDB and spread constraints). */
  readonly podLabels: { readonly [key: string]: string };
  readonly deployment: DeploymentV1;
  readonly service: ServiceV1;
  readonly serviceAccount: ServiceAccountV1;

  constructor(scope: Construct, id: string, props: WebServiceProps) {
    super(scope, id);
    validate(props);
    const dependsOn = props.dependsOn === undefined ? {} : { dependsOn: [...props.dependsOn] };
    const podLabels = { "app.kubernetes.io/name": props.name, "app.kubernetes.io/part-of": "platform" };
    const metadata = { name: props.name, namespace: props.namespace, labels: podLabels };
    const roleArn = props.serviceAccountRoleArn;

    const serviceAccount = new ServiceAccountV1(this, "service-account", {
      metadata: {
        name: props.serviceAccountName,
        namespace: props.namespace,
        labels: podLabels,
        ...(roleArn === undefined ? {} : { annotations: { [IRSA_ANNOTATION]: roleArn } }),
      },
      // Pods opt in (below); the account itself never hands its token to every pod.
      automountServiceAccountToken: false,
      ...dependsOn,
    });

    const volumes: DeploymentV1SpecTemplateSpecVolume[] = [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }];
    const mounts: DeploymentV1SpecTemplateSpecContainerVolumeMount[] = [{ name: "tmp", mountPath: "/tmp" }];
    if (props.secretVolume !== undefined) {
      volumes.push({
        name: "secrets",
        csi: {
          driver: SECRETS_STORE_DRIVER,
          readOnly: true,
          volumeAttributes: { secretProviderClass: props.secretVolume.secretProviderClass },
        },
      });
      mounts.push({ name: "secrets", mountPath: props.secretVolume.mountPath, readOnly: true });
    }
    if (props.configMapVolume !== undefined) {
      volumes.push({ name: "config", configMap: { name: props.configMapVolume.configMapName, defaultMode: "0444" } });
      mounts.push({ name: "config", mountPath: props.configMapVolume.mountPath, readOnly: true });
    }
    const env = Object.entries(props.env ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => ({ name, value }));
    const spread = (topologyKey: string) => ({
      topologyKey,
      maxSkew: 1,
      whenUnsatisfiable: "ScheduleAnyway",
      labelSelector: [{ matchLabels: podLabels }],
      // Count only the pods of the same revision, so a rolling update does not skew the spread.
      matchLabelKeys: ["pod-template-hash"],
    });
    const httpGet = (path: string) => ({ path, port: PORT_NAME, scheme: "HTTP" });

    const deployment = new DeploymentV1(this, "deployment", {
      metadata,
      spec: {
        replicas: String(props.replicas),
        revisionHistoryLimit: 5,
        selector: { matchLabels: podLabels },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "0", maxSurge: "25%" } },
        template: {
          metadata: { labels: podLabels },
          spec: {
            serviceAccountName: serviceAccount.metadata.name,
            // No Kubernetes API token in the pods: the apps never call the API. The AWS credentials
            // come from a token of their own that EKS projects separately (IRSA's aws-iam-token
            // volume, or the Pod Identity agent's), which does not need this one.
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: RUN_AS_ID,
              runAsGroup: RUN_AS_ID,
              fsGroup: RUN_AS_ID,
              seccompProfile: { type: "RuntimeDefault" },
            },
            topologySpreadConstraint: [spread("topology.kubernetes.io/zone"), spread("kubernetes.io/hostname")],
            container: [
              {
                name: props.name,
                image: `${props.image}:${props.imageTag}`,
                imagePullPolicy: "IfNotPresent",
                port: [{ name: PORT_NAME, containerPort: props.containerPort, protocol: "TCP" }],
                ...(env.length === 0 ? {} : { env }),
                resources: {
                  requests: { cpu: props.requests.cpu, memory: props.requests.memory },
                  limits: { cpu: props.limits.cpu, memory: props.limits.memory },
                },
                readinessProbe: {
                  httpGet: httpGet(props.readinessPath),
                  initialDelaySeconds: 5,
                  periodSeconds: 10,
                  timeoutSeconds: 2,
                  failureThreshold: 3,
                },
                livenessProbe: {
                  httpGet: httpGet(props.livenessPath),
                  initialDelaySeconds: 15,
                  periodSeconds: 20,
                  timeoutSeconds: 2,
                  failureThreshold: 3,
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  privileged: false,
                  capabilities: { drop: ["ALL"] },
                },
                volumeMount: mounts,
              },
            ],
            volume: volumes,
          },
        },
      },
      // With an HPA, the HPA owns the replica count: a plan must not reset it to the minimum.
      ...(props.autoscaling === undefined ? {} : { lifecycle: { ignoreChanges: ["spec[0].replicas"] } }),
      ...dependsOn,
    });

    const service = new ServiceV1(this, "service", {
      metadata,
      spec: {
        type: "ClusterIP",
        selector: podLabels,
        // Service port = container port: the EKS network-policy agent matches a policy's port
        // against the pod's port, and a different Service port is a documented source of drops.
        port: [{ name: PORT_NAME, port: props.containerPort, targetPort: PORT_NAME, protocol: "TCP" }],
      },
      ...dependsOn,
    });

    if (props.autoscaling !== undefined) {
      const utilization = (name: string, averageUtilization: number) => ({
        type: "Resource",
        resource: { name, target: { type: "Utilization", averageUtilization } },
      });
      new HorizontalPodAutoscalerV2(this, "hpa", {
        metadata,
        spec: {
          minReplicas: props.replicas,
          maxReplicas: props.autoscaling.maxReplicas,
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
          metric: [utilization("cpu", props.autoscaling.cpuUtilization), utilization("memory", props.autoscaling.memoryUtilization)],
        },
        ...dependsOn,
      });
    }

    if (props.podDisruptionBudget) {
      new PodDisruptionBudgetV1(this, "pdb", {
        metadata,
        spec: { maxUnavailable: "1", selector: { matchLabels: podLabels } },
        ...dependsOn,
      });
    }

    this.serviceName = props.name;
    this.serviceDnsName = `${props.name}.${props.namespace}.svc.cluster.local`;
    this.servicePort = props.containerPort;
    this.serviceUrl = `http://${this.serviceDnsName}:${props.containerPort}`;
    this.podLabels = podLabels;
    this.deployment = deployment;
    this.service = service;
    this.serviceAccount = serviceAccount;
  }
}

function validate(props: WebServiceProps): void {
  const what = `Web service "${props.name}"`;
  if (!DNS_LABEL.test(props.name)) {
    throw new Error(
      `${what}: the name must be a DNS label (lowercase letters, digits and '-', starting with a letter, at most 63 characters)`,
    );
  }
  if (!Token.isUnresolved(props.namespace) && !RFC1123_LABEL.test(props.namespace)) {
    throw new Error(`${what}: namespace "${props.namespace}" is not a DNS label`);
  }
  if (!Token.isUnresolved(props.serviceAccountName) && !RFC1123_LABEL.test(props.serviceAccountName)) {
    throw new Error(`${what}: service account name "${props.serviceAccountName}" is not a DNS label`);
  }
  if (!Number.isInteger(props.replicas) || props.replicas < 1) {
    throw new Error(`${what}: replicas must be an integer >= 1, got ${props.replicas}`);
  }
  if (!Number.isInteger(props.containerPort) || props.containerPort < 1 || props.containerPort > 65535) {
    throw new Error(`${what}: containerPort must be a port number (1-65535), got ${props.containerPort}`);
  }
  for (const [probe, path] of [
    ["liveness", props.livenessPath],
    ["readiness", props.readinessPath],
  ] as const) {
    if (!path.startsWith("/")) throw new Error(`${what}: the ${probe} path must start with '/', got "${path}"`);
  }
  if (props.autoscaling !== undefined && props.autoscaling.maxReplicas < props.replicas) {
    throw new Error(`${what}: autoscaling maxReplicas (${props.autoscaling.maxReplicas}) must be >= replicas (${props.replicas})`);
  }
}
