import type { ServiceAccountRef } from "../../eks/service-account";

/**
 * The Kubernetes service account Alertmanager runs as (kube-prometheus-stack). The platform layer's
 * IAM role trusts exactly this one (IRSA: it publishes to the alert topic) and the workloads layer
 * has the chart create it with this name: one declaration, so the two layers cannot drift.
 */
export const ALERTMANAGER_SERVICE_ACCOUNT = { namespace: "monitoring", name: "alertmanager" } as const satisfies ServiceAccountRef;
