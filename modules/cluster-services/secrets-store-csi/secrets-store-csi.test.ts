import { describe, expect, it } from "vitest";
import { SecretsStoreCsi, type SecretsStoreCsiDriverValues, type SecretsStoreCsiProviderAwsValues } from "./secrets-store-csi";
import { releaseOf, valuesOf, RELEASE_REFERENCE, synth } from "../../../test/support/helm-release";

describe("SecretsStoreCsi", () => {
  const build = () =>
    synth(
      (scope) =>
        new SecretsStoreCsi(scope, "secrets", {
          driverChartVersion: "1.6.0",
          providerChartVersion: "3.1.1",
        }),
    );

  it("GIVEN the driver WHEN synthesized THEN it syncs the classes' secretObjects to Kubernetes Secrets (Grafana's admin Secret) and rotates every 2 minutes", () => {
    expect(valuesOf<SecretsStoreCsiDriverValues>(build(), "secrets-store-csi-driver")).toMatchObject({
      syncSecret: { enabled: true },
      enableSecretRotation: true,
      rotationPollInterval: "2m",
    });
  });

  it("installs the pinned driver and AWS provider in kube-system, the provider after the driver", () => {
    const json = build();
    expect(releaseOf(json, "secrets-store-csi-driver")).toMatchObject({ namespace: "kube-system", version: "1.6.0" });
    expect(releaseOf(json, "secrets-store-csi-driver-provider-aws")).toMatchObject({
      namespace: "kube-system",
      version: "3.1.1",
      depends_on: [RELEASE_REFERENCE],
    });
  });

  it("GIVEN the provider chart 2.0+ that bundles a driver THEN only our driver release installs one, with the tokens the provider reads", () => {
    const json = build();
    expect(valuesOf<SecretsStoreCsiProviderAwsValues>(json, "secrets-store-csi-driver-provider-aws")["secrets-store-csi-driver"]).toEqual({
      install: false,
    });
    expect(valuesOf<SecretsStoreCsiDriverValues>(json, "secrets-store-csi-driver").tokenRequests).toEqual([
      { audience: "sts.amazonaws.com" },
      { audience: "pods.eks.amazonaws.com" },
    ]);
  });

  it("runs both daemons on every node, tainted or not", () => {
    const json = build();
    expect(valuesOf<SecretsStoreCsiDriverValues>(json, "secrets-store-csi-driver").linux.tolerations).toEqual([{ operator: "Exists" }]);
    expect(valuesOf<SecretsStoreCsiProviderAwsValues>(json, "secrets-store-csi-driver-provider-aws").tolerations).toEqual([
      { operator: "Exists" },
    ]);
  });
});
