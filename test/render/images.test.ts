import { beforeAll, describe, expect, it } from "vitest";
import { CHART_VERSIONS, chartRelease } from "../../modules/core/chart-versions";
import { IMAGE_ROWS, type ImageRow, RELEASE_IMAGES, withImageDigests } from "../../modules/core/image-digests";
import { stackObjects, type StackObjects } from "./cluster-objects";
import { imageProblems, imagesOf, type RunImage, splitImage } from "./images";
import { renderedReleases, workloadsStacks } from "./render";

/*
 * Every container image every environment runs, against the image table
 * (modules/core/image-digests.ts): pinned by version, and by the digest of its index where the
 * table proves one.
 */

const stacks = workloadsStacks().map(({ stack }) => stack);
const byStack = new Map<string, StackObjects>();
const imagesOfStack = (stack: string): RunImage[] => imagesOf(byStack.get(stack)!.objects, byStack.get(stack)!.placeholders);

beforeAll(async () => {
  const releases = await renderedReleases();
  for (const stack of stacks) byStack.set(stack, stackObjects(stack, releases));
}, 180_000);

/** The digests the table must pin, written out here: a changed hex digit in the table fails. */
const PINNED = {
  "public.ecr.aws/karpenter/controller:1.14.1": "sha256:445baefaaa689029cc12ac1f659b916b0b82fb14308ce536f8521fcf079116fa",
  "registry.k8s.io/metrics-server/metrics-server:v0.8.1": "sha256:b2d2efaf5ac3b366ed0f839d2412a2c4279d4fc2a2a733f12c52133faed36c41",
  "quay.io/prometheus/prometheus:v3.14.0-distroless": "sha256:50c707e96da5ade383cb1707790576480485e93de06aa60ad8802cb5f744bd0a",
  "quay.io/prometheus/alertmanager:v0.34.0": "sha256:690c7b525f4367aa91f73e2f91c632206d32e97c6384bdbf2fb7a861b420340d",
  "quay.io/prometheus-operator/prometheus-operator:v0.93.1": "sha256:e52bb28fd41c98dd407c7a8cba8bdcfe7eabd7447e250afaf1fe7bb816dedbff",
  "quay.io/prometheus-operator/prometheus-config-reloader:v0.93.1":
    "sha256:428f088fe6fe07ab138bda92113664b04848a1dc408e4d3680a60ecdb55d1a65",
  "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.20.0":
    "sha256:42cfe3723a5f058171c627537fb57a3ea0f26e4380fa18555a95cb1a1b4cfc5b",
};

describe.each(stacks)("%s: the images it runs", (stack) => {
  it("GIVEN every image the charts and our resources run WHEN compared with the image table THEN each is listed, pinned ones carry exactly the table's digest, the others no digest", () => {
    const images = imagesOfStack(stack);
    expect(images.length, `${stack}: images`).toBeGreaterThan(15);
    expect(images.flatMap((run) => imageProblems(run, IMAGE_ROWS, RELEASE_IMAGES)).map((problem) => `${stack}: ${problem}`)).toEqual([]);
  });

  it("GIVEN our applications WHEN their Deployments are read THEN they run their release images (their tag variable), by version only", () => {
    const releases = imagesOfStack(stack).filter((run) => run.release !== undefined);
    expect(releases.map((run) => run.release).sort()).toEqual(["backend", "frontend"]);
    expect(releases.filter((run) => splitImage(run.image).digest !== undefined)).toEqual([]);
  });

  it("GIVEN the monitoring stack WHEN rendered THEN the operator, Prometheus, Alertmanager, the config reloader and kube-state-metrics run by digest", () => {
    const byDigest = imagesOfStack(stack)
      .map(({ image }) => splitImage(image))
      .filter(({ digest }) => digest !== undefined)
      .map(({ reference, digest }) => `${reference}@${digest}`);
    expect(new Set(byDigest)).toEqual(new Set(Object.entries(PINNED).map(([image, digest]) => `${image}@${digest}`)));
  });
});

describe("the image table", () => {
  it("GIVEN the table WHEN its pinned rows are read THEN they are exactly these images and digests", () => {
    const pinned = Object.fromEntries(IMAGE_ROWS.flatMap((row) => ("digest" in row.pin ? [[row.image, row.pin.digest]] : [])));
    expect(pinned).toEqual(PINNED);
  });

  it("GIVEN every row WHEN read THEN its image has a registry and a tag, it is listed once, its chart version is in the chart table, and a version-only row says why naming the image", () => {
    const problems = IMAGE_ROWS.flatMap((row): string[] => {
      const { reference, tag, digest } = splitImage(row.image);
      const out: string[] = [];
      if (digest !== undefined || reference !== row.image) out.push(`${row.image}: the row's image carries a digest`);
      if (tag === undefined || tag === "latest") out.push(`${row.image}: no tag`);
      if (!row.image.split("/")[0]!.includes(".")) out.push(`${row.image}: the registry is not written out`);
      if (IMAGE_ROWS.filter((other) => other.image === row.image).length > 1) out.push(`${row.image}: listed twice`);
      if (row.runBy !== "own" && chartRelease(row.runBy.chart, row.runBy.version) === undefined)
        out.push(`${row.image}: ${row.runBy.chart} ${row.runBy.version} is not in the chart table`);
      if ("versionOnly" in row.pin && !row.pin.versionOnly.includes(row.image))
        out.push(`${row.image}: the reason does not name the image`);
      return out;
    });
    expect(problems).toEqual([]);
  });

  it("GIVEN every pinned row WHEN its digest is read THEN it is sha256: and 64 lowercase hex digits, and its source names a commit", () => {
    const pinned = IMAGE_ROWS.filter((row) => "digest" in row.pin);
    expect(pinned.length).toBeGreaterThan(0);
    for (const row of pinned) {
      const pin = row.pin as { digest: string; source: string };
      expect(pin.digest, row.image).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(pin.source, row.image).toMatch(/ at [0-9a-f]{40}\b/);
    }
  });

  it("GIVEN the renders of every environment WHEN compared with the table THEN every row is run somewhere (no row outlives its chart version)", () => {
    const run = new Set(stacks.flatMap((stack) => imagesOfStack(stack).map(({ image }) => splitImage(image).reference)));
    expect(IMAGE_ROWS.map((row) => row.image).filter((image) => !run.has(image))).toEqual([]);
  });

  it("GIVEN a chart version of the chart table WHEN the table names a row for it THEN the chart lists that version (a bump keeps the rows honest)", () => {
    const versions = IMAGE_ROWS.flatMap((row) => (row.runBy === "own" ? [] : [[row.runBy.chart, row.runBy.version] as const]));
    for (const [chart, version] of versions) expect(Object.keys(CHART_VERSIONS[chart].versions), chart).toContain(version);
  });
});

describe("checking one image against the table", () => {
  const rows: ImageRow[] = [
    {
      image: "example.io/team/app:v1.2.3",
      runBy: "own",
      pin: {
        digest: `sha256:${"ab".repeat(32)}`,
        source: "test",
        value: { path: "image.sha", form: "hex" },
      },
    },
    {
      image: "example.io/team/tool:1.0",
      runBy: "own",
      pin: { versionOnly: "no public source carries the index digest of example.io/team/tool:1.0" },
    },
  ];
  const check = (image: string) => imageProblems({ where: "release x: Deployment ns/x container x", image }, rows, ["web"]);

  it("GIVEN a pinned image rendered with the table's digest WHEN checked THEN nothing is wrong", () => {
    expect(check(`example.io/team/app:v1.2.3@sha256:${"ab".repeat(32)}`)).toEqual([]);
  });

  it("GIVEN a pinned image rendered without its digest WHEN checked THEN it is named with the digest it should carry", () => {
    expect(check("example.io/team/app:v1.2.3")).toEqual([
      `release x: Deployment ns/x container x: example.io/team/app:v1.2.3: renders without the digest the image table pins, sha256:${"ab".repeat(32)}`,
    ]);
  });

  it("GIVEN a pinned image rendered with one hex digit changed WHEN checked THEN the two digests are named", () => {
    const changed = `sha256:${"ab".repeat(31)}ac`;
    expect(check(`example.io/team/app:v1.2.3@${changed}`)).toEqual([
      `release x: Deployment ns/x container x: example.io/team/app:v1.2.3@${changed}: renders digest ${changed}, the image table pins sha256:${"ab".repeat(32)}`,
    ]);
  });

  it("GIVEN a digest of the wrong shape WHEN checked THEN it fails on its shape", () => {
    const short = `sha256:${"ab".repeat(31)}`;
    expect(check(`example.io/team/tool:1.0@${short}`)).toContain(
      `release x: Deployment ns/x container x: example.io/team/tool:1.0@${short}: digest ${short} is not sha256: and 64 lowercase hex digits`,
    );
    expect(check(`example.io/team/tool:1.0@sha256:${"AB".repeat(32)}`).join("\n")).toContain("is not sha256: and 64 lowercase hex digits");
  });

  it("GIVEN an image the table does not list, latest or untagged WHEN checked THEN each is refused", () => {
    expect(check("example.io/team/other:2.0")).toEqual([
      "release x: Deployment ns/x container x: example.io/team/other:2.0: example.io/team/other:2.0 is not in the image table (modules/core/image-digests.ts)",
    ]);
    expect(check("busybox:latest").join("\n")).toContain("not pinned by version");
    expect(check("busybox").join("\n")).toContain("not pinned by version");
  });

  it("GIVEN an application's release image WHEN checked THEN its own repository and release tag pass, a digest or another repository is refused", () => {
    const release = (image: string) =>
      imageProblems({ where: "kubernetes_deployment_v1.web: Deployment web/web container web", image, release: "web" }, rows, ["web"]);
    expect(release("000000000000.dkr.ecr.eu-west-1.amazonaws.com/dev/web:web-release-tag")).toEqual([]);
    expect(release(`000000000000.dkr.ecr.eu-west-1.amazonaws.com/dev/web:web-release-tag@sha256:${"ab".repeat(32)}`).join("\n")).toContain(
      "a release image carries a digest",
    );
    expect(release("example.io/other/tool:web-release-tag").join("\n")).toContain("the release tag of web on another repository");
  });

  it("GIVEN a version-only image rendered with a digest WHEN checked THEN the unproven digest is refused", () => {
    expect(check(`example.io/team/tool:1.0@sha256:${"cd".repeat(32)}`).join("\n")).toContain("which the image table does not prove");
  });
});

describe("writing the table's digests into a chart's values", () => {
  it("GIVEN kube-prometheus-stack 88.5.3 values WHEN the digests are merged THEN each key takes its chart's form and the other values stay", () => {
    const merged = withImageDigests("kubePrometheusStack", "88.5.3", { prometheus: { prometheusSpec: { retention: "15d" } } });
    expect(merged).toEqual({
      prometheus: {
        prometheusSpec: { retention: "15d", image: { sha: "50c707e96da5ade383cb1707790576480485e93de06aa60ad8802cb5f744bd0a" } },
      },
      alertmanager: { alertmanagerSpec: { image: { sha: "690c7b525f4367aa91f73e2f91c632206d32e97c6384bdbf2fb7a861b420340d" } } },
      prometheusOperator: {
        image: { sha: "e52bb28fd41c98dd407c7a8cba8bdcfe7eabd7447e250afaf1fe7bb816dedbff" },
        prometheusConfigReloader: { image: { sha: "428f088fe6fe07ab138bda92113664b04848a1dc408e4d3680a60ecdb55d1a65" } },
      },
      "kube-state-metrics": { image: { sha: "sha256:42cfe3723a5f058171c627537fb57a3ea0f26e4380fa18555a95cb1a1b4cfc5b" } },
    });
  });

  it("GIVEN metrics-server 3.13.1, whose chart has no digest key WHEN merged THEN the tag carries the digest", () => {
    expect(withImageDigests("metricsServer", "3.13.1", {})).toEqual({
      image: { tag: "v0.8.1@sha256:b2d2efaf5ac3b366ed0f839d2412a2c4279d4fc2a2a733f12c52133faed36c41" },
    });
  });

  it("GIVEN a chart version without pinned images WHEN merged THEN the values are returned as they are", () => {
    const values = { image: { tag: "v3.5.0" } };
    expect(withImageDigests("awsLoadBalancerController", "3.5.0", values)).toBe(values);
  });

  it("GIVEN values that already set a digest key to another value WHEN merged THEN it is an error naming both", () => {
    expect(() => withImageDigests("karpenter", "1.14.1", { controller: { image: { digest: `sha256:${"0".repeat(64)}` } } })).toThrow(
      /public\.ecr\.aws\/karpenter\/controller:1\.14\.1: the chart's values set digest to "sha256:0{64}", the image table pins sha256:445baefa/,
    );
  });
});
