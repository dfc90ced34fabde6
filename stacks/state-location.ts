import type { S3BackendConfig } from "cdktf";
import type { EnvironmentConfig } from "../environments/schema";
import type { Layer } from "./layers";
import { bucketStateKeyAlias, environmentStateKeyAlias } from "../modules/ci/ci-guardrails";

/**
 * Where one layer of one environment keeps its state. Computed once here and used both by the
 * layer's own backend and by every downstream remote-state read, so the two cannot disagree.
 */
export type StateLocation = { readonly backend: "s3"; readonly s3: S3BackendConfig } | { readonly backend: "local"; readonly path: string };

/** The state key of a layer: `<env>/<layer>.tfstate`. */
function stateKey(environment: string, layer: Layer): string {
  return `${environment}/${layer}.tfstate`;
}

/**
 * Terraform runs each stack in `cdktf.out/stacks/<stack>`, so a local state path relative to that
 * folder reaches the repository root in three steps; every stack folder is a sibling, which keeps
 * the same relative path right for the backend and for the remote-state reads.
 */
export const REPOSITORY_ROOT_FROM_STACK_DIR = "../../..";

/**
 * The state key of an account's account layer: `account/<account id>.tfstate`, beside the
 * environments' folders in the state bucket of the environment that owns the account's singletons.
 */
export function accountStateKey(accountId: string): string {
  return `account/${accountId}.tfstate`;
}

export function stateLocation(environment: EnvironmentConfig, layer: Layer): StateLocation {
  return locate(environment, stateKey(environment.name, layer));
}

/**
 * Where the account layer of `environment`'s account keeps its state: the state backend of the
 * account's environments (one per account: environments/cross-environment-rules.ts), key
 * {@link accountStateKey}. The account stack's backend (built from the owner) and every
 * environment's read of it come from here, so they cannot disagree.
 */
export function accountStateLocation(environment: EnvironmentConfig): StateLocation {
  // Encrypted with the named key or the bucket's own key, not the owner's environment key: the
  // other environments' roles may not use that one (ciEnvironmentKeyStatements) and all read this state.
  return locate(environment, accountStateKey(environment.account.id), (bucket) => `alias/${bucketStateKeyAlias(bucket)}`);
}

function locate(
  environment: EnvironmentConfig,
  key: string,
  defaultKey: (bucket: string) => string = (bucket) => `alias/${environmentStateKeyAlias(bucket, environment.name)}`,
): StateLocation {
  const state = environment.state;
  if (state.backend === "local") {
    return { backend: "local", path: `${REPOSITORY_ROOT_FROM_STACK_DIR}/${state.directory}/${key}` };
  }
  return {
    backend: "s3",
    s3: {
      bucket: state.bucket,
      key,
      region: state.region ?? environment.account.region,
      encrypt: true,
      // The named key, or the environment's own key the bootstrap creates in the bucket's account (by alias).
      kmsKeyId: state.kmsKeyArn ?? defaultKey(state.bucket),
      ...(state.roleArn === undefined ? {} : { assumeRole: { roleArn: state.roleArn } }),
    },
  };
}
