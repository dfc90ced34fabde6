/**
 * The Kubernetes group of the plan identity in environment `environment`: the platform layer puts
 * the plan role's access entry in it, the workloads layer binds it (PlanReaderRbac, ADR 0012). Per
 * environment, and never `system:` prefixed (EKS refuses reserved prefixes in an access entry).
 * A file of its own: the platform layer reads it without loading the kubernetes provider.
 */
export function planReaderGroup(environment: string): string {
  return `${environment}:terraform-plan`;
}
