/**
 * Known defects the suite must catch, planted in the scratch copy of a synthesized stack
 * (`npm run e2e -- --env dev --plant <name>`): the live part of the suite's mutation test
 * (e2e/mutations.sh; the unit part is test/e2e/planted-defects.test.ts). A planted run must fail
 * with a message matching `expect`. Nothing here touches what the app synthesizes.
 */
import type { TerraformJson } from "./scratch";

export interface Planting {
  /** The layer whose scratch copy is changed. */
  readonly layer: "network" | "platform";
  /** The defect, as issue 23 planted it in the product. */
  readonly defect: string;
  /** What the failed run must print. */
  readonly expect: RegExp;
  /** Changes the stack in place; throws when the stack no longer has what it plants into. */
  plant(stack: TerraformJson): void;
}

function policyDocuments(stack: TerraformJson): [string, Record<string, unknown>][] {
  return Object.entries(stack.data?.["aws_iam_policy_document"] ?? {});
}

export const PLANTINGS: Readonly<Record<string, Planting>> = {
  "deploy-role-without-tag-role": {
    layer: "network",
    defect: "issue 23 item 2: the deploy role may not iam:TagRole (roles are created with tags)",
    expect: /iam:TagRole/,
    plant(stack) {
      const statement = policyDocuments(stack)
        .flatMap(([, document]) => (document["statement"] as { sid?: string; actions?: string[] }[] | undefined) ?? [])
        .find((entry) => entry.actions?.includes("iam:TagRole") === true);
      if (statement?.actions === undefined) throw new Error("no policy statement grants iam:TagRole");
      statement.actions = statement.actions.filter((action) => action !== "iam:TagRole");
    },
  },
  "boundary-denies-ec2": {
    layer: "network",
    defect: "issue 23 item 3: the permissions boundary also denies ec2:* (breaks the nodes, the CNI, the EBS driver)",
    expect: /service role (node|vpc-cni|aws-ebs-csi-driver)/,
    plant(stack) {
      const boundary = Object.values(stack.resource?.["aws_iam_policy"] ?? {}).find((policy) =>
        String(policy["name"]).endsWith("-permissions-boundary"),
      );
      const reference = /\$\{data\.aws_iam_policy_document\.([\w-]+)\.json\}/.exec(String(boundary?.["policy"] ?? ""))?.[1];
      const document = reference === undefined ? undefined : stack.data?.["aws_iam_policy_document"]?.[reference];
      if (document === undefined) throw new Error("no permissions boundary policy document");
      document["statement"] = [
        ...((document["statement"] as unknown[]) ?? []),
        { sid: "PlantedDenyEc2", effect: "Deny", actions: ["ec2:*"], resources: ["*"] },
      ];
    },
  },
  "node-group-on-public-subnets": {
    layer: "platform",
    defect: "issue 23 item 4: a resource other than the cluster placed from the wrong network output (node groups on the public subnets)",
    expect: /aws_eks_node_group\.[\w-]+\.subnet_ids/,
    plant(stack) {
      const groups = Object.values(stack.resource?.["aws_eks_node_group"] ?? {});
      if (groups.length === 0) throw new Error("no node group");
      for (const group of groups) group["subnet_ids"] = String(group["subnet_ids"]).replace("private_app_subnet_ids", "public_subnet_ids");
    },
  },
};
