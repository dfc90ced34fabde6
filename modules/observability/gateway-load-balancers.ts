import { DataAwsLbs } from "@cdktf/provider-aws/lib/data-aws-lbs";
import { Fn, TerraformCount, Token } from "cdktf";
import { Construct } from "constructs";

/**
 * Tags the AWS Load Balancer Controller puts on every resource it makes for an ALB Gateway
 * (kubernetes-sigs/aws-load-balancer-controller: pkg/gateway/constants ALBGatewayTagPrefix
 * `gateway.k8s.aws.alb`; pkg/deploy/tracking: `<prefix>/stack` = `<namespace>/<gateway>`,
 * `<prefix>/resource` = the resource's id in the stack, `LoadBalancer` for the load balancer),
 * beside the cluster tag `elbv2.k8s.aws/cluster`.
 */
const CLUSTER_TAG = "elbv2.k8s.aws/cluster";
const STACK_TAG = "gateway.k8s.aws.alb/stack";
const RESOURCE_TAG = "gateway.k8s.aws.alb/resource";

export interface GatewayLoadBalancersProps {
  /** The cluster the controller runs in (its `clusterName`). */
  readonly clusterName: string;
  /** Namespace of the Gateway. */
  readonly gatewayNamespace: string;
  /** Name of the Gateway. */
  readonly gatewayName: string;
}

/**
 * The load balancer the AWS Load Balancer Controller made for one Gateway, found by the tags the
 * controller puts on it (`aws_lbs`: an empty set, not an error, while it does not exist yet), as a
 * `count` (how many were found) and the CloudWatch dimension `LoadBalancer` of the `count.index`th
 * (the ARN's suffix `app/<name>/<id>`). At most one: the stack tag names one Gateway. Read at plan
 * time: an ALB the same apply creates is found by the next plan. `count`, not `for_each`: a
 * resource that had no count moves to index 0 by itself (Terraform), so the alarms of the earlier
 * release are updated in place, not deleted and created again under the same name.
 */
export class GatewayLoadBalancers extends Construct {
  /** One instance per load balancer found. */
  readonly count: TerraformCount;
  /** `LoadBalancer` dimension of the load balancer of `count.index`. */
  readonly dimension: string;

  constructor(scope: Construct, id: string, props: GatewayLoadBalancersProps) {
    super(scope, id);
    const found = new DataAwsLbs(this, "lbs", {
      tags: {
        [CLUSTER_TAG]: props.clusterName,
        [STACK_TAG]: `${props.gatewayNamespace}/${props.gatewayName}`,
        [RESOURCE_TAG]: "LoadBalancer",
      },
    });
    // A set has no order of its own: sorted, the index of each ARN is stable between plans.
    const arns = Fn.sort(found.arns);
    this.count = TerraformCount.of(Token.asNumber(Fn.lengthOf(arns)));
    this.dimension = Fn.element(Fn.split(":loadbalancer/", Token.asString(Fn.element(arns, this.count.index))), 1);
  }
}
