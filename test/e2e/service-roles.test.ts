import { describe, expect, it } from "vitest";
import { withResourceTags } from "../../e2e/role-check";
import { evaluate, type RolePolicies } from "../../e2e/roles";
import { factsOf, fillTemplate, SERVICE_AWS_CALLS, serviceRequests } from "../../e2e/service-roles";
import { secretReaderStatements } from "../../modules/apps/secret-reader-statements";
import { GRAFANA_AWS_CALLS } from "../../modules/cluster-services/kube-prometheus-stack/aws-calls";
import { policyJson } from "../support/iam-simulate";
import { NODE_AWS_CALLS } from "../../modules/eks/node-aws-calls";
import { VPC_CNI_AWS_CALLS } from "../../modules/eks/vpc-cni-aws-calls";

/** The created roles exercised as their services use them (e2e/service-roles.ts, the aws-calls.ts beside each service). */

const FACTS = {
  Partition: "aws",
  Region: "eu-west-1",
  Account: "111111111111",
  Environment: "dev",
  ClusterName: "dev",
  DatabaseClusterResourceId: "cluster-ABC",
  HostedZoneId: "Z0123",
  GrafanaAdminSecretArn: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:dev/grafana/admin-AbCdEf",
};

/** Grafana's role with the statements the platform layer gives it (secretReaderStatements), for a secret and a key. */
const DATA_KEY = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555";
const grafanaRole = (secretArn: string, keyArn: string): RolePolicies => ({
  roleArn: "arn:aws:iam::111111111111:role/dev-grafana",
  policies: [
    {
      name: "permissions",
      policy: policyJson({ statement: secretReaderStatements({ secretArns: [secretArn], kmsKeyArns: [keyArn], region: "eu-west-1" }) }),
    },
  ],
});

/** What the node role is given: the worker node and CNI managed policies, in short. */
const NODE_ROLE: RolePolicies = {
  roleArn: "arn:aws:iam::111111111111:role/dev-nodes",
  policies: [
    {
      name: "workers",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: [
              "ec2:Describe*",
              "eks:DescribeCluster",
              "ecr:GetAuthorizationToken",
              "ecr:BatchGetImage",
              "ecr:GetDownloadUrlForLayer",
            ],
            Resource: "*",
          },
          {
            Effect: "Allow",
            Action: [
              "ec2:AssignPrivateIpAddresses",
              "ec2:AttachNetworkInterface",
              "ec2:CreateNetworkInterface",
              "ec2:DeleteNetworkInterface",
              "ec2:UnassignPrivateIpAddresses",
            ],
            Resource: "*",
          },
          { Effect: "Allow", Action: "ec2:CreateTags", Resource: "arn:aws:ec2:*:*:network-interface/*" },
        ],
      },
    },
  ],
};

const boundary = (statements: unknown[]): RolePolicies["permissionsBoundary"] => ({ Version: "2012-10-17", Statement: statements });

describe("service roles", () => {
  it("GIVEN the node role under a boundary that allows everything WHEN the node's and the CNI's calls are evaluated THEN all are allowed", async () => {
    const role = { ...NODE_ROLE, permissionsBoundary: boundary([{ Effect: "Allow", Action: "*", Resource: "*" }]) };

    const violations = await evaluate("platform-dev", role, "111111111111", [
      ...serviceRequests(NODE_AWS_CALLS, FACTS),
      ...serviceRequests(VPC_CNI_AWS_CALLS, FACTS),
    ]);

    expect(violations).toEqual([]);
  });

  it("GIVEN a boundary that also denies ec2:* WHEN the CNI's calls are evaluated THEN each EC2 call is refused, naming the service", async () => {
    const role = {
      ...NODE_ROLE,
      permissionsBoundary: boundary([
        { Effect: "Allow", Action: "*", Resource: "*" },
        { Effect: "Deny", Action: "ec2:*", Resource: "*" },
      ]),
    };

    const violations = await evaluate("platform-dev", role, "111111111111", serviceRequests(VPC_CNI_AWS_CALLS, FACTS));

    expect(violations).toHaveLength(VPC_CNI_AWS_CALLS.calls.length);
    expect(violations[0]?.call).toMatch(/^vpc-cni: /);
  });

  it("GIVEN every service's calls WHEN filled with a stack's facts THEN every template variable has a value and every resource is an ARN or *", () => {
    const resources = SERVICE_AWS_CALLS.flatMap((service) => serviceRequests(service, FACTS)).map((request) => request.resource);

    expect(resources.filter((resource) => resource !== "*" && !resource.startsWith("arn:aws:"))).toEqual([]);
  });

  it("GIVEN a template variable without a value WHEN filled THEN the error names the variable and the call", () => {
    expect(() =>
      fillTemplate("arn:${Partition}:eks:${Region}:${Account}:cluster/${ClusterName}", { Partition: "aws" }, "node eks:DescribeCluster"),
    ).toThrow("node eks:DescribeCluster: no value for ${Region}");
  });

  it("GIVEN the services WHEN listed THEN the node, the CNI, the EBS driver, the load balancer controller, external-dns and the app each have calls", () => {
    expect(SERVICE_AWS_CALLS.map((service) => `${service.service} ${service.calls.length > 0}`)).toEqual([
      "node true",
      "vpc-cni true",
      "aws-ebs-csi-driver true",
      "aws-load-balancer-controller true",
      "external-dns true",
      "backend true",
      "grafana true",
    ]);
  });

  it("GIVEN Grafana's role reading its admin secret with the data key WHEN Grafana's calls are evaluated THEN both are allowed", async () => {
    const role = grafanaRole(FACTS.GrafanaAdminSecretArn, DATA_KEY);

    expect(await evaluate("platform-dev", role, "111111111111", serviceRequests(GRAFANA_AWS_CALLS, FACTS))).toEqual([]);
  });

  it("GIVEN Grafana's role on another secret WHEN Grafana's calls are evaluated THEN each call on the admin secret is refused", async () => {
    const role = grafanaRole("arn:aws:secretsmanager:eu-west-1:111111111111:secret:dev/other-AbCdEf", DATA_KEY);

    const violations = await evaluate("platform-dev", role, "111111111111", serviceRequests(GRAFANA_AWS_CALLS, FACTS));

    expect(violations.map((violation) => violation.action)).toEqual(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]);
  });

  it("GIVEN a platform state WHEN the facts are read THEN Grafana's secret is found by its name", () => {
    const facts = factsOf(
      { region: "eu-west-1", accountId: "111111111111", environment: "dev" },
      [
        { address: "aws_secretsmanager_secret.other", values: { name: "dev/other", arn: "arn:other" } },
        { address: "aws_secretsmanager_secret.grafana-admin-secret_89236D4D", values: { name: "dev/grafana/admin", arn: "arn:grafana" } },
        { address: "aws_kms_alias.eks_secrets-key_alias", values: { name: "alias/dev/eks-secrets", target_key_arn: "arn:eks-key" } },
        { address: "aws_kms_alias.data-key_alias_1", values: { name: "alias/dev/data", target_key_arn: "arn:data-key" } },
      ],
      undefined,
    );

    expect(facts["GrafanaAdminSecretArn"]).toBe("arn:grafana");
  });
});

describe("what IAM sees of an existing resource", () => {
  const deploy: RolePolicies = {
    roleArn: "arn:aws:iam::111111111111:role/dev-github-deploy",
    policies: [{ name: "power", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", NotAction: ["iam:*"], Resource: "*" }] } }],
  };
  const describeKey = {
    action: "kms:DescribeKey",
    resource: "arn:aws:kms:eu-west-1:111111111111:key/k1",
    context: {},
    call: "KMS DescribeKey",
  };
  const keyPolicy = {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountIamDelegation",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::111111111111:root" },
        Action: "kms:*",
        Resource: "*",
      },
    ],
  };

  it("GIVEN a key whose policy delegates to the account's IAM WHEN a call on the key is evaluated with it THEN allowed", async () => {
    expect(await evaluate("network-dev", deploy, "111111111111", [describeKey], () => keyPolicy)).toEqual([]);
  });

  it("GIVEN a key policy that does not trust the account WHEN evaluated THEN denied, as KMS does", async () => {
    const closed = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "logs.amazonaws.com" }, Action: "kms:*", Resource: "*" }],
    };

    expect(await evaluate("network-dev", deploy, "111111111111", [describeKey], () => closed)).toHaveLength(1);
  });

  it("GIVEN a resource's tags in state WHEN a request on it is enriched THEN aws:ResourceTag keys are set, and a create's tagging request keeps only its request tags", () => {
    const resources = new Map([["arn:aws:kms:eu-west-1:111111111111:key/k1", { tags: { environment: "dev" } }]]);
    const tagOnCreate = { ...describeKey, action: "kms:TagResource", because: "tags on create (kms:CreateKey)" };

    const [read, tagged] = withResourceTags([describeKey, tagOnCreate], resources);

    expect(read?.context).toEqual({ "aws:ResourceTag/environment": "dev" });
    expect(tagged?.context).toEqual({});
  });
});

describe("EC2's own resource tag keys", () => {
  it("GIVEN a tagged EC2 resource WHEN an EC2 request on it is enriched THEN ec2:ResourceTag is set beside aws:ResourceTag (AmazonEBSCSIDriverPolicy conditions on it)", () => {
    const resources = new Map([["arn:aws:ec2:eu-west-1:111111111111:volume/vol-1", { tags: { "ebs.csi.aws.com/cluster": "true" } }]]);
    const request = {
      action: "ec2:DeleteVolume",
      resource: "arn:aws:ec2:eu-west-1:111111111111:volume/vol-1",
      context: {},
      call: "EC2 DeleteVolume",
    };

    expect(withResourceTags([request], resources)[0]?.context).toEqual({
      "aws:ResourceTag/ebs.csi.aws.com/cluster": "true",
      "ec2:ResourceTag/ebs.csi.aws.com/cluster": "true",
    });
  });
});
