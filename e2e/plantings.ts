/**
 * Known defects the suite must catch, one per item of issue 23, planted in what a run of
 * `npm run e2e -- --env dev --plant <name>` works on: the scratch copy of a synthesized stack, the
 * list of stacks selected, or the logs the role check reads. The live part of the suite's mutation
 * test (e2e/mutations.sh, weekly in .github/workflows/e2e-mutations.yml; the unit part is
 * test/e2e/planted-defects.test.ts). A planted run must exit 1 and print every fragment of
 * `expect` (e2e/mutations.ts judges it). Nothing here touches what the app synthesizes.
 */
import type { StackEntry } from "./context";
import type { TerraformJson } from "./scratch";

/** The layers whose scratch copy a planting may change. */
export type PlantedLayer = "network" | "platform";

export interface Planting {
  /** The item of issue 23 whose defect this plants (1 to 9). */
  readonly item: number;
  /** The defect, as the failed run must name it. */
  readonly defect: string;
  /** What the failed run must print, every one of them (one per line of the output, matched line by line). */
  readonly expect: readonly RegExp[];
  /** Changes the scratch copy of a layer's stack in place; throws when the stack no longer has what it plants into. */
  readonly stacks?: Readonly<Partial<Record<PlantedLayer, (stack: TerraformJson) => void>>>;
  /** Changes the stacks the run lists before it selects the environments asked for. */
  readonly selection?: (stacks: readonly StackEntry[]) => StackEntry[];
  /** Changes a Terraform debug log before the role check reads it. */
  readonly log?: (text: string) => string;
}

type Statement = { sid?: string; effect?: string; actions?: string[]; resources?: string[] };

function statementsOf(document: Record<string, unknown>): Statement[] {
  const statements = document["statement"];
  return Array.isArray(statements) ? (statements as Statement[]) : [];
}

function policyDocuments(stack: TerraformJson): [string, Record<string, unknown>][] {
  return Object.entries(stack.data?.["aws_iam_policy_document"] ?? {});
}

/** The `data.aws_iam_policy_document` a `${data.aws_iam_policy_document.<name>.json}` reference names. */
function documentReferenced(stack: TerraformJson, reference: unknown): Record<string, unknown> | undefined {
  const name = /\$\{data\.aws_iam_policy_document\.([\w-]+)\.json\}/.exec(String(reference ?? ""))?.[1];
  return name === undefined ? undefined : stack.data?.["aws_iam_policy_document"]?.[name];
}

/** The resource name (`type.name`) of the role a stack creates with this IAM name suffix. */
function roleNamed(stack: TerraformJson, suffix: string): string | undefined {
  const found = Object.entries(stack.resource?.["aws_iam_role"] ?? {}).find(([, role]) => String(role["name"]).endsWith(suffix));
  return found === undefined ? undefined : `aws_iam_role.${found[0]}`;
}

/** Inline policy documents of the role whose IAM name ends with `suffix`. */
function inlineDocumentsOf(stack: TerraformJson, suffix: string): Record<string, unknown>[] {
  const role = roleNamed(stack, suffix);
  if (role === undefined) return [];
  return Object.values(stack.resource?.["aws_iam_role_policy"] ?? {})
    .filter((policy) => String(policy["role"]).includes(`\${${role}.`))
    .flatMap((policy) => {
      const document = documentReferenced(stack, policy["policy"]);
      return document === undefined ? [] : [document];
    });
}

/** Item 1: a Deny scoped to cluster ARNs in the deploy role (a resource-scoped Deny never fires when calls are checked on `*`). */
function denyDescribeClusterToDeployRole(stack: TerraformJson): void {
  // A document of the deploy role's alone (the guardrails document is the plan role's too).
  const others = [
    ...new Set(["-github-plan", "-github-runner", "-github-plan-runner"].flatMap((suffix) => inlineDocumentsOf(stack, suffix))),
  ];
  const document = inlineDocumentsOf(stack, "-github-deploy").find((candidate) => !others.includes(candidate));
  if (document === undefined) throw new Error("no inline policy of the deploy role (<env>-github-deploy) alone");
  document["statement"] = [
    ...statementsOf(document),
    { sid: "PlantedDenyDescribeCluster", effect: "Deny", actions: ["eks:DescribeCluster"], resources: ["arn:aws:eks:*:*:cluster/*"] },
  ];
}

/** Item 4: the node groups placed from the public subnets' output instead of the private-app ones. */
function nodeGroupsOnPublicSubnets(stack: TerraformJson): void {
  const groups = Object.values(stack.resource?.["aws_eks_node_group"] ?? {});
  if (groups.length === 0) throw new Error("no node group");
  for (const group of groups) {
    const subnets = String(group["subnet_ids"]);
    if (!subnets.includes("private_app_subnet_ids")) throw new Error(`a node group's subnet_ids is not private_app_subnet_ids: ${subnets}`);
    group["subnet_ids"] = subnets.replace("private_app_subnet_ids", "public_subnet_ids");
  }
}

export const PLANTINGS: Readonly<Record<string, Planting>> = {
  "deny-scoped-to-cluster": {
    item: 1,
    defect: "issue 23 item 1: the deploy role denies eks:DescribeCluster on cluster ARNs (a Deny scoped to a resource never fires on *)",
    expect: [
      /ROLE VIOLATION: \S+-github-deploy may not eks:DescribeCluster on arn:aws:eks:[\w-]+:\d{12}:cluster\/\S+ \(EKS DescribeCluster: /,
    ],
    stacks: { network: denyDescribeClusterToDeployRole },
  },
  "deploy-role-without-tag-role": {
    item: 2,
    defect: "issue 23 item 2: the deploy role may not iam:TagRole (roles are created with tags)",
    expect: [
      /ROLE VIOLATION: \S+-github-deploy may not iam:TagRole on arn:aws:iam::\d{12}:role\/\S+ \(IAM CreateRole, tags on create \(iam:CreateRole\): /,
    ],
    stacks: {
      network(stack) {
        const statement = policyDocuments(stack)
          .flatMap(([, document]) => statementsOf(document))
          .find((entry) => entry.actions?.includes("iam:TagRole") === true);
        if (statement?.actions === undefined) throw new Error("no policy statement grants iam:TagRole");
        statement.actions = statement.actions.filter((action) => action !== "iam:TagRole");
      },
    },
  },
  "boundary-denies-ec2": {
    item: 3,
    defect: "issue 23 item 3: the permissions boundary also denies ec2:* (breaks the nodes, the CNI, the EBS driver)",
    expect: [
      /birth platform-dev: service role node: node \(role dev-nodes\) may not make \d+ of its \d+ calls: ec2:/,
      /birth platform-dev: service role vpc-cni: .* may not make \d+ of its \d+ calls: ec2:/,
      /birth platform-dev: service role aws-ebs-csi-driver: .* may not make \d+ of its \d+ calls: ec2:/,
    ],
    stacks: {
      network(stack) {
        const boundary = Object.values(stack.resource?.["aws_iam_policy"] ?? {}).find((policy) =>
          String(policy["name"]).endsWith("-permissions-boundary"),
        );
        const document = documentReferenced(stack, boundary?.["policy"]);
        if (document === undefined) throw new Error("no permissions boundary policy document");
        document["statement"] = [
          ...statementsOf(document),
          { sid: "PlantedDenyEc2", effect: "Deny", actions: ["ec2:*"], resources: ["*"] },
        ];
      },
    },
  },
  "node-group-on-public-subnets": {
    item: 4,
    defect: "issue 23 item 4: a resource other than the cluster placed from the wrong network output (node groups on the public subnets)",
    expect: [/birth platform-dev: wiring: placed outside the network's tiers: aws_eks_node_group\.[\w-]+\.subnet_ids = /],
    stacks: { platform: nodeGroupsOnPublicSubnets },
  },
  "wiring-and-role-defects-together": {
    item: 5,
    defect: "issue 23 item 5: a wiring defect and a role defect in the same stack (the failing wiring check must not hide the role check)",
    expect: [
      /birth platform-dev: wiring: placed outside the network's tiers: aws_eks_node_group\./,
      /birth platform-dev: role check \(apply\): \d+ requests dev-github-deploy may not make: .*eks:DescribeCluster on arn:aws:eks:/,
      /^e2e: FAILED: /,
    ],
    stacks: { network: denyDescribeClusterToDeployRole, platform: nodeGroupsOnPublicSubnets },
  },
  "stacks-listed-under-another-environment": {
    item: 6,
    defect:
      "issue 23 item 6: the stack list names no stack of the environment asked for (an empty selection must fail, not pass with 0 stacks)",
    expect: [
      /selection stacks: selection: no AWS stack selected \(--env dev\): nothing would be proven/,
      /^e2e: FAILED: selection 1 attempted, 1 failed/,
    ],
    selection: (stacks) => stacks.map((stack) => ({ ...stack, environment: `${stack.environment}-planted` })),
  },
  "log-format-changed": {
    item: 7,
    defect: "issue 23 item 7: the provider's log format changed (rpc.method renamed): no call readable, none checked",
    expect: [
      /birth network-dev: log readable \(apply\): \d+ request entries of the apply log could not be read \(threshold 0\)/,
      /birth network-dev: calls recorded \(apply\): no API call found in the apply logs: nothing was checked/,
    ],
    log: (text) => text.replace(/"rpc\.method"/g, '"aws.operation"').replace(/(^|\s)rpc\.method=/gm, "$1aws.operation="),
  },
  "backend-policy-wrong-database-user": {
    item: 8,
    defect: "issue 23 item 8: the backend's role policy (whose document names the left-out cache) lets it log in as another database user",
    expect: [
      /birth platform-dev: service role backend: backend \(role dev-backend\) may not make 1 of its 1 calls: rds-db:connect on arn:aws:rds-db:[\w-]+:\d{12}:dbuser:\S+\/backend /,
    ],
    stacks: {
      platform(stack) {
        const documents = inlineDocumentsOf(stack, "-backend");
        const statement = documents.flatMap(statementsOf).find((entry) => entry.actions?.includes("rds-db:connect") === true);
        if (statement?.resources === undefined) throw new Error("no statement of the backend's role policy grants rds-db:connect");
        if (!JSON.stringify(documents).includes("aws_elasticache_replication_group."))
          throw new Error(
            "the backend's role policy no longer names the cache's replication group (the left-out resource this item is about)",
          );
        statement.resources = statement.resources.map((resource) => resource.replace(/\/backend$/, "/planted-admin"));
      },
    },
  },
  "unnamed-key-loses-rotation-period": {
    item: 9,
    defect: "issue 23 item 9: a KMS key the rotation-period gap does not name (a type-wide ignore_changes would hide its perpetual diff)",
    expect: [
      /birth network-dev: empty plan after apply: perpetual diff: .*aws_kms_key\.planted-key \(update: [^)]*rotation_period_in_days/,
    ],
    stacks: {
      network(stack) {
        const keys = stack.resource?.["aws_kms_key"];
        const logs = Object.entries(keys ?? {}).find(
          ([name, key]) => name.startsWith("logs-key_") && key["rotation_period_in_days"] !== undefined,
        );
        if (keys === undefined || logs === undefined) throw new Error("no logs key with a rotation period to copy");
        const { "//": _metadata, ...block } = logs[1];
        keys["planted-key"] = { ...block, description: "planted by e2e --plant unnamed-key-loses-rotation-period" };
      },
    },
  },
};

/** The plantings asked for, in order; an unknown name throws. */
export function plantingsNamed(names: readonly string[]): Planting[] {
  return names.map((name) => {
    const planting = PLANTINGS[name];
    if (planting === undefined) throw new Error(`no planting named ${name}`);
    return planting;
  });
}
