import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { VpcEndpoints, type VpcEndpointsProps } from "../../../modules/network/vpc-endpoints";
import { resourcesOf, type TerraformJson } from "../../support/synthesized";

const props: VpcEndpointsProps = {
  name: "test",
  region: "eu-west-1",
  vpcId: "vpc-123",
  vpcCidr: "10.0.0.0/16",
  gatewayRouteTableIds: ["rtb-app0", "rtb-data"],
  interfaceSubnetIds: ["subnet-a0", "subnet-a1"],
};
const synth = (overrides: Partial<VpcEndpointsProps> = {}) =>
  Testing.synthScope((scope) => new VpcEndpoints(scope, "endpoints", { ...props, ...overrides }));

describe("VpcEndpoints", () => {
  it("always creates the S3 gateway endpoint on the private route tables", () => {
    expect(synth()).toHaveResourceWithProperties(VpcEndpoint, {
      service_name: "com.amazonaws.eu-west-1.s3",
      vpc_endpoint_type: "Gateway",
      route_table_ids: ["rtb-app0", "rtb-data"],
    });
  });

  it("GIVEN no interface services WHEN synthesized THEN only the gateway endpoint exists", () => {
    const doc = JSON.parse(synth()) as TerraformJson;
    expect(Object.keys(resourcesOf(doc, "aws_vpc_endpoint"))).toHaveLength(1);
  });

  it("creates each configured interface endpoint with private DNS in the given subnets", () => {
    const json = synth({ interfaceServices: ["ecr.api", "sts"] });
    for (const service of ["ecr.api", "sts"]) {
      expect(json).toHaveResourceWithProperties(VpcEndpoint, {
        service_name: `com.amazonaws.eu-west-1.${service}`,
        vpc_endpoint_type: "Interface",
        private_dns_enabled: true,
        subnet_ids: ["subnet-a0", "subnet-a1"],
      });
    }
  });

  it("admits only HTTPS from the VPC into the endpoints' security group", () => {
    const doc = JSON.parse(synth({ interfaceServices: ["sts"] })) as TerraformJson;
    const rules = Object.values(resourcesOf(doc, "aws_vpc_security_group_ingress_rule"));
    expect(rules).toHaveLength(1);
    expect(synth()).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, {
      cidr_ipv4: "10.0.0.0/16",
      from_port: 443,
      to_port: 443,
      ip_protocol: "tcp",
    });
    expect(Object.values(resourcesOf(doc, "aws_security_group"))[0]?.["ingress"]).toBeUndefined();
  });
});
