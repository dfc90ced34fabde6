import * as path from "node:path";
import { Release } from "@cdktf/provider-helm/lib/release";
import { AssetType, TerraformAsset, Token, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { findRepositoryPath } from "../core/repository-path";

/**
 * The local chart `charts/secret-provider-class`, found from the source, the compiled tree and the
 * bundle alike.
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export const SECRET_PROVIDER_CLASS_CHART_DIR = path.dirname(findRepositoryPath(__dirname, "charts/secret-provider-class/Chart.yaml"));

/** One key of a JSON secret, mounted as its own file. */
export interface SecretJmesPath {
  /** JMESPath of the value in the secret's JSON, e.g. `username`. */
  readonly path: string;
  /** File name of the value in the mount. */
  readonly objectAlias: string;
}

/** One Secrets Manager secret to mount. */
export interface SecretObject {
  /** ARN (or name) of the secret; may be a token, e.g. a secret's ARN from another stack. */
  readonly objectName: string;
  /** File name of the whole secret in the mount. */
  readonly alias: string;
  /**
   * Keys of a JSON secret to mount as files of their own as well.
   * @default none
   */
  readonly jmesPath?: readonly SecretJmesPath[];
}

/** One key of a synced Kubernetes Secret: the content of a file of the mount. */
export interface SyncedSecretKey {
  /** The file's alias in the mount (an object's `alias` or a jmesPath `objectAlias`). */
  readonly objectAlias: string;
  /** The key in the Kubernetes Secret. */
  readonly key: string;
}

/** A Kubernetes Secret (Opaque) the driver creates from files of the mount, while a pod mounts the class. */
export interface SyncedSecret {
  /** Name of the Kubernetes Secret, in the class's namespace. */
  readonly secretName: string;
  /** Its keys; at least one. */
  readonly keys: readonly SyncedSecretKey[];
}

export interface SecretProviderClassProps {
  /** Name of the SecretProviderClass (what pods name in their CSI volume) and of its Helm release. */
  readonly name: string;
  /** Namespace of the pods that mount it (created elsewhere). */
  readonly namespace: string;
  /**
   * Namespace of the Helm release (its release records, Secrets the plan identity may read): never
   * one where credentials are synced or mounted (ADR 0012). The class itself stays in `namespace`.
   * @default namespace
   */
  readonly releaseNamespace?: string;
  /** The secrets to mount; at least one. */
  readonly objects: readonly SecretObject[];
  /**
   * Fetch the secrets with the pod's EKS Pod Identity role (true) or its IRSA role (false).
   * @default true
   */
  readonly usePodIdentity?: boolean;
  /**
   * Kubernetes Secrets to sync from the mounted files (`secretObjects`), for charts that read a
   * Secret rather than a file. The driver's `syncSecret` must be on; the Secret exists while at
   * least one pod mounts the class, and the driver deletes it when the last one goes.
   * @default none: the secrets stay files in the pods
   */
  readonly syncToSecrets?: readonly SyncedSecret[];
  /**
   * What must be installed first: the Secrets Store CSI driver's release (its CRD) and the AWS
   * provider's.
   * @default none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** The chart's values, exactly as its template reads them. */
export interface SecretProviderClassValues {
  readonly name: string;
  readonly namespace: string;
  /** The AWS provider's `usePodIdentity` parameter. */
  readonly usePodIdentity: boolean;
  readonly objects: readonly {
    readonly objectName: string;
    readonly objectAlias: string;
    readonly jmesPath?: readonly SecretJmesPath[];
  }[];
  /** The driver's `secretObjects`: `objectName` is a file's alias in the mount. */
  readonly secretObjects?: readonly {
    readonly secretName: string;
    readonly data: readonly { readonly objectName: string; readonly key: string }[];
  }[];
}

/** Helm release names are at most 53 characters; SecretProviderClass names are DNS names. */
const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$/;
/** A file name in the mount: no path separators, not `.` or `..`. */
const FILE_NAME = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,255}$/;
/** A Secret's name: a DNS subdomain (RFC 1123), at most 253 characters. */
const SECRET_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A key of a Secret's data. */
const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;

/**
 * A SecretProviderClass for the Secrets Store CSI driver's AWS provider: Secrets Manager secrets
 * (and keys of JSON secrets) mounted as files, fetched with the pod's role (EKS Pod Identity, or IRSA).
 *
 * Released through the repository's local chart rather than a `kubernetes_manifest`, which cannot
 * plan before its CRD exists (hashicorp/terraform-provider-kubernetes#1391): Helm checks nothing
 * against the cluster at plan time, and `dependsOn` the driver's release orders the apply, so a
 * fresh cluster comes up in one apply. This holds while the helm provider's `experiments.manifest`
 * stays off: that experiment dry-runs the install at plan time, which needs the CRD again
 * (hashicorp/terraform-provider-helm#1217). The chart travels as a cdktf asset, copied under the
 * stack's `assets/` folder at a path keyed by its content hash, so a template change shows in the plan.
 */
export class SecretProviderClass extends Construct {
  /** Name of the SecretProviderClass, for a pod's CSI volume (`volumeAttributes.secretProviderClass`). */
  readonly name: string;
  readonly release: Release;

  constructor(scope: Construct, id: string, props: SecretProviderClassProps) {
    super(scope, id);
    validate(props);

    const values: SecretProviderClassValues = {
      name: props.name,
      namespace: props.namespace,
      usePodIdentity: props.usePodIdentity ?? true,
      objects: props.objects.map((object) => ({
        objectName: object.objectName,
        objectAlias: object.alias,
        ...(object.jmesPath === undefined || object.jmesPath.length === 0
          ? {}
          : { jmesPath: object.jmesPath.map(({ path: jmes, objectAlias }) => ({ path: jmes, objectAlias })) }),
      })),
      ...(props.syncToSecrets === undefined || props.syncToSecrets.length === 0
        ? {}
        : {
            secretObjects: props.syncToSecrets.map((secret) => ({
              secretName: secret.secretName,
              data: secret.keys.map(({ objectAlias, key }) => ({ objectName: objectAlias, key })),
            })),
          }),
    };

    const chart = new TerraformAsset(this, "chart", { path: SECRET_PROVIDER_CLASS_CHART_DIR, type: AssetType.DIRECTORY });
    this.release = new Release(this, "release", {
      name: props.name,
      namespace: props.releaseNamespace ?? props.namespace,
      chart: chart.path,
      values: [JSON.stringify(values)],
      atomic: true,
      cleanupOnFail: true,
      maxHistory: 5,
      ...(props.dependsOn === undefined ? {} : { dependsOn: [...props.dependsOn] }),
    });
    this.name = props.name;
  }
}

function validate(props: SecretProviderClassProps): void {
  const what = `SecretProviderClass "${props.name}"`;
  if (!RELEASE_NAME.test(props.name)) {
    throw new Error(`${what}: the name must be a DNS label of at most 53 characters (it also names the Helm release)`);
  }
  if (props.objects.length === 0) throw new Error(`${what}: mount at least one secret`);
  const files = new Set<string>();
  const file = (alias: string) => {
    if (!FILE_NAME.test(alias)) throw new Error(`${what}: alias "${alias}" is not a file name (letters, digits, '.', '_', '-')`);
    if (files.has(alias)) throw new Error(`${what}: two files are named "${alias}" in the mount`);
    files.add(alias);
  };
  for (const object of props.objects) {
    if (!Token.isUnresolved(object.objectName) && object.objectName.trim() === "")
      throw new Error(`${what}: an object has an empty objectName`);
    file(object.alias);
    for (const key of object.jmesPath ?? []) {
      if (key.path.trim() === "") throw new Error(`${what}: a jmesPath of ${object.alias} has an empty path`);
      file(key.objectAlias);
    }
  }
  const secretNames = new Set<string>();
  for (const secret of props.syncToSecrets ?? []) {
    const synced = `${what}: synced Secret "${secret.secretName}"`;
    if (!SECRET_NAME.test(secret.secretName)) throw new Error(`${synced}: the name must be a DNS subdomain (lower case, digits, '-', '.')`);
    if (secretNames.has(secret.secretName)) throw new Error(`${synced} is listed twice`);
    secretNames.add(secret.secretName);
    if (secret.keys.length === 0) throw new Error(`${synced} needs at least one key`);
    const keys = new Set<string>();
    for (const { objectAlias, key } of secret.keys) {
      if (!files.has(objectAlias)) throw new Error(`${synced}: key "${key}" names "${objectAlias}", which is no file of the mount`);
      if (!SECRET_KEY.test(key)) throw new Error(`${synced}: key "${key}" is not a Secret key (letters, digits, '-', '_', '.')`);
      if (keys.has(key)) throw new Error(`${synced}: key "${key}" is listed twice`);
      keys.add(key);
    }
  }
}
