import type { ChartPackage, Json } from "../../scripts/chart-archive";

/*
 * "A values key the chart does not read": every path of the values we supply must be a key of the
 * chart's default values (values.yaml), of its values.schema.json, or of a subchart's, down to a
 * default that is a scalar, a list or an empty map (which the chart passes through whole: a
 * security context, resources). Maps whose keys are data, not settings (annotations, labels,
 * extraArgs), are declared free-form here, per chart, in this one place.
 */

/** Per chart: the values paths (dotted, from the chart's root) whose keys are data, not settings. */
const FREE_FORM_VALUES: Readonly<Record<string, readonly string[]>> = {
  "aws-load-balancer-controller": ["serviceAccount.annotations", "controllerConfig.featureGates"],
  "cluster-autoscaler": ["extraArgs", "rbac.serviceAccount.annotations"],
  "external-dns": ["serviceAccount.annotations"],
  "fluent-bit": ["serviceAccount.annotations"],
  "kube-prometheus-stack": ["alertmanager.serviceAccount.annotations", "alertmanager.config", "grafana.serviceAccount.annotations"],
};

/**
 * Per chart: values paths a template reads though no values.yaml or schema declares them, each
 * with the template that reads it (what test/render/release-records.test.ts proves by rendering).
 */
const READ_UNDECLARED: Readonly<Record<string, readonly string[]>> = {
  // The crds subchart's upgrade job, service account and config map name their namespace through
  // the parent's helper "kube-prometheus-stack.namespace" (charts/crds/templates/upgrade/*.yaml),
  // evaluated in the subchart's scope: it reads crds.namespaceOverride, which crds/values.yaml lacks.
  "kube-prometheus-stack": ["crds.namespaceOverride"],
};

/**
 * Values keys that hold a Kubernetes type the chart passes through whole (`toYaml`), in every
 * chart: their fields are Kubernetes', checked on the rendered objects (schema, Pod Security), not
 * against the chart's example defaults.
 */
const KUBERNETES_PASS_THROUGH = new Set([
  "securityContext",
  "podSecurityContext",
  "containerSecurityContext",
  "resources",
  "affinity",
  "nodeSelector",
  "tolerations",
  "topologySpreadConstraints",
]);

type Tree = { [key: string]: Json };
const isMap = (value: Json | undefined): value is Tree => typeof value === "object" && value !== null && !Array.isArray(value);

/** The properties a values.schema.json declares at a path, if any. */
function schemaProperties(schema: Json | undefined): Tree | undefined {
  if (!isMap(schema)) return undefined;
  const properties = schema["properties"];
  return isMap(properties) ? properties : undefined;
}

/** `b` deep-merged over `a`. */
function merge(a: Tree, b: Tree): Tree {
  const out: Tree = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const mine = out[key];
    out[key] = isMap(mine) && isMap(value) ? merge(mine, value) : value;
  }
  return out;
}

/** Every supplied values path the chart (and its subcharts) does not read, as `path: why`. */
export function unreadValues(chart: ChartPackage, supplied: Tree): string[] {
  const problems: string[] = [];
  const freeForm = new Set([...(FREE_FORM_VALUES[chart.name] ?? []), ...(READ_UNDECLARED[chart.name] ?? [])]);
  const walk = (values: Tree, defaults: Tree, schema: Json | undefined, at: string, owner: ChartPackage, root: boolean) => {
    const properties = schemaProperties(schema);
    for (const [key, value] of Object.entries(values)) {
      const here = at === "" ? key : `${at}.${key}`;
      if (freeForm.has(here) || KUBERNETES_PASS_THROUGH.has(key)) continue;
      if (root) {
        const dependency = owner.dependencies.find((d) => (d.alias ?? d.name) === key);
        const subchart = dependency === undefined ? undefined : owner.subcharts.get(dependency.name);
        if (subchart !== undefined && isMap(value)) {
          // What a subchart reads: its own defaults, the parent's defaults for it, and the condition Helm reads.
          const parentDefaults = defaults[key];
          const condition = (dependency?.condition ?? "")
            .split(",")
            .map((c) => c.trim())
            .filter((c) => c.startsWith(`${key}.`))
            .map((c) => c.slice(key.length + 1));
          const merged = merge(
            merge(subchart.values, isMap(parentDefaults) ? parentDefaults : {}),
            Object.fromEntries(condition.map((c) => [c, true])),
          );
          walk(value, merged, subchart.schema, here, subchart, true);
          continue;
        }
        if (key === "global") continue;
      }
      const inDefaults = Object.hasOwn(defaults, key);
      const inSchema = properties !== undefined && Object.hasOwn(properties, key);
      if (!inDefaults && !inSchema) {
        problems.push(
          `${here}: not a key of ${owner.name} ${owner.version}'s default values or schema (a misspelling, or a key this version no longer reads)`,
        );
        continue;
      }
      const defaultValue = defaults[key];
      if (isMap(value) && isMap(defaultValue) && Object.keys(defaultValue).length > 0) {
        walk(value, defaultValue, properties?.[key], here, owner, false);
      }
    }
  };
  walk(supplied, chart.values, chart.schema, "", chart, true);
  return problems;
}

/** For a local chart (no values.yaml): every top-level key supplied that no template reads as `.Values.<key>`. */
export function unreadLocalValues(templates: readonly string[], supplied: Tree, chart: string): string[] {
  const read = new Set(templates.flatMap((text) => [...text.matchAll(/\.Values\.([A-Za-z0-9_]+)/g)].map((match) => match[1]!)));
  return Object.keys(supplied)
    .filter((key) => !read.has(key))
    .map((key) => `${key}: no template of the local chart ${chart} reads .Values.${key}`);
}
