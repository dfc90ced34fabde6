import { LOAD_BALANCER_CONTROLLER_FLOWS } from "./aws-load-balancer-controller/flows";
import { EXTERNAL_DNS_FLOWS } from "./external-dns/flows";
import type { ServiceFlow } from "./flow";
import { KUBE_PROMETHEUS_STACK_FLOWS } from "./kube-prometheus-stack/flows";
import { METRICS_SERVER_FLOWS } from "./metrics-server/flows";

/** Every cluster service's flows, by service (each declared in its own folder). */
export const CLUSTER_SERVICE_FLOWS: { readonly [service: string]: readonly ServiceFlow[] } = {
  "aws-load-balancer-controller": LOAD_BALANCER_CONTROLLER_FLOWS,
  "external-dns": EXTERNAL_DNS_FLOWS,
  "kube-prometheus-stack": KUBE_PROMETHEUS_STACK_FLOWS,
  "metrics-server": METRICS_SERVER_FLOWS,
};
