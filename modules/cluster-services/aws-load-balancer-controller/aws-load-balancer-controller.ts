import type { Release } from "@cdktf/provider-helm/lib/release";
import { type ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import {
  type ContainerSecurityContext,
  type IrsaServiceAccountValues,
  irsaAnnotations,
  PinnedHelmRelease,
  type PodSecurityContext,
  type ResourceRequirements,
  type TopologySpreadConstraint,
  type HelmAddOnProps,
} from "../pinned-helm-release";
import { LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT } from "./identity";

const RELEASE = "aws-load-balancer-controller";
/** The chart's selector labels (name and instance), for the spread constraint. */
const POD_LABELS = { "app.kubernetes.io/name": "aws-load-balancer-controller", "app.kubernetes.io/instance": RELEASE } as const;
const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/** The aws-load-balancer-controller chart values this construct sets. */
export interface AwsLoadBalancerControllerValues {
  /** The EKS cluster: the controller tags what it creates with it (`elbv2.k8s.aws/cluster`), as its IAM policy expects. */
  readonly clusterName: string;
  /** Region and VPC given explicitly: with IMDSv2 hop limit 1 the pods cannot ask the instance metadata. */
  readonly region: string;
  readonly vpcId: string;
  readonly replicaCount: number;
  readonly serviceAccount: IrsaServiceAccountValues;
  /** The chart creates the PDB only with more than one replica. */
  readonly podDisruptionBudget: { readonly maxUnavailable: 1 };
  readonly topologySpreadConstraints: readonly TopologySpreadConstraint[];
  readonly podSecurityContext: PodSecurityContext;
  readonly securityContext: ContainerSecurityContext;
  readonly resources: ResourceRequirements;
  /** No IngressClass: the entry is Gateway API (GatewayClass `gateway.k8s.aws/alb`), no Ingress is served. */
  readonly createIngressClassResource: false;
  /**
   * Off: the webhook would make this controller the default for every new Service of type
   * LoadBalancer; no Service here asks for a load balancer.
   */
  readonly enableServiceMutatorWebhook: false;
  /** Gateway API for ALBs (HTTPRoute, GRPCRoute) on; the NLB gateway and ListenerSets, unused, off. */
  readonly controllerConfig: {
    readonly featureGates: { readonly ALBGatewayAPI: true; readonly NLBGatewayAPI: false; readonly GatewayListenerSet: false };
  };
  /** WAFv2 web ACLs only (a LoadBalancerConfiguration's `wafV2.webACL`); WAF Classic is not used. */
  readonly enableWafv2: true;
  readonly enableWaf: false;
}

export interface AwsLoadBalancerControllerProps extends HelmAddOnProps {
  /**
   * IAM role of the controller's service account (the platform layer's `loadBalancerControllerRoleArn`): annotates the service account (IRSA).
   * @default none: the role comes through its EKS Pod Identity association (platform layer)
   */
  readonly roleArn?: string;
  /** EKS cluster whose Gateways it serves. */
  readonly clusterName: string;
  readonly region: string;
  /** VPC the load balancers and their target groups go in. */
  readonly vpcId: string;
  /**
   * Controller replicas (one leader, the others standby and serving the webhooks), spread across zones.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Controller container resources.
   * @default requests 100m CPU / 256Mi, limits 500m CPU / 512Mi
   */
  readonly resources?: ResourceRequirements;
  /**
   * Resources the release waits for: the controller's CRDs (GatewayApiCrds), which this release does
   * not install (skip_crds: Helm would install the chart's crds/ once and never upgrade them).
   */
  readonly dependsOn: ITerraformDependable[];
}

/**
 * The AWS Load Balancer Controller 3.x in kube-system: turns Gateways of a GatewayClass with
 * controllerName `gateway.k8s.aws/alb` into Application Load Balancers (listeners, rules from
 * HTTPRoutes, the WAF web ACL their LoadBalancerConfiguration names), with AWS credentials from the
 * IRSA role bound to LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT. Two replicas spread across zones with
 * a PodDisruptionBudget, non-root with a read-only root filesystem and every capability dropped.
 * No IngressClass, no Service mutator webhook; its CRDs come from GatewayApiCrds (skip_crds here).
 */
export class AwsLoadBalancerController extends Construct {
  /** The Helm release, for `dependsOn` (its webhooks validate the gateway.k8s.aws objects). */
  readonly release: Release;

  constructor(scope: Construct, id: string, props: AwsLoadBalancerControllerProps) {
    super(scope, id);
    const what = "aws-load-balancer-controller";
    if (!Token.isUnresolved(props.clusterName) && props.clusterName.trim() === "")
      throw new Error(`${what}: clusterName must not be empty`);
    if (!Token.isUnresolved(props.region) && !REGION.test(props.region)) {
      throw new Error(`${what}: region "${props.region}" is not an AWS region such as eu-west-1`);
    }
    if (!Token.isUnresolved(props.vpcId) && !VPC_ID.test(props.vpcId))
      throw new Error(`${what}: vpcId "${props.vpcId}" is not a VPC id (vpc-...)`);
    if (props.roleArn !== undefined && !Token.isUnresolved(props.roleArn) && !IAM_ROLE_ARN.test(props.roleArn)) {
      throw new Error(
        `${what}: roleArn "${props.roleArn}" is not an IAM role ARN (is platform.loadBalancerController on, so that the platform layer creates the role?)`,
      );
    }
    const replicas = props.replicas ?? 2;
    if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`${what}: replicas must be a positive integer (got ${replicas})`);

    const account = LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT;
    const values: AwsLoadBalancerControllerValues = {
      clusterName: props.clusterName,
      region: props.region,
      vpcId: props.vpcId,
      replicaCount: replicas,
      serviceAccount: { create: true, name: account.name, annotations: irsaAnnotations(props.roleArn) },
      podDisruptionBudget: { maxUnavailable: 1 },
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: "topology.kubernetes.io/zone",
          // Preferred, not required: during a zone outage the replacement must still schedule.
          whenUnsatisfiable: "ScheduleAnyway",
          labelSelector: { matchLabels: POD_LABELS },
        },
      ],
      podSecurityContext: {
        runAsNonRoot: true,
        runAsUser: 65534,
        runAsGroup: 65534,
        fsGroup: 65534,
        seccompProfile: { type: "RuntimeDefault" },
      },
      securityContext: {
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        privileged: false,
        seccompProfile: { type: "RuntimeDefault" },
        capabilities: { drop: ["ALL"] },
      },
      resources: props.resources ?? { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
      createIngressClassResource: false,
      enableServiceMutatorWebhook: false,
      controllerConfig: { featureGates: { ALBGatewayAPI: true, NLBGatewayAPI: false, GatewayListenerSet: false } },
      enableWafv2: true,
      enableWaf: false,
    };
    const release = new PinnedHelmRelease(this, "release", {
      releaseName: RELEASE,
      namespace: account.namespace,
      chart: "awsLoadBalancerController",
      version: props.chartVersion,
      values,
      skipCrds: true,
      dependsOn: props.dependsOn,
    });
    this.release = release.release;
  }
}
