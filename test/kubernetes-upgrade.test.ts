import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { environmentsDir, parseEnvironment } from "../environments/load";
import { buildEnvironment } from "./support/fixtures";
import { resourcesOf, type TerraformJson } from "./support/synthesized";

/**
 * The rehearsal of a Kubernetes upgrade, one minor at a time, on the synthesized stacks: the real
 * dev file on 1.34 and on 1.35 (through the loader and its schema, as a user would change it), and
 * what differs between the two. A normal plan and apply per layer: nothing is replaced, only what
 * an upgrade must move changes.
 */
const FILE = path.join(environmentsDir(), "dev.yaml");
const text = readFileSync(FILE, "utf8");
const on = (version: string) => {
  const changed = text.replace(/kubernetesVersion: "1\.\d+"/, `kubernetesVersion: "${version}"`);
  expect(changed).toContain(`kubernetesVersion: "${version}"`);
  const { stacks } = buildEnvironment(parseEnvironment(changed, FILE, "dev"));
  return {
    platform: JSON.parse(Testing.synth(stacks.platform)) as TerraformJson,
    workloads: JSON.parse(Testing.synth(stacks.workloads)) as TerraformJson,
  };
};

/** Every resource whose synthesized body differs between the two documents, as `type.name`, sorted. */
function changedResources(before: TerraformJson, after: TerraformJson): string[] {
  const types = new Set([...Object.keys(before.resource ?? {}), ...Object.keys(after.resource ?? {})]);
  return [...types]
    .flatMap((type) => {
      const a = resourcesOf(before, type);
      const b = resourcesOf(after, type);
      const names = new Set([...Object.keys(a), ...Object.keys(b)]);
      return [...names].filter((name) => JSON.stringify(a[name]) !== JSON.stringify(b[name])).map((name) => `${type}.${name}`);
    })
    .sort();
}

describe("upgrading dev from Kubernetes 1.34 to 1.35", () => {
  const before = on("1.34");
  const after = on("1.35");

  it("platform: the control plane's version and the kube-proxy and CoreDNS add-ons change, nothing else (no resource added, removed or replaced)", () => {
    const changed = changedResources(before.platform, after.platform);
    expect(changed.map((address) => address.replace(/_[0-9A-F]{8}$/, ""))).toEqual([
      "aws_eks_addon.addons_coredns",
      "aws_eks_addon.addons_kube-proxy",
      "aws_eks_cluster.eks_cluster",
    ]);
    const cluster = (doc: TerraformJson) => Object.values(resourcesOf(doc, "aws_eks_cluster"))[0]!;
    expect([cluster(before.platform)["version"], cluster(after.platform)["version"]]).toEqual(["1.34", "1.35"]);
    const addon = (doc: TerraformJson, name: string) =>
      Object.values(resourcesOf(doc, "aws_eks_addon")).find((a) => a["addon_name"] === name)?.["addon_version"];
    // The oracle: the EKS user guide's latest add-on versions per Kubernetes version.
    expect([addon(before.platform, "kube-proxy"), addon(after.platform, "kube-proxy")]).toEqual([
      "v1.34.6-eksbuild.2",
      "v1.35.3-eksbuild.2",
    ]);
    expect([addon(before.platform, "coredns"), addon(after.platform, "coredns")]).toEqual(["v1.13.2-eksbuild.7", "v1.14.2-eksbuild.4"]);
  });

  it("platform: the node groups follow the control plane through its version attribute (rolled by EKS in the same apply, after it)", () => {
    for (const group of Object.values(resourcesOf(after.platform, "aws_eks_node_group"))) {
      expect(String(group["version"])).toMatch(/^\$\{aws_eks_cluster\.[^.]+\.version\}$/);
    }
  });

  it("workloads: only the cluster autoscaler moves, to the chart built for the new minor", () => {
    const changed = changedResources(before.workloads, after.workloads);
    expect(changed.map((address) => address.replace(/_[0-9A-F]{8}$/, ""))).toEqual(["helm_release.cluster-autoscaler_release"]);
    const autoscaler = (doc: TerraformJson) =>
      Object.values(resourcesOf(doc, "helm_release")).find((r) => r["chart"] === "cluster-autoscaler")?.["version"];
    expect([autoscaler(before.workloads), autoscaler(after.workloads)]).toEqual(["9.53.0", "9.59.0"]);
  });
});
