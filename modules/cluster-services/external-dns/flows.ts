import type { ServiceFlow } from "../flow";
import { EXTERNAL_DNS_SERVICE_ACCOUNT } from "./identity";

/** The flows external-dns needs. */
export const EXTERNAL_DNS_FLOWS: readonly ServiceFlow[] = [
  {
    name: "route53-api",
    from: { pods: { namespace: EXTERNAL_DNS_SERVICE_ACCOUNT.namespace, labels: { "app.kubernetes.io/name": "external-dns" } } },
    to: { awsApis: true },
    protocol: "TCP",
    port: 443,
  },
];
