import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { EnvironmentConfigError, environmentsDir, parseEnvironment } from "../environments/load";
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

/** The pinned version of one EKS add-on in a synthesized platform stack. */
const addon = (doc: TerraformJson, name: string) =>
  Object.values(resourcesOf(doc, "aws_eks_addon")).find((a) => a["addon_name"] === name)?.["addon_version"];

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

  it("platform: the control plane's version and the four add-ons change, nothing else (no resource added, removed or replaced)", () => {
    const changed = changedResources(before.platform, after.platform);
    expect(changed.map((address) => address.replace(/_[0-9A-F]{8}$/, ""))).toEqual([
      "aws_eks_addon.addons_aws-ebs-csi-driver",
      "aws_eks_addon.addons_coredns",
      "aws_eks_addon.addons_kube-proxy",
      "aws_eks_addon.addons_vpc-cni",
      "aws_eks_cluster.eks_cluster",
    ]);
    const cluster = (doc: TerraformJson) => Object.values(resourcesOf(doc, "aws_eks_cluster"))[0]!;
    expect([cluster(before.platform)["version"], cluster(after.platform)["version"]]).toEqual(["1.34", "1.35"]);
    // The oracles: the EKS user guide's kube-proxy table, eksctl's CoreDNS assets and cdk-eks-blueprints' version maps.
    expect([addon(before.platform, "kube-proxy"), addon(after.platform, "kube-proxy")]).toEqual([
      "v1.34.6-eksbuild.13",
      "v1.35.3-eksbuild.13",
    ]);
    expect([addon(before.platform, "coredns"), addon(after.platform, "coredns")]).toEqual(["v1.13.2-eksbuild.19", "v1.14.3-eksbuild.11"]);
    expect([addon(before.platform, "vpc-cni"), addon(after.platform, "vpc-cni")]).toEqual(["v1.20.4-eksbuild.2", "v1.21.1-eksbuild.1"]);
    expect([addon(before.platform, "aws-ebs-csi-driver"), addon(after.platform, "aws-ebs-csi-driver")]).toEqual([
      "v1.56.0-eksbuild.1",
      "v1.57.1-eksbuild.1",
    ]);
  });

  it("platform: the node groups follow the control plane through its version attribute (rolled by EKS in the same apply, after it)", () => {
    for (const group of Object.values(resourcesOf(after.platform, "aws_eks_node_group"))) {
      expect(String(group["version"])).toMatch(/^\$\{aws_eks_cluster\.[^.]+\.version\}$/);
    }
  });

  it("workloads: only the kubectl of the monitoring CRD upgrade job and of the Gateway's wait hook move, to the new minor (Karpenter 1.14.1 supports both)", () => {
    const changed = changedResources(before.workloads, after.workloads);
    expect(changed.map((address) => address.replace(/_[0-9A-F]{8}$/, "")).sort()).toEqual([
      "helm_release.kube-prometheus-stack_release",
      "helm_release.public-gateway_release",
    ]);
    const waitImage = (doc: TerraformJson) => {
      const release = Object.values(resourcesOf(doc, "helm_release")).find((r) => r["name"] === "public-gateway");
      return (JSON.parse((release?.["values"] as string[] | undefined)?.[0] ?? "{}") as { programmedWait: { image: string } })
        .programmedWait.image;
    };
    expect([waitImage(before.workloads), waitImage(after.workloads)]).toEqual([
      "registry.k8s.io/kubectl:v1.34.0",
      "registry.k8s.io/kubectl:v1.35.0",
    ]);
    const kubectl = (doc: TerraformJson) => {
      const release = Object.values(resourcesOf(doc, "helm_release")).find((r) => r["chart"] === "kube-prometheus-stack");
      return (
        JSON.parse((release?.["values"] as string[] | undefined)?.[0] ?? "{}") as {
          crds: { upgradeJob: { image: { kubectl: { tag: string } } } };
        }
      ).crds.upgradeJob.image.kubectl.tag;
    };
    expect([kubectl(before.workloads), kubectl(after.workloads)]).toEqual(["v1.34.0", "v1.35.0"]);
  });

  it("platform: the Pod Identity agent keeps its version (one build serves 1.31 to 1.35)", () => {
    const addon = (doc: TerraformJson, name: string) =>
      Object.values(resourcesOf(doc, "aws_eks_addon")).find((a) => a["addon_name"] === name)?.["addon_version"];
    expect([addon(before.platform, "eks-pod-identity-agent"), addon(after.platform, "eks-pod-identity-agent")]).toEqual([
      "v1.3.10-eksbuild.2",
      "v1.3.10-eksbuild.2",
    ]);
  });
});

describe("upgrading dev from Kubernetes 1.35 to 1.36", () => {
  it("the file on 1.36 is refused today, one line per component without a 1.36 release in the tables (the default stays 1.35)", () => {
    const changed = text.replace(/kubernetesVersion: "1\.\d+"/, 'kubernetesVersion: "1.36"');
    const refused = (() => {
      try {
        parseEnvironment(changed, FILE, "dev");
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refused).toBeInstanceOf(EnvironmentConfigError);
    // The oracle: external-dns 1.21.1 is built with client-go v0.35.3, secrets-store-csi-driver 1.6.0 with v0.30.1 and
    // names no 1.36 support. (Karpenter 1.14.1, which replaced the cluster-autoscaler, supports 1.30 to 1.36.)
    expect((refused as EnvironmentConfigError).problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      "workloads.charts.secretsStoreCsiDriver: secrets-store-csi-driver 1.6.0 (app 1.6.0) supports Kubernetes 1.30 to 1.35, not 1.36",
      "workloads.charts.externalDns: external-dns 1.21.1 (app 0.21.0) supports Kubernetes 1.22 to 1.35, not 1.36",
    ]);
  });

  // Rehearsed past the schema: the platform layer as it will move once the charts above have 1.36 releases.
  const settings = parseEnvironment(text, FILE, "dev");
  const synthPlatform = (version: string) =>
    JSON.parse(
      Testing.synth(buildEnvironment({ ...settings, platform: { ...settings.platform, kubernetesVersion: version } }).stacks.platform),
    ) as TerraformJson;
  const before = synthPlatform("1.35");
  const after = synthPlatform("1.36");

  it("platform: the control plane and four add-ons change in place (CoreDNS keeps its build), nothing is added, removed or replaced", () => {
    // The Pod Identity agent, like vpc-cni and the EBS CSI driver, has no 1.36 pin yet: it loses its version.
    expect(changedResources(before, after).map((address) => address.replace(/_[0-9A-F]{8}$/, ""))).toEqual([
      "aws_eks_addon.addons_aws-ebs-csi-driver",
      "aws_eks_addon.addons_eks-pod-identity-agent",
      "aws_eks_addon.addons_kube-proxy",
      "aws_eks_addon.addons_vpc-cni",
      "aws_eks_cluster.eks_cluster",
    ]);
    const cluster = (doc: TerraformJson) => Object.values(resourcesOf(doc, "aws_eks_cluster"))[0]!;
    expect([cluster(before)["version"], cluster(after)["version"]]).toEqual(["1.35", "1.36"]);
  });

  it("platform: kube-proxy and CoreDNS move to their 1.36 pins (EKS user guide, eksctl coredns-1.36.json)", () => {
    expect([addon(before, "kube-proxy"), addon(after, "kube-proxy")]).toEqual(["v1.35.3-eksbuild.13", "v1.36.0-eksbuild.14"]);
    expect([addon(before, "coredns"), addon(after, "coredns")]).toEqual(["v1.14.3-eksbuild.11", "v1.14.3-eksbuild.11"]);
  });

  it("platform: vpc-cni and the EBS CSI driver have no public 1.36 pin: their version leaves the configuration (EKS keeps the installed one)", () => {
    expect([addon(before, "vpc-cni"), addon(after, "vpc-cni")]).toEqual(["v1.21.1-eksbuild.1", undefined]);
    expect([addon(before, "aws-ebs-csi-driver"), addon(after, "aws-ebs-csi-driver")]).toEqual(["v1.57.1-eksbuild.1", undefined]);
  });
});
