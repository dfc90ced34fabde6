import type { ServiceAccountRef } from "../../eks/service-account";

/**
 * The Kubernetes service account external-dns runs as. The platform layer's IAM role trusts exactly this
 * one (IRSA) and the workloads layer creates it with this name: one declaration, so the two layers
 * cannot drift.
 */
export const EXTERNAL_DNS_SERVICE_ACCOUNT = { namespace: "external-dns", name: "external-dns" } as const satisfies ServiceAccountRef;
