import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Aspects, LocalBackend, S3Backend, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../environments/schema";
import { ciRoleNames, permissionsBoundaryArn, permissionsBoundaryName } from "../modules/ci/github-ci-identity";
import { RequirePermissionsBoundary } from "../modules/ci/permissions-boundary";
import { partitionOf, type AwsTarget } from "../modules/core/aws-target";
import { LiftDestroyGuards, RequireDestroyGuards, type LiftedGuard } from "./destroy-guards";
import { stackName, type Layer } from "./layers";
import { stateLocation, type StateLocation } from "./state-location";

/** Context naming the environment a teardown synthesizes (its guards lifted): `{"teardown": "dev"}`. */
export const TEARDOWN_CONTEXT = "teardown";
/** Context making a teardown's final snapshot names unique, e.g. `20261206-0412`. */
export const TEARDOWN_STAMP_CONTEXT = "teardownStamp";

export interface LayerStackProps {
  /** The environment this stack belongs to. */
  readonly environment: EnvironmentConfig;
  /** Which layer this stack is. */
  readonly layer: Layer;
}

/**
 * What every layer stack shares: its name `<layer>-<env>`, its state backend (S3 with encryption
 * and S3-native locking, or local for sandboxes) and an AWS provider pinned to the environment's
 * account with default tags and an optional deploy role.
 */
export class LayerStack extends TerraformStack {
  readonly environment: EnvironmentConfig;
  readonly layer: Layer;
  /** Where this stack's state lives; downstream stacks read it from here. */
  readonly state: StateLocation;
  /** The account, region and partition every resource of this stack lives in. */
  readonly target: AwsTarget;
  readonly awsProvider: AwsProvider;
  /**
   * Built for `npm run teardown` of this environment (the context `teardown` names it): every
   * destroy guard lifted, by name. Never for production (the constructor throws).
   */
  readonly teardown: boolean;
  private readonly lift: LiftDestroyGuards | undefined;

  constructor(scope: Construct, props: LayerStackProps) {
    super(scope, stackName(props.layer, props.environment.name));
    this.environment = props.environment;
    this.layer = props.layer;
    this.state = stateLocation(props.environment, props.layer);
    const account = props.environment.account;
    this.target = { accountId: account.id, region: account.region, partition: partitionOf(account.region) };

    if (this.state.backend === "s3") {
      const backend = new S3Backend(this, this.state.s3);
      // cdktf 0.21 has no typed field for S3-native locking (Terraform >= 1.10).
      backend.addOverride("use_lockfile", true);
    } else {
      new LocalBackend(this, { path: this.state.path });
    }

    const tags = props.environment.tags;
    this.awsProvider = new AwsProvider(this, "aws", {
      region: account.region,
      allowedAccountIds: [account.id],
      defaultTags: [
        {
          tags: {
            ...tags.additional,
            environment: props.environment.name,
            layer: props.layer,
            "managed-by": "cdktf",
            owner: tags.owner,
            "cost-center": tags.costCenter,
          },
        },
      ],
      ...(account.deployRoleArn === undefined
        ? {}
        : { assumeRole: [{ roleArn: account.deployRoleArn, sessionName: `cdktf-${stackName(props.layer, props.environment.name)}` }] }),
    });

    // A destroy never stops half-way: what AWS refuses to delete refuses Terraform's destroy first.
    Aspects.of(this).add(new RequireDestroyGuards());
    this.teardown = this.node.tryGetContext(TEARDOWN_CONTEXT) === props.environment.name;
    if (this.teardown) {
      if (props.environment.stage === "production") {
        throw new Error(`${this.node.id}: production is never torn down by the teardown command (stage production)`);
      }
      const stamp = String(this.node.tryGetContext(TEARDOWN_STAMP_CONTEXT) ?? "final");
      this.lift = new LiftDestroyGuards(stamp);
      Aspects.of(this).add(this.lift);
    } else {
      this.lift = undefined;
    }

    // The CI deploy role may only create or change roles under the environment's boundary.
    const ci = ciRoleNames(props.environment.name);
    Aspects.of(this).add(
      new RequirePermissionsBoundary(
        permissionsBoundaryName(props.environment.name),
        permissionsBoundaryArn(this.target, props.environment.name),
        [ci.plan, ci.deploy],
      ),
    );
  }

  /** Records a guard the stack itself lifted for a teardown (one an aspect cannot see, e.g. in Helm values). */
  protected recordLifted(address: string, lifted: string): void {
    this.lift?.lifted.push({ address, lifted });
  }

  /** The guards lifted for a teardown (known once the stack is synthesized); empty otherwise. */
  liftedGuards(): readonly LiftedGuard[] {
    return this.lift?.lifted ?? [];
  }
}
