import { beforeAll, describe, expect, it } from "vitest";
import { type ClusterObject, stackObjects, type StackObjects } from "./cluster-objects";
import { podTemplateOf } from "./pod-security";
import { renderedReleases, workloadsStacks } from "./render";

/*
 * Issue 20, item 9: the ALB's alarms exist after the first apply. The release public-gateway ends
 * only once the AWS Load Balancer Controller has programmed the Gateway frontend/public: its hook
 * Job waits for the Gateway's Programmed condition, with read access to that Gateway alone and a
 * way to the API server only. Checked on the real render of every environment.
 */

type Body = Record<string, unknown>;
const stacks = workloadsStacks().map(({ stack }) => stack);
const byStack = new Map<string, StackObjects>();
const fromGateway = (stack: string): ClusterObject[] =>
  byStack.get(stack)!.objects.filter(({ source }) => source === "release public-gateway");
const named = (objects: readonly ClusterObject[], kind: string) => objects.filter(({ object }) => object.kind === kind);
const annotations = ({ object }: ClusterObject) => object.metadata.annotations ?? {};

beforeAll(async () => {
  const releases = await renderedReleases();
  for (const stack of stacks) byStack.set(stack, stackObjects(stack, releases));
}, 180_000);

describe.each(stacks)("%s: the Gateway release waits until the Gateway is programmed", (stack) => {
  it("GIVEN the release public-gateway WHEN rendered THEN one hook Job, after install and upgrade, replaced before it runs again and deleted once it succeeded, waits with kubectl for Programmed on gateway/public in frontend for 600 s", () => {
    const jobs = named(fromGateway(stack), "Job");
    expect(jobs.map(({ object, namespace }) => `${namespace}/${object.metadata.name}`)).toEqual(["frontend/public-gateway-wait"]);
    expect(annotations(jobs[0]!)).toMatchObject({
      "helm.sh/hook": "post-install,post-upgrade",
      "helm.sh/hook-delete-policy": "before-hook-creation,hook-succeeded",
    });
    const spec = jobs[0]!.object["spec"] as Body;
    expect([spec["backoffLimit"], spec["activeDeadlineSeconds"]]).toEqual([0, 660]);
    const containers = (podTemplateOf(jobs[0]!.object)!.spec["containers"] ?? []) as { command: string[]; args: string[] }[];
    expect(containers.map((c) => [...c.command, ...c.args])).toEqual([
      ["kubectl", "wait", "--for=condition=Programmed", "gateway/public", "--namespace=frontend", "--timeout=600s"],
    ]);
  });

  it("GIVEN the hook's RBAC WHEN rendered THEN a Role in frontend only gets, lists and watches the Gateway public, bound to the Job's own service account, and no cluster-wide grant exists", () => {
    const objects = fromGateway(stack);
    expect(named(objects, "ClusterRole").concat(named(objects, "ClusterRoleBinding"))).toEqual([]);
    const roles = named(objects, "Role");
    expect(roles.map(({ namespace, object }) => [namespace, object.metadata.name, object["rules"]])).toEqual([
      [
        "frontend",
        "public-gateway-wait",
        [{ apiGroups: ["gateway.networking.k8s.io"], resources: ["gateways"], resourceNames: ["public"], verbs: ["get", "list", "watch"] }],
      ],
    ]);
    const bindings = named(objects, "RoleBinding");
    expect(bindings.map(({ namespace, object }) => [namespace, object["roleRef"], object["subjects"]])).toEqual([
      [
        "frontend",
        { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "public-gateway-wait" },
        [{ kind: "ServiceAccount", name: "public-gateway-wait", namespace: "frontend" }],
      ],
    ]);
    const pod = podTemplateOf(named(objects, "Job")[0]!.object)!.spec;
    expect([pod["serviceAccountName"], pod["automountServiceAccountToken"]]).toEqual(["public-gateway-wait", true]);
  });

  it("GIVEN the hook's objects WHEN ordered by Helm's hook weight THEN the service account, Role and RoleBinding exist before the Job, and the service account mounts no token by default", () => {
    const objects = fromGateway(stack).filter((object) => annotations(object)["helm.sh/hook"] !== undefined);
    const weights = Object.fromEntries(objects.map((o) => [o.object.kind, Number(annotations(o)["helm.sh/hook-weight"] ?? "0")]));
    expect(weights).toEqual({ ServiceAccount: -5, Role: -5, RoleBinding: -5, Job: 0 });
    expect(named(objects, "ServiceAccount")[0]!.object["automountServiceAccountToken"]).toBe(false);
  });

  it("GIVEN frontend's network policies WHEN the hook's pods leave the namespace THEN one policy lets them, and only them, reach the API server's Service address and the control plane's subnets on 443", () => {
    const { objects, placeholders } = byStack.get(stack)!;
    const podLabels = (podTemplateOf(named(fromGateway(stack), "Job")[0]!.object)!.metadata?.["labels"] ?? {}) as Body;
    const policies = objects.filter(
      ({ object, namespace }) =>
        object.kind === "NetworkPolicy" &&
        namespace === "frontend" &&
        JSON.stringify(((object["spec"] as Body)["podSelector"] as Body)["matchLabels"] ?? {}) === JSON.stringify(podLabels),
    );
    expect(policies.map(({ object }) => object.metadata.name)).toEqual(["egress-to-api-server"]);
    const spec = policies[0]!.object["spec"] as { policyTypes: string[]; egress: { to: { ipBlock: { cidr: string } }[]; ports: Body[] }[] };
    expect(spec.policyTypes).toEqual(["Egress"]);
    expect(spec.egress.flatMap((rule) => rule.ports)).toEqual([{ port: 443, protocol: "TCP" }]);
    const peers = spec.egress.flatMap((rule) => rule.to.map((peer) => placeholders.get(peer.ipBlock.cidr) ?? peer.ipBlock.cidr));
    expect(peers[0]).toMatch(/^format\("%s\/32", data\.kubernetes_service_v1\.[^.]+\.spec\[0\]\.cluster_ip\)$/);
    expect(
      peers
        .slice(1)
        .every((peer) => /^element\(data\.terraform_remote_state\.network-state\.outputs\.private_app_subnet_cidrs, \d\)$/.test(peer)),
    ).toBe(true);
    expect(peers.length).toBeGreaterThanOrEqual(3);
  });
});
