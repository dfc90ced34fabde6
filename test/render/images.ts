import { DIGEST_PATTERN, type ImageRow } from "../../modules/core/image-digests";
import type { ClusterObject } from "./cluster-objects";
import { podTemplateOf } from "./pod-security";

/*
 * Every container image a workloads stack runs, read from what the charts render and from our
 * kubernetes_* resources: the containers of every pod template, the images the operator's custom
 * resources name (Prometheus, Alertmanager: the operator makes their StatefulSets at run time), and
 * the config reloader the operator injects into them, which its Deployment names in an argument.
 * Each is checked against the image table (modules/core/image-digests.ts).
 */

type Obj = { readonly [key: string]: unknown };
const obj = (value: unknown): Obj => (typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Obj) : {});
const list = (value: unknown): Obj[] => (Array.isArray(value) ? value.map(obj) : []);

export interface RunImage {
  /** `release kube-prometheus-stack: Deployment monitoring/x container y`. */
  readonly where: string;
  /** As rendered: `registry/repository:tag`, maybe `@sha256:...`. */
  readonly image: string;
  /** The application whose release tag (`var.<app>_image_tag`) the image carries, for our own images. */
  readonly release?: string;
}

/** Kinds whose `spec.image` the prometheus-operator runs as a StatefulSet. */
const OPERATED_KINDS = new Set(["Prometheus", "Alertmanager", "ThanosRuler"]);
/** Arguments of the operator that name an image it puts into the pods it makes. */
const OPERATOR_IMAGE_ARGS = ["--prometheus-config-reloader="];

/**
 * Every image the objects run, with where it is named. `placeholders` (placeholder to the Terraform
 * expression it stands for) tells an application's release image: its tag is `var.<app>_image_tag`.
 */
export function imagesOf(objects: readonly ClusterObject[], placeholders: ReadonlyMap<string, string>): RunImage[] {
  const images: RunImage[] = [];
  const releaseOf = (image: string): string | undefined => {
    const tag = splitImage(image).tag;
    return tag === undefined ? undefined : /^var\.([a-z]+)_image_tag$/.exec(placeholders.get(tag) ?? "")?.[1];
  };
  const push = (where: string, image: string) => {
    const release = releaseOf(image);
    images.push(release === undefined ? { where, image } : { where, image, release });
  };
  for (const { object, source, namespace } of objects) {
    const at = `${source}: ${object.kind} ${namespace === undefined ? "" : `${namespace}/`}${object.metadata?.name ?? "?"}`;
    const containers = (spec: Obj) =>
      ["initContainers", "containers", "ephemeralContainers"].flatMap((key) => list(spec[key]).map((container) => ({ key, container })));
    const template = podTemplateOf(object);
    if (template !== undefined) {
      for (const { key, container } of containers(template.spec)) {
        const label = `${at} ${key.replace(/s$/, "")} ${String(container["name"])}`;
        push(label, String(container["image"]));
        const args = Array.isArray(container["args"]) ? (container["args"] as unknown[]).map(String) : [];
        for (const arg of args) {
          const prefix = OPERATOR_IMAGE_ARGS.find((p) => arg.startsWith(p));
          if (prefix !== undefined) push(`${label} argument ${prefix}`, arg.slice(prefix.length));
        }
      }
    }
    if (OPERATED_KINDS.has(object.kind)) {
      const spec = obj(object["spec"]);
      if (spec["image"] !== undefined) push(`${at} spec.image`, String(spec["image"]));
      for (const { key, container } of containers(spec))
        if (container["image"] !== undefined) push(`${at} spec.${key} ${String(container["name"])}`, String(container["image"]));
    }
  }
  return images;
}

/** An image reference split: `name:tag` (what the table lists) and the digest after `@`, if any. */
export function splitImage(image: string): {
  readonly reference: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
} {
  const at = image.indexOf("@");
  const reference = at === -1 ? image : image.slice(0, at);
  const digest = at === -1 ? undefined : image.slice(at + 1);
  const tag = /:([^/:]+)$/.exec(reference)?.[1];
  return { reference, tag, digest };
}

/**
 * What is wrong with one image against the table, or nothing: no tag or `latest`, a digest of the
 * wrong shape, not in the table, a pinned image without its digest or with another one, a
 * version-only image with a digest nobody proved.
 */
export function imageProblems(run: RunImage, rows: readonly ImageRow[], releases: readonly string[]): string[] {
  const { reference, tag, digest } = splitImage(run.image);
  const problems: string[] = [];
  const at = `${run.where}: ${run.image}`;
  if (tag === undefined || tag === "latest") problems.push(`${at}: not pinned by version (no tag, or latest)`);
  if (digest !== undefined && !DIGEST_PATTERN.test(digest))
    problems.push(`${at}: digest ${digest} is not sha256: and 64 lowercase hex digits`);
  if (run.release !== undefined) {
    // Our application: its own ECR repository, the tag a release sets (immutable there), no digest.
    if (!releases.includes(run.release)) problems.push(`${at}: ${run.release} is not an application of the image table (RELEASE_IMAGES)`);
    if (!reference.endsWith(`/${run.release}:${tag}`)) problems.push(`${at}: the release tag of ${run.release} on another repository`);
    if (digest !== undefined) problems.push(`${at}: a release image carries a digest`);
    return problems;
  }
  const row = rows.find((r) => r.image === reference);
  if (row === undefined) {
    problems.push(`${at}: ${reference} is not in the image table (modules/core/image-digests.ts)`);
    return problems;
  }
  if ("digest" in row.pin) {
    if (digest === undefined) problems.push(`${at}: renders without the digest the image table pins, ${row.pin.digest}`);
    else if (digest !== row.pin.digest) problems.push(`${at}: renders digest ${digest}, the image table pins ${row.pin.digest}`);
  } else if (digest !== undefined) {
    problems.push(`${at}: renders digest ${digest}, which the image table does not prove (version only: ${row.pin.versionOnly})`);
  }
  return problems;
}
