import { describe, expect, it } from "vitest";
import { ENVIRONMENTS } from "../support/fixtures";
import { ReferenceResolver, managedPolicySizes, renderedPolicy, roleQuotaUses, type RoleQuotaUse } from "../support/iam-quotas";
import { allSynthesizedStacks, type TerraformJson } from "../support/synthesized";

/**
 * IAM's quotas on what a stack sends it (IAM User Guide, "IAM object quotas"; IAM does not count
 * whitespace): past one, the apply fails half-way with LimitExceeded, which the emulator of the
 * end-to-end suite does not enforce. Measured on every role of every synthesized stack (every
 * environment's network, platform and workloads, each account's bootstrap and account layer), each
 * document as the provider renders it, with every Terraform reference at its longest real value
 * (test/support/iam-quotas.ts).
 */
const INLINE_AGGREGATE_PER_ROLE = 10_240;
const MANAGED_POLICY = 6_144;
const MANAGED_POLICIES_PER_ROLE = 10;
const TRUST_POLICY = 2_048;

const stacks = allSynthesizedStacks();
const resolver = new ReferenceResolver();
const inlineTotal = (role: RoleQuotaUse) => role.inline.reduce((sum, policy) => sum + policy.size, 0);

describe.each([
  ["as each environment file places it", false],
  ["moved to the longest partition and Region", true],
] as const)("IAM quotas, every role of every stack, %s", (_where, widened) => {
  const roles = stacks.flatMap((stack) => roleQuotaUses(stack.name, stack.doc, { resolver, widened }));
  const policies = stacks.flatMap((stack) => managedPolicySizes(stack.name, stack.doc, { resolver, widened }));

  it("GIVEN every environment WHEN its stacks' roles are measured THEN the CI roles, the cluster's roles and the account layer's roles are among them", () => {
    const names = new Set(roles.map((role) => role.role));
    for (const env of ENVIRONMENTS) {
      for (const role of ["github-plan", "github-deploy", "github-runner", "github-plan-runner", "cluster", "nodes", "karpenter"]) {
        expect(names, `${env.name}-${role}`).toContain(`${env.name}-${role}`);
      }
    }
    expect(roles.filter((role) => role.stack.startsWith("account-")).length).toBeGreaterThan(0);
  });

  it("GIVEN every role WHEN its inline policies are added up THEN they fit the 10,240 characters IAM allows a role", () => {
    const over = roles
      .filter((role) => inlineTotal(role) > INLINE_AGGREGATE_PER_ROLE)
      .map(
        (role) =>
          `${role.stack} ${role.role}: ${role.inline.map((policy) => `${policy.name} ${policy.size}`).join(" + ")} = ${inlineTotal(role)} > ${INLINE_AGGREGATE_PER_ROLE}`,
      );
    expect(over).toEqual([]);
  });

  it("GIVEN every customer-managed policy WHEN measured THEN it fits the 6,144 characters of a managed policy", () => {
    expect(policies.length).toBeGreaterThan(0);
    const over = policies
      .filter((policy) => policy.size > MANAGED_POLICY)
      .map((p) => `${p.stack} ${p.name}: ${p.size} > ${MANAGED_POLICY}`);
    expect(over).toEqual([]);
  });

  it("GIVEN every role WHEN its managed policies are counted THEN it has at most the 10 attachments IAM allows by default", () => {
    const over = roles
      .filter((role) => role.attached.length > MANAGED_POLICIES_PER_ROLE)
      .map((role) => `${role.stack} ${role.role}: ${role.attached.length} attached (${role.attached.join(", ")})`);
    expect(over).toEqual([]);
  });

  it("GIVEN every role WHEN its trust policy is measured THEN it fits the 2,048 characters IAM allows by default", () => {
    const over = roles.filter((role) => role.trustSize > TRUST_POLICY).map((role) => `${role.stack} ${role.role}: trust ${role.trustSize}`);
    expect(over).toEqual([]);
  });
});

describe("the measure", () => {
  const stack = (resource: Record<string, unknown>, data: Record<string, unknown> = {}): TerraformJson =>
    ({
      provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["123456789012"] }] },
      resource,
      data: { aws_iam_policy_document: data },
    }) as TerraformJson;

  it("GIVEN a one-action one-resource statement WHEN rendered THEN lists of one are strings and nothing is whitespace, as the provider renders it", () => {
    const doc = stack({}, { d: { statement: [{ sid: "S", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] }] } });
    expect(renderedPolicy(doc, "${data.aws_iam_policy_document.d.json}", "d")).toBe(
      '{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}',
    );
  });

  it("GIVEN references to a key, a log group and an EKS issuer WHEN resolved THEN each takes its longest real value, names as the stack spells them", () => {
    const doc = stack({
      aws_kms_key: { k: {} },
      aws_cloudwatch_log_group: { g: { name: "/aws/codebuild/dev-runner" } },
      aws_eks_cluster: { c: { name: "dev" } },
    });
    expect(
      new ReferenceResolver(() => ({})).resolve(
        "s",
        doc,
        '${aws_kms_key.k.arn} ${aws_cloudwatch_log_group.g.arn} ${replace(aws_eks_cluster.c.identity[0].oidc[0].issuer, "https://", "")}',
      ),
    ).toBe(
      "arn:aws:kms:eu-west-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef arn:aws:logs:eu-west-1:123456789012:log-group:/aws/codebuild/dev-runner oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF",
    );
  });

  it("GIVEN a reference it has no value for WHEN resolved THEN it fails naming the stack and the reference (never a guess)", () => {
    expect(() => new ReferenceResolver(() => ({})).resolve("network-x", stack({ aws_vpc: { v: {} } }), "${aws_vpc.v.arn}")).toThrow(
      "network-x: no worst-case value for ${aws_vpc.v.arn}",
    );
  });

  it("GIVEN a role whose two inline policies add up past 10,240 characters WHEN measured THEN both count, by name", () => {
    const big = (sid: string) => ({
      statement: [{ sid, actions: ["s3:GetObject"], resources: Array.from({ length: 200 }, (_, i) => `arn:aws:s3:::bucket-${i}/*`) }],
    });
    const doc = stack(
      {
        aws_iam_role: { r: { name: "x-role", assume_role_policy: "${data.aws_iam_policy_document.t.json}" } },
        aws_iam_role_policy: {
          a: { name: "a", role: "${aws_iam_role.r.id}", policy: "${data.aws_iam_policy_document.a.json}" },
          b: { name: "b", role: "${aws_iam_role.r.name}", policy: "${data.aws_iam_policy_document.b.json}" },
        },
      },
      {
        a: big("A"),
        b: big("B"),
        t: { statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["x"] }] }] },
      },
    );
    const [role] = roleQuotaUses("s", doc, { resolver: new ReferenceResolver(() => ({})) });
    expect(role?.inline.map((policy) => policy.name)).toEqual(["a", "b"]);
    expect(inlineTotal(role!)).toBeGreaterThan(INLINE_AGGREGATE_PER_ROLE);
  });
});
