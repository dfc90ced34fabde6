import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { TerraformStack, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";

/**
 * Puts a permissions boundary on every IAM role of a stack that has none: the deploy role may
 * only create or change roles that carry it (`iam:PermissionsBoundary`). Roles named in `except`
 * (the CI roles, which an administrator applies) are left alone. Where the stack itself creates
 * the boundary policy (the network layer, with the CI identity), the roles refer to that policy's
 * ARN, so Terraform creates it first.
 */
export class RequirePermissionsBoundary implements IAspect {
  private readonly policyOfStack = new Map<TerraformStack, IamPolicy | undefined>();

  constructor(
    private readonly boundaryName: string,
    private readonly boundaryArn: string,
    private readonly except: readonly string[] = [],
  ) {}

  visit(node: IConstruct): void {
    if (!(node instanceof IamRole)) return;
    if (node.permissionsBoundaryInput !== undefined) return;
    const name = node.nameInput;
    if (name !== undefined && this.except.includes(name)) return;
    const stack = TerraformStack.of(node);
    if (!this.policyOfStack.has(stack)) {
      const policy = stack.node
        .findAll()
        .find((candidate): candidate is IamPolicy => candidate instanceof IamPolicy && candidate.nameInput === this.boundaryName);
      this.policyOfStack.set(stack, policy);
    }
    const inStack = this.policyOfStack.get(stack);
    node.permissionsBoundary = inStack === undefined ? this.boundaryArn : inStack.arn;
  }
}
