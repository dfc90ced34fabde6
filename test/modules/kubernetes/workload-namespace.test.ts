import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { describe, expect, it } from "vitest";
import { WorkloadNamespace, type WorkloadNamespaceProps } from "../../../modules/kubernetes/workload-namespace";
import { synth } from "../../support/helm-release";

describe("WorkloadNamespace", () => {
  const build = (props: WorkloadNamespaceProps) => synth((scope) => new WorkloadNamespace(scope, "namespace", props));
  const podSecurity = (level: string) => ({
    "pod-security.kubernetes.io/enforce": level,
    "pod-security.kubernetes.io/enforce-version": "latest",
    "pod-security.kubernetes.io/audit": level,
    "pod-security.kubernetes.io/warn": level,
  });

  it("enforces, audits and warns at restricted by default, with no justification", () => {
    const json = build({ name: "apps" });
    expect(json).toHaveResourceWithProperties(NamespaceV1, { metadata: { name: "apps", labels: podSecurity("restricted") } });
    expect(json).not.toHaveResourceWithProperties(NamespaceV1, { metadata: { annotations: expect.anything() } });
  });

  it("GIVEN a baseline level with a justification THEN the namespace carries both", () => {
    expect(build({ name: "legacy", level: "baseline", justification: "the vendor image runs as root" })).toHaveResourceWithProperties(
      NamespaceV1,
      {
        metadata: {
          labels: podSecurity("baseline"),
          annotations: { "platform.acme.example/pod-security-justification": "the vendor image runs as root" },
        },
      },
    );
  });

  it("refuses a level above restricted without a justification", () => {
    expect(() => build({ name: "legacy", level: "privileged" })).toThrow(
      'Namespace legacy: Pod Security level "privileged" needs a justification',
    );
    expect(() => build({ name: "legacy", level: "baseline", justification: "  " })).toThrow(
      'Namespace legacy: Pod Security level "baseline" needs a justification',
    );
  });

  it("adds extra labels but refuses ones that would override the Pod Security level", () => {
    expect(build({ name: "apps", labels: { team: "web" } })).toHaveResourceWithProperties(NamespaceV1, {
      metadata: { labels: { team: "web", "pod-security.kubernetes.io/enforce": "restricted" } },
    });
    expect(() => build({ name: "apps", labels: { "pod-security.kubernetes.io/enforce": "privileged" } })).toThrow(
      "Namespace apps: labels pod-security.kubernetes.io/enforce are set by the level prop, not by labels",
    );
  });
});
