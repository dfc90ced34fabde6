import type { ServiceAwsCalls } from "../core/aws-calls";

/** What the backend app calls with its role: an IAM authentication token for its own database user. */
export const BACKEND_AWS_CALLS: ServiceAwsCalls = {
  service: "backend",
  roleName: "backend",
  calls: [
    {
      action: "rds-db:connect",
      resource: "arn:${Partition}:rds-db:${Region}:${Account}:dbuser:${DatabaseClusterResourceId}/backend",
      why: "log in to Aurora as the backend user (IAM authentication)",
    },
  ],
};
