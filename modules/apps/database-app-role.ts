import { createHash } from "node:crypto";
import { JobV1 } from "@cdktf/provider-kubernetes/lib/job-v1";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { Token, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { DatabaseCaVolume } from "./database-ca-bundle";

/** psql's client image: the PostgreSQL project's Alpine build, user `postgres` (uid 70). */
const DEFAULT_PSQL_IMAGE = "public.ecr.aws/docker/library/postgres:17.6-alpine3.22";
const POSTGRES_UID = "70";
const IRSA_ANNOTATION = "eks.amazonaws.com/role-arn";
const SECRETS_STORE_DRIVER = "secrets-store.csi.k8s.io";
/** Where the master user's name and password appear as files (the SecretProviderClass's aliases). */
const MASTER_MOUNT = "/var/run/secrets/master";
/** libpq verifies the server's certificate against PGSSLROOTCERT and that it names PGHOST. */
const SSL_MODE = "verify-full";
const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * The SQL the Job runs, with psql variables `app_user` and `database`: idempotent, so a re-run
 * (a new Job after a change) converges. The role logs in with IAM only (`rds_iam`, no password),
 * may connect to the one database and create its objects in `public`; nothing else. On a database
 * that already has tables (created by the master user before the cut-over to this role), it also
 * gets the data rights on them and on their sequences, and the master user's future tables and
 * sequences in `public` grant the same by default.
 */
const APP_ROLE_SQL = [
  "\\set ON_ERROR_STOP on",
  "SELECT format('CREATE ROLE %I LOGIN', :'app_user') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_user') \\gexec",
  'ALTER ROLE :"app_user" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD NULL;',
  'GRANT rds_iam TO :"app_user";',
  'GRANT CONNECT, TEMPORARY ON DATABASE :"database" TO :"app_user";',
  'GRANT USAGE, CREATE ON SCHEMA public TO :"app_user";',
  'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_user";',
  'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO :"app_user";',
  'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_user";',
  'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO :"app_user";',
  "",
].join("\n");

export interface DatabaseAppRoleProps {
  /** Namespace of the Job (created elsewhere, with its network policies: egress to the database only). */
  readonly namespace: string;
  /** Service account the Job runs as; its IAM role alone may read the master secret. */
  readonly serviceAccountName: string;
  /**
   * IAM role of that service account, as the IRSA annotation.
   * @default none: the role comes through its EKS Pod Identity association (platform layer)
   */
  readonly serviceAccountRoleArn?: string;
  /** SecretProviderClass in the namespace that mounts the master secret's `username` and `password` keys as files of those names. */
  readonly masterSecretProviderClass: string;
  /** Aurora writer endpoint: the cluster endpoint, the name on the server's certificate (verify-full checks it). */
  readonly host: string;
  /** Aurora port (a number token from remote state is fine). */
  readonly port: string;
  /** Database the application uses. */
  readonly database: string;
  /** The RDS root CAs (a DatabaseCaBundle in the namespace): psql verifies the server's certificate and name with them. */
  readonly certificateAuthority: DatabaseCaVolume;
  /** The PostgreSQL role to create for the application (IAM authentication only). */
  readonly appUser: string;
  /**
   * psql's image.
   * @default DEFAULT_PSQL_IMAGE
   */
  readonly image?: string;
  /**
   * What must exist first: the namespace, the SecretProviderClass, the CSI driver.
   * @default none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * A Kubernetes Job that creates (or brings back in line) the application's PostgreSQL role with
 * IAM authentication, logged in as the master user, whose RDS-managed secret it mounts through the
 * Secrets Store CSI driver. Its name carries a hash of what it does (SQL, user, database, image), so
 * a change makes Terraform replace it: it runs once per change, and `terraform apply` waits for it
 * to complete (a failure fails the apply). The master secret stays for this Job and break-glass.
 */
export class DatabaseAppRole extends Construct {
  readonly job: JobV1;
  readonly jobName: string;

  constructor(scope: Construct, id: string, props: DatabaseAppRoleProps) {
    super(scope, id);
    if (!ROLE_NAME.test(props.appUser))
      throw new Error(`Database role job: app user "${props.appUser}" must be a lowercase PostgreSQL role name`);
    if (!Token.isUnresolved(props.database) && !/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(props.database)) {
      throw new Error(`Database role job: database "${props.database}" is not a plain PostgreSQL name`);
    }
    if (!DNS_LABEL.test(props.serviceAccountName))
      throw new Error(`Database role job: service account "${props.serviceAccountName}" is not a DNS label`);
    const image = props.image ?? DEFAULT_PSQL_IMAGE;
    const labels = { "app.kubernetes.io/name": "database-roles", "app.kubernetes.io/part-of": "platform" };
    const dependsOn = props.dependsOn === undefined ? {} : { dependsOn: [...props.dependsOn] };
    const fingerprint = createHash("sha256")
      .update(JSON.stringify([APP_ROLE_SQL, props.appUser, props.database, image, SSL_MODE, props.certificateAuthority.certificatePath]))
      .digest("hex")
      .slice(0, 10);
    this.jobName = `app-role-${props.appUser.replace(/_/g, "-")}-${fingerprint}`;

    const serviceAccount = new ServiceAccountV1(this, "service-account", {
      metadata: {
        name: props.serviceAccountName,
        namespace: props.namespace,
        labels,
        ...(props.serviceAccountRoleArn === undefined ? {} : { annotations: { [IRSA_ANNOTATION]: props.serviceAccountRoleArn } }),
      },
      automountServiceAccountToken: false,
      ...dependsOn,
    });

    const script = [
      `export PGPASSWORD="$(cat ${MASTER_MOUNT}/password)"`,
      `export PGUSER="$(cat ${MASTER_MOUNT}/username)"`,
      // psql expands :'var' and runs \gexec only in a script (-f), never in -c.
      'printf \'%s\\n\' "$APP_ROLE_SQL" | psql --no-psqlrc --quiet -v app_user="$APP_USER" -v database="$PGDATABASE" -f -',
    ].join("\n");

    this.job = new JobV1(this, "job", {
      metadata: { name: this.jobName, namespace: props.namespace, labels },
      spec: {
        backoffLimit: 3,
        activeDeadlineSeconds: 600,
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: serviceAccount.metadata.name,
            // The AWS secrets provider requests the service account's token itself (TokenRequest) to
            // assume the role; psql calls no AWS or Kubernetes API, so the pod gets no token.
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            restartPolicy: "Never",
            securityContext: {
              runAsNonRoot: true,
              runAsUser: POSTGRES_UID,
              runAsGroup: POSTGRES_UID,
              seccompProfile: { type: "RuntimeDefault" },
            },
            container: [
              {
                name: "psql",
                image,
                imagePullPolicy: "IfNotPresent",
                command: ["/bin/sh", "-c", script],
                env: [
                  { name: "PGHOST", value: props.host },
                  { name: "PGPORT", value: props.port },
                  { name: "PGDATABASE", value: props.database },
                  // rds.force_ssl refuses plain text; verify-full also refuses a server whose certificate
                  // does not chain to the RDS root CAs or does not name PGHOST.
                  { name: "PGSSLMODE", value: SSL_MODE },
                  { name: "PGSSLROOTCERT", value: props.certificateAuthority.certificatePath },
                  { name: "PGCONNECT_TIMEOUT", value: "10" },
                  { name: "APP_USER", value: props.appUser },
                  { name: "APP_ROLE_SQL", value: APP_ROLE_SQL },
                ],
                resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "250m", memory: "128Mi" } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  privileged: false,
                  capabilities: { drop: ["ALL"] },
                },
                volumeMount: [
                  { name: "master", mountPath: MASTER_MOUNT, readOnly: true },
                  { name: "rds-ca", mountPath: props.certificateAuthority.mountPath, readOnly: true },
                  { name: "tmp", mountPath: "/tmp" },
                ],
              },
            ],
            volume: [
              {
                name: "master",
                csi: {
                  driver: SECRETS_STORE_DRIVER,
                  readOnly: true,
                  volumeAttributes: { secretProviderClass: props.masterSecretProviderClass },
                },
              },
              { name: "rds-ca", configMap: { name: props.certificateAuthority.configMapName, defaultMode: "0444" } },
              { name: "tmp", emptyDir: { sizeLimit: "16Mi" } },
            ],
          },
        },
      },
      waitForCompletion: true,
      timeouts: { create: "10m", update: "10m" },
      dependsOn: [serviceAccount, ...(props.dependsOn ?? [])],
    });
  }
}
