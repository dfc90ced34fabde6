import type { ServiceAccountRef } from "../../eks/service-account";

/**
 * The Kubernetes service account Alertmanager runs as (kube-prometheus-stack). The platform layer's
 * IAM role trusts exactly this one (IRSA: it publishes to the alert topic) and the workloads layer
 * has the chart create it with this name: one declaration, so the two layers cannot drift.
 */
export const ALERTMANAGER_SERVICE_ACCOUNT = { namespace: "monitoring", name: "alertmanager" } as const satisfies ServiceAccountRef;

/**
 * The Kubernetes service account Grafana runs as. Its platform role reads one secret, Grafana's
 * admin credential (the Secrets Store CSI driver fetches it with the pod's identity and syncs it to
 * the Kubernetes Secret the chart's `admin.existingSecret` names); the chart creates it with this name.
 */
export const GRAFANA_SERVICE_ACCOUNT = { namespace: "monitoring", name: "grafana" } as const satisfies ServiceAccountRef;

/** The user name of Grafana's admin credential (the secret's `username`). */
export const GRAFANA_ADMIN_USER = "admin";

/**
 * Name of the Secrets Manager secret of Grafana's admin credential in an environment: the platform
 * layer creates it, the CI identity lets the plan role refresh its write-only version.
 */
export const grafanaAdminSecretName = (environment: string): string => `${environment}/grafana/admin`;
