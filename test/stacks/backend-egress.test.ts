import { describe, expect, it } from "vitest";
import { ENVIRONMENTS } from "../support/fixtures";
import { resourcesOf, synthesizedStack } from "../support/synthesized";

type Body = Record<string, unknown>;
interface EgressRule {
  readonly ports?: readonly { readonly port: string; readonly protocol: string }[];
  readonly to?: readonly Body[];
}

/** The reserved endpoint range of each AZ, as the workloads stack reads it from the network layer. */
const endpointRanges = (azCount: number) =>
  Array.from({ length: azCount }, (_, i) => ({
    ip_block: { cidr: `\${element(data.terraform_remote_state.network-state.outputs.vpc_endpoint_cidrs, ${i})}` },
  }));

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

describe.each(ENVIRONMENTS.map((env) => [`workloads-${env.name}`, env] as const))(
  "%s: the backend's egress on 443 (AWS APIs)",
  (stack, env) => {
    it("GIVEN the backend's network policies WHEN it opens a connection on 443 THEN the only peers are the ranges reserved for the interface endpoints (not the VPC, which holds the API server's interfaces)", () => {
      expect(peersOnPort(stack, 443)).toEqual(endpointRanges(env.network.azCount));
    });

    it("GIVEN the policy for the VPC endpoints WHEN synthesized THEN it opens TCP 443 to those ranges with no exception and nothing else", () => {
      const policy = backendPolicies(stack).find((candidate) => (candidate["metadata"] as Body)["name"] === "egress-to-vpc-endpoints");
      expect((policy?.["spec"] as Body | undefined)?.["egress"]).toEqual([
        { ports: [{ port: "443", protocol: "TCP" }], to: endpointRanges(env.network.azCount) },
      ]);
    });
  },
);

describe.each(ENVIRONMENTS.map((env) => `workloads-${env.name}`))("%s: the way to the EKS Pod Identity agent", (stack) => {
  it("GIVEN the backend's network policies WHEN it asks for credentials on port 80 THEN the only peer is the agent's link-local address", () => {
    expect(peersOnPort(stack, 80)).toEqual([{ ip_block: { cidr: "169.254.170.23/32" } }]);
  });

  it("GIVEN the database-roles Job's network policies WHEN synthesized THEN they let it reach the agent too", () => {
    const policies = Object.values(resourcesOf(synthesizedStack(stack).doc, "kubernetes_network_policy_v1")).filter((policy) =>
      String((policy["metadata"] as Body)["namespace"]).includes("database-roles"),
    );
    const rule = policies.find((policy) => (policy["metadata"] as Body)["name"] === "egress-to-pod-identity-agent");
    expect((rule?.["spec"] as Body | undefined)?.["egress"]).toEqual([
      { ports: [{ port: "80", protocol: "TCP" }], to: [{ ip_block: { cidr: "169.254.170.23/32" } }] },
    ]);
  });
});

describe.each(ENVIRONMENTS.map((env) => [`network-${env.name}`, env] as const))("%s: the interface endpoints' addresses", (stack, env) => {
  const doc = synthesizedStack(stack).doc;
  /** The second /28 of each private-app subnet, written out: 10.10.0.0/20 keeps 10.10.0.16/28. */
  const secondSlash28 = (cidr: string) => {
    const octets = cidr.split("/")[0]!.split(".").map(Number);
    octets[3] = octets[3]! + 16;
    return `${octets.join(".")}/28`;
  };
  const ranges = env.subnetPlan.privateApp.map(secondSlash28);
  const inRange = (address: string, range: string) => {
    const [base] = range.split("/");
    const [a, b] = [address.split(".").map(Number), base!.split(".").map(Number)];
    return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3]! >= b[3]! && a[3]! < b[3]! + 16;
  };

  it("GIVEN the network layer WHEN synthesized THEN each private-app subnet keeps its second /28 for the endpoints (explicit reservation) and publishes it", () => {
    const reservations = Object.values(resourcesOf(doc, "aws_ec2_subnet_cidr_reservation"));
    expect(reservations.map((r) => [r["cidr_block"], r["reservation_type"]])).toEqual(ranges.map((range) => [range, "explicit"]));
    expect(doc.output?.["vpc_endpoint_cidrs"]?.value).toEqual(ranges);
  });

  it("GIVEN the reserved ranges WHEN someone finds them in the console THEN each says whose endpoints it keeps", () => {
    const reservations = Object.values(resourcesOf(doc, "aws_ec2_subnet_cidr_reservation"));
    expect(reservations.map((r) => r["description"])).toEqual(ranges.map(() => `Interface endpoints of ${env.name} only`));
  });

  it("GIVEN the application VPC's interface endpoints WHEN synthesized THEN every address they take lies in those ranges, one range per subnet", () => {
    const appEndpoints = Object.values(resourcesOf(doc, "aws_vpc_endpoint")).filter(
      (e) => e["vpc_endpoint_type"] === "Interface" && !String(e["vpc_id"]).includes("management"),
    );
    expect(appEndpoints.length).toBe(env.network.interfaceEndpoints.length);
    const addresses = appEndpoints.flatMap((e) => ((e["subnet_configuration"] as Body[] | undefined) ?? []).map((c) => String(c["ipv4"])));
    expect(addresses).toHaveLength(appEndpoints.length * env.network.azCount);
    for (const address of addresses)
      expect(
        ranges.some((range) => inRange(address, range)),
        address,
      ).toBe(true);
    expect(new Set(addresses).size).toBe(addresses.length);
  });
});
