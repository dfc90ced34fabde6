import type { AlarmSpec } from "./metric-alarms";

/*
 * What pages a human, per component: CloudWatch alarm specs for MetricAlarms. Thresholds are the
 * ones AWS's recommended alarms use (CloudWatch "Recommended alarms") where it gives one.
 */

const FIVE_MINUTES = 300;

/** Aurora PostgreSQL: CPU, freeable memory, capacity at its ceiling (Serverless v2), replica lag. */
export function auroraAlarms(params: {
  readonly clusterIdentifier: string;
  readonly serverless: boolean;
  /** Instances Terraform manages; replica lag matters only with readers. */
  readonly instances: number;
}): AlarmSpec[] {
  const dimensions = { DBClusterIdentifier: params.clusterIdentifier };
  const rds = (name: string, statistic: "Average" | "Maximum" | "Minimum") => ({ namespace: "AWS/RDS", name, statistic, dimensions });
  const alarms: AlarmSpec[] = [
    {
      id: "aurora-cpu",
      description: `Aurora ${params.clusterIdentifier}: CPU above 80% on an instance for 15 minutes. Look at Performance Insights (top SQL); scale the instance class or ACUs.`,
      // Maximum over the cluster's instances: an average of a busy writer and idle readers stays quiet.
      metric: rds("CPUUtilization", "Maximum"),
      comparison: "GreaterThanThreshold",
      threshold: 80,
      period: FIVE_MINUTES,
      evaluationPeriods: 3,
    },
    {
      id: "aurora-freeable-memory",
      description: `Aurora ${params.clusterIdentifier}: freeable memory below 256 MiB for 15 minutes. Connections or work_mem exhaust the instance; scale it.`,
      metric: rds("FreeableMemory", "Minimum"),
      comparison: "LessThanThreshold",
      threshold: 256 * 1024 * 1024,
      period: FIVE_MINUTES,
      evaluationPeriods: 3,
    },
  ];
  if (params.serverless) {
    alarms.push({
      id: "aurora-acu-at-max",
      description: `Aurora ${params.clusterIdentifier}: capacity at 95% or more of maxAcu for 15 minutes. Raise platform.database.capacity.maxAcu.`,
      metric: rds("ACUUtilization", "Maximum"),
      comparison: "GreaterThanOrEqualToThreshold",
      threshold: 95,
      period: FIVE_MINUTES,
      evaluationPeriods: 3,
    });
  }
  if (params.instances > 1) {
    alarms.push({
      id: "aurora-replica-lag",
      description: `Aurora ${params.clusterIdentifier}: a reader lags the writer by more than 2 s for 15 minutes. Reads from the reader endpoint are stale.`,
      metric: rds("AuroraReplicaLagMaximum", "Maximum"),
      comparison: "GreaterThanThreshold",
      threshold: 2000,
      period: FIVE_MINUTES,
      evaluationPeriods: 3,
    });
  }
  return alarms;
}

/** ElastiCache (Valkey/Redis OSS, cluster mode off): per node, engine CPU, memory and evictions. */
export function cacheAlarms(params: {
  readonly replicationGroupId: string;
  /** Nodes of the replication group: `<id>-001` .. `<id>-00N`. */
  readonly nodes: number;
}): AlarmSpec[] {
  return Array.from({ length: params.nodes }, (_, index) => {
    const node = `${params.replicationGroupId}-${String(index + 1).padStart(3, "0")}`;
    const metric = (name: string, statistic: "Average" | "Maximum" | "Sum") => ({
      namespace: "AWS/ElastiCache",
      name,
      statistic,
      dimensions: { CacheClusterId: node },
    });
    const alarms: AlarmSpec[] = [
      {
        id: `cache-${index + 1}-engine-cpu`,
        description: `ElastiCache node ${node}: engine CPU above 90% for 15 minutes. The single-threaded engine is saturated; scale the node type.`,
        metric: metric("EngineCPUUtilization", "Average"),
        comparison: "GreaterThanThreshold",
        threshold: 90,
        period: FIVE_MINUTES,
        evaluationPeriods: 3,
      },
      {
        id: `cache-${index + 1}-memory`,
        description: `ElastiCache node ${node}: memory above 90% of maxmemory for 15 minutes. Evictions follow; scale the node type or shorten TTLs.`,
        metric: metric("DatabaseMemoryUsagePercentage", "Maximum"),
        comparison: "GreaterThanThreshold",
        threshold: 90,
        period: FIVE_MINUTES,
        evaluationPeriods: 3,
      },
      {
        id: `cache-${index + 1}-evictions`,
        description: `ElastiCache node ${node}: keys evicted in each of the last 15 minutes. The cache is too small for its working set.`,
        metric: metric("Evictions", "Sum"),
        comparison: "GreaterThanThreshold",
        threshold: 0,
        period: FIVE_MINUTES,
        evaluationPeriods: 3,
      },
    ];
    return alarms;
  }).flat();
}

/** NAT gateways: port allocation errors (connections refused) and dropped packets. */
export function natGatewayAlarms(natGatewayIds: readonly string[]): AlarmSpec[] {
  return natGatewayIds.flatMap((natGatewayId, index) => {
    const metric = (name: string) => ({
      namespace: "AWS/NATGateway",
      name,
      statistic: "Sum" as const,
      dimensions: { NatGatewayId: natGatewayId },
    });
    return [
      {
        id: `nat-${index}-port-allocation-errors`,
        description: `NAT gateway ${index}: it could not allocate a source port (too many connections to one destination). Outbound connections fail.`,
        metric: metric("ErrorPortAllocation"),
        comparison: "GreaterThanThreshold",
        threshold: 0,
        period: FIVE_MINUTES,
        evaluationPeriods: 1,
      },
      {
        id: `nat-${index}-packets-dropped`,
        description: `NAT gateway ${index}: more than 100 packets dropped in each of 3 periods of 5 minutes. Check the NAT gateway's health in the console.`,
        metric: metric("PacketsDropCount"),
        comparison: "GreaterThanThreshold",
        threshold: 100,
        period: FIVE_MINUTES,
        evaluationPeriods: 3,
      },
    ] satisfies AlarmSpec[];
  });
}

/**
 * Node capacity: pods the scheduler cannot place (no node group has room, or every group is at its
 * maximum size). EKS publishes the scheduler's metrics to CloudWatch (AWS/EKS, Kubernetes 1.28+).
 */
export function nodeCapacityAlarms(params: { readonly clusterName: string }): AlarmSpec[] {
  return [
    {
      id: "unschedulable-pods",
      description: `EKS ${params.clusterName}: pods unschedulable for 15 minutes. Karpenter launches no node for them: a node pool is at its limits, no instance type of its requirements fits, or capacity is short; look at the pods' events and Karpenter's log (docs/operations.md, Karpenter).`,
      metric: {
        namespace: "AWS/EKS",
        name: "scheduler_pending_pods_UNSCHEDULABLE",
        statistic: "Maximum",
        dimensions: { ClusterName: params.clusterName },
      },
      comparison: "GreaterThanThreshold",
      threshold: 0,
      period: FIVE_MINUTES,
      evaluationPeriods: 3,
    },
  ];
}

/**
 * Karpenter's interruption queue: EventBridge sends Spot interruption warnings, rebalance
 * recommendations, instance state changes and AWS Health events to it, and Karpenter drains the
 * node before the instance goes. A message older than 2 minutes means Karpenter is not reading
 * (down, or its role lost sqs:ReceiveMessage): a Spot node then goes without a drain.
 */
export function interruptionQueueAlarms(params: { readonly queueName: string }): AlarmSpec[] {
  return [
    {
      id: "karpenter-interruption-queue-age",
      description: `Karpenter interruption queue ${params.queueName}: a message waits more than 2 minutes. Karpenter is not reading it: check its pods and log in kube-system (docs/operations.md, Karpenter).`,
      metric: {
        namespace: "AWS/SQS",
        name: "ApproximateAgeOfOldestMessage",
        statistic: "Maximum",
        dimensions: { QueueName: params.queueName },
      },
      comparison: "GreaterThanThreshold",
      threshold: 120,
      period: 60,
      evaluationPeriods: 3,
    },
  ];
}

/**
 * The ALB of a Gateway, which the AWS Load Balancer Controller creates at run time. `loadBalancer`
 * is its CloudWatch dimension `LoadBalancer` (the ARN's suffix `app/<name>/<id>`, a Terraform
 * expression: see GatewayLoadBalancer). Plain dimensions, and a Metrics Insights query filtered on
 * a dimension only: nothing depends on CloudWatch's account setting "resource tags for
 * telemetry", which a tag filter in a query needs and which no API of the pinned provider sets.
 */
export function loadBalancerAlarms(params: { readonly gateway: string; readonly loadBalancer: string }): AlarmSpec[] {
  const alb = (name: string) => ({
    namespace: "AWS/ApplicationELB",
    name,
    statistic: "Sum" as const,
    dimensions: { LoadBalancer: params.loadBalancer },
  });
  return [
    {
      id: "alb-target-5xx",
      description: `ALB of the Gateway ${params.gateway}: more than 50 responses 5xx from the targets in each of 3 periods of 5 minutes. Look at the frontend's and backend's logs.`,
      metric: alb("HTTPCode_Target_5XX_Count"),
      comparison: "GreaterThanThreshold",
      threshold: 50,
      period: FIVE_MINUTES,
      evaluationPeriods: 3,
    },
    {
      id: "alb-elb-5xx",
      description: `ALB of the Gateway ${params.gateway}: more than 50 responses 5xx from the load balancer itself (no healthy target, timeouts) in each of 3 periods of 5 minutes.`,
      metric: alb("HTTPCode_ELB_5XX_Count"),
      comparison: "GreaterThanThreshold",
      threshold: 50,
      period: FIVE_MINUTES,
      evaluationPeriods: 3,
    },
    {
      id: "alb-unhealthy-targets",
      description: `ALB of the Gateway ${params.gateway}: unhealthy targets for 15 minutes. Pods fail the readiness path; kubectl -n frontend get pods.`,
      // Per target group, the controller's (names unknown at synth): the highest count of any.
      query: `SELECT MAX(UnHealthyHostCount) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer, TargetGroup) WHERE LoadBalancer = '${params.loadBalancer}'`,
      comparison: "GreaterThanThreshold",
      threshold: 0,
      period: FIVE_MINUTES,
      evaluationPeriods: 3,
    },
  ];
}
