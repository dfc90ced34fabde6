import type { ServiceFlow } from "../flow";
import { LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT } from "./identity";

const CONTROLLER_PODS = {
  namespace: LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT.namespace,
  labels: { "app.kubernetes.io/name": "aws-load-balancer-controller" },
};

/** The flows the AWS Load Balancer Controller and the ALBs it makes need. */
export const LOAD_BALANCER_CONTROLLER_FLOWS: readonly ServiceFlow[] = [
  // With ip targets the ALB's nodes (in the public subnets) connect to the pods and health-check them.
  { name: "alb-to-route-backends", from: { subnets: "public_subnet_cidrs" }, to: { routeBackends: true }, protocol: "TCP", port: "target" },
  // Its mutating (pod readiness gates) and validating webhooks, called by the API server.
  { name: "webhooks-from-control-plane", from: { controlPlane: true }, to: { pods: CONTROLLER_PODS }, protocol: "TCP", port: 9443 },
  { name: "elb-and-waf-apis", from: { pods: CONTROLLER_PODS }, to: { awsApis: true }, protocol: "TCP", port: 443 },
];
