import type { ServiceAwsCalls } from "../../core/aws-calls";

/**
 * What Grafana's role is used for: the Secrets Store CSI driver's AWS provider fetches Grafana's
 * admin credential with the pod's identity (GetSecretValue; DescribeSecret for the version), and
 * Secrets Manager decrypts it with the environment's data key on the role's behalf.
 */
export const GRAFANA_AWS_CALLS: ServiceAwsCalls = {
  service: "grafana",
  roleName: "grafana",
  calls: [
    {
      action: "secretsmanager:GetSecretValue",
      resource: "${GrafanaAdminSecretArn}",
      why: "the CSI driver reads the admin credential to mount and sync it",
    },
    {
      action: "secretsmanager:DescribeSecret",
      resource: "${GrafanaAdminSecretArn}",
      why: "the CSI driver reads the secret's current version (rotation)",
    },
    {
      action: "kms:Decrypt",
      resource: "${DataKeyArn}",
      context: {
        "kms:ViaService": "secretsmanager.${Region}.amazonaws.com",
        "kms:EncryptionContext:SecretARN": "${GrafanaAdminSecretArn}",
      },
      why: "Secrets Manager decrypts the secret with the data key for the role",
    },
  ],
};
