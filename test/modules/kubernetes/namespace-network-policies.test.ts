import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import {
  NamespaceNetworkPolicies,
  type NamespaceNetworkPoliciesProps,
  type PeerRule,
} from "../../../modules/kubernetes/namespace-network-policies";
import { resourcesOf, type TerraformJson } from "../../support/synthesized";

const synth = (overrides: Partial<NamespaceNetworkPoliciesProps> = {}) =>
  Testing.synthScope(
    (scope) => new NamespaceNetworkPolicies(scope, "policies", { namespace: "apps", ingressRules: [], egressRules: [], ...overrides }),
  );

/** The synthesized NetworkPolicy named `name`. */
function policyNamed(json: string, name: string): Record<string, unknown> | undefined {
  return Object.values(resourcesOf(JSON.parse(json) as TerraformJson, "kubernetes_network_policy_v1")).find(
    (policy) => (policy["metadata"] as { name?: string }).name === name,
  );
}

const FROM_INGRESS_CONTROLLER: PeerRule = {
  name: "frontend-from-ingress",
  podSelector: { "app.kubernetes.io/name": "frontend" },
  peers: [{ namespaceLabels: { "kubernetes.io/metadata.name": "monitoring" }, podLabels: { "app.kubernetes.io/name": "prometheus" } }],
  ports: [{ port: 8080, protocol: "TCP" }],
};

const TO_DATABASE: PeerRule = {
  name: "backend-to-database",
  podSelector: { "app.kubernetes.io/name": "backend" },
  peers: [{ cidrs: ["10.0.32.0/21", "10.0.40.0/21"] }],
  ports: [
    { port: 5432, protocol: "TCP" },
    { port: 6379, protocol: "TCP" },
  ],
};

describe("NamespaceNetworkPolicies", () => {
  it("denies all ingress and egress of every pod in the namespace by default", () => {
    expect(policyNamed(synth(), "default-deny")).toEqual({
      metadata: { name: "default-deny", namespace: "apps" },
      spec: { pod_selector: {}, policy_types: ["Ingress", "Egress"] },
    });
  });

  it("lets every pod resolve names with CoreDNS in kube-system over UDP and TCP", () => {
    expect(synth()).toHaveResourceWithProperties(NetworkPolicyV1, {
      metadata: { name: "allow-dns", namespace: "apps" },
      spec: {
        pod_selector: {},
        policy_types: ["Egress"],
        egress: [
          {
            to: [
              {
                namespace_selector: { match_labels: { "kubernetes.io/metadata.name": "kube-system" } },
                pod_selector: { match_labels: { "k8s-app": "kube-dns" } },
              },
            ],
            ports: [
              { port: "53", protocol: "UDP" },
              { port: "53", protocol: "TCP" },
            ],
          },
        ],
      },
    });
  });

  it("GIVEN an ingress rule from another namespace's pods WHEN synthesized THEN only those pods reach the selected pods, on the rule's ports", () => {
    expect(policyNamed(synth({ ingressRules: [FROM_INGRESS_CONTROLLER] }), "ingress-frontend-from-ingress")).toEqual({
      metadata: { name: "ingress-frontend-from-ingress", namespace: "apps" },
      spec: {
        pod_selector: { match_labels: { "app.kubernetes.io/name": "frontend" } },
        policy_types: ["Ingress"],
        ingress: [
          {
            from: [
              {
                namespace_selector: { match_labels: { "kubernetes.io/metadata.name": "monitoring" } },
                pod_selector: { match_labels: { "app.kubernetes.io/name": "prometheus" } },
              },
            ],
            ports: [{ port: "8080", protocol: "TCP" }],
          },
        ],
      },
    });
  });

  it("GIVEN an egress rule to CIDR blocks WHEN synthesized THEN the selected pods reach each block on the rule's ports only", () => {
    expect(policyNamed(synth({ egressRules: [TO_DATABASE] }), "egress-backend-to-database")).toEqual({
      metadata: { name: "egress-backend-to-database", namespace: "apps" },
      spec: {
        pod_selector: { match_labels: { "app.kubernetes.io/name": "backend" } },
        policy_types: ["Egress"],
        egress: [
          {
            to: [{ ip_block: { cidr: "10.0.32.0/21" } }, { ip_block: { cidr: "10.0.40.0/21" } }],
            ports: [
              { port: "5432", protocol: "TCP" },
              { port: "6379", protocol: "TCP" },
            ],
          },
        ],
      },
    });
  });

  it("GIVEN a rule without a pod selector WHEN synthesized THEN it applies to every pod of the namespace", () => {
    const json = synth({ egressRules: [{ ...TO_DATABASE, podSelector: undefined }] });
    expect(policyNamed(json, "egress-backend-to-database")).toMatchObject({ spec: { pod_selector: {} } });
  });

  it("names every policy it creates", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const policies = new NamespaceNetworkPolicies(stack, "policies", {
      namespace: "apps",
      ingressRules: [FROM_INGRESS_CONTROLLER],
      egressRules: [TO_DATABASE],
    });
    expect(policies.policyNames).toEqual(["default-deny", "allow-dns", "ingress-frontend-from-ingress", "egress-backend-to-database"]);
  });

  it("refuses a rule that would open every port or admit every peer", () => {
    expect(() => synth({ egressRules: [{ ...TO_DATABASE, ports: [] }] })).toThrow(
      "Network policy egress-backend-to-database in apps: name at least one port (an empty list would allow every port)",
    );
    expect(() => synth({ ingressRules: [{ ...FROM_INGRESS_CONTROLLER, peers: [] }] })).toThrow(
      "Network policy ingress-frontend-from-ingress in apps: name at least one peer (an empty list would allow everyone)",
    );
  });

  it("refuses a CIDR that is not a network address", () => {
    expect(() => synth({ egressRules: [{ ...TO_DATABASE, peers: [{ cidrs: ["10.0.32.1/21"] }] }] })).toThrow(
      'Network policy egress-backend-to-database in apps: "10.0.32.1/21" is not a CIDR block (network address/prefix)',
    );
  });

  it("refuses a peer that selects nothing", () => {
    expect(() => synth({ ingressRules: [{ ...FROM_INGRESS_CONTROLLER, peers: [{}] }] })).toThrow(
      "Network policy ingress-frontend-from-ingress in apps: a peer needs namespaceLabels, podLabels or cidrs",
    );
  });
});
