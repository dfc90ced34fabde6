import { grafanaAdminSecretName } from "../../modules/cluster-services/kube-prometheus-stack/identity";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../../environments/schema";
import { CodebuildGithubRunner } from "../../modules/ci/codebuild-github-runner";
import { AlertTopic } from "../../modules/observability/alert-topic";
import { natGatewayAlarms } from "../../modules/observability/alarm-specs";
import { MetricAlarms } from "../../modules/observability/metric-alarms";
import { EcrRepository } from "../../modules/ci/ecr-repository";
import { GithubCiIdentity } from "../../modules/ci/github-ci-identity";
import { KmsKey } from "../../modules/security/kms-key";
import { ManagementNetwork } from "../../modules/network/management-network";
import { PublicInternetPrefixList } from "../../modules/network/public-internet-prefix-list";
import { TierNetworkAcls } from "../../modules/network/tier-network-acls";
import { karpenterDiscoveryTags } from "../../modules/cluster-services/karpenter/identity";
import { TieredVpc } from "../../modules/network/tiered-vpc";
import { VpcEndpoints } from "../../modules/network/vpc-endpoints";
import { VpcFlowLogs } from "../../modules/network/vpc-flow-logs";
import { accountSingletonAddresses } from "../account/account-singletons";
import { accountContract } from "../account/contract";
import type { ReadContractOptions } from "../contract";
import { LayerStack } from "../layer-stack";
import { accountStateKey, accountStateLocation } from "../state-location";
import { networkContract } from "./contract";

export interface NetworkStackProps extends ReadContractOptions {
  readonly environment: EnvironmentConfig;
}

/**
 * `network-<env>`: the tiered VPC with NAT, NACLs, flow logs and endpoints; the application image
 * repositories; and CI's identity in the account. Publishes {@link networkContract}.
 */
export class NetworkStack extends LayerStack {
  constructor(scope: Construct, props: NetworkStackProps) {
    super(scope, { environment: props.environment, layer: "network" });
    const env = props.environment;
    const target = this.target;
    const network = env.network;
    const zones = env.account.availabilityZones.slice(0, network.azCount);
    // The account layer (account-<account id>, applied before any environment of the account).
    const accountState = accountStateLocation(env);
    const account = accountContract.readFrom(this, accountState, props);

    const logsKey = new KmsKey(this, "logs-key", {
      target,
      alias: `${env.name}/logs`,
      description: `CloudWatch Logs of the ${env.name} environment`,
      services: [
        {
          principal: `logs.${target.region}.amazonaws.com`,
          conditions: [
            {
              test: "ArnLike",
              variable: "kms:EncryptionContext:aws:logs:arn",
              values: [`arn:${target.partition}:logs:${target.region}:${target.accountId}:log-group:*`],
            },
          ],
        },
      ],
    });

    const vpc = new TieredVpc(this, "vpc", {
      name: env.name,
      cidr: network.vpcCidr,
      availabilityZones: zones,
      subnets: env.subnetPlan,
      natGateways: network.natGateways,
      // Karpenter launches nodes into the subnets its EC2NodeClass finds by this tag (the cluster is named after the environment).
      privateAppSubnetTags: karpenterDiscoveryTags(env.name),
    });

    new TierNetworkAcls(this, "nacls", {
      name: env.name,
      vpcId: vpc.vpcId,
      cidrs: env.subnetPlan,
      subnetIds: { public: vpc.publicSubnetIds, privateApp: vpc.privateAppSubnetIds, privateData: vpc.privateDataSubnetIds },
      dataTierPorts: network.dataTierPorts,
      ...(network.management === undefined ? {} : { managementCidr: network.management.vpcCidr }),
      apiClientCidrs: env.platform.endpoint.privateAccessCidrs,
    });

    // Alerts: the topic every alarm of the environment (and Alertmanager) publishes to.
    const alertsKey = new KmsKey(this, "alerts-key", {
      target,
      alias: `${env.name}/alerts`,
      description: `SNS alert topic of the ${env.name} environment`,
      services: [
        {
          principal: "cloudwatch.amazonaws.com",
          conditions: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [target.accountId] }],
        },
        {
          // Security findings routed by the account baseline's EventBridge rules.
          principal: "events.amazonaws.com",
          conditions: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [target.accountId] }],
        },
      ],
    });
    const alerts = new AlertTopic(this, "alerts", {
      name: env.name,
      target,
      kmsKeyArn: alertsKey.keyArn,
      subscriptions: env.alerts.subscriptions,
    });
    new MetricAlarms(this, "nat-alarms", { prefix: env.name, topicArn: alerts.topicArn, alarms: natGatewayAlarms(vpc.natGatewayIds) });

    new VpcFlowLogs(this, "flow-logs", {
      name: env.name,
      target,
      vpcId: vpc.vpcId,
      kmsKeyArn: logsKey.keyArn,
      retentionInDays: network.flowLogs.retentionDays,
    });

    const endpoints = new VpcEndpoints(this, "endpoints", {
      name: env.name,
      region: target.region,
      vpcId: vpc.vpcId,
      vpcCidr: network.vpcCidr,
      gatewayRouteTableIds: [...vpc.privateAppRouteTableIds, ...vpc.privateDataRouteTableIds],
      interfaceSubnetIds: vpc.privateAppSubnetIds,
      interfaceSubnetCidrs: env.subnetPlan.privateApp,
      interfaceServices: network.interfaceEndpoints,
    });

    // Operators' way in (Session Manager, optionally Client VPN), peered with the application VPC.
    const management =
      network.management === undefined
        ? undefined
        : new ManagementNetwork(this, "management", {
            name: env.name,
            target,
            cidr: network.management.vpcCidr,
            availabilityZones: env.account.availabilityZones.slice(0, 2),
            application: {
              vpcId: vpc.vpcId,
              cidr: network.vpcCidr,
              routeTableIds: [...vpc.privateAppRouteTableIds, ...vpc.privateDataRouteTableIds],
              dataSubnetCidrs: env.subnetPlan.privateData,
            },
            dataTierPorts: network.dataTierPorts,
            logsKmsKeyArn: logsKey.keyArn,
            logRetentionDays: network.flowLogs.retentionDays,
            ...(network.management.clientVpn === undefined ? {} : { clientVpn: network.management.clientVpn }),
          });

    const imagesKey = new KmsKey(this, "images-key", {
      target,
      alias: `${env.name}/ecr`,
      description: `ECR images of the ${env.name} environment`,
    });
    const repositories = env.ecr.repositories.map(
      (repo) =>
        [
          repo.name,
          new EcrRepository(this, `ecr-${repo.name.replace(/[^a-z0-9]/g, "-")}`, {
            name: `${env.name}/${repo.name}`,
            kmsKeyArn: imagesKey.keyArn,
            keepTaggedImages: repo.keepTaggedImages,
            untaggedExpiryDays: repo.untaggedExpiryDays,
          }),
        ] as const,
    );

    const ci = new GithubCiIdentity(this, "ci", {
      name: env.name,
      target,
      repository: env.github.repository,
      deployBranch: env.github.deployBranch,
      oidcProviderArn: account.githubOidcProviderArn,
      ecrRepositoryArns: repositories.map(([, repo]) => repo.repositoryArn),
      // Grafana's admin secret is written write-only: a plan refreshes its version (ADR 0011).
      planRefreshedSecretNames: [grafanaAdminSecretName(env.name)],
      ...(this.state.backend === "s3"
        ? {
            stateAccess: {
              bucket: this.state.s3.bucket,
              keyPrefix: `${env.name}/`,
              readOnlyKeys: [accountStateKey(env.account.id)],
              ...(accountState.backend === "s3" && accountState.s3.kmsKeyId !== undefined
                ? { readOnlyKmsKeyArn: accountState.s3.kmsKeyId }
                : {}),
              ...(this.state.s3.kmsKeyId === undefined ? {} : { kmsKeyArn: this.state.s3.kmsKeyId }),
            },
          }
        : {}),
    });

    // CI's way to the private cluster API: GitHub Actions jobs run by CodeBuild in the private-app
    // subnets. Two runners: the deploy runner takes only the deploy workflows' jobs on the deploy
    // branch; the plan runner (no Docker) takes pull requests' plans. Both admit only the named people.
    const internet = new PublicInternetPrefixList(this, "public-internet", {
      name: `${env.name}-public-internet`,
      // The VPC and the peered management network, in case either uses public addresses.
      alsoExcluded: [network.vpcCidr, ...(network.management === undefined ? [] : [network.management.vpcCidr])],
    });
    const runnerProps = {
      name: env.name,
      target,
      repository: env.github.repository,
      connectionArn: env.github.connectionArn,
      actorAccountIds: env.github.runnerActorIds,
      deployBranch: env.github.deployBranch,
      vpcId: vpc.vpcId,
      subnetIds: vpc.privateAppSubnetIds,
      publicInternetPrefixListId: internet.prefixListId,
      endpointSecurityGroupId: endpoints.securityGroupId,
      logsKmsKeyArn: logsKey.keyArn,
      logRetentionDays: network.flowLogs.retentionDays,
    };
    const runner = new CodebuildGithubRunner(this, "ci-runner", runnerProps);
    const planRunner = new CodebuildGithubRunner(this, "ci-plan-runner", { ...runnerProps, purpose: "plan" });

    if (env.account.ownsAccountSingletons) {
      // The account's singletons moved to the account layer (docs/migrations/account-layer.md):
      // forget them without destroying them. A no-op where the state never held them.
      this.addOverride(
        "removed",
        accountSingletonAddresses({ name: env.name, target }).map((from) => ({ from, lifecycle: { destroy: false } })),
      );
    }

    networkContract.publish(this, {
      vpcId: vpc.vpcId,
      vpcCidr: vpc.vpcCidr,
      availabilityZones: [...zones],
      publicSubnetIds: vpc.publicSubnetIds,
      privateAppSubnetIds: vpc.privateAppSubnetIds,
      privateDataSubnetIds: vpc.privateDataSubnetIds,
      publicSubnetCidrs: [...env.subnetPlan.public],
      privateAppSubnetCidrs: [...env.subnetPlan.privateApp],
      privateDataSubnetCidrs: [...env.subnetPlan.privateData],
      publicRouteTableIds: vpc.publicRouteTableIds,
      privateAppRouteTableIds: vpc.privateAppRouteTableIds,
      privateDataRouteTableIds: vpc.privateDataRouteTableIds,
      natGatewayPublicIps: vpc.natGatewayPublicIps,
      vpcEndpointSecurityGroupId: endpoints.securityGroupId,
      vpcEndpointCidrs: [...endpoints.endpointAddressRanges],
      ecrRepositoryUrls: Object.fromEntries(repositories.map(([name, repo]) => [name, repo.repositoryUrl])),
      ecrRepositoryArns: Object.fromEntries(repositories.map(([name, repo]) => [name, repo.repositoryArn])),
      ciPlanRoleArn: ci.planRoleArn,
      ciDeployRoleArn: ci.deployRoleArn,
      ecrPushGroupName: ci.ecrPushGroupName,
      alertsTopicArn: alerts.topicArn,
      alertsKmsKeyArn: alertsKey.keyArn,
      logsKmsKeyArn: logsKey.keyArn,
      ciRunnerProjectName: runner.projectName,
      ciRunnerSecurityGroupId: runner.securityGroupId,
      ciPlanRunnerSecurityGroupId: planRunner.securityGroupId,
      managementCidr: management?.managementCidr,
      operatorSecurityGroupId: management?.operatorSecurityGroupId,
    });
  }
}
