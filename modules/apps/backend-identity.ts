import type { ServiceAccountRef } from "../eks/service-account";

/**
 * The Kubernetes service account the backend application runs as. The platform layer's IAM role trusts exactly this
 * one (IRSA) and the workloads layer creates it with this name: one declaration, so the two layers
 * cannot drift.
 */
export const BACKEND_SERVICE_ACCOUNT = { namespace: "backend", name: "backend" } as const satisfies ServiceAccountRef;
