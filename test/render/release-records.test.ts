import { describe, expect, it } from "vitest";
import { type RenderedRelease, renderedReleases, workloadsStacks } from "./render";

/*
 * ADR 0012: four releases keep their Helm records in `helm-releases` (the one namespace whose
 * Secrets the plan identity reads besides kube-system, external-dns and logging) while everything
 * they render stays where it ran before. Checked on what helm really renders, every environment: an
 * object without an explicit namespace, or a subchart whose override is missing, would land beside
 * the records.
 */

const RECORDS = "helm-releases";
/** Where each moved release's objects must be, written here. */
const OBJECTS_IN: { readonly [release: string]: readonly string[] } = {
  "database-master": ["database-roles"],
  "grafana-admin": ["monitoring"],
  // Its scrape Service for CoreDNS goes beside CoreDNS, as it always did.
  "kube-prometheus-stack": ["monitoring", "kube-system"],
  "public-gateway": ["frontend"],
};
/** Kinds without a namespace that these charts render. */
const CLUSTER_SCOPED = new Set([
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
  "GatewayClass",
]);

describe.each(workloadsStacks().map(({ stack }) => [stack] as const))("%s: release records apart from the objects", (stack) => {
  const releasesOf = async (): Promise<RenderedRelease[]> => (await renderedReleases()).filter((release) => release.spec.stack === stack);

  it("GIVEN the releases whose records are in helm-releases WHEN rendered THEN every namespaced object names its own namespace, never helm-releases", async () => {
    const moved = (await releasesOf()).filter((release) => release.spec.namespace === RECORDS);
    // The database's and the Gateway's everywhere; monitoring's two where Prometheus is on.
    const names = moved.map((release) => release.spec.name).sort();
    expect(names.filter((name) => OBJECTS_IN[name] === undefined)).toEqual([]);
    expect(names).toEqual(expect.arrayContaining(["database-master", "public-gateway"]));
    const misplaced = moved.flatMap((release) => {
      expect(release.error, release.spec.name).toBeUndefined();
      expect(release.objects.length, release.spec.name).toBeGreaterThan(0);
      return release.objects
        .filter(
          (object) =>
            !CLUSTER_SCOPED.has(object.kind) && !(OBJECTS_IN[release.spec.name] ?? []).includes(object.metadata?.namespace ?? RECORDS),
        )
        .map(
          (object) =>
            `${release.spec.name}: ${object.kind} ${object.metadata?.name} in ${object.metadata?.namespace ?? "(the release's namespace)"}`,
        );
    });
    expect(misplaced).toEqual([]);
  });
});
