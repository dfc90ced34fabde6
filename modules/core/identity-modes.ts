/**
 * How the cluster's workloads get their IAM roles (`platform.identity.mode`):
 * - `podIdentity`: EKS Pod Identity associations only; the roles trust `pods.eks.amazonaws.com`
 *   and the cluster has no IAM OIDC provider (the default);
 * - `both`: the cut-over phase of a migration from IRSA: both trusts, the associations and the
 *   OIDC provider exist, service accounts lose their IRSA annotation so restarted pods take Pod
 *   Identity credentials while running ones keep their web-identity tokens;
 * - `irsa`: IAM roles for service accounts only (the state before the migration).
 * docs/migrations/irsa-to-pod-identity.md gives the sequence.
 */
export const IDENTITY_MODES = ["irsa", "both", "podIdentity"] as const;
export type IdentityMode = (typeof IDENTITY_MODES)[number];

/** Whether the cluster keeps its IAM OIDC provider and the roles their OIDC trust. */
export const usesIrsa = (mode: IdentityMode): boolean => mode !== "podIdentity";
/** Whether the roles trust EKS Pod Identity and the associations exist. */
export const usesPodIdentity = (mode: IdentityMode): boolean => mode !== "irsa";
/** Whether service accounts carry the IRSA annotation (`eks.amazonaws.com/role-arn`): in `irsa` mode only. */
export const annotatesServiceAccounts = (mode: IdentityMode): boolean => mode === "irsa";
