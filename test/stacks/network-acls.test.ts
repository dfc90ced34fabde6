import { IPv4CidrRange } from "ip-num";
import { describe, expect, it } from "vitest";
import { ENVIRONMENTS } from "../support/fixtures";
import { naclVerdict, type AclRule } from "../support/nacl";
import { resourcesOf, synthesizedStack } from "../support/synthesized";

type Body = Record<string, unknown>;
const tierOf = (resource: Body) => (resource["tags"] as Record<string, string> | undefined)?.["tier"];

/** The tier NACL of an environment's network stack, e.g. `private-data`. */
function acl(envName: string, tier: string): { ingress: AclRule[]; egress: AclRule[] } {
  const found = Object.values(resourcesOf(synthesizedStack(`network-${envName}`).doc, "aws_network_acl")).filter(
    (candidate) => tierOf(candidate) === tier,
  );
  expect(found).toHaveLength(1);
  return found[0] as unknown as { ingress: AclRule[]; egress: AclRule[] };
}

/** A host inside each subnet of a tier (the subnet's tenth address), from the synthesized subnets. */
function hostsOf(envName: string, tier: string): string[] {
  return Object.values(resourcesOf(synthesizedStack(`network-${envName}`).doc, "aws_subnet"))
    .filter((subnet) => tierOf(subnet) === tier)
    .map((subnet) => IPv4CidrRange.fromCidr(String(subnet["cidr_block"])).getFirst().nextIPNumber().getValue() + 9n)
    .map((value) => [24n, 16n, 8n, 0n].map((shift) => Number((value >> shift) & 255n)).join("."));
}

/** An address of the VPC that no subnet holds: the VPC's last /24 (the subnet plans leave it free). */
function unusedVpcAddress(vpcCidr: string): string {
  const last = IPv4CidrRange.fromCidr(vpcCidr).getLast().toString();
  return last.replace(/\d+$/, "200");
}

describe.each(ENVIRONMENTS.map((env) => [env.name, env] as const))(
  "network-%s: the data tier's NACL, evaluated in rule order",
  (name, env) => {
    const dataIngress = () => acl(name, "private-data").ingress;

    it("GIVEN a host in each app subnet WHEN it connects on a data port THEN the data tier admits it", () => {
      for (const host of hostsOf(name, "private-app")) {
        for (const port of env.network.dataTierPorts) expect(naclVerdict(dataIngress(), host, port), `${host}:${port}`).toBe("allow");
      }
    });

    it("GIVEN a host in each public subnet WHEN it connects on a data port THEN the data tier refuses it", () => {
      const hosts = hostsOf(name, "public");
      expect(hosts.length).toBeGreaterThan(0);
      for (const host of hosts) {
        for (const port of env.network.dataTierPorts) expect(naclVerdict(dataIngress(), host, port), `${host}:${port}`).toBe("deny");
      }
    });

    it("GIVEN a VPC address outside every subnet WHEN it connects on a data port THEN the data tier refuses it", () => {
      const address = unusedVpcAddress(env.network.vpcCidr);
      const subnets = Object.values(resourcesOf(synthesizedStack(`network-${name}`).doc, "aws_subnet")).map((subnet) =>
        IPv4CidrRange.fromCidr(String(subnet["cidr_block"])),
      );
      expect(subnets.some((range) => range.contains(IPv4CidrRange.fromCidr(`${address}/32`)))).toBe(false);
      for (const port of env.network.dataTierPorts) expect(naclVerdict(dataIngress(), address, port)).toBe("deny");
    });

    it("GIVEN an internet address WHEN it connects on a data port THEN the data tier refuses it", () => {
      for (const port of env.network.dataTierPorts) expect(naclVerdict(dataIngress(), "203.0.113.9", port)).toBe("deny");
    });

    it("GIVEN a host in an app subnet WHEN it connects on SSH THEN the data tier refuses it", () => {
      for (const host of hostsOf(name, "private-app")) expect(naclVerdict(dataIngress(), host, 22)).toBe("deny");
    });

    it("GIVEN an internet address WHEN the data tier sends to it THEN its NACL refuses (no route out but the app tier's replies)", () => {
      expect(naclVerdict(acl(name, "private-data").egress, "203.0.113.9", 443)).toBe("deny");
      expect(naclVerdict(acl(name, "private-data").egress, "203.0.113.9", 40000)).toBe("deny");
    });
  },
);
