import { DataAwsLbs } from "@cdktf/provider-aws/lib/data-aws-lbs";
import { Fn, TerraformIterator, Token, type ListTerraformIterator } from "cdktf";
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
 * `for_each` iterator and the CloudWatch dimension `LoadBalancer` of the current element (the ARN's
 * suffix `app/<name>/<id>`). At most one: the stack tag names one Gateway. Read at plan time: an
 * ALB the same apply creates is found by the next plan.
 */
export class GatewayLoadBalancers extends Construct {
  /** One element per load balancer found (its ARN). */
  readonly iterator: ListTerraformIterator;
  /** `LoadBalancer` dimension of the iterator's element. */
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
    this.iterator = TerraformIterator.fromList(Token.asList(found.arns));
    this.dimension = Fn.element(Fn.split(":loadbalancer/", Token.asString(this.iterator.value)), 1);
  }
}
