/**
 * The AWS calls a service's role must be able to make, as the service makes them at run time:
 * kept beside each service (`modules/cluster-services/<name>/aws-calls.ts`, `modules/eks/*-aws-calls.ts`,
 * `modules/apps/*-aws-calls.ts`) and evaluated by the end-to-end suite against the role the
 * platform layer created for it, its policies and its permissions boundary (e2e/service-roles.ts).
 * Keyed by service, not by how the role is assumed (IRSA today, Pod Identity tomorrow).
 */

/** One call: the IAM request it makes. */
export interface ServiceAwsCall {
  /** `ec2:CreateVolume`. */
  readonly action: string;
  /**
   * The resource ARN the call is authorized on, with `${Partition}`, `${Region}`, `${Account}`,
   * `${Environment}`, `${ClusterName}`, `${HostedZoneId}` filled in by the suite; `*` for an
   * action that takes no resource.
   */
  readonly resource: string;
  /** Request context keys the service sets (request tags, `ec2:CreateAction`). */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
  /** What the service does with it, for messages. */
  readonly why: string;
}

/** The calls of one service and the role that makes them. */
export interface ServiceAwsCalls {
  /** The service: `external-dns`, `vpc-cni`, `node`. */
  readonly service: string;
  /** Its role's name after the environment prefix: `external-dns` for `dev-external-dns`. */
  readonly roleName: string;
  readonly calls: readonly ServiceAwsCall[];
}
