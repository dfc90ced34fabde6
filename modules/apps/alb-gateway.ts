import type { Release } from "@cdktf/provider-helm/lib/release";
import { type ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import type { ServiceFlow } from "../cluster-services/flow";
import { LocalChartRelease } from "../kubernetes/local-chart-release";

/** TLS 1.3 and 1.2 only, forward secrecy (the HTTPS listener). */
const ALB_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/** The pods of the hook Job that waits until the controller has programmed the Gateway `name` in `namespace`. */
function programmedWaitPods(namespace: string, name: string) {
  return { namespace, labels: { "app.kubernetes.io/name": `${name}-gateway-wait` } };
}

/**
 * The flows the Gateway's release needs in its namespace: its hook Job (kubectl wait) calls the
 * API server on 443. The render policy (test/render/flows.ts) checks the namespace admits them.
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function albGatewayFlows(namespace: string, name: string): readonly ServiceFlow[] {
  return [
    {
      name: "programmed-wait-to-api-server",
      from: { pods: programmedWaitPods(namespace, name) },
      to: { controlPlane: true },
      protocol: "TCP",
      port: 443,
    },
  ];
}

/** One ALB attribute (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_LoadBalancerAttribute.html). */
export interface LoadBalancerAttribute {
  readonly key: string;
  readonly value: string;
}

/** The values of charts/alb-gateway, exactly as its templates read them. */
export interface AlbGatewayValues {
  /** Name of the Gateway, its LoadBalancerConfiguration and the app's HTTPRoute. */
  readonly name: string;
  readonly namespace: string;
  readonly gatewayClassName: string;
  readonly host: string;
  readonly certificateArn: string;
  readonly sslPolicy: string;
  readonly subnetIds: readonly string[];
  readonly webAclArn: string;
  readonly loadBalancerAttributes: readonly LoadBalancerAttribute[];
  readonly tags: { readonly [key: string]: string };
  readonly backend: { readonly serviceName: string; readonly servicePort: number; readonly healthCheckPath: string };
  /** The hook Job that waits until the controller has programmed the Gateway: its kubectl image and timeout. */
  readonly programmedWait: { readonly image: string; readonly timeoutSeconds: number };
}

export interface AlbGatewayAccessLogs {
  /** Bucket the ALB writes to (SSE-S3: the only encryption ALB log delivery supports). */
  readonly bucketName: string;
  /** Key prefix of the objects. */
  readonly prefix: string;
}

export interface AlbGatewayProps {
  /** Name of the Gateway (and of its GatewayClass, `<name>-alb`). */
  readonly name: string;
  /** Namespace of the Gateway and its routes: the application's namespace. */
  readonly namespace: string;
  /**
   * Namespace of the Helm release (its release records, which the plan identity reads): a
   * namespace without application Secrets (ADR 0012). The chart names `namespace` on every object.
   * @default namespace
   */
  readonly releaseNamespace?: string;
  /** Public host name; both listeners and the routes serve only it. */
  readonly host: string;
  /** ACM certificate of the HTTPS listener (in the cluster's region). */
  readonly certificateArn: string;
  /** Public subnets the internet-facing ALB goes in (one per AZ in use). */
  readonly subnetIds: readonly string[];
  /** WAFv2 web ACL the ALB is associated with. */
  readonly webAclArn: string;
  /** The application's Service, its port and readiness path (the target group health check; targets are pod IPs). */
  readonly backend: { readonly serviceName: string; readonly servicePort: number; readonly healthCheckPath: string };
  /**
   * Deletion protection of the ALB.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Access logs of the ALB.
   * @default none (off)
   */
  readonly accessLogs?: AlbGatewayAccessLogs;
  /**
   * Seconds an idle connection stays open.
   * @default 60
   */
  readonly idleTimeoutSeconds?: number;
  /**
   * Tags of the ALB and its target groups.
   * @default none
   */
  readonly tags?: { readonly [key: string]: string };
  /**
   * The cluster's Kubernetes minor (`1.35`): the hook that waits for the Gateway runs kubectl
   * `v<minor>.0` (registry.k8s.io/kubectl, a row of the image table, as the monitoring CRD job's).
   */
  readonly kubernetesVersion: string;
  /**
   * Seconds the release's apply waits for the controller to program the Gateway (its ALB made or
   * updated) before it fails.
   * @default 600
   */
  readonly programmedTimeoutSeconds?: number;
  /** The Gateway API CRDs and the controller's release: the objects' kinds and their controller. */
  readonly dependsOn: readonly ITerraformDependable[];
}

/**
 * The public entry through Gateway API: an internet-facing ALB made by the AWS Load Balancer
 * Controller 3.x from a Gateway with two listeners for one host, HTTPS 443 (TLS at the ALB with
 * the ACM certificate and a TLS 1.2+ policy) routed to the application's Service with pod IPs as
 * targets, and HTTP 80 answering every request with a 301 to HTTPS. The web ACL, deletion
 * protection, access logs and dropping invalid header fields are set in its
 * LoadBalancerConfiguration. Released through charts/alb-gateway (custom kinds: ADR 0004, 0007).
 */
export class AlbGateway extends Construct {
  readonly gatewayName: string;
  readonly gatewayClassName: string;
  readonly release: Release;
  /** The pods of the hook Job that waits for the Gateway (they call the API server). */
  readonly programmedWaitPods: { readonly namespace: string; readonly labels: { readonly [key: string]: string } };
  /** The ALB attributes set, for review and tests. */
  readonly loadBalancerAttributes: readonly LoadBalancerAttribute[];

  constructor(scope: Construct, id: string, props: AlbGatewayProps) {
    super(scope, id);
    const what = `ALB gateway ${props.name}`;
    if (!/^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/.test(props.name))
      throw new Error(`${what}: the name must be a DNS label of at most 42 characters`);
    if (!/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(props.host))
      throw new Error(`${what}: host "${props.host}" is not a DNS name`);
    if (
      !Token.isUnresolved(props.certificateArn) &&
      !/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/.test(props.certificateArn)
    ) {
      throw new Error(`${what}: "${props.certificateArn}" is not an ACM certificate ARN`);
    }
    if (!Token.isUnresolved(props.subnetIds) && props.subnetIds.length < 2) {
      throw new Error(`${what}: an ALB needs subnets in at least two availability zones (got ${props.subnetIds.length})`);
    }
    const idle = props.idleTimeoutSeconds ?? 60;
    if (!Number.isInteger(idle) || idle < 1 || idle > 4000) throw new Error(`${what}: idleTimeoutSeconds must be 1 to 4000 (got ${idle})`);
    const programmedTimeout = props.programmedTimeoutSeconds ?? 600;
    if (!Number.isInteger(programmedTimeout) || programmedTimeout < 60 || programmedTimeout > 1800)
      throw new Error(`${what}: programmedTimeoutSeconds must be 60 to 1800 (got ${programmedTimeout})`);
    if (!/^1\.\d+$/.test(props.kubernetesVersion))
      throw new Error(`${what}: kubernetesVersion must be a minor version such as 1.35 (got "${props.kubernetesVersion}")`);
    const logs = props.accessLogs;
    if (
      logs !== undefined &&
      !Token.isUnresolved(logs.prefix) &&
      (logs.prefix.startsWith("/") || logs.prefix.endsWith("/") || /AWSLogs/.test(logs.prefix))
    ) {
      throw new Error(`${what}: access log prefix "${logs.prefix}" must not start or end with "/" nor contain AWSLogs`);
    }

    const attributes: LoadBalancerAttribute[] = [
      { key: "deletion_protection.enabled", value: String(props.deletionProtection ?? true) },
      { key: "routing.http.drop_invalid_header_fields.enabled", value: "true" },
      { key: "idle_timeout.timeout_seconds", value: String(idle) },
      ...(logs === undefined
        ? [{ key: "access_logs.s3.enabled", value: "false" }]
        : [
            { key: "access_logs.s3.enabled", value: "true" },
            { key: "access_logs.s3.bucket", value: logs.bucketName },
            { key: "access_logs.s3.prefix", value: logs.prefix },
          ]),
    ];
    const gatewayClassName = `${props.name}-alb`;
    const values: AlbGatewayValues = {
      name: props.name,
      namespace: props.namespace,
      gatewayClassName,
      host: props.host,
      certificateArn: props.certificateArn,
      sslPolicy: ALB_SSL_POLICY,
      subnetIds: props.subnetIds,
      webAclArn: props.webAclArn,
      loadBalancerAttributes: attributes,
      tags: props.tags ?? {},
      backend: props.backend,
      programmedWait: { image: `registry.k8s.io/kubectl:v${props.kubernetesVersion}.0`, timeoutSeconds: programmedTimeout },
    };
    const release = new LocalChartRelease(this, "gateway", {
      chart: "alb-gateway",
      releaseName: `${props.name}-gateway`,
      namespace: props.releaseNamespace ?? props.namespace,
      values,
      dependsOn: props.dependsOn,
      // Helm cannot judge the readiness of custom kinds: the chart's post-install and post-upgrade
      // hook Job waits for the Gateway's Programmed condition instead. Helm waits for a hook Job
      // whatever `wait` says (and wait_for_jobs concerns non-hook Jobs under `wait` only), within
      // the release's timeout: the Job's deadline (the wait and a minute to start) and a minute more.
      wait: false,
      timeout: programmedTimeout + 120,
    });
    this.gatewayName = props.name;
    this.programmedWaitPods = programmedWaitPods(props.namespace, props.name);
    this.gatewayClassName = gatewayClassName;
    this.loadBalancerAttributes = attributes;
    this.release = release.release;
  }
}
