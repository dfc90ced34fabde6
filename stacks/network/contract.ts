import { LayerContract } from "../contract";

/** What the network layer publishes; the platform and workloads layers read it through this. */
export const networkContract = new LayerContract("network", {
  vpcId: { kind: "string", description: "Id of the application VPC" },
  vpcCidr: { kind: "string", description: "IPv4 CIDR of the application VPC" },
  availabilityZones: { kind: "list", description: "Availability zones in use, in subnet order" },
  publicSubnetIds: { kind: "list", description: "Public subnets (internet-facing load balancers, NAT), one per AZ" },
  privateAppSubnetIds: { kind: "list", description: "Private-app subnets (EKS nodes and control-plane ENIs), one per AZ" },
  privateDataSubnetIds: { kind: "list", description: "Private-data subnets (Aurora, ElastiCache), one per AZ, no internet route" },
  publicSubnetCidrs: { kind: "list", description: "CIDRs of the public subnets (network policies admitting an ALB's ENIs)" },
  privateAppSubnetCidrs: { kind: "list", description: "CIDRs of the private-app subnets (network policies to the data tier)" },
  privateDataSubnetCidrs: { kind: "list", description: "CIDRs of the private-data subnets" },
  publicRouteTableIds: { kind: "list", description: "Route tables of the public tier" },
  privateAppRouteTableIds: { kind: "list", description: "Route tables of the private-app tier, one per AZ" },
  privateDataRouteTableIds: { kind: "list", description: "Route tables of the private-data tier" },
  natGatewayPublicIps: { kind: "list", description: "Egress IPs of the NAT gateways (for allow-lists elsewhere)" },
  vpcEndpointCidrs: {
    kind: "list",
    description:
      "The /28 of each private-app subnet reserved for the interface endpoints (their only addresses): what pods' network policies admit on 443",
  },
  vpcEndpointSecurityGroupId: { kind: "string", description: "Security group of the interface VPC endpoints" },
  ecrRepositoryUrls: { kind: "map", description: "ECR repository URL by application name" },
  ecrRepositoryArns: { kind: "map", description: "ECR repository ARN by application name" },
  ciPlanRoleArn: { kind: "string", description: "Role GitHub Actions assumes to plan (read-only)" },
  ciDeployRoleArn: { kind: "string", description: "Role GitHub Actions assumes to apply and push images" },
  ecrPushGroupName: { kind: "string", description: "IAM group allowed to push to the application repositories" },
  ciRunnerProjectName: {
    kind: "string",
    description: "CodeBuild project hosting this environment's GitHub Actions runner (runs-on: codebuild-<project>-<run id>-<attempt>)",
  },
  ciRunnerSecurityGroupId: {
    kind: "string",
    description: "Security group of the CI runner in the private-app subnets (admitted by the cluster API)",
  },
  ciPlanRunnerSecurityGroupId: {
    kind: "string",
    description: "Security group of the unprivileged plan runner (pull requests' workloads plans), admitted by the cluster API",
  },
  alertsTopicArn: { kind: "string", description: "SNS topic <env>-alerts that every alarm and Alertmanager publish to" },
  alertsKmsKeyArn: { kind: "string", description: "KMS key of the alert topic (publishers need kms:GenerateDataKey through SNS)" },
  logsKmsKeyArn: { kind: "string", description: "KMS key for CloudWatch log groups of this environment" },
  managementCidr: {
    kind: "optional-string",
    description: "CIDR of the management VPC peered with the application VPC; absent when the environment has none",
  },
  operatorSecurityGroupId: {
    kind: "optional-string",
    description:
      "Security group of the operator host in the management VPC (admitted by the data stores); absent when the environment has none",
  },
});
