import type { ServiceFlow } from "../flow";

const PODS = { namespace: "kube-system", labels: { "app.kubernetes.io/name": "metrics-server" } };

/** The flows metrics-server needs. */
export const METRICS_SERVER_FLOWS: readonly ServiceFlow[] = [
  // The aggregated metrics.k8s.io API: the API server calls it on its secure port.
  { name: "metrics-api-from-control-plane", from: { controlPlane: true }, to: { pods: PODS }, protocol: "TCP", port: 10250 },
];
