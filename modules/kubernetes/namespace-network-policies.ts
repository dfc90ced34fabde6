import {
  NetworkPolicyV1,
  type NetworkPolicyV1SpecEgressTo,
  type NetworkPolicyV1SpecIngressFrom,
  type NetworkPolicyV1SpecIngressPorts,
  type NetworkPolicyV1Spec,
} from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { Validator } from "ip-num";

/** Kubernetes labels, `{ "app.kubernetes.io/name": "backend" }`. */
export type Labels = { readonly [key: string]: string };

/**
 * Pods selected by labels. With `namespaceLabels` only: every pod of the matching namespaces; with
 * `podLabels` only: the matching pods of the policy's own namespace; with both: the matching pods
 * of the matching namespaces. `{}` as a selector means all (namespaces or pods), explicitly.
 */
export interface PodPeer {
  readonly namespaceLabels?: Labels;
  readonly podLabels?: Labels;
}

/** Addresses outside the cluster (or any address), as CIDR blocks. */
export interface CidrPeer {
  /** IPv4 or IPv6 CIDR blocks (network addresses, `10.0.0.0/16`); tokens are taken as they are. */
  readonly cidrs: readonly string[];
}

export type Peer = PodPeer | CidrPeer;

export interface PeerPort {
  readonly port: number;
  readonly protocol: "TCP" | "UDP";
}

/** One allowed flow: traffic from (ingress) or to (egress) the peers, on the ports. */
export interface PeerRule {
  /** Names the policy, `ingress-<name>` or `egress-<name>`: a DNS label. */
  readonly name: string;
  /**
   * The pods of this namespace the rule applies to.
   * @default all pods of the namespace
   */
  readonly podSelector?: Labels;
  /** Who may connect (ingress) or be connected to (egress); at least one. */
  readonly peers: readonly Peer[];
  /** The destination ports allowed; at least one (least privilege: no "every port"). */
  readonly ports: readonly PeerPort[];
}

export interface NamespaceNetworkPoliciesProps {
  /** The namespace the policies protect (created elsewhere, see WorkloadNamespace). */
  readonly namespace: string;
  /** Allowed incoming flows, one NetworkPolicy each. */
  readonly ingressRules: readonly PeerRule[];
  /** Allowed outgoing flows besides DNS, one NetworkPolicy each. */
  readonly egressRules: readonly PeerRule[];
}

/** Names of the two policies every namespace gets. */
const DEFAULT_DENY_POLICY = "default-deny";
const ALLOW_DNS_POLICY = "allow-dns";

/** The label Kubernetes puts on every namespace with its own name (1.22+), immutable. */
const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Zero-trust networking for one namespace: `default-deny` selects every pod for ingress and egress
 * with no rule (nothing flows unless another policy allows it), `allow-dns` lets every pod reach
 * CoreDNS in kube-system on 53/UDP and 53/TCP, and each rule adds one policy allowing exactly its
 * flow. NetworkPolicies are additive, so the rules widen the default deny and never conflict.
 * Enforcement needs a policy engine (the VPC CNI's, switched on in EksAddons).
 */
export class NamespaceNetworkPolicies extends Construct {
  /** Names of every NetworkPolicy created, in creation order. */
  readonly policyNames: readonly string[];

  constructor(scope: Construct, id: string, props: NamespaceNetworkPoliciesProps) {
    super(scope, id);
    const names: string[] = [];
    const policy = (name: string, spec: NetworkPolicyV1Spec) => {
      names.push(name);
      return new NetworkPolicyV1(this, name, { metadata: { name, namespace: props.namespace }, spec });
    };

    validateRules(props.namespace, "ingress", props.ingressRules);
    validateRules(props.namespace, "egress", props.egressRules);

    policy(DEFAULT_DENY_POLICY, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    policy(ALLOW_DNS_POLICY, {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: "kube-system" } },
              podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
            },
          ],
          ports: [
            { port: "53", protocol: "UDP" },
            { port: "53", protocol: "TCP" },
          ],
        },
      ],
    });

    for (const rule of props.ingressRules) {
      policy(`ingress-${rule.name}`, {
        podSelector: podSelector(rule),
        policyTypes: ["Ingress"],
        ingress: [{ from: rule.peers.flatMap(peerSelectors), ports: ports(rule) }],
      });
    }
    for (const rule of props.egressRules) {
      policy(`egress-${rule.name}`, {
        podSelector: podSelector(rule),
        policyTypes: ["Egress"],
        egress: [{ to: rule.peers.flatMap(peerSelectors), ports: ports(rule) }],
      });
    }
    this.policyNames = names;
  }
}

const podSelector = (rule: PeerRule) => (rule.podSelector === undefined ? {} : { matchLabels: { ...rule.podSelector } });

const ports = (rule: PeerRule): NetworkPolicyV1SpecIngressPorts[] =>
  rule.ports.map(({ port, protocol }) => ({ port: String(port), protocol }));

/** The peer as NetworkPolicy peers (ingress `from` and egress `to` have the same shape): one per CIDR. */
function peerSelectors(peer: Peer): (NetworkPolicyV1SpecIngressFrom & NetworkPolicyV1SpecEgressTo)[] {
  if ("cidrs" in peer) return peer.cidrs.map((cidr) => ({ ipBlock: { cidr } }));
  return [
    {
      ...(peer.namespaceLabels === undefined ? {} : { namespaceSelector: { matchLabels: { ...peer.namespaceLabels } } }),
      ...(peer.podLabels === undefined ? {} : { podSelector: { matchLabels: { ...peer.podLabels } } }),
    },
  ];
}

function validateRules(namespace: string, direction: "ingress" | "egress", rules: readonly PeerRule[]): void {
  const seen = new Set<string>();
  for (const rule of rules) {
    const what = `Network policy ${direction}-${rule.name} in ${namespace}`;
    if (!DNS_LABEL.test(`${direction}-${rule.name}`)) {
      throw new Error(
        `${what}: the rule name must be a DNS label (lowercase letters, digits and '-', at most ${62 - direction.length} characters)`,
      );
    }
    if (seen.has(rule.name)) throw new Error(`${what}: two ${direction} rules are named "${rule.name}"`);
    seen.add(rule.name);
    if (rule.peers.length === 0) throw new Error(`${what}: name at least one peer (an empty list would allow everyone)`);
    if (rule.ports.length === 0) throw new Error(`${what}: name at least one port (an empty list would allow every port)`);
    for (const { port } of rule.ports) {
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${what}: port ${port} is not a port number (1-65535)`);
    }
    for (const peer of rule.peers) {
      if ("cidrs" in peer) {
        if (peer.cidrs.length === 0) throw new Error(`${what}: a CIDR peer needs at least one CIDR`);
        for (const cidr of peer.cidrs) {
          if (!Token.isUnresolved(cidr) && !isCidr(cidr))
            throw new Error(`${what}: "${cidr}" is not a CIDR block (network address/prefix)`);
        }
      } else if (peer.namespaceLabels === undefined && peer.podLabels === undefined) {
        throw new Error(`${what}: a peer needs namespaceLabels, podLabels or cidrs`);
      }
    }
  }
}

const isCidr = (cidr: string) => (cidr.includes(":") ? Validator.isValidIPv6CidrRange(cidr)[0] : Validator.isValidIPv4CidrRange(cidr)[0]);
