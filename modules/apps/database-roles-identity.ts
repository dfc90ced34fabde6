import type { ServiceAccountRef } from "../eks/service-account";

/**
 * The Kubernetes service account of the Job that creates the application's database roles: the
 * only identity that may read the Aurora master secret (the platform layer's IAM role trusts exactly
 * this one, the workloads layer creates it in its own namespace).
 */
export const DATABASE_ROLES_SERVICE_ACCOUNT = { namespace: "database-roles", name: "database-roles" } as const satisfies ServiceAccountRef;

/** The PostgreSQL role the backend logs in as, with IAM authentication only (no password). */
export const BACKEND_DATABASE_USER = "backend";
