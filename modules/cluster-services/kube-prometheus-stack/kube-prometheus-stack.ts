import type { Release } from "@cdktf/provider-helm/lib/release";
import { Token, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { irsaAnnotations, PinnedHelmRelease, type HelmAddOnProps } from "../pinned-helm-release";
import { WorkloadNamespace } from "../../kubernetes/workload-namespace";
import { SecretProviderClass } from "../../apps/secret-provider-class";
import { ALERTMANAGER_SERVICE_ACCOUNT, GRAFANA_SERVICE_ACCOUNT } from "./identity";

const RELEASE = "kube-prometheus-stack";
const NAMESPACE = "monitoring";
/** The SecretProviderClass of Grafana's admin credential, and the Kubernetes Secret it syncs. */
const GRAFANA_ADMIN = "grafana-admin";
/** Where Grafana's pod mounts the credential's files (the mount is what makes the driver sync the Secret). */
const GRAFANA_ADMIN_MOUNT = "/mnt/secrets-store/grafana-admin";

/** The kube-prometheus-stack chart values this construct sets. */
export interface KubePrometheusStackValues {
  /**
   * Every object in `monitoring`, whatever the release's namespace: the chart's own objects and
   * its Alertmanager's, Grafana's, kube-state-metrics' and node-exporter's (each subchart has its
   * own override). The release's records live elsewhere (ADR 0012).
   */
  readonly namespaceOverride: string;
  readonly "kube-state-metrics": { readonly namespaceOverride: string };
  readonly "prometheus-node-exporter": { readonly namespaceOverride: string };
  readonly prometheus: {
    readonly prometheusSpec: {
      readonly retention: string;
      readonly storageSpec: {
        readonly volumeClaimTemplate: {
          readonly spec: {
            readonly storageClassName: string;
            readonly accessModes: readonly ["ReadWriteOnce"];
            readonly resources: { readonly requests: { readonly storage: string } };
          };
        };
      };
      /** False: select every ServiceMonitor, PodMonitor, Probe, ScrapeConfig and PrometheusRule, not only this release's: one rule for all five. */
      readonly serviceMonitorSelectorNilUsesHelmValues: false;
      readonly podMonitorSelectorNilUsesHelmValues: false;
      readonly probeSelectorNilUsesHelmValues: false;
      readonly scrapeConfigSelectorNilUsesHelmValues: false;
      readonly ruleSelectorNilUsesHelmValues: false;
    };
  };
  /**
   * Grafana's admin credential comes from the platform's Secrets Manager secret, never from chart
   * defaults: the pod mounts the `grafana-admin` SecretProviderClass (as Grafana's own service
   * account, whose role alone reads the secret), the driver syncs it to the Secret `grafana-admin`,
   * and `admin.existingSecret` points Grafana and its sidecars at it (the chart then renders no
   * admin Secret of its own). No `adminPassword` key: Grafana 12 charts no longer have it.
   */
  readonly grafana: {
    readonly enabled: true;
    readonly namespaceOverride: string;
    readonly service: { readonly type: "ClusterIP" };
    readonly serviceAccount: { readonly create: true; readonly name: string; readonly annotations: { readonly [key: string]: string } };
    readonly admin: { readonly existingSecret: string; readonly userKey: string; readonly passwordKey: string };
    readonly extraSecretMounts: readonly [
      {
        readonly name: string;
        readonly mountPath: string;
        readonly readOnly: true;
        readonly csi: {
          readonly driver: "secrets-store.csi.k8s.io";
          readonly readOnly: true;
          readonly volumeAttributes: { readonly secretProviderClass: string };
        };
      },
    ];
  };
  readonly alertmanager: {
    readonly enabled: true;
    readonly namespaceOverride: string;
    /** With an alert topic: the service account of ALERTMANAGER_SERVICE_ACCOUNT, annotated with its IAM role. */
    readonly serviceAccount?: { readonly create: true; readonly name: string; readonly annotations: { readonly [key: string]: string } };
    /** With an alert topic: every alert but the heartbeat to SNS (SigV4 with the pod's role). */
    readonly config?: AlertmanagerConfig;
  };
  /**
   * Helm installs a chart's CRDs once and never upgrades them; the chart's upgrade job applies the
   * Prometheus Operator CRDs of the new version server-side (taking the fields over from Helm) in a
   * pre-upgrade hook, before the operator that needs them rolls out.
   */
  readonly crds: {
    readonly enabled: true;
    /** The CRD upgrade job (a hook) and its service account and config map, in `monitoring` too. */
    readonly namespaceOverride: string;
    readonly upgradeJob: { readonly enabled: true; readonly forceConflicts: true; readonly image: CrdUpgradeJobImages };
  };
  /**
   * The EKS kube-proxy add-on serves its metrics on 127.0.0.1 only: scraped from Prometheus it is a
   * target always down and a KubeProxyDown alert that never resolves. Not scraped, no alert.
   */
  readonly kubeProxy: { readonly enabled: false };
  /** EKS runs the control plane: there is no etcd, scheduler or controller manager to scrape. */
  readonly kubeEtcd: { readonly enabled: false };
  readonly kubeScheduler: { readonly enabled: false };
  readonly kubeControllerManager: { readonly enabled: false };
}

/** An image the chart takes as registry, repository and tag: pinned, never `latest`. */
export interface PinnedImage {
  readonly registry: string;
  readonly repository: string;
  readonly tag: string;
}

/** The CRD upgrade job's two images (the chart defaults busybox to docker.io `latest`, kubectl to the API server's version string). */
export interface CrdUpgradeJobImages {
  readonly busybox: PinnedImage;
  readonly kubectl: PinnedImage;
}

/**
 * busybox from the Amazon ECR Public mirror of the Docker official images (the cluster already pulls
 * from public.ecr.aws), pinned by version instead of docker.io `latest`; by version only: why, in
 * modules/core/image-digests.ts.
 */
const CRD_UPGRADE_BUSYBOX: PinnedImage = { registry: "public.ecr.aws", repository: "docker/library/busybox", tag: "1.37.0" };

/** The Alertmanager configuration this construct writes (alertmanager.yaml). */
export interface AlertmanagerConfig {
  readonly route: {
    readonly receiver: string;
    readonly group_by: readonly string[];
    readonly group_wait: string;
    readonly group_interval: string;
    readonly repeat_interval: string;
    readonly routes: readonly { readonly receiver: string; readonly matchers: readonly string[] }[];
  };
  readonly inhibit_rules: readonly {
    readonly source_matchers: readonly string[];
    readonly target_matchers: readonly string[];
    readonly equal: readonly string[];
  }[];
  readonly receivers: readonly (
    | { readonly name: "null" }
    | {
        readonly name: string;
        readonly sns_configs: readonly {
          readonly topic_arn: string;
          readonly sigv4: { readonly region: string };
          readonly subject: string;
          readonly send_resolved: true;
        }[];
      }
  )[];
}

/** Where Alertmanager sends alerts: the environment's SNS topic, with its own IAM role. */
export interface AlertmanagerSns {
  readonly topicArn: string;
  readonly region: string;
  /**
   * IAM role of ALERTMANAGER_SERVICE_ACCOUNT, allowed sns:Publish on the topic: annotates the service account (IRSA).
   * @default none: the role comes through its EKS Pod Identity association (platform layer)
   */
  readonly roleArn?: string;
}

/** Grafana's admin credential: the platform's Secrets Manager secret, read with Grafana's own role. */
export interface GrafanaAdminCredential {
  /** ARN of the secret, JSON `{"username": ..., "password": ...}` (the platform layer's output). */
  readonly secretArn: string;
  /**
   * IAM role of GRAFANA_SERVICE_ACCOUNT, allowed to read the secret: annotates the service account
   * and the class fetches with IRSA.
   * @default none: the role comes through its EKS Pod Identity association (platform layer)
   */
  readonly roleArn?: string;
  /**
   * What the SecretProviderClass waits for: the Secrets Store CSI driver's AWS provider release.
   * @default none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

export interface KubePrometheusStackProps extends HelmAddOnProps {
  /**
   * The cluster's Kubernetes minor (`1.35`): the CRD upgrade job's kubectl is pinned to `v<minor>.0`
   * (the chart would take the API server's version string, `v1.35.2-eks-...`, which is no image tag).
   */
  readonly kubernetesVersion: string;
  /** How long Prometheus keeps samples, a Prometheus duration (`15d`, `48h`). */
  readonly retention: string;
  /** Size of Prometheus' persistent volume, GiB. */
  readonly storageGiB: number;
  /** StorageClass of that volume (see Gp3StorageClass). */
  readonly storageClassName: string;
  /**
   * Route Alertmanager's alerts to an SNS topic.
   * @default none: Alertmanager has no receiver (alerts are visible in its UI only)
   */
  readonly alertmanagerSns?: AlertmanagerSns;
  /** Grafana's admin credential (required: there is no chart-generated admin password). */
  readonly grafanaAdmin: GrafanaAdminCredential;
  /**
   * Namespace of the two Helm releases' records (kube-prometheus-stack and the `grafana-admin`
   * class), Secrets the plan identity may read: never `monitoring`, where the credential is synced
   * (ADR 0012). Every object stays in `monitoring`.
   * @default "monitoring" (the records beside the credential: only for a cluster no plan identity reads)
   */
  readonly releaseNamespace?: string;
}

/**
 * Prometheus (persistent, with retention), Alertmanager, Grafana, node-exporter and
 * kube-state-metrics in the `monitoring` namespace, through the Prometheus Operator.
 *
 * Pod Security: `privileged`, because node-exporter needs the host network and PID namespace
 * and hostPath mounts of /proc, /sys and /.
 *
 * Grafana is never exposed (ClusterIP) and its admin credential is the platform's Secrets Manager
 * secret (generated there, in no config file and no Terraform state), synced by the Secrets Store
 * CSI driver to the Secret `grafana-admin` (docs/operations.md#grafana: read and rotate it).
 * Reach Grafana with `kubectl -n monitoring port-forward svc/kube-prometheus-stack-grafana 3000:80`.
 */
export class KubePrometheusStack extends Construct {
  /** The monitoring namespace. */
  readonly namespace: string;
  /** Name of the Kubernetes Secret holding Grafana's admin user and password (synced from Secrets Manager). */
  readonly grafanaAdminSecretName: string = GRAFANA_ADMIN;
  /** The SecretProviderClass of Grafana's admin credential. */
  readonly grafanaAdminClass: SecretProviderClass;
  /** The Helm release, for `dependsOn` (its CRDs: ServiceMonitor, PodMonitor, PrometheusRule). */
  readonly release: Release;

  constructor(scope: Construct, id: string, props: KubePrometheusStackProps) {
    super(scope, id);
    if (!/^\d+(ms|s|m|h|d|w|y)$/.test(props.retention)) {
      throw new Error(`kube-prometheus-stack: retention "${props.retention}" must be a Prometheus duration such as 15d`);
    }
    if (!Number.isInteger(props.storageGiB) || props.storageGiB < 1) {
      throw new Error(`kube-prometheus-stack: storageGiB must be a positive integer (got ${props.storageGiB})`);
    }
    if (!/^1\.\d+$/.test(props.kubernetesVersion)) {
      throw new Error(`kube-prometheus-stack: kubernetesVersion "${props.kubernetesVersion}" must be a minor such as 1.35`);
    }
    if (!Token.isUnresolved(props.storageClassName) && props.storageClassName.trim() === "") {
      throw new Error("kube-prometheus-stack: storageClassName must not be empty");
    }

    const namespace = new WorkloadNamespace(this, "namespace", {
      name: NAMESPACE,
      level: "privileged",
      justification:
        "node-exporter needs the host network and PID namespace (and hostPath mounts of /proc, /sys and /) to report node metrics",
    });
    const releaseNamespace = props.releaseNamespace ?? namespace.name;
    const grafanaAdmin = new SecretProviderClass(this, "grafana-admin", {
      name: GRAFANA_ADMIN,
      namespace: NAMESPACE,
      releaseNamespace,
      usePodIdentity: props.grafanaAdmin.roleArn === undefined,
      objects: [
        {
          objectName: props.grafanaAdmin.secretArn,
          alias: "credential",
          jmesPath: [
            { path: "username", objectAlias: "admin-user" },
            { path: "password", objectAlias: "admin-password" },
          ],
        },
      ],
      syncToSecrets: [
        {
          secretName: GRAFANA_ADMIN,
          keys: [
            { objectAlias: "admin-user", key: "admin-user" },
            { objectAlias: "admin-password", key: "admin-password" },
          ],
        },
      ],
      dependsOn: [...(props.grafanaAdmin.dependsOn ?? []), namespace.namespace],
    });
    const values: KubePrometheusStackValues = {
      namespaceOverride: NAMESPACE,
      "kube-state-metrics": { namespaceOverride: NAMESPACE },
      "prometheus-node-exporter": { namespaceOverride: NAMESPACE },
      prometheus: {
        prometheusSpec: {
          retention: props.retention,
          storageSpec: {
            volumeClaimTemplate: {
              spec: {
                storageClassName: props.storageClassName,
                accessModes: ["ReadWriteOnce"],
                resources: { requests: { storage: `${props.storageGiB}Gi` } },
              },
            },
          },
          serviceMonitorSelectorNilUsesHelmValues: false,
          podMonitorSelectorNilUsesHelmValues: false,
          probeSelectorNilUsesHelmValues: false,
          scrapeConfigSelectorNilUsesHelmValues: false,
          ruleSelectorNilUsesHelmValues: false,
        },
      },
      grafana: {
        enabled: true,
        namespaceOverride: NAMESPACE,
        service: { type: "ClusterIP" },
        serviceAccount: { create: true, name: GRAFANA_SERVICE_ACCOUNT.name, annotations: irsaAnnotations(props.grafanaAdmin.roleArn) },
        admin: { existingSecret: GRAFANA_ADMIN, userKey: "admin-user", passwordKey: "admin-password" },
        extraSecretMounts: [
          {
            name: "admin-credential",
            mountPath: GRAFANA_ADMIN_MOUNT,
            readOnly: true,
            csi: { driver: "secrets-store.csi.k8s.io", readOnly: true, volumeAttributes: { secretProviderClass: grafanaAdmin.name } },
          },
        ],
      },
      alertmanager:
        props.alertmanagerSns === undefined ? { enabled: true, namespaceOverride: NAMESPACE } : alertmanagerValues(props.alertmanagerSns),
      crds: {
        enabled: true,
        namespaceOverride: NAMESPACE,
        upgradeJob: {
          enabled: true,
          forceConflicts: true,
          image: {
            busybox: CRD_UPGRADE_BUSYBOX,
            kubectl: { registry: "registry.k8s.io", repository: "kubectl", tag: `v${props.kubernetesVersion}.0` },
          },
        },
      },
      kubeProxy: { enabled: false },
      kubeEtcd: { enabled: false },
      kubeScheduler: { enabled: false },
      kubeControllerManager: { enabled: false },
    };
    const release = new PinnedHelmRelease(this, "release", {
      releaseName: RELEASE,
      namespace: releaseNamespace,
      chart: "kubePrometheusStack",
      version: props.chartVersion,
      values,
      // The class exists before Grafana's pod mounts it (the mount creates the Secret the pod reads).
      dependsOn: [...(props.dependsOn ?? []), grafanaAdmin.release, namespace.namespace],
    });
    this.namespace = namespace.name;
    this.grafanaAdminClass = grafanaAdmin;
    this.release = release.release;
  }
}

/** Alertmanager with an SNS receiver: the heartbeat (Watchdog) and info-level alerts stay silent, a critical alert inhibits the warning of the same name. */
function alertmanagerValues(sns: AlertmanagerSns): KubePrometheusStackValues["alertmanager"] {
  return {
    enabled: true,
    namespaceOverride: NAMESPACE,
    serviceAccount: { create: true, name: ALERTMANAGER_SERVICE_ACCOUNT.name, annotations: irsaAnnotations(sns.roleArn) },
    config: {
      route: {
        receiver: "sns",
        group_by: ["alertname", "namespace"],
        group_wait: "30s",
        group_interval: "5m",
        repeat_interval: "4h",
        routes: [
          { receiver: "null", matchers: ['alertname = "Watchdog"'] },
          { receiver: "null", matchers: ['alertname = "InfoInhibitor"'] },
          { receiver: "null", matchers: ['severity = "info"'] },
        ],
      },
      inhibit_rules: [
        { source_matchers: ['severity = "critical"'], target_matchers: ['severity = "warning"'], equal: ["alertname", "namespace"] },
      ],
      receivers: [
        { name: "null" },
        {
          name: "sns",
          sns_configs: [
            {
              topic_arn: sns.topicArn,
              sigv4: { region: sns.region },
              subject: "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.namespace }})",
              send_resolved: true,
            },
          ],
        },
      ],
    },
  };
}
