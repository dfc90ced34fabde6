import { Eip } from "@cdktf/provider-aws/lib/eip";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { TieredVpc, type TieredVpcProps } from "../../../modules/network/tiered-vpc";
import { resourcesOf, type TerraformJson } from "../../support/synthesized";

const twoZones: TieredVpcProps = {
  name: "test",
  cidr: "10.0.0.0/16",
  availabilityZones: ["eu-west-1a", "eu-west-1b"],
  subnets: {
    public: ["10.0.48.0/24", "10.0.49.0/24"],
    privateApp: ["10.0.0.0/20", "10.0.16.0/20"],
    privateData: ["10.0.51.0/24", "10.0.52.0/24"],
  },
};

function synth(props: TieredVpcProps): { json: string; doc: TerraformJson } {
  const json = Testing.synthScope((scope) => new TieredVpc(scope, "vpc", props));
  return { json, doc: JSON.parse(json) as TerraformJson };
}

describe("TieredVpc", () => {
  it("creates a VPC with DNS support and hostnames", () => {
    expect(synth(twoZones).json).toHaveResourceWithProperties(Vpc, {
      cidr_block: "10.0.0.0/16",
      enable_dns_support: true,
      enable_dns_hostnames: true,
    });
  });

  it("places every given CIDR as a literal subnet in its zone, none assigning public IPs", () => {
    const subnets = Object.values(resourcesOf(synth(twoZones).doc, "aws_subnet"));
    expect(subnets.map((s) => [s["cidr_block"], s["availability_zone"]]).sort()).toEqual(
      [
        ["10.0.0.0/20", "eu-west-1a"],
        ["10.0.16.0/20", "eu-west-1b"],
        ["10.0.48.0/24", "eu-west-1a"],
        ["10.0.49.0/24", "eu-west-1b"],
        ["10.0.51.0/24", "eu-west-1a"],
        ["10.0.52.0/24", "eu-west-1b"],
      ].sort(),
    );
    for (const subnet of subnets) expect(subnet["map_public_ip_on_launch"]).toBe(false);
  });

  it("tags public subnets for internet-facing and app subnets for internal load balancers", () => {
    const { json } = synth(twoZones);
    expect(json).toHaveResourceWithProperties(Subnet, { cidr_block: "10.0.48.0/24", tags: { "kubernetes.io/role/elb": "1" } });
    expect(json).toHaveResourceWithProperties(Subnet, { cidr_block: "10.0.0.0/20", tags: { "kubernetes.io/role/internal-elb": "1" } });
  });

  it("GIVEN perAz NAT WHEN synthesized THEN each AZ's app route table egresses through its own NAT gateway", () => {
    const { doc } = synth({ ...twoZones, natGateways: "perAz" });
    const nats = resourcesOf(doc, "aws_nat_gateway");
    expect(Object.keys(nats)).toHaveLength(2);
    expect(Object.keys(resourcesOf(doc, "aws_eip"))).toHaveLength(2);
    const natTargets = Object.values(resourcesOf(doc, "aws_route"))
      .map((route) => route["nat_gateway_id"])
      .filter((id) => id !== undefined);
    expect(new Set(natTargets).size).toBe(2);
  });

  it("GIVEN a single NAT WHEN synthesized THEN every app route table egresses through the one NAT gateway", () => {
    const { doc, json } = synth({ ...twoZones, natGateways: "single" });
    expect(Object.keys(resourcesOf(doc, "aws_nat_gateway"))).toHaveLength(1);
    expect(json).toHaveResource(NatGateway);
    expect(json).toHaveResource(Eip);
    const natTargets = Object.values(resourcesOf(doc, "aws_route"))
      .map((route) => route["nat_gateway_id"])
      .filter((id) => id !== undefined);
    expect(natTargets).toHaveLength(2);
    expect(new Set(natTargets).size).toBe(1);
  });

  it("routes the public tier to the internet gateway and gives the data tier no route out", () => {
    const { doc, json } = synth(twoZones);
    expect(json).toHaveResourceWithProperties(Route, {
      destination_cidr_block: "0.0.0.0/0",
      gateway_id: expect.stringContaining("aws_internet_gateway"),
    });
    const tables = resourcesOf(doc, "aws_route_table");
    const [dataTableName] = Object.entries(tables).find(
      ([, table]) => (table["tags"] as Record<string, string>)["Name"] === "test-private-data",
    )!;
    const routesOfDataTable = Object.values(resourcesOf(doc, "aws_route")).filter((route) =>
      String(route["route_table_id"]).includes(dataTableName),
    );
    expect(routesOfDataTable).toEqual([]);
  });

  it("strips every rule from the default security group", () => {
    expect(synth(twoZones).json).toHaveResourceWithProperties(DefaultSecurityGroup, { ingress: [], egress: [] });
  });

  it("refuses a tier whose subnet count differs from the zone count", () => {
    expect(() => synth({ ...twoZones, subnets: { ...twoZones.subnets, privateData: ["10.0.51.0/24"] } })).toThrow(
      "VPC test: the privateData tier has 1 subnets for 2 availability zones",
    );
  });
});
