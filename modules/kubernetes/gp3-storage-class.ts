import { StorageClassV1 } from "@cdktf/provider-kubernetes/lib/storage-class-v1";
import { Token } from "cdktf";
import { Construct } from "constructs";

export interface Gp3StorageClassProps {
  /**
   * StorageClass name.
   * @default "gp3"
   */
  readonly name?: string;
  /**
   * Mark it the cluster's default StorageClass (PVCs without a class get it).
   * @default true
   */
  readonly isDefault?: boolean;
  /**
   * Customer-managed KMS key for the volumes.
   * @default the account's AWS-managed EBS key (aws/ebs)
   */
  readonly kmsKeyArn?: string;
}

/**
 * An encrypted gp3 EBS StorageClass for the EBS CSI driver: volumes are created in the zone of
 * the pod that first uses them (WaitForFirstConsumer), deleted with their claim, and resizable.
 */
export class Gp3StorageClass extends Construct {
  /** StorageClass name for PVCs and volumeClaimTemplates. */
  readonly name: string;
  /** The StorageClass resource, for `dependsOn`. */
  readonly storageClass: StorageClassV1;

  constructor(scope: Construct, id: string, props: Gp3StorageClassProps = {}) {
    super(scope, id);
    const name = props.name ?? "gp3";
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) {
      throw new Error(`StorageClass "${name}": the name must be a DNS subdomain (lowercase letters, digits, '-', '.')`);
    }
    const kmsKeyArn = props.kmsKeyArn;
    if (kmsKeyArn !== undefined && !Token.isUnresolved(kmsKeyArn) && !/^arn:aws[a-z-]*:kms:/.test(kmsKeyArn)) {
      throw new Error(`StorageClass ${name}: kmsKeyArn "${kmsKeyArn}" is not a KMS key ARN`);
    }

    this.storageClass = new StorageClassV1(this, "storage-class", {
      metadata: {
        name,
        annotations: { "storageclass.kubernetes.io/is-default-class": String(props.isDefault ?? true) },
      },
      storageProvisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true", ...(kmsKeyArn === undefined ? {} : { kmsKeyId: kmsKeyArn }) },
      volumeBindingMode: "WaitForFirstConsumer",
      reclaimPolicy: "Delete",
      allowVolumeExpansion: true,
    });
    this.name = this.storageClass.metadata.name;
  }
}
