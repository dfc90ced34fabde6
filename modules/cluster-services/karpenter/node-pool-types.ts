/*
 * The Karpenter objects the workloads layer creates, as typed TypeScript (the `karpenter.k8s.aws/v1`
 * EC2NodeClass and `karpenter.sh/v1` NodePool of Karpenter 1.14.1): only the fields we set. A test
 * validates what these build against the CRD schemas of the vendored chart
 * (charts/vendor/karpenter-1.14.1.tgz, crds/), so a field the pinned version does not know fails there.
 */

/** A node selector requirement of a NodePool (`requirements[]`). */
export interface NodeSelectorRequirement {
  readonly key: string;
  readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt";
  readonly values?: readonly string[];
}

/** An EC2NodeClass's selector term by tags (subnets, security groups). */
export interface TagSelectorTerm {
  readonly tags: { readonly [key: string]: string };
}

export interface EC2NodeClassSpec {
  /** AMIs by alias: `al2023@latest` or `al2023@v<YYYYMMDD>`. */
  readonly amiSelectorTerms: readonly { readonly alias: string }[];
  /** The IAM role of the nodes (Karpenter makes the instance profile). */
  readonly role: string;
  readonly subnetSelectorTerms: readonly TagSelectorTerm[];
  readonly securityGroupSelectorTerms: readonly TagSelectorTerm[];
  /** Never a public IP, whatever the subnet's default. */
  readonly associatePublicIPAddress: false;
  readonly metadataOptions: {
    readonly httpEndpoint: "enabled";
    readonly httpProtocolIPv6: "disabled";
    /** 1: a pod cannot reach the instance metadata (and the node role) through the node. */
    readonly httpPutResponseHopLimit: 1;
    /** IMDSv2 only. */
    readonly httpTokens: "required";
  };
  readonly blockDeviceMappings: readonly {
    readonly deviceName: string;
    readonly rootVolume: true;
    readonly ebs: {
      /** `50Gi` */
      readonly volumeSize: string;
      readonly volumeType: "gp3";
      readonly encrypted: true;
      /** A KMS key ARN; absent: the account's default EBS key. */
      readonly kmsKeyID?: string;
      readonly deleteOnTermination: true;
    };
  }[];
  readonly tags: { readonly [key: string]: string };
}

export interface EC2NodeClass {
  readonly apiVersion: "karpenter.k8s.aws/v1";
  readonly kind: "EC2NodeClass";
  readonly metadata: { readonly name: string };
  readonly spec: EC2NodeClassSpec;
}

/** A disruption budget of a NodePool. */
export interface DisruptionBudget {
  readonly nodes: string;
  readonly schedule?: string;
  readonly duration?: string;
  readonly reasons?: readonly ("Underutilized" | "Empty" | "Drifted")[];
}

export interface NodePoolSpec {
  readonly template: {
    readonly metadata?: { readonly labels?: { readonly [key: string]: string } };
    readonly spec: {
      readonly nodeClassRef: { readonly group: "karpenter.k8s.aws"; readonly kind: "EC2NodeClass"; readonly name: string };
      readonly requirements: readonly NodeSelectorRequirement[];
      /** Node lifetime, `720h`, or `Never`. */
      readonly expireAfter: string;
    };
  };
  readonly limits: { readonly cpu: string; readonly memory: string };
  readonly disruption: {
    readonly consolidationPolicy: "WhenEmptyOrUnderutilized" | "WhenEmpty";
    readonly consolidateAfter: string;
    readonly budgets: readonly DisruptionBudget[];
  };
}

export interface NodePool {
  readonly apiVersion: "karpenter.sh/v1";
  readonly kind: "NodePool";
  readonly metadata: { readonly name: string };
  readonly spec: NodePoolSpec;
}
