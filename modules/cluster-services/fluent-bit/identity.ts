import type { ServiceAccountRef } from "../../eks/service-account";

/**
 * The Kubernetes service account fluent-bit runs as. The platform layer's IAM role trusts exactly this
 * one (IRSA) and the workloads layer creates it with this name: one declaration, so the two layers
 * cannot drift.
 */
export const FLUENT_BIT_SERVICE_ACCOUNT = { namespace: "logging", name: "fluent-bit" } as const satisfies ServiceAccountRef;
