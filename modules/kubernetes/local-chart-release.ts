import * as path from "node:path";
import { Release } from "@cdktf/provider-helm/lib/release";
import { AssetType, type ITerraformDependable, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { findRepositoryPath } from "../core/repository-path";
import { helmReleaseBasics } from "./helm-release-basics";

/**
 * The folder of a chart this repository ships under `charts/<name>`, from the source, the compiled tree and the bundle alike.
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function localChartDir(name: string): string {
  return path.dirname(findRepositoryPath(__dirname, `charts/${name}/Chart.yaml`));
}

export interface LocalChartReleaseProps<T extends object> {
  /** The chart's folder name under charts/. */
  readonly chart: string;
  /** Helm release name: a DNS label of at most 53 characters. */
  readonly releaseName: string;
  /** Namespace of the release (its history Secrets); it must exist. */
  readonly namespace: string;
  /** The chart's values, serialized once as JSON. */
  readonly values: T;
  /**
   * What must be installed first (the CRDs of the kinds the chart renders, the controller that validates them).
   * @default none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
  /**
   * Wait until every object is ready (for CRDs: Established) before the release counts as installed.
   * @default true
   */
  readonly wait?: boolean;
  /**
   * Seconds Helm waits for any one operation (the objects under `wait`, each hook Job).
   * @default 300 (the helm provider's)
   */
  readonly timeout?: number;
}

/**
 * A Helm release of a chart under `charts/`, shipped as a cdktf asset (copied under the stack's
 * `assets/` at a path keyed by its content hash, so a template change shows in the plan). Atomic,
 * cleanup on failure, five revisions of history. This is how objects of custom kinds reach the
 * cluster (ADR 0004, 0007): the helm provider checks nothing against the cluster at plan time.
 */
export class LocalChartRelease<T extends object> extends Construct {
  readonly release: Release;

  constructor(scope: Construct, id: string, props: LocalChartReleaseProps<T>) {
    super(scope, id);
    const basics = helmReleaseBasics(props.releaseName, props.namespace);
    const chart = new TerraformAsset(this, "chart", { path: localChartDir(props.chart), type: AssetType.DIRECTORY });
    this.release = new Release(this, "release", {
      ...basics,
      chart: chart.path,
      values: [JSON.stringify(props.values)],
      wait: props.wait ?? true,
      ...(props.timeout === undefined ? {} : { timeout: props.timeout }),
      ...(props.dependsOn === undefined ? {} : { dependsOn: [...props.dependsOn] }),
    });
  }
}
