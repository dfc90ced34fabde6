import { DataAwsLbs } from "@cdktf/provider-aws/lib/data-aws-lbs";
import { Fn, type ITerraformDependable, Token } from "cdktf";
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

export interface GatewayLoadBalancerProps {
  /** The cluster the controller runs in (its `clusterName`). */
  readonly clusterName: string;
  /** Namespace of the Gateway. */
  readonly gatewayNamespace: string;
  /** Name of the Gateway. */
  readonly gatewayName: string;
  /**
   * The Helm release of the Gateway, whose apply ends once the controller has programmed it (its
   * post-install and post-upgrade hook waits for the Gateway's `Programmed` condition).
   */
  readonly gatewayRelease: ITerraformDependable;
  /**
   * Fail the read unless exactly one load balancer is found. Off for a teardown, whose destroy
   * reads the lookup after the Gateway and its ALB are gone.
   * @default true
   */
  readonly requireOne?: boolean;
}

/**
 * The load balancer the AWS Load Balancer Controller made for one Gateway, found by the tags the
 * controller puts on it (`aws_lbs`), read after the Gateway's release: when the release has
 * changes to apply (always on the first apply), Terraform defers the read to the apply, after the
 * release's hook saw the Gateway programmed, so the ALB of a fresh environment is found by the apply
 * that creates it. Exactly one must be found (the stack tag names one Gateway): none, after the
 * Gateway was programmed, or more than one, fails the read with a message saying what to check.
 * `dimension` is the CloudWatch dimension `LoadBalancer` of that ALB, the ARN's suffix
 * `app/<name>/<id>` (known after apply when the read is deferred: attributes may be, a `count`
 * could not, hence no count on what uses it).
 */
export class GatewayLoadBalancer extends Construct {
  /** `LoadBalancer` dimension of the Gateway's load balancer. */
  readonly dimension: string;
  /** The lookup (its tags, `depends_on` and postcondition), for review and tests. */
  readonly lookup: DataAwsLbs;

  constructor(scope: Construct, id: string, props: GatewayLoadBalancerProps) {
    super(scope, id);
    const requireOne = props.requireOne ?? true;
    const stack = `${props.gatewayNamespace}/${props.gatewayName}`;
    const tags = { [CLUSTER_TAG]: props.clusterName, [STACK_TAG]: stack, [RESOURCE_TAG]: "LoadBalancer" };
    const tagText = Object.entries(tags)
      .map(([key, value]) => `${key}=${value}`)
      .join(", ");
    this.lookup = new DataAwsLbs(this, "lbs", {
      tags,
      dependsOn: [props.gatewayRelease],
      lifecycle: !requireOne
        ? undefined
        : {
            postcondition: [
              {
                condition: "${length(self.arns) == 1}",
                errorMessage:
                  `Gateway ${stack}: expected exactly one load balancer tagged ${tagText}, the ALB the AWS Load Balancer Controller ` +
                  `makes for it, after its release waited for the Gateway to be Programmed; none (or more than one) was found, so its ` +
                  `alarms cannot watch it. Check kubectl -n ${props.gatewayNamespace} describe gateway ${props.gatewayName} (conditions, ` +
                  `events) and the controller's log (kubectl -n kube-system logs deploy/aws-load-balancer-controller), and ` +
                  `aws elbv2 describe-load-balancers for a load balancer that lost its tags.`,
              },
            ],
          },
    });
    const dimension = Fn.element(Fn.split(":loadbalancer/", Token.asString(Fn.one(this.lookup.arns))), 1);
    // A teardown's destroy may read the lookup with the ALB gone: no value to split there.
    this.dimension = requireOne ? dimension : Token.asString(Fn.try([dimension, "none"]));
  }
}
