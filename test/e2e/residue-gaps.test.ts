import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { RESIDUE_GAPS } from "../../e2e/emulator-gaps";
import { emulatorResidue } from "../../e2e/lifecycle/residue";

/**
 * The fixtures are moto_server 5.2.1's answers after: two VPCs with a subnet and a NAT gateway each
 * (and a second, non-default ACL in the kept VPC); then the first NAT gateway deleted, its subnet
 * and its VPC (vpc-173f4a63534a96d29) deleted. moto still lists that gateway's ENI and that VPC's
 * default ACL (e2e/emulator-gaps.ts RESIDUE_GAPS).
 */
const FIXTURES = path.join(__dirname, "fixtures", "moto");
const answer = (action: string) => readFileSync(path.join(FIXTURES, `${action}.xml`), "utf8");
const described = () => ({
  natGateways: answer("DescribeNatGateways"),
  vpcs: answer("DescribeVpcs"),
  networkAcls: answer("DescribeNetworkAcls"),
});

describe("emulatorResidue", () => {
  it("GIVEN a deleted and a live NAT gateway WHEN moto's leftovers are selected THEN only the deleted gateway's ENI is", () => {
    expect(emulatorResidue(described())["ec2:network-interface"]).toEqual(["eni-df6bd9ccf9649f9ad"]);
  });

  it("GIVEN default ACLs of a deleted and of live VPCs, and a non-default ACL WHEN selected THEN only the deleted VPC's default ACL is", () => {
    expect(emulatorResidue(described())["ec2:network-acl"]).toEqual(["acl-79b8536d4d50947bd"]);
  });

  it("GIVEN the deleted VPC still listed WHEN selected THEN its default ACL is not a leftover (it would be ours to delete)", () => {
    const vpcs = `${answer("DescribeVpcs")}<vpcSet><item><vpcId>vpc-173f4a63534a96d29</vpcId></item></vpcSet>`;
    expect(emulatorResidue({ ...described(), vpcs })["ec2:network-acl"]).toEqual([]);
  });

  it("GIVEN the gap list WHEN read THEN it names exactly the kinds the selection leaves out, each with moto's source", () => {
    expect(RESIDUE_GAPS.map((gap) => gap.kind).sort()).toEqual(["ec2:network-acl", "ec2:network-interface"]);
    expect(Object.keys(emulatorResidue(described())).sort()).toEqual(["ec2:network-acl", "ec2:network-interface"]);
    for (const gap of RESIDUE_GAPS) expect(gap.evidence).toMatch(/moto\/ec2\/models\/[a-z_]+\.py \(5\.2\.1\)/);
  });
});
