import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { EksSecurityGroups } from "../../../modules/eks/eks-security-groups";
import { resourcesOf, type TerraformJson } from "../../support/synthesized";

const json = Testing.synthScope((scope) => new EksSecurityGroups(scope, "sgs", { clusterName: "dev", vpcId: "vpc-1" }));
const doc = JSON.parse(json) as TerraformJson;
const ingress = Object.values(resourcesOf(doc, "aws_vpc_security_group_ingress_rule"));
const groupRef = (name: "cluster" | "nodes") => {
  const [logical] = Object.entries(resourcesOf(doc, "aws_security_group")).find(([, sg]) => sg["name"] === `dev-${name}`)!;
  return `\${aws_security_group.${logical}.id}`;
};

describe("EksSecurityGroups", () => {
  it("lets nodes reach the API server on 443 and nothing else into the control plane", () => {
    const intoCluster = ingress.filter((r) => r["security_group_id"] === groupRef("cluster"));
    expect(intoCluster).toEqual([
      expect.objectContaining({ from_port: 443, to_port: 443, referenced_security_group_id: groupRef("nodes") }),
    ]);
  });

  it("lets the control plane reach kubelet and webhook ports on the nodes", () => {
    const fromCluster = ingress.filter(
      (r) => r["security_group_id"] === groupRef("nodes") && r["referenced_security_group_id"] === groupRef("cluster"),
    );
    expect(fromCluster.map((r) => r["from_port"]).sort((a, b) => Number(a) - Number(b))).toEqual([443, 4443, 6443, 8443, 9443, 10250]);
  });

  it("lets nodes talk to each other", () => {
    expect(ingress).toContainEqual(
      expect.objectContaining({ security_group_id: groupRef("nodes"), referenced_security_group_id: groupRef("nodes"), ip_protocol: "-1" }),
    );
  });

  it("opens nothing to a CIDR by default", () => {
    for (const rule of ingress) expect(rule["cidr_ipv4"]).toBeUndefined();
  });

  it("GIVEN private API-access ranges WHEN synthesized THEN they reach the API server on 443 and nothing else", () => {
    const withAccess = JSON.parse(
      Testing.synthScope(
        (scope) => new EksSecurityGroups(scope, "sgs", { clusterName: "dev", vpcId: "vpc-1", apiAccessCidrs: ["10.200.0.0/24"] }),
      ),
    ) as TerraformJson;
    const cidrRules = Object.values(resourcesOf(withAccess, "aws_vpc_security_group_ingress_rule")).filter(
      (r) => r["cidr_ipv4"] !== undefined,
    );
    expect(cidrRules).toEqual([expect.objectContaining({ cidr_ipv4: "10.200.0.0/24", from_port: 443, to_port: 443, ip_protocol: "tcp" })]);
    expect(() =>
      Testing.synthScope(
        (scope) => new EksSecurityGroups(scope, "sgs", { clusterName: "dev", vpcId: "vpc-1", apiAccessCidrs: ["0.0.0.0/0"] }),
      ),
    ).toThrow("EKS dev: the API server must not admit 0.0.0.0/0");
  });

  it("GIVEN a runner's group admitted to the API server WHEN synthesized THEN that group also gets egress to the API server on 443 only", () => {
    const withRunner = JSON.parse(
      Testing.synthScope(
        (scope) =>
          new EksSecurityGroups(scope, "sgs", {
            clusterName: "dev",
            vpcId: "vpc-1",
            apiAccessSecurityGroups: { "ci-runner": "sg-runner" },
          }),
      ),
    ) as TerraformJson;
    const [clusterLogical] = Object.entries(resourcesOf(withRunner, "aws_security_group")).find(([, sg]) => sg["name"] === "dev-cluster")!;
    const fromRunner = Object.values(resourcesOf(withRunner, "aws_vpc_security_group_egress_rule")).filter(
      (rule) => rule["security_group_id"] === "sg-runner",
    );
    expect(fromRunner).toEqual([
      expect.objectContaining({
        ip_protocol: "tcp",
        from_port: 443,
        to_port: 443,
        referenced_security_group_id: `\${aws_security_group.${clusterLogical}.id}`,
      }),
    ]);
  });

  it("tags the nodes' group as the cluster's, for Kubernetes-managed load balancer rules", () => {
    expect(json).toHaveResourceWithProperties(SecurityGroup, { name: "dev-nodes", tags: { "kubernetes.io/cluster/dev": "owned" } });
  });
});
