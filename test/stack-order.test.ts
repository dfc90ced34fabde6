import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { listStacks } from "../scripts/stacks";
import { deploymentOrder } from "../stacks/deployment-order";
import { ENVIRONMENTS } from "./support/fixtures";
import { allListedStacks } from "./support/listed-stacks";

describe("deploymentOrder", () => {
  it("places every stack after the stacks it depends on, keeping the given order otherwise", () => {
    const app = Testing.app();
    const [a, b, c, d] = ["a", "b", "c", "d"].map((id) => new TerraformStack(app, id)) as [
      TerraformStack,
      TerraformStack,
      TerraformStack,
      TerraformStack,
    ];
    c.addDependency(a);
    b.addDependency(c);
    expect(deploymentOrder([b, c, d, a]).map((s) => s.node.id)).toEqual(["d", "a", "c", "b"]);
  });

  it("refuses a cycle and names the stacks in it", () => {
    const app = Testing.app();
    const [a, b] = ["a", "b"].map((id) => new TerraformStack(app, id)) as [TerraformStack, TerraformStack];
    // addDependency already refuses cycles; the order must not loop if one slips in another way.
    a.dependencies.push(b);
    b.dependencies.push(a);
    expect(() => deploymentOrder([a, b])).toThrow("stack dependencies form a cycle among: a, b");
  });
});

describe("the stack-order command", () => {
  // Listing constructs every stack: list all environments once and share the result (with layers.test.ts in the same worker).
  const all = allListedStacks();

  it("lists each environment's stacks network, platform, workloads, from the recorded dependencies", () => {
    for (const env of ENVIRONMENTS) {
      expect(all.filter((s) => s.environment === env.name).map((s) => s.name)).toEqual([
        `network-${env.name}`,
        `platform-${env.name}`,
        `workloads-${env.name}`,
      ]);
    }
  });

  it("lists one environment's stacks alone when asked for it", () => {
    expect(listStacks("staging")).toEqual(all.filter((s) => s.environment === "staging"));
  });

  it("gives the workflows each stack's directory, account, region and CI roles", () => {
    const network = all.find((s) => s.name === "network-prod");
    expect(network).toEqual({
      name: "network-prod",
      layer: "network",
      environment: "prod",
      stage: "production",
      order: 0,
      directory: "cdktf.out/stacks/network-prod",
      accountId: "222222222222",
      region: "eu-west-1",
      planRoleArn: "arn:aws:iam::222222222222:role/prod-github-plan",
      deployRoleArn: "arn:aws:iam::222222222222:role/prod-github-deploy",
    });
  });

  it("lists every environment once, in the loader's (promotion) order", () => {
    expect([...new Set(all.map((s) => s.environment))]).toEqual(ENVIRONMENTS.map((env) => env.name));
  });

  it("refuses an environment that has no file", () => {
    expect(() => listStacks("no-such-env")).toThrow(
      `no environment named no-such-env; known: ${ENVIRONMENTS.map((env) => env.name).join(", ")} (environments/<name>.yaml)`,
    );
  });
});
