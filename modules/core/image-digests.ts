import type { ChartName } from "./chart-versions";

/**
 * Every container image the workloads stacks run, in one table: each is pinned by version, and by
 * the digest of its image index where a public source proves that digest. No container registry
 * is reachable where this code is built and tested, so a digest is never read from a registry
 * here: it is taken from a source that can be cited (repository, path, commit), and only when that
 * source is authoritative (the chart's own published values, a project's release tooling) or two
 * independent repositories pin the same `image:tag@sha256:...`. The digest is always the image
 * index's (manifest list), never one platform's: nodes are amd64 and arm64.
 *
 * Each pinned row names the values key of its chart that carries the digest; PinnedHelmRelease
 * merges those keys into the release's values (`chartImageDigestValues`). The render tests
 * (test/render/images.test.ts) fail when an image the charts or our resources run is not in this
 * table, when a pinned image renders without its digest or with another one, and when a digest is
 * not `sha256:` and 64 hex digits.
 *
 * A chart bump changes the images: add the new rows (docs/operations.md, "Image digests").
 */

/** How a chart takes the digest at its values path. */
export type DigestForm =
  /** The 64 hex digits alone (the chart writes `@sha256:` itself): kube-prometheus-stack's `sha` keys. */
  | "hex"
  /** `sha256:<hex>` (the chart writes `@` itself): karpenter's `digest`, kube-state-metrics' `sha`. */
  | "sha256"
  /** `<tag>@sha256:<hex>` in the tag key: a chart without a digest key that prints `repository:tag`. */
  | "tag";

export interface DigestValue {
  /** Dotted path into the chart's values (`prometheus.prometheusSpec.image.sha`). */
  readonly path: string;
  readonly form: DigestForm;
}

/** An image pinned by the digest of its index. */
export interface PinnedImage {
  /** `sha256:` and 64 lowercase hex digits. */
  readonly digest: string;
  /** Where the digest is read, with repository, path and commit, and why it is the index's. */
  readonly source: string;
  /** The values key that carries it. */
  readonly value: DigestValue;
}

/** An image pinned by version only. */
export interface VersionOnlyImage {
  /** Why no digest is pinned (which sources were read and what they lack). */
  readonly versionOnly: string;
}

export interface ImageRow {
  /** What the render shows, `registry/repository:tag` (the registry always written out). */
  readonly image: string;
  /** The chart version of the chart table that runs it, or `own` for our kubernetes_* resources. */
  readonly runBy: { readonly chart: ChartName; readonly version: string } | "own";
  readonly pin: PinnedImage | VersionOnlyImage;
}

/**
 * `sha256:` and 64 lowercase hex digits: the shape of every digest in this table and in a render.
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

const KPS = { chart: "kubePrometheusStack", version: "88.5.3" } as const;

/** The reason of an image no public source pins. */
const noSource = (image: string, read: string): VersionOnlyImage => ({
  versionOnly: `no public source carries the index digest of ${image} (${read})`,
});

/** The reason of an image some public source pins, but not provably by its index digest. */
const unproven = (image: string, why: string): VersionOnlyImage => ({
  versionOnly: `no public source proves the index digest of ${image}: ${why}`,
});

/** Stuhlmuller/homelab and max-vie/shell resolved the kube-prometheus-stack 88.x images the same way. */
const PROMETHEUS_STACK_SOURCES =
  "Stuhlmuller/homelab docs/knowledge-base/operations/monitoring-upgrade-candidates.md at c56ac31df32940b655816afed0f9a3541e1a2e73 " +
  '("Immutable index references", each with its separate linux/amd64 child) and max-vie/shell tar/manifests/watch-supply.json ' +
  "at 7bbe5fb5b167e86e2fd7a5949d0c6092486da290 (runtime_image_digests): two independent repositories, the same digest";

/**
 * The rows, pinned first.
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export const IMAGE_ROWS: readonly ImageRow[] = [
  {
    image: "public.ecr.aws/karpenter/controller:1.14.1",
    runBy: { chart: "karpenter", version: "1.14.1" },
    pin: {
      digest: "sha256:445baefaaa689029cc12ac1f659b916b0b82fb14308ce536f8521fcf079116fa",
      source:
        "the published chart's own values: Karpenter's release job writes the digest `ko publish --platform=linux/amd64,linux/arm64` " +
        "prints (the index) into controller.image.digest (aws/karpenter-provider-aws hack/release/common.sh at " +
        "032b8b5cd6ad810ab8f6cf673a159dbfdb4e077c, buildImages); rendered from oci://public.ecr.aws/karpenter/karpenter 1.14.1 " +
        "(chart sha256:91434e00fb102d6ee0d1bd34a4457a32fe01a8fa833fe1a2a37da4f50272079b) by MicroTodoSuite/microservice-app-gitops " +
        "infrastructure/karpenter/vendor/v1.14.1/install.yaml at d2c6df51477b8e9f4c66b8c64a91380cea5cb7c6 and by tuxpower/opsfleet " +
        "terraform/VALIDATION.md at cdab7c89a2e03eb9b62d69d0cdda7ae017c93e82",
      value: { path: "controller.image.digest", form: "sha256" },
    },
  },
  {
    image: "registry.k8s.io/metrics-server/metrics-server:v0.8.1",
    runBy: { chart: "metricsServer", version: "3.13.1" },
    pin: {
      digest: "sha256:b2d2efaf5ac3b366ed0f839d2412a2c4279d4fc2a2a733f12c52133faed36c41",
      source:
        "kubernetes/minikube pkg/minikube/assets/addons.go at 13e1760fae1a2c0dff884b85e13fdaba451dd00f (minikube-bot, v0.8.0 to v0.8.1): " +
        "the bot takes the RepoDigest of `docker pull registry.k8s.io/metrics-server/metrics-server:<tag>` (hack/update/image.go), " +
        "the index; the v0.8.0 digest it replaced, sha256:89258156d0e9af60403eafd44da9676fd66f600c7934d468ccc17e42b199aee2, is the " +
        "index the registry.k8s.io promoter manifest lists (kubernetes/k8s.io registry.k8s.io/images/k8s-staging-metrics-server/images.yaml " +
        "at bc1017d811972e111a18438057aedac90a843198)",
      value: { path: "image.tag", form: "tag" },
    },
  },
  {
    image: "quay.io/prometheus/prometheus:v3.14.0-distroless",
    runBy: KPS,
    pin: {
      digest: "sha256:50c707e96da5ade383cb1707790576480485e93de06aa60ad8802cb5f744bd0a",
      source: PROMETHEUS_STACK_SOURCES,
      value: { path: "prometheus.prometheusSpec.image.sha", form: "hex" },
    },
  },
  {
    image: "quay.io/prometheus/alertmanager:v0.34.0",
    runBy: KPS,
    pin: {
      digest: "sha256:690c7b525f4367aa91f73e2f91c632206d32e97c6384bdbf2fb7a861b420340d",
      source: PROMETHEUS_STACK_SOURCES,
      value: { path: "alertmanager.alertmanagerSpec.image.sha", form: "hex" },
    },
  },
  {
    image: "quay.io/prometheus-operator/prometheus-operator:v0.93.1",
    runBy: KPS,
    pin: {
      digest: "sha256:e52bb28fd41c98dd407c7a8cba8bdcfe7eabd7447e250afaf1fe7bb816dedbff",
      source: PROMETHEUS_STACK_SOURCES,
      value: { path: "prometheusOperator.image.sha", form: "hex" },
    },
  },
  {
    image: "quay.io/prometheus-operator/prometheus-config-reloader:v0.93.1",
    runBy: KPS,
    pin: {
      digest: "sha256:428f088fe6fe07ab138bda92113664b04848a1dc408e4d3680a60ecdb55d1a65",
      source: PROMETHEUS_STACK_SOURCES,
      value: { path: "prometheusOperator.prometheusConfigReloader.image.sha", form: "hex" },
    },
  },
  {
    image: "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.20.0",
    runBy: KPS,
    pin: {
      digest: "sha256:42cfe3723a5f058171c627537fb57a3ea0f26e4380fa18555a95cb1a1b4cfc5b",
      source: PROMETHEUS_STACK_SOURCES,
      value: { path: "kube-state-metrics.image.sha", form: "sha256" },
    },
  },
  // Version only: the sources read, and what they lack.
  {
    image: "public.ecr.aws/eks/aws-load-balancer-controller:v3.5.0",
    runBy: { chart: "awsLoadBalancerController", version: "3.5.0" },
    pin: noSource("public.ecr.aws/eks/aws-load-balancer-controller:v3.5.0", "the chart's values at 3.5.0 carry the tag only"),
  },
  {
    image: "registry.k8s.io/external-dns/external-dns:v0.21.0",
    runBy: { chart: "externalDns", version: "1.21.1" },
    pin: unproven(
      "registry.k8s.io/external-dns/external-dns:v0.21.0",
      "UMC-PRODUCT/umc-product-infra argocd/applications/platform/external-dns.yaml at 97b68b5678845717c253fd51d6ba2c4c8f5942d2 and " +
        "toolbar23/alchemy-k8s packages/kubernetes-addons/src/cloudflare-external-dns.ts at 192704372daf07409e3be87de614f61def8927a4 both pin " +
        "sha256:f53faaf71cb270d1ca9dce6ea0c94bfebf1a18696263487f0fbc74b9bf2bd7ff, but neither says it is the index and not one platform's " +
        "manifest; the registry.k8s.io promoter manifest readable here (kubernetes/k8s.io registry.k8s.io/images/k8s-staging-external-dns/images.yaml " +
        "at c00fde60876e241a0f7d6ab4a7f024a08e8db81e) ends at v0.15.1",
    ),
  },
  {
    image: "cr.fluentbit.io/fluent/fluent-bit:5.1.1",
    runBy: { chart: "fluentBit", version: "0.58.1" },
    pin: noSource(
      "cr.fluentbit.io/fluent/fluent-bit:5.1.1",
      "the chart's image.digest is empty at 0.58.1; no repository readable here pins it",
    ),
  },
  {
    image: "quay.io/prometheus/node-exporter:v1.12.1-distroless",
    runBy: KPS,
    pin: unproven(
      "quay.io/prometheus/node-exporter:v1.12.1-distroless",
      "only max-vie/shell tar/manifests/watch-supply.json at 7bbe5fb5b167e86e2fd7a5949d0c6092486da290 pins it " +
        "(sha256:8c9bac11973b94b59be88d6e11fee4429aa743c8846cdc75d65b18db33f6a106), and another public file pins that same digest for the " +
        "tag v1.12.1 (not distroless): one repository, and the sources disagree",
    ),
  },
  {
    image: "docker.io/grafana/grafana:13.2.0",
    runBy: KPS,
    pin: unproven(
      "docker.io/grafana/grafana:13.2.0",
      "andrewsrigom/aster-streaming-platform infra/docker/grafana.Dockerfile at c297d32831146c4a9f5fe216cdc06ab3e7403c36 pins " +
        "sha256:3fd54ae1214669f8355f065ec9f6445d5279a3d77095ab048ca045685272429b; other public files carry the same digest, but no second " +
        "repository could be named from them, and none says it is the index",
    ),
  },
  {
    image: "quay.io/kiwigrid/k8s-sidecar:2.10.1",
    runBy: KPS,
    pin: noSource(
      "quay.io/kiwigrid/k8s-sidecar:2.10.1",
      "the grafana subchart's sidecar.image.sha is empty; no repository readable here pins it",
    ),
  },
  {
    image: "ghcr.io/jkroepke/kube-webhook-certgen:1.8.7",
    runBy: KPS,
    pin: noSource(
      "ghcr.io/jkroepke/kube-webhook-certgen:1.8.7",
      "the chart's admissionWebhooks.patch.image.sha is empty; the pins readable here are of 1.8.2, 1.8.5 and 1.8.8",
    ),
  },
  {
    image: "public.ecr.aws/docker/library/busybox:1.37.0",
    runBy: KPS,
    pin: unproven(
      "public.ecr.aws/docker/library/busybox:1.37.0",
      "docker-library/repo-info repos/busybox/remote/1.37.0.md at 01a7054230d50b3dccaf8d579f161c522be8c9f0 gives Docker Hub's index " +
        "(sha256:9db7b59979c38555a39def84a31fb98b5296952f9e3afd4f6f11f05b07adfab0), but nothing published says the ECR Public mirror serves " +
        "that index, and the tag is rebuilt (public repositories pin several different 1.37.0 digests)",
    ),
  },
  {
    image: "registry.k8s.io/kubectl:v1.35.0",
    runBy: KPS,
    pin: noSource(
      "registry.k8s.io/kubectl:v1.35.0",
      "the registry.k8s.io promoter manifest readable here, kubernetes/k8s.io registry.k8s.io/images/k8s-staging-kubernetes/images.yaml at " +
        "ecf019a88caa0923c610e8982ca44a460c0303e5, ends at v1.35.0-alpha.0",
    ),
  },
  {
    image: "registry.k8s.io/csi-secrets-store/driver:v1.6.0",
    runBy: { chart: "secretsStoreCsiDriver", version: "1.6.0" },
    pin: noSource(
      "registry.k8s.io/csi-secrets-store/driver:v1.6.0",
      "the chart's digest key is commented out; the promoter manifest readable here, kubernetes/k8s.io " +
        "registry.k8s.io/images/k8s-staging-csi-secrets-store/images.yaml at fbd5226e9894b51262b77522d194cdff7940cf28, ends at v1.5.1",
    ),
  },
  {
    image: "registry.k8s.io/csi-secrets-store/driver-crds:v1.6.0",
    runBy: { chart: "secretsStoreCsiDriver", version: "1.6.0" },
    pin: noSource(
      "registry.k8s.io/csi-secrets-store/driver-crds:v1.6.0",
      "the promoter manifest readable here, kubernetes/k8s.io registry.k8s.io/images/k8s-staging-csi-secrets-store/images.yaml at " +
        "fbd5226e9894b51262b77522d194cdff7940cf28, ends at v1.5.1",
    ),
  },
  {
    image: "registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.16.0",
    runBy: { chart: "secretsStoreCsiDriver", version: "1.6.0" },
    pin: noSource(
      "registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.16.0",
      "the promoter manifest readable here, kubernetes/k8s.io registry.k8s.io/images/k8s-staging-sig-storage/images.yaml at " +
        "773fae8f07a3ff340f4cdd18e9466bd464611366, ends at v2.8.0; the other pins readable here are of mirrors or say nothing of the manifest kind",
    ),
  },
  {
    image: "registry.k8s.io/sig-storage/livenessprobe:v2.18.0",
    runBy: { chart: "secretsStoreCsiDriver", version: "1.6.0" },
    pin: noSource(
      "registry.k8s.io/sig-storage/livenessprobe:v2.18.0",
      "the promoter manifest readable here (k8s-staging-sig-storage/images.yaml at 773fae8f07a3ff340f4cdd18e9466bd464611366) ends at v2.10.0",
    ),
  },
  {
    image: "public.ecr.aws/aws-secrets-manager/secrets-store-csi-driver-provider-aws:3.1.1",
    runBy: { chart: "secretsStoreCsiProviderAws", version: "3.1.1" },
    pin: noSource(
      "public.ecr.aws/aws-secrets-manager/secrets-store-csi-driver-provider-aws:3.1.1",
      "the chart's values at 3.1.1 carry the tag only; no repository readable here pins it",
    ),
  },
  {
    image: "public.ecr.aws/docker/library/postgres:17.6-alpine3.22",
    runBy: "own",
    pin: unproven(
      "public.ecr.aws/docker/library/postgres:17.6-alpine3.22",
      "the database-roles Job's psql (modules/apps/database-app-role.ts); Docker Hub's tag is rebuilt (public repositories pin " +
        "sha256:ef257d85f76e48da1c64832459b59fcaba1a4dac97bf5d7450c77753542eee94 and " +
        "sha256:747d5ed1fdeeb124b880fbe3d7c6557d2c4064ae41d6b6297d417882effce4be), and nothing published says which index the ECR Public mirror serves",
    ),
  },
];

/**
 * Our applications' images: the environment's own ECR repository `<env>/<app>`, at the tag a
 * release sets (`var.<app>_image_tag`). Version only: the repositories refuse to overwrite a tag
 * (IMMUTABLE, modules/ci/ecr-repository.ts), so the tag names one image.
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export const RELEASE_IMAGES: readonly string[] = ["frontend", "backend"];

/** The rows of the images a chart version runs that carry a digest. */
function pinnedImagesOf(chart: ChartName, version: string): (ImageRow & { readonly pin: PinnedImage })[] {
  return IMAGE_ROWS.filter(
    (row): row is ImageRow & { readonly pin: PinnedImage } =>
      row.runBy !== "own" && row.runBy.chart === chart && row.runBy.version === version && "digest" in row.pin,
  );
}

type Values = { [key: string]: unknown };

/** The value a digest takes at its key (`tag` form: the image's tag with the digest). */
function digestValue(row: ImageRow & { readonly pin: PinnedImage }): string {
  const hex = row.pin.digest.slice("sha256:".length);
  switch (row.pin.value.form) {
    case "hex":
      return hex;
    case "sha256":
      return row.pin.digest;
    case "tag":
      return `${row.image.slice(row.image.lastIndexOf(":") + 1)}@${row.pin.digest}`;
  }
}

/**
 * `values` with the digest of every pinned image of the chart version written at its key: a copy
 * along each key's path, every other node shared (tokens inside stay what they are). A key the
 * values already set to something else is an error: the table and the module would disagree on
 * what runs.
 */
export function withImageDigests<T extends object>(chart: ChartName, version: string, values: T): T {
  let merged = values as Values;
  for (const row of pinnedImagesOf(chart, version)) merged = setAt(merged, row.pin.value.path.split("."), digestValue(row), row);
  return merged as T;
}

function setAt(node: Values, keys: readonly string[], wanted: string, row: ImageRow): Values {
  const [key, ...rest] = keys as [string, ...string[]];
  const present = node[key];
  if (rest.length === 0) {
    if (present !== undefined && present !== "" && present !== wanted)
      throw new Error(`${row.image}: the chart's values set ${key} to ${JSON.stringify(present)}, the image table pins ${wanted}`);
    return { ...node, [key]: wanted };
  }
  if (present !== undefined && (typeof present !== "object" || present === null || Array.isArray(present)))
    throw new Error(`${row.image}: the chart's values set ${key} to a non-object where the image table writes a digest`);
  return { ...node, [key]: setAt((present ?? {}) as Values, rest, wanted, row) };
}
