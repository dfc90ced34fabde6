import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ENVIRONMENTS } from "../support/fixtures";
import { naclVerdict, type AclRule } from "../support/nacl";
import { ROOT } from "../support/paths";
import { resourcesOf, synthesizedStack } from "../support/synthesized";

/**
 * Issue 13, item 8: the documented operator tasks on the management host work with no NAT: every
 * AWS API they call has an interface endpoint in the management VPC, with private DNS, that the
 * host's security group and the management NACL let it reach on 443.
 */
type Body = Record<string, unknown>;

/** `aws <service> <command>` pairs that sign locally and call no AWS API. */
const LOCAL_SIGNING = new Set(["eks get-token", "rds generate-db-auth-token"]);
/** The interface endpoint (service name suffix) each CLI service of the tasks calls. */
const ENDPOINT_OF_CLI_SERVICE: Readonly<Record<string, string>> = {
  sts: "sts",
  eks: "eks",
  rds: "rds",
  elasticache: "elasticache",
  secretsmanager: "secretsmanager",
  ssm: "ssm",
  logs: "logs",
  kms: "kms",
};
/** Session Manager itself: the shell the tasks run in. */
const SESSION_MANAGER = ["ssm", "ssmmessages", "ec2messages"];

/** The `sh` block under "### Operator tasks on the host" in docs/operations.md. */
function documentedTasks(): string {
  const text = readFileSync(path.join(ROOT, "docs", "operations.md"), "utf8");
  const section = text.split("### Operator tasks on the host")[1]?.split(/\n#{2,3} /)[0] ?? "";
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error('docs/operations.md has no sh block under "### Operator tasks on the host"');
  return block;
}

/** Endpoint services the documented tasks need, from every `aws <service> <command>` in them. */
function neededEndpoints(): string[] {
  const calls = [...documentedTasks().matchAll(/\baws ([a-z0-9-]+) ([a-z0-9-]+)/g)].map((m) => `${m[1]} ${m[2]}`);
  expect(calls.length).toBeGreaterThan(3);
  const services = calls.filter((call) => !LOCAL_SIGNING.has(call)).map((call) => call.split(" ")[0]!);
  const unknown = services.filter((service) => ENDPOINT_OF_CLI_SERVICE[service] === undefined);
  expect(unknown, "a documented task calls a service this test has no endpoint name for").toEqual([]);
  return [...new Set([...SESSION_MANAGER, ...services.map((service) => ENDPOINT_OF_CLI_SERVICE[service]!)])].sort();
}

const managed = ENVIRONMENTS.filter((env) => env.network.management !== undefined);

describe("the documented operator tasks", () => {
  it("call STS, EKS, RDS, ElastiCache and Secrets Manager, and sign the EKS and RDS tokens locally", () => {
    expect(neededEndpoints()).toEqual(expect.arrayContaining(["eks", "elasticache", "rds", "secretsmanager", "sts"]));
    expect(documentedTasks()).toContain("aws rds generate-db-auth-token");
    expect(documentedTasks()).toContain("kubectl get nodes");
  });

  it("run in at least one environment with a management network", () => {
    expect(managed.length).toBeGreaterThan(0);
  });
});

describe.each(managed.map((env) => [env.name, env] as const))("operator tasks on the management host of %s", (name, env) => {
  const doc = synthesizedStack(`network-${name}`).doc;
  const cidr = env.network.management!.vpcCidr;
  const subnets = Object.entries(resourcesOf(doc, "aws_subnet")).filter(
    ([, s]) => (s["tags"] as Record<string, string>)["tier"] === "management",
  );
  const subnetRefs = subnets.map(([key]) => `\${aws_subnet.${key}.id}`).sort();
  /** A host inside a subnet: its network address plus 5 (the first addresses are AWS's). */
  const hostIn = (block: string) => {
    const octets = block.split("/")[0]!.split(".").map(Number);
    octets[3] = octets[3]! + 5;
    return octets.join(".");
  };

  it.each(neededEndpoints())(
    "%s: an interface endpoint with private DNS in the management subnets, admitting 443 from the management VPC",
    (service) => {
      const endpoint = Object.values(resourcesOf(doc, "aws_vpc_endpoint")).find(
        (e) =>
          e["service_name"] === `com.amazonaws.${env.account.region}.${service}` &&
          [...((e["subnet_ids"] as string[]) ?? [])].sort().join() === subnetRefs.join(),
      );
      expect(endpoint, `no ${service} endpoint in the management subnets`).toBeDefined();
      expect(endpoint!["vpc_endpoint_type"]).toBe("Interface");
      expect(endpoint!["private_dns_enabled"]).toBe(true);
      const groups = endpoint!["security_group_ids"] as string[];
      const admits = Object.values(resourcesOf(doc, "aws_vpc_security_group_ingress_rule")).some(
        (rule) =>
          groups.includes(String(rule["security_group_id"])) &&
          rule["cidr_ipv4"] === cidr &&
          Number(rule["from_port"]) <= 443 &&
          443 <= Number(rule["to_port"]),
      );
      expect(admits).toBe(true);
    },
  );

  it("the host's security group sends 443 to the management VPC (the endpoints), and the NACL lets it out and the replies in", () => {
    const operatorGroup = Object.entries(resourcesOf(doc, "aws_security_group")).find(([, g]) => g["name"] === `${name}-operator`)![0];
    const egress = Object.values(resourcesOf(doc, "aws_vpc_security_group_egress_rule")).filter(
      (r) => r["security_group_id"] === `\${aws_security_group.${operatorGroup}.id}`,
    );
    expect(egress.some((r) => r["cidr_ipv4"] === cidr && r["from_port"] === 443 && r["to_port"] === 443)).toBe(true);
    const acl = Object.values(resourcesOf(doc, "aws_network_acl")).find(
      (a) => (a["tags"] as Record<string, string>)["tier"] === "management",
    )!;
    for (const [, subnet] of subnets) {
      const endpointHost = hostIn(String((subnet as Body)["cidr_block"]));
      expect(naclVerdict(acl["egress"] as AclRule[], endpointHost, 443)).toBe("allow");
      expect(naclVerdict(acl["ingress"] as AclRule[], endpointHost, 443)).toBe("allow");
      expect(naclVerdict(acl["ingress"] as AclRule[], endpointHost, 40000)).toBe("allow");
      expect(naclVerdict(acl["egress"] as AclRule[], endpointHost, 40000)).toBe("allow");
    }
  });
});
