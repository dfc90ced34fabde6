import { statementsOfPolicy } from "../policy/rules";
import { policyJson, type IamPolicyJson } from "./iam-simulate";
import { resourcesOf, type TerraformJson } from "./synthesized";

/**
 * Reading the IAM documents of synthesized stacks as IAM would evaluate them: a role's identity
 * policies (inline and attached) and boundary, and the resource policies of buckets and keys.
 * AWS-managed policies are not in the synthesized JSON: a caller maps their ARNs to oracles.
 */

type Body = Record<string, unknown>;

/** The IAM JSON of a policy attribute (a reference to an `aws_iam_policy_document`, or literal JSON). */
function documentOf(doc: TerraformJson, value: unknown, what: string): IamPolicyJson {
  const statements = statementsOfPolicy(doc, value);
  if (statements === undefined)
    throw new Error(`${what}: the policy is neither a policy document reference nor literal JSON: ${String(value)}`);
  return policyJson({ statement: statements });
}

/** The resource key of the one resource of `type` whose `attribute` equals `value`. */
function keyWhere(doc: TerraformJson, type: string, attribute: string, value: string): [string, Body] {
  const found = Object.entries(resourcesOf(doc, type)).filter(([, body]) => body[attribute] === value);
  if (found.length !== 1) throw new Error(`expected one ${type} with ${attribute} = ${value}, found ${found.length}`);
  return found[0]!;
}

/** A role of a synthesized stack, with what IAM evaluates for it. */
export interface SynthesizedRole {
  readonly name: string;
  /** Inline policies, by policy name. */
  readonly inline: ReadonlyMap<string, IamPolicyJson>;
  /** ARNs of attached managed policies. */
  readonly attachedArns: readonly string[];
  /** The trust policy (the resource policy of sts:AssumeRole on the role). */
  readonly trust: IamPolicyJson;
  /** The boundary's ARN or reference, if any. */
  readonly boundary?: string;
}

/** The role named `name` in `doc`: its inline policies, attachments, trust and boundary. */
export function synthesizedRole(doc: TerraformJson, name: string): SynthesizedRole {
  const [key, role] = keyWhere(doc, "aws_iam_role", "name", name);
  const refersToRole = (value: unknown) => value === `\${aws_iam_role.${key}.id}` || value === `\${aws_iam_role.${key}.name}`;
  const inline = new Map<string, IamPolicyJson>();
  for (const policy of Object.values(resourcesOf(doc, "aws_iam_role_policy")).filter((body) => refersToRole(body["role"]))) {
    inline.set(String(policy["name"]), documentOf(doc, policy["policy"], `inline policy ${String(policy["name"])} of ${name}`));
  }
  const attachedArns = Object.values(resourcesOf(doc, "aws_iam_role_policy_attachment"))
    .filter((body) => refersToRole(body["role"]))
    .map((body) => String(body["policy_arn"]));
  const boundary = role["permissions_boundary"];
  return {
    name,
    inline,
    attachedArns,
    trust: documentOf(doc, role["assume_role_policy"], `trust of ${name}`),
    ...(typeof boundary === "string" ? { boundary } : {}),
  };
}

/** The policy of the bucket whose policy document names `bucketArn` (bucket policies use literal ARNs). */
export function bucketPolicy(doc: TerraformJson, bucketArn: string): IamPolicyJson {
  const found = Object.values(resourcesOf(doc, "aws_s3_bucket_policy"))
    .map((body) => documentOf(doc, body["policy"], "bucket policy"))
    .filter((policy) => JSON.stringify(policy).includes(`"${bucketArn}"`) || JSON.stringify(policy).includes(`"${bucketArn}/*"`));
  if (found.length !== 1) throw new Error(`expected one bucket policy naming ${bucketArn}, found ${found.length}`);
  return found[0]!;
}

/** The key policy of the key an alias (`alias/...`) points at. */
export function keyPolicyByAlias(doc: TerraformJson, alias: string): IamPolicyJson {
  const [, aliasBody] = keyWhere(doc, "aws_kms_alias", "name", alias);
  const keyReference = /^\$\{aws_kms_key\.([^.]+)\.(?:key_id|arn|id)\}$/.exec(String(aliasBody["target_key_id"]));
  if (keyReference === null) throw new Error(`alias ${alias} targets ${String(aliasBody["target_key_id"])}, not a key of this stack`);
  const key = resourcesOf(doc, "aws_kms_key")[keyReference[1]!];
  if (key === undefined) throw new Error(`alias ${alias}: no aws_kms_key.${keyReference[1]}`);
  return documentOf(doc, key["policy"], `key policy of ${alias}`);
}

/** The document of the customer-managed policy (`aws_iam_policy`) named `name`. */
export function managedPolicyByName(doc: TerraformJson, name: string): IamPolicyJson {
  const [, policy] = keyWhere(doc, "aws_iam_policy", "name", name);
  return documentOf(doc, policy["policy"], `policy ${name}`);
}

/** The document of a role's boundary when it is a policy of the same stack (`${aws_iam_policy.x.arn}`). */
export function boundaryOf(doc: TerraformJson, role: SynthesizedRole): IamPolicyJson | undefined {
  if (role.boundary === undefined) return undefined;
  const reference = /^\$\{aws_iam_policy\.([^.]+)\.arn\}$/.exec(role.boundary);
  if (reference === null) throw new Error(`${role.name}: boundary ${role.boundary} is not a policy of this stack`);
  const policy = resourcesOf(doc, "aws_iam_policy")[reference[1]!];
  if (policy === undefined) throw new Error(`${role.name}: no aws_iam_policy.${reference[1]}`);
  return documentOf(doc, policy["policy"], `boundary of ${role.name}`);
}

/** The document of a policy of this stack that an attachment names by reference (`${aws_iam_policy.x.arn}`); undefined for an ARN. */
export function policyOfReference(doc: TerraformJson, reference: string): IamPolicyJson | undefined {
  const key = /^\$\{aws_iam_policy\.([^.]+)\.arn\}$/.exec(reference)?.[1];
  if (key === undefined) return undefined;
  const policy = resourcesOf(doc, "aws_iam_policy")[key];
  if (policy === undefined) throw new Error(`no aws_iam_policy.${key}`);
  return documentOf(doc, policy["policy"], `policy ${String(policy["name"])}`);
}
