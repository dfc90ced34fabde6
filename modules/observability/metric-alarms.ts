import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";

/** One CloudWatch alarm: a metric (namespace, name, dimensions, statistic) or a Metrics Insights query. */
export interface AlarmSpec {
  /** Stable id within the set (construct id) and suffix of the alarm's name, e.g. `aurora-cpu`. */
  readonly id: string;
  /** What breaks and what to do, shown in the notification. */
  readonly description: string;
  readonly comparison: "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold" | "LessThanOrEqualToThreshold";
  readonly threshold: number;
  /** Seconds per datapoint. */
  readonly period: number;
  /** Datapoints that must breach, out of as many evaluated. */
  readonly evaluationPeriods: number;
  /**
   * A metric; exactly one of `metric` and `query`.
   */
  readonly metric?: {
    readonly namespace: string;
    readonly name: string;
    readonly statistic: "Average" | "Maximum" | "Minimum" | "Sum";
    readonly dimensions: { readonly [name: string]: string };
  };
  /** A Metrics Insights query (`SELECT ... FROM ...`). */
  readonly query?: string;
  /**
   * How missing data counts.
   * @default "notBreaching"
   */
  readonly treatMissingData?: "breaching" | "notBreaching" | "ignore" | "missing";
}

export interface MetricAlarmsProps {
  /** Prefix of the alarms' names: `<prefix>-<spec id>`. */
  readonly prefix: string;
  /** SNS topic every alarm notifies, on ALARM and on OK. */
  readonly topicArn: string;
  readonly alarms: readonly AlarmSpec[];
}

/** CloudWatch alarms that notify the alert topic when they fire and when they recover. */
export class MetricAlarms extends Construct {
  /** Alarm names, by spec id. */
  readonly alarmNames: { readonly [id: string]: string };

  constructor(scope: Construct, id: string, props: MetricAlarmsProps) {
    super(scope, id);
    const names: { [id: string]: string } = {};
    for (const spec of props.alarms) {
      if (names[spec.id] !== undefined) throw new Error(`Alarms ${props.prefix}: ${spec.id} is defined twice`);
      if ((spec.metric === undefined) === (spec.query === undefined))
        throw new Error(`Alarm ${spec.id}: give exactly one of metric and query`);
      if (!Number.isInteger(spec.evaluationPeriods) || spec.evaluationPeriods < 1)
        throw new Error(`Alarm ${spec.id}: evaluationPeriods must be >= 1`);
      if (spec.period < 60 || spec.period % 60 !== 0)
        throw new Error(`Alarm ${spec.id}: period ${spec.period} must be a multiple of 60 seconds`);
      const name = `${props.prefix}-${spec.id}`;
      const common = {
        alarmName: name,
        alarmDescription: spec.description,
        comparisonOperator: spec.comparison,
        threshold: spec.threshold,
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.evaluationPeriods,
        treatMissingData: spec.treatMissingData ?? "notBreaching",
        alarmActions: [props.topicArn],
        okActions: [props.topicArn],
      };
      new CloudwatchMetricAlarm(
        this,
        spec.id,
        spec.metric !== undefined
          ? {
              ...common,
              namespace: spec.metric.namespace,
              metricName: spec.metric.name,
              statistic: spec.metric.statistic,
              period: spec.period,
              dimensions: { ...spec.metric.dimensions },
            }
          : {
              ...common,
              metricQuery: [{ id: "q", expression: spec.query, period: spec.period, returnData: true, label: spec.id }],
            },
      );
      names[spec.id] = name;
    }
    this.alarmNames = names;
  }
}
