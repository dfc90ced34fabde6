import type { Release } from "@cdktf/provider-helm/lib/release";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { LocalChartRelease } from "./local-chart-release";

export interface GatewayApiCrdsProps {
  /**
   * What must exist first.
   * @default none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * The CRDs the public entry needs, installed before anything uses them (ADR 0007): the Gateway API
 * standard channel (`charts/gateway-api-crds`) and then the AWS Load Balancer Controller's own
 * (`charts/aws-load-balancer-controller-crds`: LoadBalancerConfiguration, TargetGroupConfiguration,
 * TargetGroupBinding...). Both are local charts whose CRDs are templates, so Helm upgrades them with
 * the release (it never upgrades a chart's `crds/`) and keeps them on uninstall. Each release waits
 * until its CRDs are Established.
 */
export class GatewayApiCrds extends Construct {
  /** The Gateway API CRDs' release. */
  readonly gatewayApi: Release;
  /** The controller CRDs' release (installed after the Gateway API's): what the controller and every Gateway object depend on. */
  readonly release: Release;

  constructor(scope: Construct, id: string, props: GatewayApiCrdsProps = {}) {
    super(scope, id);
    const gatewayApi = new LocalChartRelease(this, "gateway-api", {
      chart: "gateway-api-crds",
      releaseName: "gateway-api-crds",
      namespace: "kube-system",
      values: {},
      ...(props.dependsOn === undefined ? {} : { dependsOn: props.dependsOn }),
    });
    const controller = new LocalChartRelease(this, "aws-load-balancer-controller", {
      chart: "aws-load-balancer-controller-crds",
      releaseName: "aws-load-balancer-controller-crds",
      namespace: "kube-system",
      values: {},
      dependsOn: [gatewayApi.release],
    });
    this.gatewayApi = gatewayApi.release;
    this.release = controller.release;
  }
}
