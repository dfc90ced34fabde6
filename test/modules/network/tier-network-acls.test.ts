import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { TierNetworkAcls, type TierNetworkAclsProps } from "../../../modules/network/tier-network-acls";
import { naclVerdict, type AclRule } from "../../support/nacl";
import { resourcesOf, type TerraformJson } from "../../support/synthesized";

const props: TierNetworkAclsProps = {
  name: "test",
  vpcId: "vpc-123",
  cidrs: {
    public: ["10.0.48.0/24", "10.0.49.0/24"],
    privateApp: ["10.0.0.0/20", "10.0.16.0/20"],
    privateData: ["10.0.51.0/24", "10.0.52.0/24"],
  },
  subnetIds: { public: ["subnet-p0", "subnet-p1"], privateApp: ["subnet-a0", "subnet-a1"], privateData: ["subnet-d0", "subnet-d1"] },
};

/** A host of each subnet above (its tenth address), and addresses outside them. */
const HOST = { app0: "10.0.0.10", app1: "10.0.16.10", public0: "10.0.48.10", vpcNoSubnet: "10.0.200.10", internet: "203.0.113.9" } as const;

function acls(
  overrides: Partial<TierNetworkAclsProps> = {},
): Record<string, { ingress: AclRule[]; egress: AclRule[]; subnet_ids: string[] }> {
  const doc = JSON.parse(Testing.synthScope((scope) => new TierNetworkAcls(scope, "nacls", { ...props, ...overrides }))) as TerraformJson;
  return Object.fromEntries(
    Object.values(resourcesOf(doc, "aws_network_acl")).map((acl) => [(acl["tags"] as Record<string, string>)["tier"], acl as never]),
  );
}

describe("TierNetworkAcls", () => {
  it("associates one NACL with each tier's subnets", () => {
    const byTier = acls();
    expect(byTier["public"]?.subnet_ids).toEqual(["subnet-p0", "subnet-p1"]);
    expect(byTier["private-app"]?.subnet_ids).toEqual(["subnet-a0", "subnet-a1"]);
    expect(byTier["private-data"]?.subnet_ids).toEqual(["subnet-d0", "subnet-d1"]);
  });

  it("admits the data ports into the data tier from the app tier only", () => {
    const data = acls()["private-data"]!;
    expect(naclVerdict(data.ingress, HOST.app0, 5432)).toBe("allow");
    expect(naclVerdict(data.ingress, HOST.app1, 6379)).toBe("allow");
    expect(naclVerdict(data.ingress, HOST.public0, 5432)).toBe("deny");
    expect(naclVerdict(data.ingress, HOST.vpcNoSubnet, 5432)).toBe("deny");
    expect(naclVerdict(data.ingress, HOST.internet, 5432)).toBe("deny");
    expect(naclVerdict(data.ingress, HOST.app0, 22)).toBe("deny");
  });

  it("lets the data tier answer the app tier on ephemeral ports and nothing on the internet", () => {
    const data = acls()["private-data"]!;
    expect(naclVerdict(data.egress, HOST.app0, 40000)).toBe("allow");
    for (const port of [443, 40000]) expect(naclVerdict(data.egress, HOST.internet, port), `internet on ${port}`).toBe("deny");
  });

  it("GIVEN configured data ports WHEN synthesized THEN only those ports enter the data tier", () => {
    const data = acls({ dataTierPorts: [3306] })["private-data"]!;
    expect(naclVerdict(data.ingress, HOST.app0, 3306)).toBe("allow");
    expect(naclVerdict(data.ingress, HOST.app0, 5432)).toBe("deny");
  });

  it("admits the app tier from the public tier and itself, and replies from anywhere on ephemeral ports", () => {
    const app = acls()["private-app"]!;
    expect(naclVerdict(app.ingress, HOST.public0, 8080)).toBe("allow");
    expect(naclVerdict(app.ingress, HOST.app1, 10250)).toBe("allow");
    expect(naclVerdict(app.ingress, HOST.internet, 50000)).toBe("allow");
    expect(naclVerdict(app.ingress, HOST.internet, 443)).toBe("deny");
    expect(naclVerdict(app.ingress, HOST.internet, 22)).toBe("deny");
  });

  it("opens only 80, 443 and ephemeral replies of the public tier to the internet", () => {
    const ingress = acls()["public"]!.ingress;
    const ports = [22, 25, 53, 80, 443, 1023, 1024, 65535];
    expect(ports.filter((port) => naclVerdict(ingress, HOST.internet, port) === "allow")).toEqual([80, 443, 1024, 65535]);
  });

  it("numbers rules uniquely within each direction", () => {
    for (const acl of Object.values(acls())) {
      for (const rules of [acl.ingress, acl.egress]) {
        const numbers = rules.map((rule) => rule.rule_no);
        expect(new Set(numbers).size).toBe(numbers.length);
      }
    }
  });

  it("refuses more rules than the NACL quota allows", () => {
    expect(() => acls({ dataTierPorts: Array.from({ length: 10 }, (_, i) => 5000 + i) })).toThrow(/exceed the default quota of 20/);
  });
});

describe("TierNetworkAcls with a management network", () => {
  const MANAGEMENT = "10.130.0.0/24";
  const OPERATOR = "10.130.0.10";
  const withManagement = () => acls({ managementCidr: MANAGEMENT });

  it("GIVEN a management CIDR WHEN synthesized THEN the app tier admits it on 443 (the EKS API) and not on SSH or HTTP", () => {
    const app = withManagement()["private-app"]!;
    expect(naclVerdict(app.ingress, OPERATOR, 443)).toBe("allow");
    expect(naclVerdict(app.ingress, OPERATOR, 22)).toBe("deny");
    expect(naclVerdict(app.ingress, OPERATOR, 80)).toBe("deny");
  });

  it("GIVEN a management CIDR WHEN synthesized THEN the data tier admits it on the data ports only", () => {
    const data = withManagement()["private-data"]!;
    expect(naclVerdict(data.ingress, OPERATOR, 5432)).toBe("allow");
    expect(naclVerdict(data.ingress, OPERATOR, 6379)).toBe("allow");
    expect(naclVerdict(data.ingress, OPERATOR, 22)).toBe("deny");
    expect(naclVerdict(data.ingress, OPERATOR, 443)).toBe("deny");
  });

  // A stateless NACL cannot tell a reply from a connection to an ephemeral port; nothing in the
  // management network listens on one (its NACL, the operator host's and the endpoints' groups).
  it("GIVEN a management CIDR WHEN synthesized THEN the app and data tiers answer it on ephemeral ports and reach no service port there", () => {
    const byTier = withManagement();
    for (const tier of ["private-app", "private-data"]) {
      const egress = byTier[tier]!.egress;
      expect(naclVerdict(egress, OPERATOR, 40000), `${tier} replies`).toBe("allow");
      for (const port of [22, 53, 80, 443, 636, 1023]) {
        expect(naclVerdict(egress, OPERATOR, port), `${tier} to the management network on ${port}`).toBe("deny");
      }
    }
  });

  it("GIVEN a management CIDR WHEN synthesized THEN the app tier still reaches the internet and the data tier through its allow rules", () => {
    const byTier = withManagement();
    expect(naclVerdict(byTier["private-app"]!.egress, "203.0.113.9", 443)).toBe("allow");
    expect(naclVerdict(byTier["private-app"]!.egress, "10.0.51.10", 5432)).toBe("allow");
    expect(naclVerdict(byTier["private-data"]!.egress, "10.0.0.10", 40000)).toBe("allow");
  });

  it("GIVEN a management CIDR WHEN synthesized THEN the public tier names no management rule (it has no route there)", () => {
    expect(JSON.stringify(withManagement()["public"])).not.toContain("10.130.");
  });

  it("GIVEN no management CIDR WHEN synthesized THEN no rule denies anything", () => {
    for (const acl of Object.values(acls())) {
      expect([...acl.ingress, ...acl.egress].every((rule) => rule.action === "allow")).toBe(true);
    }
  });

  it("GIVEN no management CIDR WHEN the app tier connects out THEN its NACL lets it reach any address on any port", () => {
    const egress = acls()["private-app"]!.egress;
    const destinations: [string, number][] = [
      [HOST.internet, 443],
      [HOST.internet, 22],
      ["10.130.0.10", 22],
      ["10.0.51.10", 5432],
      [HOST.public0, 40000],
    ];
    expect(destinations.filter(([address, port]) => naclVerdict(egress, address, port) !== "allow")).toEqual([]);
  });

  it("refuses 0.0.0.0/0 as the management CIDR", () => {
    expect(() => acls({ managementCidr: "0.0.0.0/0" })).toThrow("NACL test: the management CIDR must be the management VPC, not 0.0.0.0/0");
  });
});
