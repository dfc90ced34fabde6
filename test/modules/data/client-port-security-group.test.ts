import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { ClientPortSecurityGroup, type ClientPortSecurityGroupProps } from "../../../modules/data/client-port-security-group";
import { resourcesOf, type TerraformJson } from "../../support/synthesized";

const props: ClientPortSecurityGroupProps = {
  name: "dev-app-aurora",
  purpose: "Aurora PostgreSQL dev-app",
  vpcId: "vpc-1",
  port: 5432,
  protocolName: "PostgreSQL",
  clientSecurityGroupIds: ["sg-nodes", "sg-bastion"],
};
const synth = (overrides: Partial<ClientPortSecurityGroupProps> = {}) =>
  JSON.parse(Testing.synthScope((scope) => new ClientPortSecurityGroup(scope, "sg", { ...props, ...overrides }))) as TerraformJson;

describe("ClientPortSecurityGroup", () => {
  it("admits each client group on the one port and nothing from a CIDR", () => {
    const rules = Object.values(resourcesOf(synth(), "aws_vpc_security_group_ingress_rule"));
    expect(rules.map((r) => [r["referenced_security_group_id"], r["from_port"], r["to_port"], r["ip_protocol"], r["cidr_ipv4"]])).toEqual([
      ["sg-nodes", 5432, 5432, "tcp", undefined],
      ["sg-bastion", 5432, 5432, "tcp", undefined],
    ]);
  });

  it("has no egress rule", () => {
    const doc = synth();
    expect(Object.keys(resourcesOf(doc, "aws_vpc_security_group_egress_rule"))).toHaveLength(0);
    expect(Object.values(resourcesOf(doc, "aws_security_group"))[0]?.["egress"]).toBeUndefined();
    expect(Testing.synthScope((scope) => new ClientPortSecurityGroup(scope, "sg", props))).toHaveResourceWithProperties(SecurityGroup, {
      name: "dev-app-aurora",
    });
  });

  it("refuses a group nobody may reach", () => {
    expect(() => synth({ clientSecurityGroupIds: [] })).toThrow("Aurora PostgreSQL dev-app: name at least one client security group");
  });
});
