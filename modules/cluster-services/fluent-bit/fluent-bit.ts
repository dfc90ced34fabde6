import type { Release } from "@cdktf/provider-helm/lib/release";
import { Token } from "cdktf";
import { Construct } from "constructs";
import {
  type IrsaServiceAccountValues,
  irsaAnnotations,
  PinnedHelmRelease,
  type ResourceRequirements,
  type Toleration,
  type HelmAddOnProps,
} from "../pinned-helm-release";
import { WorkloadNamespace } from "../../kubernetes/workload-namespace";
import { FLUENT_BIT_SERVICE_ACCOUNT } from "./identity";

/** The fluent-bit chart values this construct sets. */
export interface FluentBitValues {
  readonly serviceAccount: IrsaServiceAccountValues;
  /** Fluent Bit classic-mode sections; the chart keeps its own [SERVICE] section. */
  readonly config: {
    readonly inputs: string;
    readonly filters: string;
    readonly outputs: string;
  };
  /** Every node, whatever its taints: logs of no node may go missing. */
  readonly tolerations: readonly Toleration[];
  readonly priorityClassName: "system-node-critical";
  readonly resources: ResourceRequirements;
  /** The chart's `helm test` pod pulls busybox:latest; nothing here runs helm test. */
  readonly testFramework: { readonly enabled: false };
}

export interface FluentBitProps extends HelmAddOnProps {
  /**
   * IAM role of the fluent-bit service account (PutLogEvents on the one log group): annotates the service account (IRSA).
   * @default none: the role comes through its EKS Pod Identity association (platform layer)
   */
  readonly roleArn?: string;
  /** Existing CloudWatch log group the container logs go to; fluent-bit never creates it. */
  readonly logGroupName: string;
  readonly region: string;
  /** Cluster name, the prefix of every log stream (`<cluster>-kube.var.log.containers...`). */
  readonly clusterName: string;
}

/** One classic-mode section: `[NAME]` and its indented `key value` lines. */
function section(name: string, entries: readonly (readonly [string, string])[]): string {
  return [`[${name}]`, ...entries.map(([key, value]) => `    ${key} ${value}`)].map((line) => `${line}\n`).join("");
}

/**
 * Fluent Bit as a DaemonSet on every node: tails container logs, enriches them with Kubernetes
 * metadata and ships them to one existing CloudWatch Logs group (`auto_create_group Off`: the
 * platform layer owns the group, its retention and KMS key), with AWS credentials from the IRSA
 * role bound to FLUENT_BIT_SERVICE_ACCOUNT.
 *
 * Pod Security: `privileged`, because Fluent Bit reads container logs from the node's /var/log
 * through hostPath volumes (and keeps its read positions there).
 */
export class FluentBit extends Construct {
  readonly namespace: string;
  /** The Helm release, for `dependsOn`. */
  readonly release: Release;

  constructor(scope: Construct, id: string, props: FluentBitProps) {
    super(scope, id);
    for (const [name, value] of [
      ["logGroupName", props.logGroupName],
      ["region", props.region],
      ["clusterName", props.clusterName],
    ] as const) {
      if (!Token.isUnresolved(value) && !/^[A-Za-z0-9._/#-]+$/.test(value)) {
        throw new Error(`fluent-bit: ${name} "${value}" must be non-empty, without spaces`);
      }
    }

    const account = FLUENT_BIT_SERVICE_ACCOUNT;
    const namespace = new WorkloadNamespace(this, "namespace", {
      name: account.namespace,
      level: "privileged",
      justification: "fluent-bit reads container logs from the node's /var/log via hostPath",
    });
    const values: FluentBitValues = {
      serviceAccount: { create: true, name: account.name, annotations: irsaAnnotations(props.roleArn) },
      config: {
        inputs: section("INPUT", [
          ["Name", "tail"],
          ["Path", "/var/log/containers/*.log"],
          ["multiline.parser", "docker, cri"],
          ["Tag", "kube.*"],
          // Read positions survive restarts: no duplicated or skipped lines after an upgrade.
          ["DB", "/var/log/flb_kube.db"],
          ["Mem_Buf_Limit", "5MB"],
          ["Skip_Long_Lines", "On"],
        ]),
        filters: section("FILTER", [
          ["Name", "kubernetes"],
          ["Match", "kube.*"],
          ["Merge_Log", "On"],
          ["Keep_Log", "Off"],
          ["K8S-Logging.Parser", "On"],
          ["K8S-Logging.Exclude", "On"],
        ]),
        outputs: section("OUTPUT", [
          ["Name", "cloudwatch_logs"],
          ["Match", "kube.*"],
          ["region", props.region],
          ["log_group_name", props.logGroupName],
          ["log_stream_prefix", `${props.clusterName}-`],
          ["auto_create_group", "Off"],
        ]),
      },
      tolerations: [{ operator: "Exists" }],
      priorityClassName: "system-node-critical",
      resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
      testFramework: { enabled: false },
    };
    const release = new PinnedHelmRelease(this, "release", {
      releaseName: "fluent-bit",
      namespace: namespace.name,
      chart: "fluentBit",
      version: props.chartVersion,
      values,
      dependsOn: props.dependsOn,
    });
    this.namespace = namespace.name;
    this.release = release.release;
  }
}
