import type { ServiceFlow } from "../flow";

const PROMETHEUS = { namespace: "monitoring", labels: { "app.kubernetes.io/name": "prometheus" } };

/** The flows of the monitoring stack. */
export const KUBE_PROMETHEUS_STACK_FLOWS: readonly ServiceFlow[] = [
  // The operator's admission webhook (PrometheusRule validation), called by the API server.
  {
    name: "operator-webhook-from-control-plane",
    from: { controlPlane: true },
    to: { pods: { namespace: "monitoring", labels: { app: "kube-prometheus-stack-operator" } } },
    protocol: "TCP",
    port: 10250,
  },
  // Scrapes.
  {
    name: "scrape-node-exporter",
    from: { pods: PROMETHEUS },
    to: { pods: { namespace: "monitoring", labels: { "app.kubernetes.io/name": "prometheus-node-exporter" } } },
    protocol: "TCP",
    port: 9100,
  },
  {
    name: "scrape-kube-state-metrics",
    from: { pods: PROMETHEUS },
    to: { pods: { namespace: "monitoring", labels: { "app.kubernetes.io/name": "kube-state-metrics" } } },
    protocol: "TCP",
    port: 8080,
  },
  {
    name: "alertmanager-to-sns",
    from: { pods: { namespace: "monitoring", labels: { "app.kubernetes.io/name": "alertmanager" } } },
    to: { awsApis: true },
    protocol: "TCP",
    port: 443,
  },
];
