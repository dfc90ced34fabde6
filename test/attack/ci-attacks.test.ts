import { describe, expect, it } from "vitest";
import type { IamPolicyJson } from "../support/iam-simulate";
import { ENVIRONMENTS } from "../support/fixtures";
import { managedPolicyByName, synthesizedRole } from "../support/policy-documents";
import { synthesizedStack } from "../support/synthesized";
import { attempts, ciIdentities, planOnlyAttempts, type AttackScene, type Attempt } from "./attempts";
import { decideAttempt, identityOf, sceneOf, type Identity } from "./identities";

/**
 * Issue 20, "done means": for every CI identity of every environment (plan role, deploy role, the
 * two runner roles), every attempt of the attack table (./attempts.ts) is evaluated by
 * @cloud-copilot/iam-simulate against the identity's policies as synthesized (inline documents,
 * AWS-managed policies by the oracles of ./identities.ts, boundary) and the target's resource policy as
 * synthesized (state bucket and keys from the bootstrap stack, audit bucket and key from the
 * account layer's stack, trust policies), and must not be allowed. A failure names the identity,
 * the action and the resource of each attempt IAM would allow.
 */

/** Everything allowed: what a role the deploy role creates could be given (AttachRolePolicy takes any policy ARN). */
const ADMINISTRATOR_ACCESS: IamPolicyJson = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

/** The attempts IAM would allow, one line each: identity, action, resource, why. */
async function allowed(scene: AttackScene, role: Identity, list: readonly Attempt[]): Promise<string[]> {
  const found: string[] = [];
  for (const attempt of list) {
    const outcome = await decideAttempt(scene, role, attempt);
    if (outcome === "Allowed")
      found.push(
        `${role.name} may ${attempt.action} on ${attempt.resource}${attempt.context?.["iam:PolicyARN"] === undefined ? "" : ` with ${String(attempt.context["iam:PolicyARN"])}`} (${attempt.why})`,
      );
  }
  return found;
}

describe.each(ENVIRONMENTS.map((env) => [env.name] as const))("an attacker holding a CI identity of %s", (name) => {
  const scene = sceneOf(name);
  const network = synthesizedStack(`network-${name}`).doc;

  it.each(Object.entries(ciIdentities(name)))(
    "GIVEN the %s identity (%s) WHEN it tries every attack of the table THEN IAM allows none",
    async (kind, roleName) => {
      const role = identityOf(scene, synthesizedRole(network, roleName));
      const list = [...attempts(scene), ...(kind === "plan" ? planOnlyAttempts(scene) : [])];
      expect(list.length).toBeGreaterThan(60);
      expect(await allowed(scene, role, list)).toEqual([]);
    },
  );

  it("GIVEN a role the deploy role creates (it must carry the boundary) with AdministratorAccess attached WHEN assumed and it tries every attack THEN IAM allows none", async () => {
    const made: Identity = {
      name: `${name}-made-by-deploy`,
      policies: [{ name: "AdministratorAccess", policy: ADMINISTRATOR_ACCESS }],
      boundary: managedPolicyByName(network, `${name}-permissions-boundary`),
    };
    expect(await allowed(scene, made, attempts(scene))).toEqual([]);
  });

  it("GIVEN the plan and deploy roles WHEN read from the synthesized stack THEN each carries the guardrails inline (not only through a boundary they lack)", () => {
    for (const roleName of [`${name}-github-plan`, `${name}-github-deploy`]) {
      expect([...synthesizedRole(network, roleName).inline.keys()]).toContain("ci-guardrails");
    }
  });
});

describe("the attack suite can fail", () => {
  it("GIVEN the deploy role without its guardrails WHEN it stops CloudTrail THEN IAM allows it (PowerUserAccess alone grants it)", async () => {
    const scene = sceneOf("dev");
    const role = synthesizedRole(synthesizedStack("network-dev").doc, "dev-github-deploy");
    const stripped = identityOf(scene, { ...role, inline: new Map([...role.inline].filter(([policy]) => policy !== "ci-guardrails")) });
    const stop = attempts(scene).filter((attempt) => attempt.action === "cloudtrail:StopLogging");
    expect(await allowed(scene, stripped, stop)).toEqual([
      "dev-github-deploy may cloudtrail:StopLogging on arn:aws:cloudtrail:eu-west-1:111111111111:trail/dev-audit (stop or blind CloudTrail)",
    ]);
  });

  it("GIVEN the deploy role without its guardrails WHEN it rewrites the state bucket's policy THEN the bucket policy alone still denies it", async () => {
    const scene = sceneOf("staging");
    const role = synthesizedRole(synthesizedStack("network-staging").doc, "staging-github-deploy");
    const stripped = identityOf(scene, { ...role, inline: new Map([...role.inline].filter(([policy]) => policy !== "ci-guardrails")) });
    const rewrite = attempts(scene).filter(
      (attempt) => attempt.action === "s3:PutBucketPolicy" && attempt.resourcePolicy?.kind === "state-bucket",
    );
    expect(rewrite).toHaveLength(1);
    expect(await allowed(scene, stripped, rewrite)).toEqual([]);
    const withoutBucketPolicy = rewrite.map(({ resourcePolicy: _ignored, ...attempt }) => attempt);
    expect(await allowed(scene, stripped, withoutBucketPolicy)).toEqual([
      "staging-github-deploy may s3:PutBucketPolicy on arn:aws:s3:::acme-nonprod-terraform-state (rewrite the state bucket's controls (a cross-account grant is not public))",
    ]);
  });
});

/**
 * The other side: the guardrails must not stop the roles doing their jobs (the end-to-end suite
 * checks every call of a real apply; these are the calls a deny here could most easily catch).
 */
describe.each(ENVIRONMENTS.map((env) => [env.name] as const))("the CI identities of %s can still do their jobs", (name) => {
  const scene = sceneOf(name);
  const network = synthesizedStack(`network-${name}`).doc;
  const account = scene.env.account.id;
  const region = scene.env.account.region;
  const iam = (resource: string) => `arn:aws:iam::${account}:${resource}`;
  const boundary = iam(`policy/${name}-permissions-boundary`);
  const decide = async (roleName: string, attempt: Attempt) =>
    decideAttempt(scene, identityOf(scene, synthesizedRole(network, roleName)), attempt);

  it.each([
    ["list CodeBuild projects (no resource, no tag)", { why: "", action: "codebuild:BatchGetProjects", resource: "*" }],
    [
      "create its runner project, tagged as its own",
      {
        why: "",
        action: "codebuild:CreateProject",
        resource: `arn:aws:codebuild:${region}:${account}:project/${name}-github-runner`,
        context: { "aws:RequestTag/environment": name },
      },
    ],
    [
      "describe its own cluster",
      {
        why: "",
        action: "eks:DescribeCluster",
        resource: `arn:aws:eks:${region}:${account}:cluster/${name}`,
        context: { "aws:ResourceTag/environment": name },
      },
    ],
    ["describe EKS add-on versions (no resource)", { why: "", action: "eks:DescribeAddonVersions", resource: "*" }],
    [
      "create the runner's role under the boundary",
      { why: "", action: "iam:CreateRole", resource: iam(`role/${name}-github-runner`), context: { "iam:PermissionsBoundary": boundary } },
    ],
    [
      "attach the runner's own policy to it",
      {
        why: "",
        action: "iam:AttachRolePolicy",
        resource: iam(`role/${name}-github-runner`),
        context: { "iam:PermissionsBoundary": boundary, "iam:PolicyARN": iam(`policy/${name}-github-runner`) },
      },
    ],
    [
      "pass the runner's role to CodeBuild",
      {
        why: "",
        action: "iam:PassRole",
        resource: iam(`role/${name}-github-runner`),
        context: { "iam:PassedToService": "codebuild.amazonaws.com" },
      },
    ],
    [
      "create a role of the environment under the boundary",
      { why: "", action: "iam:CreateRole", resource: iam(`role/${name}-cluster`), context: { "iam:PermissionsBoundary": boundary } },
    ],
  ] as const)("GIVEN the deploy role WHEN it must %s THEN IAM allows it", async (_what, attempt) => {
    expect(await decide(`${name}-github-deploy`, attempt)).toBe("Allowed");
  });

  it.each(["plan", "deploy"])(
    "GIVEN the %s role WHEN it reads the account layer's state (its network's remote state) THEN IAM, the bucket policy and the bucket's key allow it, and it may not write there",
    async (role) => {
      if (scene.env.state.backend !== "s3") throw new Error(`${name} keeps local state: the attack scene needs S3 state`);
      const bucket = scene.env.state.bucket;
      const onBucket = { kind: "state-bucket", bucket } as const;
      const object = `arn:aws:s3:::${bucket}/account/${account}.tfstate`;
      const alias = `alias/terraform-state/${bucket.replace(/\./g, "-")}`;
      const read = { why: "", action: "s3:GetObject", resource: object, resourcePolicy: onBucket };
      const decrypt = {
        why: "",
        action: "kms:Decrypt",
        resource: `arn:aws:kms:${region}:${account}:key/state-bucket`,
        context: { "kms:ResourceAliases": [alias] },
        resourcePolicy: { kind: "state-key", alias } as const,
      };
      const write = { why: "", action: "s3:PutObject", resource: object, resourcePolicy: onBucket };
      expect(await decide(`${name}-github-${role}`, read)).toBe("Allowed");
      // A file that names its state key uses it for the account layer's state too (the plan role's StateKey grant);
      // its policy is not ours to simulate. Otherwise the bucket's own key.
      if (scene.env.state.kmsKeyArn === undefined) expect(await decide(`${name}-github-${role}`, decrypt)).toBe("Allowed");
      expect(await decide(`${name}-github-${role}`, write)).not.toBe("Allowed");
    },
  );

  it("GIVEN the plan role WHEN it reads its own state and writes its lock THEN IAM and the bucket policy allow it", async () => {
    if (scene.env.state.backend !== "s3") throw new Error(`${name} keeps local state: the attack scene needs S3 state`);
    const bucket = scene.env.state.bucket;
    const onBucket = { kind: "state-bucket", bucket } as const;
    const read = { why: "", action: "s3:GetObject", resource: `arn:aws:s3:::${bucket}/${name}/network.tfstate`, resourcePolicy: onBucket };
    const lock = {
      why: "",
      action: "s3:PutObject",
      resource: `arn:aws:s3:::${bucket}/${name}/network.tfstate.tflock`,
      resourcePolicy: onBucket,
    };
    expect([await decide(`${name}-github-plan`, read), await decide(`${name}-github-plan`, lock)]).toEqual(["Allowed", "Allowed"]);
  });
});
