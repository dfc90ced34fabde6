import type { Release } from "@cdktf/provider-helm/lib/release";
import { type ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import {
  type ContainerSecurityContext,
  PinnedHelmRelease,
  type ResourceRequirements,
  type TopologySpreadConstraint,
} from "../pinned-helm-release";
import { WorkloadNamespace } from "../../kubernetes/workload-namespace";

const RELEASE = "ingress-nginx";
const INGRESS_CLASS = "nginx";
/** Labels every controller pod carries (chart name and component), for network policies. */
const CONTROLLER_POD_LABELS = {
  "app.kubernetes.io/name": "ingress-nginx",
  "app.kubernetes.io/component": "controller",
} as const;

/** Annotations of the controller's LoadBalancer service (in-tree AWS cloud provider names). */
export interface IngressNginxServiceAnnotations {
  readonly "service.beta.kubernetes.io/aws-load-balancer-type": "nlb";
  readonly "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing";
  readonly "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled": "true";
  readonly "service.beta.kubernetes.io/aws-load-balancer-ssl-cert"?: string;
  readonly "service.beta.kubernetes.io/aws-load-balancer-ssl-ports"?: "https";
  readonly "service.beta.kubernetes.io/aws-load-balancer-backend-protocol"?: "tcp";
}

/** The ingress-nginx chart values this construct sets. */
export interface IngressNginxValues {
  readonly controller: {
    readonly replicaCount: number;
    /** PodDisruptionBudget floor; the chart creates the PDB only with more than one replica. */
    readonly minAvailable?: number;
    readonly ingressClass: string;
    readonly ingressClassResource: {
      readonly name: string;
      readonly enabled: true;
      readonly default: true;
      readonly controllerValue: "k8s.io/ingress-nginx";
    };
    readonly containerSecurityContext: ContainerSecurityContext;
    readonly topologySpreadConstraints: readonly TopologySpreadConstraint[];
    readonly resources: ResourceRequirements;
    readonly service: {
      readonly type: "LoadBalancer";
      readonly externalTrafficPolicy: "Local";
      readonly annotations: IngressNginxServiceAnnotations;
      /** Off when TLS ends at the NLB: the site is served over HTTPS only, nothing listens on 80. */
      readonly enableHttp: boolean;
      readonly enableHttps: boolean;
      /** Whether the ports declare appProtocol http/https; off when TLS ends at the NLB (443 carries plain HTTP to the pod). */
      readonly appProtocol: boolean;
      readonly targetPorts?: { readonly https: "http" };
    };
    readonly metrics: {
      readonly enabled: true;
      readonly serviceMonitor: { readonly enabled: boolean };
    };
  };
}

export interface IngressNginxProps {
  /** Exact ingress-nginx chart version. */
  readonly chartVersion: string;
  /** Controller replicas, spread across zones; more than one gets a PodDisruptionBudget. */
  readonly replicas: number;
  /**
   * ACM certificate the NLB terminates TLS with on 443 (forwarding plain HTTP to the controller).
   * @default none: only port 80 is exposed
   */
  readonly certificateArn?: string;
  /**
   * Create a Prometheus Operator ServiceMonitor for the controller metrics. The ServiceMonitor CRD
   * must exist first: put the kube-prometheus-stack release in `dependsOn`.
   * @default false
   */
  readonly serviceMonitor?: boolean;
  /**
   * Controller container resources. No CPU limit by default: throttling nginx costs latency.
   * @default requests 100m CPU / 128Mi, limit 512Mi memory
   */
  readonly resources?: ResourceRequirements;
  /**
   * Resources the release waits for.
   * @default none
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The ingress-nginx controller in its own `restricted` namespace, behind an internet-facing
 * Network Load Balancer (cross-zone, client IPs preserved with `externalTrafficPolicy: Local`),
 * TLS terminated at the NLB when a certificate is given. The default IngressClass `nginx`.
 *
 * Pod Security: the controller runs as uid 101 without privilege escalation, seccomp
 * RuntimeDefault, all capabilities dropped but NET_BIND_SERVICE (to bind 80/443), which
 * `restricted` allows; the chart's admission-webhook jobs are restricted-compliant as well.
 */
export class IngressNginx extends Construct {
  /** The controller's namespace. */
  readonly namespace: string;
  /** IngressClass name Ingresses use. */
  readonly ingressClassName: string = INGRESS_CLASS;
  /** Labels the controller pods carry, to select them in network policies. */
  readonly controllerPodLabels: { readonly [key: string]: string } = CONTROLLER_POD_LABELS;
  /** The Helm release, for `dependsOn`. */
  readonly release: Release;

  constructor(scope: Construct, id: string, props: IngressNginxProps) {
    super(scope, id);
    if (!Number.isInteger(props.replicas) || props.replicas < 1) {
      throw new Error(`ingress-nginx: replicas must be a positive integer (got ${props.replicas})`);
    }
    const certificateArn = props.certificateArn;
    if (certificateArn !== undefined && !Token.isUnresolved(certificateArn) && !/^arn:aws[a-z-]*:acm:/.test(certificateArn)) {
      throw new Error(`ingress-nginx: certificateArn "${certificateArn}" is not an ACM certificate ARN`);
    }
    const tls = certificateArn !== undefined;

    const namespace = new WorkloadNamespace(this, "namespace", { name: "ingress-nginx", level: "restricted" });

    const annotations: IngressNginxServiceAnnotations = {
      "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
      "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
      "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled": "true",
      ...(certificateArn === undefined
        ? {}
        : {
            "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": certificateArn,
            "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "https",
            "service.beta.kubernetes.io/aws-load-balancer-backend-protocol": "tcp",
          }),
    };

    const values: IngressNginxValues = {
      controller: {
        replicaCount: props.replicas,
        ...(props.replicas > 1 ? { minAvailable: 1 } : {}),
        ingressClass: INGRESS_CLASS,
        ingressClassResource: { name: INGRESS_CLASS, enabled: true, default: true, controllerValue: "k8s.io/ingress-nginx" },
        // The chart's defaults, spelled out: setting containerSecurityContext replaces them whole.
        containerSecurityContext: {
          runAsNonRoot: true,
          runAsUser: 101,
          runAsGroup: 82,
          allowPrivilegeEscalation: false,
          seccompProfile: { type: "RuntimeDefault" },
          capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] },
          // nginx writes its configuration and temp files at run time.
          readOnlyRootFilesystem: false,
        },
        topologySpreadConstraints: [
          {
            maxSkew: 1,
            topologyKey: "topology.kubernetes.io/zone",
            // Preferred, not required: during a zone outage replacements must still schedule.
            whenUnsatisfiable: "ScheduleAnyway",
            labelSelector: { matchLabels: { ...CONTROLLER_POD_LABELS, "app.kubernetes.io/instance": RELEASE } },
          },
        ],
        resources: props.resources ?? { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
        service: {
          type: "LoadBalancer",
          externalTrafficPolicy: "Local",
          annotations,
          enableHttp: !tls,
          enableHttps: tls,
          appProtocol: !tls,
          ...(tls ? { targetPorts: { https: "http" } } : {}),
        },
        metrics: { enabled: true, serviceMonitor: { enabled: props.serviceMonitor ?? false } },
      },
    };

    const release = new PinnedHelmRelease(this, "release", {
      releaseName: RELEASE,
      namespace: namespace.name,
      repository: "https://kubernetes.github.io/ingress-nginx",
      chart: "ingress-nginx",
      version: props.chartVersion,
      values,
      dependsOn: props.dependsOn,
    });
    this.namespace = namespace.name;
    this.release = release.release;
  }
}
