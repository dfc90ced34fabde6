import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { describe, expect, it } from "vitest";
import { FluentBit, type FluentBitValues } from "./fluent-bit";
import { releaseOf, valuesOf, NAMESPACE_REFERENCE, synth } from "../../../test/support/helm-release";

describe("FluentBit", () => {
  const ROLE = "arn:aws:iam::123456789012:role/dev-fluent-bit";
  const build = () =>
    synth(
      (scope) =>
        new FluentBit(scope, "logs", {
          chartVersion: "0.58.1",
          roleArn: ROLE,
          logGroupName: "/aws/eks/dev/containers",
          region: "eu-west-1",
          clusterName: "dev",
        }),
    );
  const values = (json: string) => valuesOf<FluentBitValues>(json, "fluent-bit");

  it("ships container logs to the given, existing log group and never creates one", () => {
    expect(values(build()).config.outputs).toBe(
      [
        "[OUTPUT]",
        "    Name cloudwatch_logs",
        "    Match kube.*",
        "    region eu-west-1",
        "    log_group_name /aws/eks/dev/containers",
        "    log_stream_prefix dev-",
        "    auto_create_group Off",
        "",
      ].join("\n"),
    );
  });

  it("tails container logs and enriches them with Kubernetes metadata", () => {
    const config = values(build()).config;
    expect(config.inputs).toContain("    Path /var/log/containers/*.log\n");
    expect(config.inputs).toContain("    Tag kube.*\n");
    expect(config.filters).toMatch(/^\[FILTER\]\n {4}Name kubernetes\n {4}Match kube\.\*\n/);
  });

  it("runs on every node under the service account its IAM role trusts", () => {
    const json = build();
    expect(values(json).tolerations).toEqual([{ operator: "Exists" }]);
    expect(values(json).serviceAccount).toEqual({
      create: true,
      name: "fluent-bit",
      annotations: { "eks.amazonaws.com/role-arn": ROLE },
    });
  });

  it("runs in a privileged namespace that says why", () => {
    const json = build();
    expect(json).toHaveResourceWithProperties(NamespaceV1, {
      metadata: {
        name: "logging",
        labels: { "pod-security.kubernetes.io/enforce": "privileged" },
        annotations: {
          "platform.acme.example/pod-security-justification": "fluent-bit reads container logs from the node's /var/log via hostPath",
        },
      },
    });
    expect(releaseOf(json, "fluent-bit")).toMatchObject({ namespace: NAMESPACE_REFERENCE, version: "0.58.1" });
  });
});
