/** A Kubernetes service account: the one identity a workload role is bound to. */
export interface ServiceAccountRef {
  readonly namespace: string;
  readonly name: string;
}
