import { Testing } from "cdktf";
import type { Construct } from "constructs";
import { expect } from "vitest";

/*
 * Reading Helm releases out of synthesized JSON: shared by the tests of every cluster service
 * (modules/cluster-services/<name>/<name>.test.ts) and of the Kubernetes building blocks.
 */

/** A `helm_release` as synthesized: the fields these tests read. */
export interface SynthesizedRelease {
  readonly name: string;
  readonly chart: string;
  readonly namespace: string;
  readonly version: string;
  readonly values: readonly string[];
  readonly depends_on?: readonly string[];
}

interface SynthesizedJson {
  readonly resource?: { readonly helm_release?: { readonly [id: string]: SynthesizedRelease } };
}

/** The one release of `chart` in synthesized JSON. */
export function releaseOf(json: string, chart: string): SynthesizedRelease {
  const releases = Object.values((JSON.parse(json) as SynthesizedJson).resource?.helm_release ?? {}).filter(
    (release) => release.chart === chart,
  );
  if (releases.length !== 1) throw new Error(`expected one helm_release of chart ${chart}, found ${releases.length}`);
  return releases[0] as SynthesizedRelease;
}

/** The values of the one release of `chart`, parsed as the construct's values type. */
export function valuesOf<T>(json: string, chart: string): T {
  const values = releaseOf(json, chart).values;
  if (values.length !== 1) throw new Error(`expected the values of ${chart} serialized once, found ${values.length} documents`);
  return JSON.parse(values[0] as string) as T;
}

export const NAMESPACE_REFERENCE = expect.stringMatching(/^\$\{kubernetes_namespace_v1\..+\.metadata\[0\]\.name\}$/);
export const RELEASE_REFERENCE = expect.stringMatching(/^helm_release\./);
export const synth = (build: (scope: Construct) => void) => Testing.synthScope(build);
