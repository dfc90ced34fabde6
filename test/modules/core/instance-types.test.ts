import { describe, expect, it } from "vitest";
import { AURORA_POSTGRESQL_INSTANCE_CLASSES, auroraPostgresInstanceClassProblem } from "../../../modules/core/aurora-instance-classes";
import { EC2_INSTANCE_FAMILIES } from "../../../modules/core/ec2-instance-types";
import { ec2InstanceTypeProblem, isEc2InstanceType } from "../../../modules/core/instance-types";
import { instanceTypesModule } from "../../../scripts/instance-types";

describe("EC2 instance types: the generated table", () => {
  it("GIVEN the types the environments use WHEN checked THEN each exists", () => {
    for (const type of ["m7g.large", "m7i-flex.large", "t4g.micro", "c6gn.16xlarge", "u-6tb1.metal", "m7a.metal-48xl"]) {
      expect({ type, exists: isEc2InstanceType(type) }).toEqual({ type, exists: true });
    }
  });

  it("GIVEN names that look like instance types WHEN checked THEN none exists (m7q: no such family; m7g.medium2: no such size; no dot)", () => {
    for (const type of ["m7q.large", "m7g.medium2", "m7g", "M7G.LARGE", "m7g.large "]) {
      expect({ type, exists: isEc2InstanceType(type) }).toEqual({ type, exists: false });
    }
  });

  it("GIVEN a size its family lacks WHEN refused THEN the message lists the family's sizes", () => {
    expect(ec2InstanceTypeProblem("t4g.metal")).toBe(
      "t4g.metal is not an EC2 instance type (@aws-sdk/client-ec2 3.1178.0 InstanceType enum, generated 2026-12-06): t4g comes in 2xlarge, large, medium, micro, nano, small, xlarge",
    );
  });

  it("the committed table is exactly the InstanceType enum of the installed @aws-sdk/client-ec2 (run npm run instance-types after bumping it)", () => {
    const sdk = require("@aws-sdk/client-ec2") as { readonly _InstanceType: { readonly [key: string]: string } };
    const fromSdk = Object.values(sdk._InstanceType).sort();
    const committed = Object.entries(EC2_INSTANCE_FAMILIES)
      .flatMap(([family, sizes]) => sizes.split(" ").map((size) => `${family}.${size}`))
      .sort();
    expect(committed).toEqual(fromSdk);
    expect(committed.length).toBeGreaterThan(1000);
  });

  it("the generator groups sizes by family and names its source and day", () => {
    const text = instanceTypesModule(["m7g.xlarge", "m7g.large", "a1.medium"], "9.9.9", "2030-01-02");
    expect(text).toContain('export const EC2_INSTANCE_TYPES_SOURCE = "@aws-sdk/client-ec2 9.9.9 InstanceType enum, generated 2030-01-02";');
    expect(text).toContain('  "a1": "medium",\n  "m7g": "large xlarge",\n');
  });
});

describe("Aurora PostgreSQL instance classes per engine major", () => {
  it("GIVEN db.t2.micro WHEN checked on Aurora PostgreSQL 16 THEN refused with the families the engine offers", () => {
    expect(auroraPostgresInstanceClassProblem("db.t2.micro", "16")).toBe(
      "db.t2.micro is not an instance class of Aurora PostgreSQL 16: its families are r5, r6g, r6gd, r6i, r6id, r7g, r7i, r8g, r8gd, x2g, t3, t4g (modules/core/aurora-instance-classes.ts: AWS price list via cfn-lint 2026-07-18, Aurora User Guide Supported DB engines for DB instance classes)",
    );
  });

  it("GIVEN the classes the environments and the guide's examples use WHEN checked on 16 and 16.6 THEN accepted", () => {
    for (const [instanceClass, version] of [
      ["db.r7g.large", "16"],
      ["db.r6g.xlarge", "16.6"],
      ["db.t4g.medium", "16"],
      ["db.r8g.2xlarge", "17"],
    ] as const) {
      expect({ instanceClass, version, problem: auroraPostgresInstanceClassProblem(instanceClass, version) }).toEqual({
        instanceClass,
        version,
        problem: undefined,
      });
    }
  });

  it("GIVEN a size its family lacks on the engine (db.t4g.small, db.t3.micro) WHEN checked THEN the message lists the family's sizes", () => {
    expect(auroraPostgresInstanceClassProblem("db.t4g.small", "16")).toMatch(
      /^db\.t4g\.small is not an instance class of Aurora PostgreSQL 16: db\.t4g comes in medium, large, xlarge, 2xlarge \(/,
    );
    expect(auroraPostgresInstanceClassProblem("db.t3.micro", "15")).toMatch(
      /^db\.t3\.micro is not an instance class of Aurora PostgreSQL 15: db\.t3 comes in medium, large, xlarge, 2xlarge \(/,
    );
  });

  it("GIVEN a class the guide lists from a later major (db.r7g from 13, db.r6i from 12) WHEN checked on an earlier one THEN refused", () => {
    expect(auroraPostgresInstanceClassProblem("db.r7g.large", "12")).toMatch(
      /^db\.r7g\.large is not an instance class of Aurora PostgreSQL 12: /,
    );
    expect(auroraPostgresInstanceClassProblem("db.r6i.large", "11.9")).toMatch(
      /^db\.r6i\.large is not an instance class of Aurora PostgreSQL 11: /,
    );
    expect(auroraPostgresInstanceClassProblem("db.r7g.large", "13")).toBeUndefined();
  });

  it("GIVEN a major the table does not cover WHEN checked THEN refused, naming the majors it covers", () => {
    expect(auroraPostgresInstanceClassProblem("db.r7g.large", "10")).toBe(
      "Aurora PostgreSQL 10 has no instance class table (covers 11, 12, 13, 14, 15, 16, 17, 18; modules/core/aurora-instance-classes.ts: AWS price list via cfn-lint 2026-07-18, Aurora User Guide Supported DB engines for DB instance classes)",
    );
  });

  it("every major of the table offers a memory-optimized Graviton class and no previous-generation one (r3, r4, t2)", () => {
    for (const [major, classes] of Object.entries(AURORA_POSTGRESQL_INSTANCE_CLASSES)) {
      expect({ major, r6g: classes.includes("db.r6g.large") }).toEqual({ major, r6g: true });
      expect({ major, legacy: classes.filter((c) => /^db\.(r3|r4|t2)\./.test(c)) }).toEqual({ major, legacy: [] });
    }
  });
});
