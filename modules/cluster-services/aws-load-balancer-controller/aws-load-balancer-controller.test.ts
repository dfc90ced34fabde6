import { Release } from "@cdktf/provider-helm/lib/release";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import {
  AwsLoadBalancerController,
  type AwsLoadBalancerControllerProps,
  type AwsLoadBalancerControllerValues,
} from "./aws-load-balancer-controller";
import { resourcesOf, type TerraformJson } from "../../../test/support/synthesized";

const ROLE = "arn:aws:iam::123456789012:role/test-aws-load-balancer-controller";
const props: AwsLoadBalancerControllerProps = {
  chartVersion: "3.5.0",
  roleArn: ROLE,
  clusterName: "test",
  region: "eu-west-1",
  vpcId: "vpc-0123456789abcdef0",
  dependsOn: [],
};
const synth = (overrides: Partial<AwsLoadBalancerControllerProps> = {}) =>
  Testing.synthScope((scope) => new AwsLoadBalancerController(scope, "lbc", { ...props, ...overrides }));

/** The release's values, parsed as the construct's values type. */
function valuesOf(json: string): AwsLoadBalancerControllerValues {
  const releases = Object.values(resourcesOf(JSON.parse(json) as TerraformJson, "helm_release"));
  expect(releases).toHaveLength(1);
  const values = releases[0]!["values"] as string[];
  expect(values).toHaveLength(1);
  return JSON.parse(values[0]!) as AwsLoadBalancerControllerValues;
}

describe("AwsLoadBalancerController", () => {
  it("installs the pinned eks-charts chart into the service account's namespace", () => {
    expect(synth()).toHaveResourceWithProperties(Release, {
      name: "aws-load-balancer-controller",
      repository: "https://aws.github.io/eks-charts",
      chart: "aws-load-balancer-controller",
      version: "3.5.0",
      skip_crds: true,
      namespace: "kube-system",
    });
  });

  it("serves the cluster in its region and VPC", () => {
    expect(valuesOf(synth())).toMatchObject({ clusterName: "test", region: "eu-west-1", vpcId: "vpc-0123456789abcdef0" });
  });

  it("creates the service account the platform's role trusts, annotated with that role", () => {
    expect(valuesOf(synth()).serviceAccount).toEqual({
      create: true,
      name: "aws-load-balancer-controller",
      annotations: { "eks.amazonaws.com/role-arn": ROLE },
    });
  });

  it("leaves Services of type LoadBalancer alone: the service mutator webhook is off", () => {
    expect(valuesOf(synth()).enableServiceMutatorWebhook).toBe(false);
  });

  it("serves Gateway API for ALBs only, creates no IngressClass and associates WAFv2 web ACLs only", () => {
    expect(valuesOf(synth())).toMatchObject({
      createIngressClassResource: false,
      controllerConfig: { featureGates: { ALBGatewayAPI: true, NLBGatewayAPI: false, GatewayListenerSet: false } },
      enableWafv2: true,
      enableWaf: false,
    });
  });

  it("leaves the chart's crds/ to the local CRD charts and installs after them", () => {
    const json = Testing.synthScope((scope) => {
      const crds = new Release(scope, "crds", { name: "crds", chart: "./crds" });
      new AwsLoadBalancerController(scope, "lbc", { ...props, dependsOn: [crds] });
    });
    const releases = resourcesOf(JSON.parse(json) as TerraformJson, "helm_release");
    const controller = Object.values(releases).find((release) => release["name"] === "aws-load-balancer-controller");
    expect(controller?.["skip_crds"]).toBe(true);
    expect(controller?.["depends_on"]).toEqual(["helm_release.crds"]);
  });

  it("runs two replicas spread across zones with a disruption budget by default", () => {
    const values = valuesOf(synth());
    expect(values.replicaCount).toBe(2);
    expect(values.podDisruptionBudget).toEqual({ maxUnavailable: 1 });
    expect(values.topologySpreadConstraints).toEqual([
      expect.objectContaining({ topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway" }),
    ]);
    expect(valuesOf(synth({ replicas: 3 })).replicaCount).toBe(3);
  });

  it("runs non-root, without privilege escalation, on a read-only root filesystem, with every capability dropped", () => {
    const values = valuesOf(synth());
    expect(values.podSecurityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(values.securityContext).toEqual({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      seccompProfile: { type: "RuntimeDefault" },
      capabilities: { drop: ["ALL"] },
    });
    expect(values.resources.requests).toEqual({ cpu: "100m", memory: "256Mi" });
  });

  it("refuses a role that is not an IAM role ARN (the empty output of a platform without the ALB option)", () => {
    expect(() => synth({ roleArn: "" })).toThrow(
      'aws-load-balancer-controller: roleArn "" is not an IAM role ARN (is platform.loadBalancerController on',
    );
  });

  it("refuses a VPC id, a region and a replica count that cannot be", () => {
    expect(() => synth({ vpcId: "vpc-xyz" })).toThrow('aws-load-balancer-controller: vpcId "vpc-xyz" is not a VPC id');
    expect(() => synth({ region: "europe" })).toThrow('aws-load-balancer-controller: region "europe" is not an AWS region');
    expect(() => synth({ replicas: 0 })).toThrow("aws-load-balancer-controller: replicas must be a positive integer (got 0)");
  });
});
