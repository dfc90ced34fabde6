import { DeploymentV1 } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { HorizontalPodAutoscalerV2 } from "@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2";
import { PodDisruptionBudgetV1 } from "@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { WebService, type WebServiceProps } from "../../../modules/apps/web-service";
import { resourcesOf, type TerraformJson } from "../../support/synthesized";

const ROLE = "arn:aws:iam::123456789012:role/dev-backend";
const LABELS = { "app.kubernetes.io/name": "backend", "app.kubernetes.io/part-of": "platform" };
const props: WebServiceProps = {
  name: "backend",
  namespace: "apps",
  image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/backend",
  imageTag: "1.4.2",
  replicas: 2,
  containerPort: 8080,
  requests: { cpu: "100m", memory: "128Mi" },
  limits: { cpu: "500m", memory: "512Mi" },
  livenessPath: "/healthz",
  readinessPath: "/ready",
  serviceAccountName: "backend",
  podDisruptionBudget: false,
};
const synth = (overrides: Partial<WebServiceProps> = {}) =>
  Testing.synthScope((scope) => new WebService(scope, "web", { ...props, ...overrides }));
const AUTOSCALING = { maxReplicas: 6, cpuUtilization: 70, memoryUtilization: 80 };

/** The pod template's spec of the only Deployment. */
function podSpec(json: string): Record<string, unknown> {
  const [deployment] = Object.values(resourcesOf(JSON.parse(json) as TerraformJson, "kubernetes_deployment_v1"));
  return (deployment as { spec: { template: { spec: Record<string, unknown> } } }).spec.template.spec;
}

describe("WebService", () => {
  it("runs the pods as non-root UID/GID 10001 with the RuntimeDefault seccomp profile", () => {
    expect(synth()).toHaveResourceWithProperties(DeploymentV1, {
      spec: {
        template: {
          spec: {
            security_context: {
              run_as_non_root: true,
              run_as_user: "10001",
              run_as_group: "10001",
              fs_group: "10001",
              seccomp_profile: { type: "RuntimeDefault" },
            },
          },
        },
      },
    });
  });

  it("forbids privilege escalation, privileged mode and every capability, on a read-only root file system", () => {
    expect(synth()).toHaveResourceWithProperties(DeploymentV1, {
      spec: {
        template: {
          spec: {
            container: [
              {
                security_context: {
                  allow_privilege_escalation: false,
                  privileged: false,
                  read_only_root_filesystem: true,
                  capabilities: { drop: ["ALL"] },
                },
              },
            ],
          },
        },
      },
    });
  });

  it("gives the read-only root file system a writable /tmp on an emptyDir", () => {
    const spec = podSpec(synth());
    expect(spec["volume"]).toEqual([{ name: "tmp", empty_dir: expect.anything() }]);
    expect(spec["container"]).toMatchObject([{ volume_mount: [{ name: "tmp", mount_path: "/tmp" }] }]);
  });

  it("probes liveness and readiness over HTTP on the container's port", () => {
    expect(synth()).toHaveResourceWithProperties(DeploymentV1, {
      spec: {
        template: {
          spec: {
            container: [
              {
                port: [{ name: "http", container_port: 8080 }],
                liveness_probe: {
                  http_get: { path: "/healthz", port: "http" },
                  period_seconds: 20,
                  timeout_seconds: 2,
                  failure_threshold: 3,
                },
                readiness_probe: {
                  http_get: { path: "/ready", port: "http" },
                  period_seconds: 10,
                  timeout_seconds: 2,
                  failure_threshold: 3,
                },
              },
            ],
          },
        },
      },
    });
  });

  it("requests and limits CPU and memory", () => {
    expect(synth()).toHaveResourceWithProperties(DeploymentV1, {
      spec: {
        template: {
          spec: { container: [{ resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } } }] },
        },
      },
    });
  });

  it("spreads the pods across zones and nodes without blocking scheduling", () => {
    const constraints = podSpec(synth())["topology_spread_constraint"];
    expect(constraints).toEqual([
      expect.objectContaining({
        topology_key: "topology.kubernetes.io/zone",
        max_skew: 1,
        when_unsatisfiable: "ScheduleAnyway",
        label_selector: [{ match_labels: LABELS }],
      }),
      expect.objectContaining({
        topology_key: "kubernetes.io/hostname",
        max_skew: 1,
        when_unsatisfiable: "ScheduleAnyway",
        label_selector: [{ match_labels: LABELS }],
      }),
    ]);
  });

  it("rolls out without ever dropping below the desired replicas and keeps five old revisions", () => {
    expect(synth()).toHaveResourceWithProperties(DeploymentV1, {
      metadata: { name: "backend", namespace: "apps", labels: LABELS },
      spec: {
        replicas: "2",
        revision_history_limit: 5,
        selector: { match_labels: LABELS },
        strategy: { type: "RollingUpdate", rolling_update: { max_unavailable: "0", max_surge: "25%" } },
      },
    });
  });

  it("GIVEN the tag as a Terraform variable WHEN synthesized THEN the image is the repository at that tag, pulled if not present", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const tag = new TerraformVariable(stack, "backend_image_tag", { type: "string" });
    new WebService(stack, "web", { ...props, imageTag: tag.stringValue });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(DeploymentV1, {
      spec: {
        template: {
          spec: {
            container: [
              { image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/backend:${var.backend_image_tag}", image_pull_policy: "IfNotPresent" },
            ],
          },
        },
      },
    });
  });

  it("exposes the pods on a ClusterIP Service whose port is the container port (8080 here), as the EKS network-policy agent requires", () => {
    const json = synth();
    const services = Object.values(resourcesOf(JSON.parse(json) as TerraformJson, "kubernetes_service_v1"));
    expect(services).toEqual([
      expect.objectContaining({
        spec: { type: "ClusterIP", selector: LABELS, port: [{ name: "http", port: 8080, target_port: "http", protocol: "TCP" }] },
      }),
    ]);
  });

  it("publishes the Service's name and in-cluster DNS name", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const web = new WebService(stack, "web", props);
    expect(web.serviceName).toBe("backend");
    expect(web.serviceDnsName).toBe("backend.apps.svc.cluster.local");
    expect(web.serviceUrl).toBe("http://backend.apps.svc.cluster.local:8080");
    expect(web.podLabels).toEqual(LABELS);
  });

  it("GIVEN autoscaling WHEN synthesized THEN an autoscaling/v2 HPA scales the Deployment on CPU and memory from the replicas up", () => {
    expect(synth({ autoscaling: AUTOSCALING })).toHaveResourceWithProperties(HorizontalPodAutoscalerV2, {
      spec: {
        min_replicas: 2,
        max_replicas: 6,
        scale_target_ref: {
          api_version: "apps/v1",
          kind: "Deployment",
          name: expect.stringMatching(/^\$\{kubernetes_deployment_v1\..*\.metadata\[0\]\.name\}$/),
        },
        metric: [
          { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", average_utilization: 70 } } },
          { type: "Resource", resource: { name: "memory", target: { type: "Utilization", average_utilization: 80 } } },
        ],
      },
    });
  });

  it("GIVEN autoscaling WHEN synthesized THEN the Deployment leaves its replica count to the HPA", () => {
    expect(synth({ autoscaling: AUTOSCALING })).toHaveResourceWithProperties(DeploymentV1, {
      lifecycle: { ignore_changes: ["spec[0].replicas"] },
    });
  });

  it("GIVEN no autoscaling WHEN synthesized THEN there is no HPA and the Deployment owns its replicas", () => {
    const doc = JSON.parse(synth()) as TerraformJson;
    expect(resourcesOf(doc, "kubernetes_horizontal_pod_autoscaler_v2")).toEqual({});
    expect(Object.values(resourcesOf(doc, "kubernetes_deployment_v1"))[0]?.["lifecycle"]).toBeUndefined();
  });

  it("refuses an autoscaling maximum below the replicas", () => {
    expect(() => synth({ replicas: 3, autoscaling: { ...AUTOSCALING, maxReplicas: 2 } })).toThrow(
      'Web service "backend": autoscaling maxReplicas (2) must be >= replicas (3)',
    );
  });

  it("GIVEN a disruption budget WHEN synthesized THEN evictions take one pod at a time", () => {
    expect(synth({ podDisruptionBudget: true })).toHaveResourceWithProperties(PodDisruptionBudgetV1, {
      metadata: { name: "backend", namespace: "apps" },
      spec: { max_unavailable: "1", selector: { match_labels: LABELS } },
    });
  });

  it("GIVEN no disruption budget WHEN synthesized THEN there is none", () => {
    expect(resourcesOf(JSON.parse(synth()) as TerraformJson, "kubernetes_pod_disruption_budget_v1")).toEqual({});
  });

  it("creates no Ingress: public routing is a Gateway's route to the Service (AlbGateway), never the service's own", () => {
    expect(resourcesOf(JSON.parse(synth()) as TerraformJson, "kubernetes_ingress_v1")).toEqual({});
  });

  it("GIVEN a role WHEN synthesized THEN the ServiceAccount carries the IRSA annotation and the pods still mount no Kubernetes API token (EKS projects the AWS token separately)", () => {
    const json = synth({ serviceAccountRoleArn: ROLE });
    expect(json).toHaveResourceWithProperties(ServiceAccountV1, {
      metadata: { name: "backend", namespace: "apps", annotations: { "eks.amazonaws.com/role-arn": ROLE } },
    });
    expect(podSpec(json)).toMatchObject({
      automount_service_account_token: false,
      service_account_name: expect.stringMatching(/^\$\{kubernetes_service_account_v1\..*\.metadata\[0\]\.name\}$/),
    });
  });

  it("GIVEN no role WHEN synthesized THEN the pods get no service-account token", () => {
    const json = synth();
    expect(podSpec(json)["automount_service_account_token"]).toBe(false);
    const [account] = Object.values(resourcesOf(JSON.parse(json) as TerraformJson, "kubernetes_service_account_v1"));
    expect((account as { metadata: Record<string, unknown> }).metadata["annotations"]).toBeUndefined();
  });

  it("GIVEN a secret volume WHEN synthesized THEN the SecretProviderClass is mounted read-only through the Secrets Store CSI driver", () => {
    const spec = podSpec(synth({ secretVolume: { secretProviderClass: "backend-secrets", mountPath: "/mnt/secrets" } }));
    expect(spec["volume"]).toContainEqual({
      name: "secrets",
      csi: { driver: "secrets-store.csi.k8s.io", read_only: true, volume_attributes: { secretProviderClass: "backend-secrets" } },
    });
    expect(spec["container"]).toMatchObject([
      { volume_mount: [{ mount_path: "/tmp" }, { name: "secrets", mount_path: "/mnt/secrets", read_only: true }] },
    ]);
  });

  it("GIVEN environment variables WHEN synthesized THEN the container gets them in a stable order", () => {
    expect(synth({ env: { PORT: "8080", LOG_LEVEL: "info" } })).toHaveResourceWithProperties(DeploymentV1, {
      spec: {
        template: {
          spec: {
            container: [
              {
                env: [
                  { name: "LOG_LEVEL", value: "info" },
                  { name: "PORT", value: "8080" },
                ],
              },
            ],
          },
        },
      },
    });
  });

  it("GIVEN dependencies WHEN synthesized THEN every object waits for them", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const first = new ServiceAccountV1(stack, "first", { metadata: { name: "first", namespace: "apps" } });
    new WebService(stack, "web", { ...props, autoscaling: AUTOSCALING, podDisruptionBudget: true, dependsOn: [first] });
    const doc = JSON.parse(Testing.synth(stack)) as TerraformJson;
    for (const type of [
      "kubernetes_deployment_v1",
      "kubernetes_service_v1",
      "kubernetes_horizontal_pod_autoscaler_v2",
      "kubernetes_pod_disruption_budget_v1",
    ]) {
      expect(Object.values(resourcesOf(doc, type))[0]?.["depends_on"]).toEqual(["kubernetes_service_account_v1.first"]);
    }
  });

  it("refuses a name that is not a DNS label", () => {
    expect(() => synth({ name: "Back_end" })).toThrow(
      `Web service "Back_end": the name must be a DNS label (lowercase letters, digits and '-', starting with a letter, at most 63 characters)`,
    );
  });

  it("refuses fewer than one replica", () => {
    expect(() => synth({ replicas: 0 })).toThrow('Web service "backend": replicas must be an integer >= 1, got 0');
  });
});
