import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import type { IdentityMode } from "../../modules/core/identity-modes";
import { buildEnvironment, ENVIRONMENTS, environment } from "../support/fixtures";
import { resourcesOf, type TerraformJson } from "../support/synthesized";

/*
 * The migration from IRSA to EKS Pod Identity (docs/migrations/irsa-to-pod-identity.md) is three
 * applies of platform.identity.mode: irsa -> both -> podIdentity. Each phase is synthesized here
 * from dev's file and checked for what the sequence relies on.
 */
const synthAt = (mode: IdentityMode) => {
  const env = environment("dev", (e) => ({ ...e, platform: { ...e.platform, identity: { mode } } }));
  const { stacks } = buildEnvironment(env);
  return {
    platform: JSON.parse(Testing.synth(stacks.platform)) as TerraformJson,
    workloads: JSON.parse(Testing.synth(stacks.workloads)) as TerraformJson,
  };
};
const phases = { irsa: synthAt("irsa"), both: synthAt("both"), podIdentity: synthAt("podIdentity") };

type Statement = { principals?: { type: string; identifiers: string[] }[] };
const trustKinds = (doc: TerraformJson): string[][] =>
  Object.entries(doc.data?.["aws_iam_policy_document"] ?? {})
    .filter(([name]) => name.endsWith("_trust") || /_trust_[0-9A-F]{8}$/.test(name))
    .map(([, body]) => ((body["statement"] as Statement[]) ?? []).flatMap((s) => (s.principals ?? []).map((p) => p.type)));
const count = (doc: TerraformJson, type: string) => Object.keys(resourcesOf(doc, type)).length;
const addonNames = (doc: TerraformJson) => Object.values(resourcesOf(doc, "aws_eks_addon")).map((a) => a["addon_name"]);

describe("IRSA to EKS Pod Identity, phase by phase (dev)", () => {
  it("irsa: the OIDC provider, web-identity trusts only, no association, no agent; service accounts annotated", () => {
    const { platform, workloads } = phases.irsa;
    expect(count(platform, "aws_iam_openid_connect_provider")).toBe(1);
    expect(count(platform, "aws_eks_pod_identity_association")).toBe(0);
    expect(addonNames(platform)).not.toContain("eks-pod-identity-agent");
    expect(JSON.stringify(platform)).not.toContain("pods.eks.amazonaws.com");
    expect(JSON.stringify(workloads)).toContain("eks.amazonaws.com/role-arn");
  });

  it("both: the OIDC provider and every association, each workload role trusting both; no annotation, secrets through Pod Identity", () => {
    const { platform, workloads } = phases.both;
    expect(count(platform, "aws_iam_openid_connect_provider")).toBe(1);
    expect(count(platform, "aws_eks_pod_identity_association")).toBe(9);
    expect(addonNames(platform)).toContain("eks-pod-identity-agent");
    const dual = trustKinds(platform).filter((kinds) => kinds.includes("Federated") && kinds.includes("Service"));
    expect(dual).toHaveLength(9);
    expect(JSON.stringify(workloads)).not.toContain("eks.amazonaws.com/role-arn");
    expect(JSON.stringify(workloads)).toContain('\\"usePodIdentity\\":true');
  });

  it("podIdentity: no OIDC provider and no web-identity trust left", () => {
    const { platform } = phases.podIdentity;
    expect(count(platform, "aws_iam_openid_connect_provider")).toBe(0);
    expect(count(platform, "aws_eks_pod_identity_association")).toBe(9);
    expect(trustKinds(platform).flat()).not.toContain("Federated");
  });

  it("no phase replaces a role: the same role addresses and names in all three", () => {
    const roles = (doc: TerraformJson) =>
      Object.entries(resourcesOf(doc, "aws_iam_role"))
        .map(([address, role]) => `${address}=${String(role["name"])}`)
        .sort();
    expect(roles(phases.both.platform)).toEqual(roles(phases.irsa.platform));
    expect(roles(phases.podIdentity.platform)).toEqual(roles(phases.irsa.platform));
  });

  it("no environment file is left on IRSA alone: each is on Pod Identity or in the cut-over", () => {
    expect(ENVIRONMENTS.filter((env) => env.platform.identity.mode === "irsa").map((env) => env.name)).toEqual([]);
  });
});
