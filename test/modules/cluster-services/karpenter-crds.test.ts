import * as path from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CHART_VERSIONS } from "../../../modules/core/chart-versions";
import { nodeClass, nodePool, type NodePoolSettings } from "../../../modules/cluster-services/karpenter/node-pools";
import { readTgz } from "../../support/tgz";

/*
 * The typed EC2NodeClass and NodePool objects against the CRD schemas of the pinned Karpenter: the
 * openAPIV3Schema of each CRD in the vendored chart (charts/vendor/karpenter-<version>.tgz,
 * crds/). CEL rules (x-kubernetes-validations) are the API server's and are not evaluated here;
 * types, enums, patterns, required fields and unknown fields are.
 */

interface Crd {
  spec: { names: { kind: string }; versions: { name: string; served: boolean; schema: { openAPIV3Schema: Record<string, unknown> } }[] };
}

const version = CHART_VERSIONS.karpenter.default;
const chart = readTgz(path.join(__dirname, "../../../charts/vendor", `karpenter-${version}.tgz`));
const crds = [...chart.entries()]
  .filter(([file]) => file.startsWith("karpenter/crds/"))
  .map(([, body]) => parse(body.toString("utf8")) as Crd);

/** Kubernetes structural schemas forbid unknown fields unless x-kubernetes-preserve-unknown-fields: make that explicit for ajv. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== "object") return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema))
    copy[key] = key === "properties" ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, closed(v)])) : closed(value);
  if (
    copy["type"] === "object" &&
    copy["properties"] !== undefined &&
    copy["additionalProperties"] === undefined &&
    copy["x-kubernetes-preserve-unknown-fields"] !== true
  ) {
    copy["additionalProperties"] = false;
  }
  return copy;
}

/**
 * The formats of Kubernetes' OpenAPI schemas that these CRDs use, checked as the API server reads
 * them (ajv knows none of them and would print a warning for each, then ignore it).
 */
const KUBERNETES_FORMATS = {
  int32: { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 },
  int64: { type: "number", validate: (n: number) => Number.isSafeInteger(n) },
  "date-time": { type: "string", validate: (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(s) },
} as const;
const ajv = new Ajv({ strict: false, allErrors: true, formats: KUBERNETES_FORMATS });
function validator(kind: string, apiVersion: string): ValidateFunction {
  const crd = crds.find((candidate) => candidate.spec.names.kind === kind);
  const served = crd?.spec.versions.find((v) => v.name === apiVersion.split("/")[1] && v.served);
  if (served === undefined) throw new Error(`karpenter ${version}: no served CRD version for ${apiVersion} ${kind}`);
  return ajv.compile(closed(served.schema.openAPIV3Schema) as object);
}
const errors = (validate: ValidateFunction, object: unknown) =>
  validate(object) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);

const POOL: NodePoolSettings = {
  name: "general",
  capacityTypes: ["spot", "on-demand"],
  instanceCategories: ["c", "m", "r"],
  minInstanceGeneration: 6,
  architectures: ["arm64", "amd64"],
  limits: { cpu: 64, memoryGiB: 256 },
  consolidationPolicy: "WhenEmptyOrUnderutilized",
  consolidateAfter: "1m",
  expireAfter: "720h",
  disruptionBudgets: [{ nodes: "10%" }, { nodes: "0", schedule: "0 7 * * mon-fri", duration: "11h", reasons: ["Underutilized", "Empty"] }],
  labels: { team: "platform" },
};
const CLASS = nodeClass({
  clusterName: "prod",
  nodeRoleName: "prod-karpenter-nodes",
  amiAlias: "al2023@v20260901",
  rootVolumeGiB: 80,
  rootVolumeKmsKeyArn: "arn:aws:kms:eu-west-1:222222222222:key/0123abcd-0123-abcd-0123-0123456789ab",
  tags: { environment: "prod" },
});

describe(`Karpenter ${version} CRD schemas (vendored chart)`, () => {
  it("the vendored chart carries the EC2NodeClass and NodePool CRDs", () => {
    expect(crds.map((crd) => crd.spec.names.kind).sort()).toEqual(expect.arrayContaining(["EC2NodeClass", "NodePool"]));
  });

  it("GIVEN the EC2NodeClass we build WHEN validated THEN the karpenter.k8s.aws/v1 schema accepts it", () => {
    expect(errors(validator("EC2NodeClass", CLASS.apiVersion), CLASS)).toEqual([]);
  });

  it("GIVEN every NodePool field we set WHEN validated THEN the karpenter.sh/v1 schema accepts it", () => {
    const pool = nodePool(POOL);
    expect(errors(validator("NodePool", pool.apiVersion), pool)).toEqual([]);
  });

  it("GIVEN a field the pinned version does not know WHEN validated THEN the schema refuses it (the check can fail)", () => {
    const pool = nodePool(POOL);
    const wrong = { ...pool, spec: { ...pool.spec, disruption: { ...pool.spec.disruption, consolidationPolicy: "WhenUnderutilized" } } };
    expect(errors(validator("NodePool", pool.apiVersion), wrong)).toContain(
      "/spec/disruption/consolidationPolicy must be equal to one of the allowed values",
    );
    const unknown = { ...CLASS, spec: { ...CLASS.spec, amiFamily: "AL2", imdsv2: true } };
    expect(errors(validator("EC2NodeClass", CLASS.apiVersion), unknown)).toContain("/spec must NOT have additional properties");
  });

  it("GIVEN an integer field beyond int32 WHEN validated THEN the schema's format refuses it", () => {
    const pool = nodePool(POOL);
    const tooLarge = { ...CLASS, spec: { ...CLASS.spec, kubelet: { maxPods: 2 ** 31 } } };
    expect(errors(validator("EC2NodeClass", CLASS.apiVersion), tooLarge)).toContain('/spec/kubelet/maxPods must match format "int32"');
    expect(errors(validator("NodePool", pool.apiVersion), { ...pool, spec: { ...pool.spec, weight: 1.5 } })).toContain(
      '/spec/weight must match format "int32"',
    );
  });
});
