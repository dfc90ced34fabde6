import { describe, expect, it } from "vitest";
import { ENVIRONMENTS } from "../support/fixtures";
import { resourcesOf, synthesizedStack } from "../support/synthesized";

type Body = Record<string, unknown>;
interface EgressRule {
  readonly ports?: readonly { readonly port: string; readonly protocol: string }[];
  readonly to?: readonly Body[];
}

const VPC_CIDR = "${data.terraform_remote_state.network-state.outputs.vpc_cidr}";

/** The network policies of the backend's namespace in a workloads stack. */
function backendPolicies(stack: string): Body[] {
  return Object.values(resourcesOf(synthesizedStack(stack).doc, "kubernetes_network_policy_v1")).filter((policy) =>
    String((policy["metadata"] as Body)["namespace"]).includes("kubernetes_namespace_v1.backend-namespace"),
  );
}

/** Every peer the backend namespace may reach on TCP `port`, over all of its egress policies. */
function peersOnPort(stack: string, port: number): Body[] {
  return backendPolicies(stack).flatMap((policy) =>
    (((policy["spec"] as Body)["egress"] ?? []) as EgressRule[])
      .filter((rule) => (rule.ports ?? []).length === 0 || (rule.ports ?? []).some((p) => p.protocol === "TCP" && Number(p.port) === port))
      .flatMap((rule) => rule.to ?? [{ anywhere: true }]),
  );
}

describe.each(ENVIRONMENTS.map((env) => `workloads-${env.name}`))("%s: the backend's egress on 443 (AWS APIs)", (stack) => {
  it("GIVEN the backend's network policies WHEN it opens a connection on 443 THEN the only peer is the VPC's CIDR (its interface endpoints)", () => {
    expect(peersOnPort(stack, 443)).toEqual([{ ip_block: { cidr: VPC_CIDR } }]);
  });

  it("GIVEN the policy for the VPC endpoints WHEN synthesized THEN it opens TCP 443 to the VPC's CIDR with no exception and nothing else", () => {
    const policy = backendPolicies(stack).find((candidate) => (candidate["metadata"] as Body)["name"] === "egress-to-vpc-endpoints");
    expect((policy?.["spec"] as Body | undefined)?.["egress"]).toEqual([{ ports: [{ port: "443", protocol: "TCP" }], to: [{ ip_block: { cidr: VPC_CIDR } }] }]);
  });
});
