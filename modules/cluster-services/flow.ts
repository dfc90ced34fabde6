/**
 * A network flow a cluster service needs, declared beside the service
 * (`modules/cluster-services/<name>/flows.ts`). The render policy (test/render/) checks that every
 * namespace with a default-deny NetworkPolicy admits each flow into or out of its pods.
 */
export interface ServiceFlow {
  /** What the flow is for, in a few words. */
  readonly name: string;
  /** Who connects. */
  readonly from: FlowEnd;
  /** Who is connected to. */
  readonly to: FlowEnd;
  readonly protocol: "TCP" | "UDP";
  /** The destination port; `"target"` for the port the route's backend Service targets. */
  readonly port: number | "target";
}

export type FlowEnd =
  /** Pods of a namespace, selected by labels. */
  | { readonly pods: { readonly namespace: string; readonly labels: { readonly [key: string]: string } } }
  /** The EKS control plane (webhooks, the API server's calls to aggregated APIs). */
  | { readonly controlPlane: true }
  /** The subnets of a network-layer output (`public_subnet_cidrs`: the ALB's nodes). */
  | { readonly subnets: string }
  /** The pods behind every HTTPRoute of a Gateway this service serves. */
  | { readonly routeBackends: true }
  /** AWS APIs (through the VPC endpoints or NAT). */
  | { readonly awsApis: true };
