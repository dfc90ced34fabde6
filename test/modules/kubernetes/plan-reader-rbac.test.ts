import { ClusterRoleV1 } from "@cdktf/provider-kubernetes/lib/cluster-role-v1";
import { DeploymentV1 } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { Labels } from "@cdktf/provider-kubernetes/lib/labels";
import { RoleV1 } from "@cdktf/provider-kubernetes/lib/role-v1";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import type { Construct } from "constructs";
import { describe, expect, it } from "vitest";
import { PlanReaderRbac, refreshedResources } from "../../../modules/kubernetes/plan-reader-rbac";
import { synth } from "../../support/helm-release";

const deployment = (scope: Construct) =>
  new DeploymentV1(scope, "app", {
    metadata: { name: "app", namespace: "apps" },
    spec: {
      selector: { matchLabels: { app: "app" } },
      template: { metadata: { labels: { app: "app" } }, spec: { container: [{ name: "app" }] } },
    },
  });

describe("PlanReaderRbac", () => {
  it("GIVEN a stack with a Deployment and labels on a Namespace WHEN its refreshed resources are found THEN they are the Deployment, the Namespace and the RBAC kinds", () => {
    let found: string[] = [];
    synth((s) => {
      deployment(s);
      new Labels(s, "labels", { apiVersion: "v1", kind: "Namespace", metadata: { name: "kube-system" }, labels: { a: "b" } });
      found = refreshedResources(s).map((r) => `${r.apiGroup}/${r.resource}`);
    });
    expect(found).toEqual([
      "/namespaces",
      "apps/deployments",
      "rbac.authorization.k8s.io/clusterrolebindings",
      "rbac.authorization.k8s.io/clusterroles",
      "rbac.authorization.k8s.io/rolebindings",
      "rbac.authorization.k8s.io/roles",
    ]);
  });

  it("GIVEN a stack that manages a Secret WHEN its refreshed resources are found THEN the synth stops, naming the resource (never secrets cluster-wide)", () => {
    expect(() =>
      synth((s) => {
        new SecretV1(s, "credential", { metadata: { name: "credential", namespace: "apps" } });
        refreshedResources(s);
      }),
    ).toThrow(/credential: the plan reader has no read rule for kubernetes_secret_v1/);
  });

  it("GIVEN secrets among the resources WHEN synthesized THEN it is refused", () => {
    expect(() =>
      synth(
        (s) =>
          new PlanReaderRbac(s, "plan", {
            group: "dev:terraform-plan",
            resources: [{ apiGroup: "", resource: "secrets" }],
            releaseRecordNamespaces: {},
          }),
      ),
    ).toThrow("Plan reader: secrets are never readable cluster-wide (release records: releaseRecordNamespaces)");
  });

  it("GIVEN resources and release record namespaces WHEN synthesized THEN the ClusterRole reads them and each namespace's Role reads Secrets only", () => {
    const json = synth(
      (s) =>
        new PlanReaderRbac(s, "plan", {
          group: "dev:terraform-plan",
          resources: [
            { apiGroup: "apps", resource: "deployments" },
            { apiGroup: "", resource: "services" },
            { apiGroup: "", resource: "namespaces" },
          ],
          releaseRecordNamespaces: { "kube-system": "kube-system", "helm-releases": "helm-releases" },
        }),
    );
    expect(json).toHaveResourceWithProperties(ClusterRoleV1, {
      metadata: expect.objectContaining({ name: "terraform-plan-reader" }),
      rule: [
        { api_groups: ["apps"], resources: ["deployments"], verbs: ["get", "list", "watch"] },
        { api_groups: [""], resources: ["namespaces", "services"], verbs: ["get", "list", "watch"] },
      ],
    });
    for (const namespace of ["kube-system", "helm-releases"]) {
      expect(json).toHaveResourceWithProperties(RoleV1, {
        metadata: expect.objectContaining({ name: "terraform-plan-release-records", namespace }),
        rule: [{ api_groups: [""], resources: ["secrets"], verbs: ["get", "list"] }],
      });
    }
  });

  it("GIVEN a release record namespace named differently from its key WHEN synthesized THEN it is refused", () => {
    expect(() =>
      synth(
        (s) =>
          new PlanReaderRbac(s, "plan", {
            group: "dev:terraform-plan",
            resources: [{ apiGroup: "", resource: "namespaces" }],
            releaseRecordNamespaces: { "kube-system": "monitoring" },
          }),
      ),
    ).toThrow('Plan reader: release record namespace kube-system is given as "monitoring" (the same name, or a reference to it)');
  });
});
