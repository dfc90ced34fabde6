import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { crdValidators, loadModels, schemaProblems } from "./object-schemas";
import { chartOf, releaseSpecs, type RenderedObject, type RenderedRelease, renderedReleases, workloadsStacks } from "./render";
import { unreadLocalValues, unreadValues } from "./values-keys";

/*
 * Every helm_release of every workloads stack rendered by a real Helm at its pinned version
 * (test/render/render.ts), and what it renders checked: the render itself (the chart's templates,
 * its values.schema.json, its kubeVersion), every values key read by the chart, every object
 * against the Kubernetes schema or its CRD's. Each case names the stack and the release.
 */

const stacks = workloadsStacks();
const cases = stacks.flatMap(({ stack, environment, kubernetesVersion }) =>
  releaseSpecs(stack, environment, kubernetesVersion).map((spec) => [stack, spec.name, spec.address] as const),
);
let rendered: RenderedRelease[] = [];
const find = (stack: string, address: string) => {
  const release = rendered.find((r) => r.spec.stack === stack && r.spec.address === address);
  if (release === undefined) throw new Error(`${stack}: ${address} was not rendered`);
  return release;
};

beforeAll(async () => {
  rendered = await renderedReleases();
  await loadModels(rendered.flatMap((release) => release.objects));
}, 180_000);

describe("every helm_release of every environment, rendered", () => {
  it("GIVEN the environment files WHEN the workloads stacks are read THEN each has its releases to render, local charts included", () => {
    expect(stacks.length).toBeGreaterThanOrEqual(3);
    for (const { stack } of stacks) {
      const names = cases.filter(([s]) => s === stack).map(([, name]) => name);
      expect(names, stack).toEqual(
        expect.arrayContaining([
          "aws-load-balancer-controller",
          "external-dns",
          "kube-prometheus-stack",
          "metrics-server",
          "secrets-store-csi-driver",
          "gateway-api-crds",
          "public-gateway",
          "database-master",
        ]),
      );
    }
  });

  it.each(cases)("%s: %s renders (templates, values.schema.json, kubeVersion)", (stack, name, address) => {
    const release = find(stack, address);
    expect(release.error === undefined ? [] : [`${stack}: release ${name}: helm template failed: ${release.error}`]).toEqual([]);
    expect(release.objects.length, `${stack}: release ${name} rendered nothing`).toBeGreaterThan(0);
  });

  it.each(cases)("%s: %s reads every values key we supply", (stack, name, address) => {
    const { spec } = find(stack, address);
    const chart = chartOf(spec);
    const problems = spec.values.flatMap((values) => {
      if (chart !== undefined) return unreadValues(chart, values);
      const templates = readdirSync(path.join(spec.chartPath, "templates")).map((file) =>
        readFileSync(path.join(spec.chartPath, "templates", file), "utf8"),
      );
      return unreadLocalValues(templates, values, spec.chart);
    });
    expect(problems.map((problem) => `${stack}: release ${name}: values ${problem}`)).toEqual([]);
  });

  it.each(cases)("%s: %s renders objects valid against the Kubernetes schema or their CRD's", (stack, name, address) => {
    const release = find(stack, address);
    const crds = rendered
      .filter((r) => r.spec.stack === stack)
      .flatMap((r) => r.objects)
      .filter((object) => object.kind === "CustomResourceDefinition");
    const validators = validatorsOf(stack, crds);
    const problems = release.objects.flatMap((object) =>
      schemaProblems(object, validators).map(
        (problem) => `${stack}: release ${name}: ${object.kind} ${object.metadata?.name ?? "?"}: ${problem}`,
      ),
    );
    expect(problems).toEqual([]);
  });
});

const validatorCache = new Map<string, ReturnType<typeof crdValidators>>();
function validatorsOf(stack: string, crds: readonly RenderedObject[]) {
  let validators = validatorCache.get(stack);
  if (validators === undefined) {
    validators = crdValidators(crds);
    validatorCache.set(stack, validators);
  }
  return validators;
}
