import { LayerContract } from "../contract";

/** What the platform layer publishes; the workloads layer reads it through this. */
export const platformContract = new LayerContract("platform", {
  clusterName: { kind: "string", description: "Name of the EKS cluster" },
  clusterEndpoint: { kind: "string", description: "HTTPS endpoint of the Kubernetes API server" },
  clusterCertificateAuthorityData: { kind: "string", description: "Base64 CA bundle of the API server" },
  clusterOidcIssuerUrl: { kind: "string", description: "OIDC issuer of the cluster (IAM roles for service accounts)" },
  oidcProviderArn: {
    kind: "optional-string",
    description: "IAM OIDC provider of the cluster; absent when platform.identity.mode is podIdentity (no IRSA left)",
  },
  nodeSecurityGroupId: { kind: "string", description: "Security group of the nodes (the only source the data stores admit)" },
  clusterSecurityGroupId: { kind: "string", description: "Additional security group of the control plane" },
  karpenterRoleArn: { kind: "string", description: "IAM role of Karpenter's controller (EKS Pod Identity association)" },
  karpenterNodeRoleName: {
    kind: "string",
    description: "IAM role of the nodes Karpenter launches (its EC2NodeClass `role`; an EC2_LINUX access entry admits them)",
  },
  karpenterInterruptionQueueName: {
    kind: "string",
    description: "SQS queue of Spot interruption, rebalance, instance state and AWS Health events (Karpenter's settings.interruptionQueue)",
  },
  externalDnsRoleArn: { kind: "string", description: "IAM role of the external-dns service account (the hosted zone only)" },
  fluentBitRoleArn: { kind: "string", description: "IAM role of the fluent-bit service account (the container log group only)" },
  loadBalancerControllerRoleArn: {
    kind: "optional-string",
    description: "IAM role of the AWS Load Balancer Controller service account; absent when platform.loadBalancerController is off",
  },
  backendRoleArn: {
    kind: "string",
    description:
      "IAM role of the backend service account: connects to Aurora as databaseAppUser and to the cache, both with IAM authentication",
  },
  databaseRolesRoleArn: {
    kind: "string",
    description: "IAM role of the Job that creates the application's database role: the only identity that reads the master secret",
  },
  alertmanagerRoleArn: {
    kind: "string",
    description: "IAM role of Alertmanager's service account: publishes to the alert topic (SNS receiver, SigV4)",
  },
  databaseAppUser: { kind: "string", description: "PostgreSQL role the backend logs in as with IAM authentication (no password exists)" },
  containerLogGroupName: { kind: "string", description: "CloudWatch log group fluent-bit ships container logs to" },
  databaseEndpoint: { kind: "string", description: "Aurora writer endpoint" },
  databaseReaderEndpoint: { kind: "string", description: "Aurora reader endpoint" },
  databasePort: { kind: "number", description: "Aurora port" },
  databaseName: { kind: "string", description: "Application database name" },
  databaseSecretArn: {
    kind: "string",
    description:
      "Secrets Manager secret of the master user, created and rotated by RDS: read by the database-roles Job and for break-glass only",
  },
  cacheEndpoint: { kind: "string", description: "ElastiCache primary endpoint (TLS)" },
  cacheReaderEndpoint: { kind: "string", description: "ElastiCache reader endpoint (TLS)" },
  cachePort: { kind: "number", description: "ElastiCache port" },
  cacheUserName: { kind: "string", description: "ElastiCache user the backend authenticates as with IAM (no password exists)" },
});
