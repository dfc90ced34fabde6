import { eachResource, type TerraformJson } from "../support/synthesized";
import type { ClusterObject } from "./cluster-objects";
import { podTemplateOf } from "./pod-security";
import { EBS_CSI_CONTROLLER_SERVICE_ACCOUNT } from "../../modules/eks/ebs-csi-identity";

/** Service accounts an EKS managed add-on creates (not the workloads layer): their associations are the add-on's. */
const ADDON_SERVICE_ACCOUNTS = new Set([`${EBS_CSI_CONTROLLER_SERVICE_ACCOUNT.namespace}/${EBS_CSI_CONTROLLER_SERVICE_ACCOUNT.name}`]);

/*
 * "Every service account that needs AWS carries exactly the identity the platform layer made for
 * it, and no other": the one function to change when identities move from IRSA role annotations to
 * EKS Pod Identity associations (it already reads both).
 */

const ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";
/** The typed placeholder of a platform output (scripts/chart-render.ts). */
const OUTPUT_PLACEHOLDER = /^arn:aws:iam::000000000000:role\/terraform-output\/([a-z_]+)$/;

/** How the platform layer gave a service account its AWS identity. */
export type PlatformIdentity =
  /** An IRSA role trusting the account; the workloads layer reads its ARN from this platform output. */
  | { readonly kind: "irsa"; readonly role: string; readonly output: string | undefined }
  /** An EKS Pod Identity association: the service account carries no annotation. */
  | { readonly kind: "pod-identity"; readonly role: string };

/** Every service account the platform layer made an identity for, `namespace/name` -> identity; roles of EKS add-ons excluded. */
function platformIdentities(platform: TerraformJson): Map<string, PlatformIdentity> {
  const identities = new Map<string, PlatformIdentity>();
  const documents = platform.data?.["aws_iam_policy_document"] ?? {};
  const outputs = Object.entries(platform.output ?? {});
  const outputOf = (role: string) => outputs.find(([, output]) => output.value === `\${aws_iam_role.${role}.arn}`)?.[0];
  const addonRoles = new Set(
    eachResource(platform)
      .filter(([, type]) => type === "aws_eks_addon")
      .map(([, , body]) => /^\$\{aws_iam_role\.([^.]+)\.arn\}$/.exec(String(body["service_account_role_arn"] ?? ""))?.[1])
      .filter((role): role is string => role !== undefined),
  );
  for (const [address, type, body] of eachResource(platform)) {
    const role = address.slice(address.indexOf(".") + 1);
    if (type === "aws_iam_role" && !addonRoles.has(role)) {
      const document = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(String(body["assume_role_policy"]))?.[1];
      const statements = (documents[document ?? ""]?.["statement"] ?? []) as { condition?: { variable: string; values: string[] }[] }[];
      for (const statement of statements) {
        for (const condition of statement.condition ?? []) {
          if (!condition.variable.endsWith(":sub")) continue;
          for (const value of condition.values) {
            const match = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(value);
            // An association wins over a web-identity trust of the same account (the migration's cut-over holds both).
            const key = `${match?.[1]}/${match?.[2]}`;
            if (match !== null && identities.get(key)?.kind !== "pod-identity")
              identities.set(key, { kind: "irsa", role, output: outputOf(role) });
          }
        }
      }
    }
    if (type === "aws_eks_pod_identity_association") {
      const roleOf = /^\$\{aws_iam_role\.([^.]+)\.arn\}$/.exec(String(body["role_arn"] ?? ""))?.[1] ?? String(body["role_arn"]);
      const key = `${String(body["namespace"])}/${String(body["service_account"])}`;
      identities.set(key, { kind: "pod-identity", role: roleOf });
    }
  }
  for (const key of ADDON_SERVICE_ACCOUNTS) identities.delete(key);
  return identities;
}

/** Problems of the service accounts' identities, and how many identities were checked. */
export function identityProblems(platform: TerraformJson, objects: readonly ClusterObject[]): { problems: string[]; checked: number } {
  const identities = platformIdentities(platform);
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const { object, source, namespace } of objects.filter(({ object }) => object.kind === "ServiceAccount")) {
    const key = `${namespace}/${object.metadata?.name}`;
    seen.add(key);
    const annotation = object.metadata?.annotations?.[ROLE_ANNOTATION];
    const annotatedOutput =
      annotation === undefined ? undefined : (OUTPUT_PLACEHOLDER.exec(annotation)?.[1] ?? `(not a platform output: ${annotation})`);
    const expected = identities.get(key);
    if (expected === undefined) {
      if (annotatedOutput !== undefined)
        problems.push(
          `${source}: ServiceAccount ${key} is annotated with ${annotatedOutput}, a role the platform layer did not make for it`,
        );
      continue;
    }
    if (expected.kind === "pod-identity") {
      if (annotation !== undefined)
        problems.push(
          `${source}: ServiceAccount ${key} has a Pod Identity association (role ${expected.role}) and must carry no role annotation`,
        );
      continue;
    }
    if (annotatedOutput === undefined) {
      problems.push(
        `${source}: ServiceAccount ${key} needs AWS (platform role ${expected.role}) but carries no ${ROLE_ANNOTATION} annotation`,
      );
    } else if (annotatedOutput !== expected.output) {
      problems.push(
        `${source}: ServiceAccount ${key} is annotated with ${annotatedOutput}; the platform made role ${expected.role} for it, published as ${expected.output ?? "(no output)"}`,
      );
    }
  }
  for (const [key, identity] of identities) {
    if (!seen.has(key))
      problems.push(
        `the platform made ${identity.kind} role ${identity.role} for ServiceAccount ${key}, which nothing in the stack creates`,
      );
  }
  return { problems, checked: identities.size };
}

/** The Secrets Store CSI driver's name, as a pod's CSI volume names it. */
const SECRETS_STORE_DRIVER = "secrets-store.csi.k8s.io";

type Obj = { readonly [key: string]: unknown };
const obj = (value: unknown): Obj => (typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Obj) : {});
const list = (value: unknown): Obj[] => (Array.isArray(value) ? value.map(obj) : []);

/**
 * "A pod that mounts secrets from AWS fetches them with its own identity": every pod template that
 * mounts a SecretProviderClass (a CSI volume of the Secrets Store driver) runs as a service account
 * the platform layer made an identity for, and the class exists in the pod's namespace. The driver's
 * AWS provider fetches with the pod's credentials: a service account without a role mounts nothing
 * and the pod never starts. Returns the problems and how many mounts were checked.
 */
export function secretMountProblems(platform: TerraformJson, objects: readonly ClusterObject[]): { problems: string[]; checked: number } {
  const identities = platformIdentities(platform);
  const classes = new Set(
    objects
      .filter(({ object }) => object.kind === "SecretProviderClass")
      .map(({ object, namespace }) => `${namespace}/${object.metadata?.name}`),
  );
  const problems: string[] = [];
  let checked = 0;
  for (const { object, source, namespace } of objects) {
    const template = podTemplateOf(object);
    if (template === undefined) continue;
    for (const volume of list(template.spec["volumes"])) {
      const csi = obj(volume["csi"]);
      if (csi["driver"] !== SECRETS_STORE_DRIVER) continue;
      checked++;
      const className = String(obj(csi["volumeAttributes"])["secretProviderClass"]);
      const account = String(template.spec["serviceAccountName"] ?? "default");
      const where = `${source}: ${object.kind} ${namespace}/${object.metadata?.name} mounts SecretProviderClass ${className}`;
      if (!classes.has(`${namespace}/${className}`)) problems.push(`${where}, which no object of the stack creates in ${namespace}`);
      if (!identities.has(`${namespace}/${account}`)) {
        problems.push(
          `${where} as ServiceAccount ${namespace}/${account}, for which the platform layer made no identity (no role reads its secrets)`,
        );
      }
    }
  }
  return { problems, checked };
}

/**
 * "Credentials come from Secrets Manager, not from chart defaults": no Secret the charts or our
 * resources render carries a password (a chart-generated admin password is one nobody manages).
 * Returns the problems and how many Secrets were read.
 */
export function renderedPasswordProblems(objects: readonly ClusterObject[]): { problems: string[]; checked: number } {
  const secrets = objects.filter(({ object }) => object.kind === "Secret");
  const problems = secrets.flatMap(({ object, source, namespace }) =>
    [...Object.keys(obj(object["data"])), ...Object.keys(obj(object["stringData"]))]
      .filter((key) => /password|passwd/i.test(key))
      .map((key) => `${source}: Secret ${namespace}/${object.metadata?.name} carries ${key}, a credential no platform secret manages`),
  );
  return { problems, checked: secrets.length };
}
