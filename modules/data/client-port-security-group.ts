import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";

export interface ClientPortSecurityGroupProps {
  /** Security group name. */
  readonly name: string;
  /** What the group protects, for its description, e.g. `Aurora PostgreSQL dev-app`. */
  readonly purpose: string;
  readonly vpcId: string;
  /** The one TCP port clients use. */
  readonly port: number;
  /** What the port speaks, for the rule descriptions, e.g. `PostgreSQL`. */
  readonly protocolName: string;
  /**
   * Security groups whose members may connect: the only sources admitted, each as its own rule.
   * A literal array (its items may be tokens).
   */
  readonly clientSecurityGroupIds: readonly string[];
}

/**
 * The security group of a data store: one TCP port, open only to the given client security
 * groups, no CIDR rule and no egress rule (Terraform removes AWS's default allow-all egress).
 */
export class ClientPortSecurityGroup extends Construct {
  readonly securityGroupId: string;

  constructor(scope: Construct, id: string, props: ClientPortSecurityGroupProps) {
    super(scope, id);
    if (props.clientSecurityGroupIds.length === 0) {
      throw new Error(`${props.purpose}: name at least one client security group; nothing else may connect`);
    }
    const group = new SecurityGroup(this, "group", {
      name: props.name,
      description: `${props.purpose}: clients on ${props.port} only`,
      vpcId: props.vpcId,
      tags: { Name: props.name },
    });
    props.clientSecurityGroupIds.forEach((clientSecurityGroupId, index) => {
      new VpcSecurityGroupIngressRule(this, `client-ingress-${index}`, {
        securityGroupId: group.id,
        referencedSecurityGroupId: clientSecurityGroupId,
        ipProtocol: "tcp",
        fromPort: props.port,
        toPort: props.port,
        description: `${props.protocolName} from client security group`,
      });
    });
    this.securityGroupId = group.id;
  }
}
