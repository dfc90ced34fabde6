import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { rdsRootCertificates } from "../data/rds-certificate-authorities";

/** Name of the ConfigMap in each namespace that connects to the database. */
const CONFIG_MAP_NAME = "rds-ca";
/** Its one key: the file name in the mounted folder. */
const FILE_NAME = "rds-ca.pem";
/** Where containers mount it (read-only). */
const MOUNT_PATH = "/etc/ssl/rds";

/** What a pod needs to mount the bundle and point libpq at it. */
export interface DatabaseCaVolume {
  /** The ConfigMap to mount (a reference: whoever mounts it depends on it). */
  readonly configMapName: string;
  /** The folder the ConfigMap is mounted at. */
  readonly mountPath: string;
  /** The certificate file: `PGSSLROOTCERT`. */
  readonly certificatePath: string;
}

export interface DatabaseCaBundleProps {
  /** Namespace of the pods that connect to the database. */
  readonly namespace: string;
  /** The database's region: the bundle carries that region's RDS root CAs only. */
  readonly region: string;
  /**
   * What must exist first (the namespace).
   * @default none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * Amazon RDS's root CAs of the database's region in a ConfigMap (`rds-ca`, key `rds-ca.pem`), for
 * clients that verify the server (`PGSSLMODE=verify-full`, `PGSSLROOTCERT`): the certificate must
 * chain to one of them and name the host the client dialled. Certificates are public; a ConfigMap,
 * mounted read-only, is the place. From the vendored bundle (see RDS_CA_SOURCE), nothing fetched.
 */
export class DatabaseCaBundle extends Construct {
  readonly configMap: ConfigMapV1;
  readonly volume: DatabaseCaVolume;

  constructor(scope: Construct, id: string, props: DatabaseCaBundleProps) {
    super(scope, id);
    this.configMap = new ConfigMapV1(this, "config-map", {
      metadata: {
        name: CONFIG_MAP_NAME,
        namespace: props.namespace,
        labels: { "app.kubernetes.io/name": CONFIG_MAP_NAME, "app.kubernetes.io/part-of": "platform" },
      },
      data: { [FILE_NAME]: rdsRootCertificates(props.region) },
      ...(props.dependsOn === undefined ? {} : { dependsOn: [...props.dependsOn] }),
    });
    // The name through the resource: a pod that mounts it waits for the ConfigMap.
    this.volume = { configMapName: this.configMap.metadata.name, mountPath: MOUNT_PATH, certificatePath: `${MOUNT_PATH}/${FILE_NAME}` };
  }
}
