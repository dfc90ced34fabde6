import type { Release } from "@cdktf/provider-helm/lib/release";
import { Token } from "cdktf";
import { Construct } from "constructs";
import {
  type ContainerSecurityContext,
  type EnvVar,
  type IrsaServiceAccountValues,
  irsaAnnotations,
  PinnedHelmRelease,
  type PodSecurityContext,
  type ResourceRequirements,
  type HelmAddOnProps,
} from "../pinned-helm-release";
import { WorkloadNamespace } from "../../kubernetes/workload-namespace";
import { EXTERNAL_DNS_SERVICE_ACCOUNT } from "./identity";

/** The external-dns chart values this construct sets. */
export interface ExternalDnsValues {
  readonly provider: { readonly name: "aws" };
  /** Creates and updates records, never deletes: a bad route cannot remove a live record. */
  readonly policy: "upsert-only";
  readonly registry: "txt";
  readonly txtOwnerId: string;
  readonly domainFilters: readonly string[];
  readonly extraArgs: readonly string[];
  /** Host names of HTTPRoutes (pointing at their Gateway's load balancer) and of Services. */
  readonly sources: readonly ("gateway-httproute" | "service")[];
  readonly serviceAccount: IrsaServiceAccountValues;
  readonly env: readonly EnvVar[];
  readonly podSecurityContext: PodSecurityContext;
  readonly securityContext: ContainerSecurityContext;
  readonly resources: ResourceRequirements;
}

export interface ExternalDnsProps extends HelmAddOnProps {
  /**
   * IAM role of the external-dns service account (Route 53 changes in the one hosted zone): annotates the service account (IRSA).
   * @default none: the role comes through its EKS Pod Identity association (platform layer)
   */
  readonly roleArn?: string;
  /** The only domain external-dns manages records in, e.g. `dev.example.com`. */
  readonly domain: string;
  /** The only Route 53 hosted zone external-dns touches. */
  readonly hostedZoneId: string;
  /** Owner id written into the TXT ownership records; unique per cluster sharing a zone. */
  readonly txtOwnerId: string;
  /** AWS region of the Route 53 API client. */
  readonly region: string;
}

/**
 * external-dns in its own `restricted` namespace: Route 53 records for HTTPRoutes (Gateway API) and Services of
 * one domain in one hosted zone, upsert-only, ownership tracked in TXT records, AWS credentials
 * from the IRSA role bound to EXTERNAL_DNS_SERVICE_ACCOUNT.
 */
export class ExternalDns extends Construct {
  readonly namespace: string;
  /** The Helm release, for `dependsOn`. */
  readonly release: Release;

  constructor(scope: Construct, id: string, props: ExternalDnsProps) {
    super(scope, id);
    const literal = (value: string) => !Token.isUnresolved(value);
    if (literal(props.domain) && !/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(props.domain)) {
      throw new Error(`external-dns: domain "${props.domain}" is not a DNS name such as dev.example.com`);
    }
    if (literal(props.hostedZoneId) && !/^Z[A-Z0-9]{1,31}$/.test(props.hostedZoneId)) {
      throw new Error(`external-dns: hostedZoneId "${props.hostedZoneId}" is not a Route 53 hosted zone id`);
    }
    if (literal(props.txtOwnerId) && !/^[A-Za-z0-9._-]+$/.test(props.txtOwnerId)) {
      throw new Error(`external-dns: txtOwnerId "${props.txtOwnerId}" must be non-empty letters, digits, '.', '_' or '-'`);
    }

    const account = EXTERNAL_DNS_SERVICE_ACCOUNT;
    const namespace = new WorkloadNamespace(this, "namespace", { name: account.namespace, level: "restricted" });
    const values: ExternalDnsValues = {
      provider: { name: "aws" },
      policy: "upsert-only",
      registry: "txt",
      txtOwnerId: props.txtOwnerId,
      domainFilters: [props.domain],
      extraArgs: [`--zone-id-filter=${props.hostedZoneId}`],
      sources: ["gateway-httproute", "service"],
      serviceAccount: { create: true, name: account.name, annotations: irsaAnnotations(props.roleArn) },
      env: [{ name: "AWS_DEFAULT_REGION", value: props.region }],
      podSecurityContext: { runAsNonRoot: true, fsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } },
      securityContext: {
        privileged: false,
        runAsNonRoot: true,
        runAsUser: 65532,
        runAsGroup: 65532,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        seccompProfile: { type: "RuntimeDefault" },
        capabilities: { drop: ["ALL"] },
      },
      resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
    };
    const release = new PinnedHelmRelease(this, "release", {
      releaseName: "external-dns",
      namespace: namespace.name,
      chart: "externalDns",
      version: props.chartVersion,
      values,
      dependsOn: props.dependsOn,
    });
    this.namespace = namespace.name;
    this.release = release.release;
  }
}
