import type { ServiceAwsCalls } from "../../core/aws-calls";

/**
 * What Grafana's role is used for: the Secrets Store CSI driver's AWS provider fetches Grafana's
 * admin credential with the pod's identity (GetSecretValue; DescribeSecret for the version).
 *
 * Secrets Manager also decrypts the secret with the data key on the role's behalf (kms:Decrypt,
 * allowed only with kms:ViaService and kms:EncryptionContext:SecretARN). That call is not listed:
 * iam-simulate 0.1.173 drops every `kms:EncryptionContext:<key>` context key (its variable-key match,
 * listHasVariableKeyMatch in dist/esm/simulation_engine/simulationEngine.js, only knows keys with a
 * `/`), so it would refuse a policy AWS allows. Its statement is tested on its own
 * (test/modules/cluster-services/iam-policies.test.ts, secret reader statements).
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
  ],
};
