import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { describe, expect, it } from "vitest";
import { ExternalDns, type ExternalDnsProps, type ExternalDnsValues } from "./external-dns";
import { releaseOf, valuesOf, NAMESPACE_REFERENCE, synth } from "../../../test/support/helm-release";

describe("ExternalDns", () => {
  const ROLE = "arn:aws:iam::123456789012:role/dev-external-dns";
  const props: ExternalDnsProps = {
    chartVersion: "1.21.1",
    roleArn: ROLE,
    domain: "dev.example.com",
    hostedZoneId: "Z0123456789ABCDEFGHIJ",
    txtOwnerId: "dev",
    region: "eu-west-1",
  };
  const build = (overrides: Partial<ExternalDnsProps> = {}) => synth((scope) => new ExternalDns(scope, "dns", { ...props, ...overrides }));

  it("manages only the given domain in the given hosted zone, upsert-only with TXT ownership", () => {
    expect(valuesOf<ExternalDnsValues>(build(), "external-dns")).toMatchObject({
      provider: { name: "aws" },
      domainFilters: ["dev.example.com"],
      extraArgs: ["--zone-id-filter=Z0123456789ABCDEFGHIJ"],
      policy: "upsert-only",
      registry: "txt",
      txtOwnerId: "dev",
      sources: ["gateway-httproute", "service"],
      env: [{ name: "AWS_DEFAULT_REGION", value: "eu-west-1" }],
    });
  });

  it("creates the service account its IAM role trusts, annotated with the role, in a restricted namespace", () => {
    const json = build();
    expect(valuesOf<ExternalDnsValues>(json, "external-dns").serviceAccount).toEqual({
      create: true,
      name: "external-dns",
      annotations: { "eks.amazonaws.com/role-arn": ROLE },
    });
    expect(json).toHaveResourceWithProperties(NamespaceV1, {
      metadata: { name: "external-dns", labels: { "pod-security.kubernetes.io/enforce": "restricted" } },
    });
    expect(releaseOf(json, "external-dns").namespace).toEqual(NAMESPACE_REFERENCE);
  });

  it("runs as non-root with a read-only root filesystem and no capabilities", () => {
    expect(valuesOf<ExternalDnsValues>(build(), "external-dns").securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
  });

  it("refuses a hosted zone id that is not one", () => {
    expect(() => build({ hostedZoneId: "dev.example.com" })).toThrow(
      'external-dns: hostedZoneId "dev.example.com" is not a Route 53 hosted zone id',
    );
  });
});
