import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Ec2ClientVpnAuthorizationRule } from "@cdktf/provider-aws/lib/ec2-client-vpn-authorization-rule";
import { Ec2ClientVpnEndpoint } from "@cdktf/provider-aws/lib/ec2-client-vpn-endpoint";
import { Ec2ClientVpnNetworkAssociation } from "@cdktf/provider-aws/lib/ec2-client-vpn-network-association";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcPeeringConnection } from "@cdktf/provider-aws/lib/vpc-peering-connection";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { ManagementNetwork, managementSubnetCidrs, type ManagementNetworkProps } from "../../../modules/network/management-network";
import { naclVerdict, type AclRule } from "../../support/nacl";
import { resourcesOf, type TerraformJson } from "../../support/synthesized";
import { TEST_TARGET } from "../../support/target";

const props: ManagementNetworkProps = {
  name: "test",
  target: TEST_TARGET,
  cidr: "10.130.0.0/24",
  availabilityZones: ["eu-west-1a", "eu-west-1b"],
  application: {
    vpcId: "vpc-app",
    cidr: "10.0.0.0/16",
    routeTableIds: ["rtb-app0", "rtb-app1", "rtb-data"],
    dataSubnetCidrs: ["10.0.51.0/24", "10.0.52.0/24"],
  },
  logsKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/logs",
  logRetentionDays: 90,
};
const clientVpn = {
  serverCertificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-1111-4111-8111-111111111111",
  clientRootCertificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/22222222-2222-4222-8222-222222222222",
  clientCidr: "10.140.0.0/22",
};

function synth(overrides: Partial<ManagementNetworkProps> = {}): { json: string; doc: TerraformJson } {
  const json = Testing.synthScope((scope) => new ManagementNetwork(scope, "management", { ...props, ...overrides }));
  return { json, doc: JSON.parse(json) as TerraformJson };
}

const plain = synth();
const withVpn = synth({ clientVpn });
const ref = (doc: TerraformJson, type: string, name?: string) => {
  const entries = Object.entries(resourcesOf(doc, type));
  const [logical] = name === undefined ? entries[0]! : entries.find(([, body]) => body["name"] === name)!;
  return `\${${type}.${logical}.id}`;
};
/** Rows in a fixed order: synthesized resources come sorted by logical id, not by creation. */
const sorted = <T>(rows: readonly T[]): T[] => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
const operatorGroup = (doc: TerraformJson) => ref(doc, "aws_security_group", "test-operator");

describe("ManagementNetwork", () => {
  it("creates a VPC with DNS support and hostnames, and no internet gateway, NAT gateway, elastic IP or default route", () => {
    expect(plain.json).toHaveResourceWithProperties(Vpc, {
      cidr_block: "10.130.0.0/24",
      enable_dns_support: true,
      enable_dns_hostnames: true,
    });
    for (const type of ["aws_internet_gateway", "aws_egress_only_internet_gateway", "aws_nat_gateway", "aws_eip"]) {
      expect(Object.keys(resourcesOf(plain.doc, type)), type).toHaveLength(0);
    }
    const destinations = Object.values(resourcesOf(plain.doc, "aws_route")).map((route) => route["destination_cidr_block"]);
    expect(destinations).not.toContain("0.0.0.0/0");
  });

  it("places two literal subnets, the halves of the management CIDR, one in each zone, none assigning public IPs", () => {
    const subnets = Object.values(resourcesOf(plain.doc, "aws_subnet"));
    expect(subnets.map((s) => [s["cidr_block"], s["availability_zone"], s["map_public_ip_on_launch"]])).toEqual([
      ["10.130.0.0/25", "eu-west-1a", false],
      ["10.130.0.128/25", "eu-west-1b", false],
    ]);
    expect(managementSubnetCidrs("10.130.0.0/24")).toEqual(["10.130.0.0/25", "10.130.0.128/25"]);
  });

  it("strips every rule from the default security group and records all traffic in an encrypted flow log", () => {
    expect(plain.json).toHaveResourceWithProperties(DefaultSecurityGroup, { ingress: [], egress: [] });
    expect(plain.json).toHaveResourceWithProperties(FlowLog, { traffic_type: "ALL" });
    expect(plain.json).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: "/aws/vpc/test-management/flow-logs",
      kms_key_id: props.logsKmsKeyArn,
      retention_in_days: 90,
    });
  });

  it("creates the Session Manager, logs and kms endpoints with private DNS in both subnets, and the S3 gateway endpoint", () => {
    const subnets = Object.keys(resourcesOf(plain.doc, "aws_subnet")).map((logical) => `\${aws_subnet.${logical}.id}`);
    for (const service of ["ssm", "ssmmessages", "ec2messages", "logs", "kms"]) {
      expect(plain.json).toHaveResourceWithProperties(VpcEndpoint, {
        service_name: `com.amazonaws.eu-west-1.${service}`,
        vpc_endpoint_type: "Interface",
        private_dns_enabled: true,
        subnet_ids: subnets,
      });
    }
    expect(plain.json).toHaveResourceWithProperties(VpcEndpoint, {
      service_name: "com.amazonaws.eu-west-1.s3",
      vpc_endpoint_type: "Gateway",
      route_table_ids: [ref(plain.doc, "aws_route_table")],
    });
  });

  it("peers with the application VPC, auto-accepted (same account and region)", () => {
    expect(plain.json).toHaveResourceWithProperties(VpcPeeringConnection, {
      vpc_id: ref(plain.doc, "aws_vpc"),
      peer_vpc_id: "vpc-app",
      auto_accept: true,
    });
    const peering = Object.values(resourcesOf(plain.doc, "aws_vpc_peering_connection"))[0]!;
    expect(peering["peer_owner_id"]).toBeUndefined();
    expect(peering["peer_region"]).toBeUndefined();
  });

  it("routes the management subnets to the application VPC and the app and data route tables back, all over the peering", () => {
    const peering = ref(plain.doc, "aws_vpc_peering_connection");
    const routes = Object.values(resourcesOf(plain.doc, "aws_route")).map((route) => [
      route["route_table_id"],
      route["destination_cidr_block"],
      route["vpc_peering_connection_id"],
    ]);
    expect(sorted(routes)).toEqual(
      sorted([
        [ref(plain.doc, "aws_route_table"), "10.0.0.0/16", peering],
        ["rtb-app0", "10.130.0.0/24", peering],
        ["rtb-app1", "10.130.0.0/24", peering],
        ["rtb-data", "10.130.0.0/24", peering],
      ]),
    );
  });

  describe("the management subnets' NACL", () => {
    const acl = Object.values(resourcesOf(plain.doc, "aws_network_acl"))[0]! as {
      ingress: AclRule[];
      egress: AclRule[];
      subnet_ids: string[];
    };

    it("is associated with both management subnets", () => {
      expect(acl.subnet_ids).toEqual(Object.keys(resourcesOf(plain.doc, "aws_subnet")).map((logical) => `\${aws_subnet.${logical}.id}`));
    });

    it("admits from the application VPC only replies: no service port can be reached from there", () => {
      for (const source of ["10.0.0.10", "10.0.51.10"]) {
        expect(naclVerdict(acl.ingress, source, 40000)).toBe("allow");
        for (const port of [22, 53, 80, 443, 1023]) expect(naclVerdict(acl.ingress, source, port), `${source} on ${port}`).toBe("deny");
      }
    });

    it("admits HTTPS from inside the management VPC (the endpoints) and nothing else on a service port", () => {
      expect(naclVerdict(acl.ingress, "10.130.0.200", 443)).toBe("allow");
      expect(naclVerdict(acl.ingress, "10.130.0.200", 22)).toBe("deny");
      expect(naclVerdict(acl.ingress, "203.0.113.9", 443)).toBe("deny");
      expect(naclVerdict(acl.ingress, "203.0.113.9", 22)).toBe("deny");
    });

    it("lets out the EKS API to the application VPC and the data ports to its data subnets only", () => {
      expect(naclVerdict(acl.egress, "10.0.0.10", 443)).toBe("allow");
      expect(naclVerdict(acl.egress, "10.0.51.10", 5432)).toBe("allow");
      expect(naclVerdict(acl.egress, "10.0.52.10", 6379)).toBe("allow");
      expect(naclVerdict(acl.egress, "10.0.0.10", 5432)).toBe("deny");
      expect(naclVerdict(acl.egress, "10.0.0.10", 22)).toBe("deny");
    });
  });

  describe("the operator host", () => {
    const instance = Object.values(resourcesOf(plain.doc, "aws_instance"))[0]!;

    it("requires IMDSv2 with a hop limit of 1, has detailed monitoring, no public IP and no key pair", () => {
      expect(plain.json).toHaveResourceWithProperties(Instance, {
        instance_type: "t4g.micro",
        metadata_options: { http_tokens: "required", http_put_response_hop_limit: 1 },
        monitoring: true,
        associate_public_ip_address: false,
      });
      expect(instance["key_name"]).toBeUndefined();
      expect(instance["user_data"]).toBeUndefined();
    });

    it("boots from an encrypted gp3 root volume", () => {
      expect(instance["root_block_device"]).toMatchObject({ volume_type: "gp3", encrypted: true });
    });

    it("runs the latest Amazon Linux 2023 for its architecture, and ignores later AMI releases", () => {
      expect(plain.json).toHaveDataSourceWithProperties(DataAwsSsmParameter, {
        name: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
      });
      expect(String(instance["ami"])).toMatch(/^\$\{data\.aws_ssm_parameter\.[^.]+\.insecure_value\}$/);
      expect(instance["lifecycle"]).toEqual({ ignore_changes: ["ami"] });
      expect(synth({ operatorInstanceType: "t3.micro" }).json).toHaveDataSourceWithProperties(DataAwsSsmParameter, {
        name: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
      });
    });

    it("runs in a management subnet behind its own security group", () => {
      expect(instance["subnet_id"]).toBe(ref(plain.doc, "aws_subnet"));
      expect(instance["vpc_security_group_ids"]).toEqual([operatorGroup(plain.doc)]);
    });

    it("has a security group with no ingress at all", () => {
      const group = Object.values(resourcesOf(plain.doc, "aws_security_group")).find((sg) => sg["name"] === "test-operator")!;
      expect(group["ingress"]).toBeUndefined();
      const into = Object.values(resourcesOf(plain.doc, "aws_vpc_security_group_ingress_rule")).filter(
        (rule) =>
          rule["security_group_id"] === operatorGroup(plain.doc) || rule["referenced_security_group_id"] === operatorGroup(plain.doc),
      );
      expect(into).toEqual([]);
    });

    it("may connect only to the endpoints and the EKS API on 443, the data ports of the data subnets, and S3", () => {
      const egress = Object.values(resourcesOf(plain.doc, "aws_vpc_security_group_egress_rule"))
        .filter((rule) => rule["security_group_id"] === operatorGroup(plain.doc))
        .map((rule) => [rule["ip_protocol"], rule["from_port"], rule["to_port"], rule["cidr_ipv4"] ?? rule["prefix_list_id"]]);
      const [s3Logical] = Object.entries(resourcesOf(plain.doc, "aws_vpc_endpoint")).find(
        ([, e]) => e["service_name"] === "com.amazonaws.eu-west-1.s3",
      )!;
      const s3 = `\${aws_vpc_endpoint.${s3Logical}.prefix_list_id}`;
      expect(sorted(egress)).toEqual(
        sorted([
          ["tcp", 443, 443, "10.130.0.0/24"],
          ["tcp", 443, 443, "10.0.0.0/16"],
          ["tcp", 5432, 5432, "10.0.51.0/24"],
          ["tcp", 6379, 6379, "10.0.51.0/24"],
          ["tcp", 5432, 5432, "10.0.52.0/24"],
          ["tcp", 6379, 6379, "10.0.52.0/24"],
          ["tcp", 443, 443, s3],
        ]),
      );
    });

    it("has an instance profile whose role has AmazonSSMManagedInstanceCore and nothing else", () => {
      const [roleLogical, role] = Object.entries(resourcesOf(plain.doc, "aws_iam_role")).find(([, r]) => r["name"] === "test-operator")!;
      const roleName = `\${aws_iam_role.${roleLogical}.name}`;
      const attachments = Object.values(resourcesOf(plain.doc, "aws_iam_role_policy_attachment")).filter((a) => a["role"] === roleName);
      expect(attachments.map((a) => a["policy_arn"])).toEqual(["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]);
      const inline = Object.values(resourcesOf(plain.doc, "aws_iam_role_policy")).filter((p) => String(p["role"]).includes(roleLogical));
      expect(inline).toEqual([]);
      expect(role["inline_policy"]).toBeUndefined();
      expect(role["managed_policy_arns"]).toBeUndefined();
      const profile = Object.values(resourcesOf(plain.doc, "aws_iam_instance_profile"))[0]!;
      expect(profile["role"]).toBe(roleName);
      expect(instance["iam_instance_profile"]).toMatch(/^\$\{aws_iam_instance_profile\.[^.]+\.name\}$/);
    });

    it("is trusted by EC2 alone", () => {
      const trust = Object.entries(plain.doc.data?.["aws_iam_policy_document"] ?? {}).find(([logical]) => logical.includes("operator"))![1];
      expect(trust["statement"]).toEqual([
        { actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }] },
      ]);
    });
  });

  describe("Client VPN", () => {
    it("GIVEN no clientVpn WHEN synthesized THEN there is no Client VPN endpoint", () => {
      expect(Object.keys(resourcesOf(plain.doc, "aws_ec2_client_vpn_endpoint"))).toHaveLength(0);
    });

    it("GIVEN clientVpn WHEN synthesized THEN the endpoint authenticates both sides with certificates and split-tunnels", () => {
      expect(withVpn.json).toHaveResourceWithProperties(Ec2ClientVpnEndpoint, {
        server_certificate_arn: clientVpn.serverCertificateArn,
        client_cidr_block: "10.140.0.0/22",
        split_tunnel: true,
        authentication_options: [{ type: "certificate-authentication", root_certificate_chain_arn: clientVpn.clientRootCertificateArn }],
        vpc_id: ref(withVpn.doc, "aws_vpc"),
      });
    });

    it("GIVEN clientVpn WHEN synthesized THEN every connection is logged to a KMS-encrypted log group with retention", () => {
      const group = Object.entries(resourcesOf(withVpn.doc, "aws_cloudwatch_log_group")).find(
        ([, g]) => g["name"] === "/aws/client-vpn/test-management",
      )!;
      expect(group[1]).toMatchObject({ kms_key_id: props.logsKmsKeyArn, retention_in_days: 90 });
      expect(withVpn.json).toHaveResourceWithProperties(Ec2ClientVpnEndpoint, {
        connection_log_options: { enabled: true, cloudwatch_log_group: `\${aws_cloudwatch_log_group.${group[0]}.name}` },
      });
      expect(withVpn.json).toHaveResource(CloudwatchLogGroup);
    });

    it("GIVEN clientVpn WHEN synthesized THEN it is associated with both management subnets and authorized for the application VPC only", () => {
      const subnets = Object.keys(resourcesOf(withVpn.doc, "aws_subnet")).map((logical) => `\${aws_subnet.${logical}.id}`);
      const associated = Object.values(resourcesOf(withVpn.doc, "aws_ec2_client_vpn_network_association")).map((a) => a["subnet_id"]);
      expect(associated).toEqual(subnets);
      expect(withVpn.json).toHaveResource(Ec2ClientVpnNetworkAssociation);
      const authorized = Object.values(resourcesOf(withVpn.doc, "aws_ec2_client_vpn_authorization_rule")).map(
        (rule) => rule["target_network_cidr"],
      );
      expect(authorized).toEqual(["10.0.0.0/16"]);
      expect(withVpn.json).toHaveResourceWithProperties(Ec2ClientVpnAuthorizationRule, { authorize_all_groups: true });
      const routes = Object.values(resourcesOf(withVpn.doc, "aws_ec2_client_vpn_route")).map((route) => route["destination_cidr_block"]);
      expect(routes).toEqual(["10.0.0.0/16", "10.0.0.0/16"]);
    });

    it("GIVEN clientVpn WHEN synthesized THEN its security group admits nothing and reaches only the EKS API and the data ports", () => {
      const group = ref(withVpn.doc, "aws_security_group", "test-management-client-vpn");
      expect(withVpn.json).toHaveResourceWithProperties(Ec2ClientVpnEndpoint, { security_group_ids: [group] });
      const into = Object.values(resourcesOf(withVpn.doc, "aws_vpc_security_group_ingress_rule")).filter(
        (rule) => rule["security_group_id"] === group,
      );
      expect(into).toEqual([]);
      const out = Object.values(resourcesOf(withVpn.doc, "aws_vpc_security_group_egress_rule"))
        .filter((rule) => rule["security_group_id"] === group)
        .map((rule) => [rule["from_port"], rule["cidr_ipv4"]]);
      expect(sorted(out)).toEqual(
        sorted([
          [443, "10.0.0.0/16"],
          [5432, "10.0.51.0/24"],
          [6379, "10.0.51.0/24"],
          [5432, "10.0.52.0/24"],
          [6379, "10.0.52.0/24"],
        ]),
      );
    });
  });

  describe("refuses", () => {
    it("a management CIDR overlapping the application VPC", () => {
      expect(() => synth({ cidr: "10.0.255.0/24" })).toThrow(
        "Management network test-management: 10.0.255.0/24 overlaps the application VPC 10.0.0.0/16; peered VPCs must not overlap",
      );
    });

    it("one availability zone", () => {
      expect(() => synth({ availabilityZones: ["eu-west-1a"] })).toThrow(
        "Management network test-management: needs exactly two availability zones, got 1",
      );
    });

    it("a CIDR too small for two subnets", () => {
      expect(() => synth({ cidr: "10.130.0.0/28" })).toThrow(
        "Management network test-management: 10.130.0.0/28 must be a /16 to /27 (two subnets of at least /28)",
      );
    });

    it("endpoints without those Session Manager needs", () => {
      expect(() => synth({ interfaceServices: ["ssm", "logs"] })).toThrow(
        "Management network test-management: Session Manager needs the ssmmessages, ec2messages endpoint(s)",
      );
    });

    it("a Client VPN CIDR overlapping the management VPC", () => {
      expect(() => synth({ clientVpn: { ...clientVpn, clientCidr: "10.128.0.0/14" } })).toThrow(
        "Management network test-management: Client VPN CIDR 10.128.0.0/14 overlaps the management VPC 10.130.0.0/24",
      );
    });

    it("a Client VPN CIDR smaller than /22", () => {
      expect(() => synth({ clientVpn: { ...clientVpn, clientCidr: "10.140.0.0/24" } })).toThrow(
        "Client VPN test-management-client-vpn: client CIDR 10.140.0.0/24 must be a /12 to /22",
      );
    });
  });
});
