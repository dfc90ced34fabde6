import type { Release } from "@cdktf/provider-helm/lib/release";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { PinnedHelmRelease, type Toleration } from "../pinned-helm-release";

const NAMESPACE = "kube-system";
/** Node-level daemons: every node a pod may mount secrets on, whatever its taints. */
const EVERY_NODE: readonly Toleration[] = [{ operator: "Exists" }];

/** The secrets-store-csi-driver chart values this construct sets. */
export interface SecretsStoreCsiDriverValues {
  readonly linux: {
    readonly tolerations: readonly Toleration[];
    readonly priorityClassName: "system-node-critical";
  };
  /**
   * On: a SecretProviderClass's `secretObjects` become Kubernetes Secrets while a pod mounts it, for
   * charts that read a Secret, not a file (Grafana's admin credential and its sidecars). The driver
   * gets RBAC on Secrets for it; a class without `secretObjects` still leaves its secrets files only.
   */
  readonly syncSecret: { readonly enabled: true };
  readonly enableSecretRotation: true;
  readonly rotationPollInterval: string;
  /**
   * The service-account tokens the driver hands the AWS provider (2.0+ reads them instead of
   * requesting its own): IRSA's audience and EKS Pod Identity's.
   */
  readonly tokenRequests: readonly [{ readonly audience: "sts.amazonaws.com" }, { readonly audience: "pods.eks.amazonaws.com" }];
}

/** The secrets-store-csi-driver-provider-aws chart values this construct sets. */
export interface SecretsStoreCsiProviderAwsValues {
  readonly tolerations: readonly Toleration[];
  readonly priorityClassName: "system-node-critical";
  /**
   * Off: from chart 2.0 the provider bundles the CSI driver (install defaults to true), which would
   * put a second driver DaemonSet and CSIDriver object next to our driver release.
   */
  readonly "secrets-store-csi-driver": { readonly install: false };
}

export interface SecretsStoreCsiProps {
  /** Exact secrets-store-csi-driver chart version. */
  readonly driverChartVersion: string;
  /** Exact secrets-store-csi-driver-provider-aws chart version. */
  readonly providerChartVersion: string;
  /**
   * How often mounted secrets are re-read, a Go duration (`2m`, `1h`). Every poll of every mount
   * is a Secrets Manager API call (billed): lengthen it when many pods mount secrets.
   * @default "2m"
   */
  readonly rotationPollInterval?: string;
  /**
   * Resources the driver waits for.
   * @default none
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The Secrets Store CSI driver and its AWS provider in kube-system: pods mount Secrets Manager
 * secrets and SSM parameters as files through a SecretProviderClass, with rotation on and
 * syncing to Kubernetes Secrets on for the classes that ask for it (`secretObjects`). Install SecretProviderClasses after `providerRelease`.
 */
export class SecretsStoreCsi extends Construct {
  /** The driver release (CRDs SecretProviderClass and SecretProviderClassPodStatus). */
  readonly driverRelease: Release;
  /** The AWS provider release, installed after the driver. */
  readonly providerRelease: Release;

  constructor(scope: Construct, id: string, props: SecretsStoreCsiProps) {
    super(scope, id);
    const rotationPollInterval = props.rotationPollInterval ?? "2m";
    if (!/^\d+(s|m|h)$/.test(rotationPollInterval)) {
      throw new Error(`Secrets Store CSI: rotationPollInterval "${rotationPollInterval}" must be a duration such as 2m or 1h`);
    }

    const driver = new PinnedHelmRelease<SecretsStoreCsiDriverValues>(this, "driver", {
      releaseName: "secrets-store-csi-driver",
      namespace: NAMESPACE,
      chart: "secretsStoreCsiDriver",
      version: props.driverChartVersion,
      values: {
        linux: { tolerations: EVERY_NODE, priorityClassName: "system-node-critical" },
        syncSecret: { enabled: true },
        enableSecretRotation: true,
        rotationPollInterval,
        tokenRequests: [{ audience: "sts.amazonaws.com" }, { audience: "pods.eks.amazonaws.com" }],
      },
      dependsOn: props.dependsOn,
    });
    const provider = new PinnedHelmRelease<SecretsStoreCsiProviderAwsValues>(this, "provider-aws", {
      releaseName: "secrets-store-csi-driver-provider-aws",
      namespace: NAMESPACE,
      chart: "secretsStoreCsiProviderAws",
      version: props.providerChartVersion,
      values: { tolerations: EVERY_NODE, priorityClassName: "system-node-critical", "secrets-store-csi-driver": { install: false } },
      dependsOn: [driver.release],
    });
    this.driverRelease = driver.release;
    this.providerRelease = provider.release;
  }
}
