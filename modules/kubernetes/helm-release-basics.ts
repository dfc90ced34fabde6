import { Token } from "cdktf";

/** Helm release names are DNS labels of at most 53 characters. */
const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** What every `helm_release` of this repository sets the same way, whatever its chart's source. */
export interface HelmReleaseBasics {
  readonly name: string;
  readonly namespace: string;
  readonly atomic: true;
  readonly cleanupOnFail: true;
  readonly maxHistory: 5;
  readonly createNamespace: false;
}

/**
 * The release name and namespace, checked, with the install semantics every release shares: atomic
 * (a failed install or upgrade rolls back), cleanup on failure, five revisions of history, and never
 * creating its namespace (namespaces carry Pod Security labels; see WorkloadNamespace).
 * Used by PinnedHelmRelease (charts of a repository) and LocalChartRelease (charts under charts/).
 */
export function helmReleaseBasics(releaseName: string, namespace: string): HelmReleaseBasics {
  if (!RELEASE_NAME.test(releaseName) || releaseName.length > 53) {
    throw new Error(
      `Helm release "${releaseName}": the name must be a DNS label (lowercase letters, digits, '-') of at most 53 characters`,
    );
  }
  if (!Token.isUnresolved(namespace) && namespace.trim() === "")
    throw new Error(`Helm release ${releaseName}: namespace must not be empty`);
  return { name: releaseName, namespace, atomic: true, cleanupOnFail: true, maxHistory: 5, createNamespace: false };
}
