import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { lifecycleFailed, lifecycleLine, newCounts } from "../../e2e/lifecycle";
import { residue } from "../../e2e/lifecycle/residue";
import { previousRelease, upgradeVerdict } from "../../e2e/lifecycle/upgrade";
import type { PlannedChange } from "../../e2e/lifecycle/terraform";

/** The verdicts of the end-to-end lifecycle phases, on plans and inventories written here. */

const change = (address: string, ...actions: string[]): PlannedChange => ({
  address,
  type: address.slice(0, address.indexOf(".")),
  change: { actions },
});

describe("upgrade verdict", () => {
  it("GIVEN a plan that replaces the database WHEN judged THEN the database is named as stateful and lost", () => {
    const verdict = upgradeVerdict({ resource_changes: [change("aws_rds_cluster.database_cluster_FAF2FB92", "delete", "create")] });
    expect(verdict.statefulLost).toEqual(["aws_rds_cluster.database_cluster_FAF2FB92 (delete/create)"]);
  });

  it("GIVEN a plan that deletes a security group rule WHEN judged THEN nothing stateful is lost, and the deletion is listed", () => {
    const verdict = upgradeVerdict({ resource_changes: [change("aws_vpc_security_group_ingress_rule.x", "delete")] });
    expect(verdict.statefulLost).toEqual([]);
    expect(verdict.deleted).toEqual(["aws_vpc_security_group_ingress_rule.x"]);
  });

  it("GIVEN a plan that creates a singleton the account layer should import WHEN judged THEN it is named", () => {
    const verdict = upgradeVerdict({ resource_changes: [change("aws_iam_openid_connect_provider.ci_github-oidc_1184DECD", "create")] }, [
      "aws_iam_openid_connect_provider.ci_github-oidc_1184DECD",
    ]);
    expect(verdict.importedButCreated).toEqual(["aws_iam_openid_connect_provider.ci_github-oidc_1184DECD"]);
  });

  it("GIVEN a plan that forgets the singletons (removed, destroy = false) and updates in place WHEN judged THEN nothing is lost", () => {
    const verdict = upgradeVerdict({
      resource_changes: [
        change("aws_s3_bucket.account-baseline_audit-bucket_private-bucket_8FC5DD5E", "forget"),
        change("aws_iam_role.x", "update"),
      ],
    });
    expect(verdict).toMatchObject({ statefulLost: [], deleted: [], changed: 2 });
  });
});

describe("residue", () => {
  it("GIVEN a security group listed after a teardown and not before the birth WHEN compared THEN the residue names it", () => {
    expect(
      residue(
        { "ec2:security-group": ["sg-default"], "kms:key": ["k1"] },
        { "ec2:security-group": ["sg-default", "sg-k8s"], "kms:key": ["k1"] },
      ),
    ).toEqual({
      "ec2:security-group": ["sg-k8s"],
    });
  });

  it("GIVEN only what was there before the birth WHEN compared THEN there is no residue", () => {
    expect(residue({ "ec2:vpc": ["vpc-default", "vpc-dev"] }, { "ec2:vpc": ["vpc-default"] })).toEqual({});
  });
});

describe("the lifecycle's last line", () => {
  it("GIVEN counts WHEN printed THEN the line counts upgrades, teardowns, re-creates and drift detections", () => {
    const counts = { ...newCounts(), upgrades: 4, teardowns: 2, recreates: 1, driftDetections: 2 };
    expect(lifecycleLine(counts)).toBe(
      "e2e lifecycle: 4 upgrades, 2 teardowns, 1 re-creates, 2 drift detections; 0 stateful replacements, 0 residue, 0 failed re-creates, 0 missed drift, 0 other failures",
    );
    expect(lifecycleFailed(counts)).toBe(false);
  });

  it.each([
    ["statefulReplacements", "platform-dev: aws_rds_cluster.x (delete/create)"],
    ["residue", "ec2.SecurityGroup +1"],
    ["failedRecreates", "dev: KMS alias exists"],
    ["missedDrift", "network-dev: exit 0"],
  ] as const)("GIVEN one entry in %s WHEN judged THEN the run fails", (field, entry) => {
    expect(lifecycleFailed({ ...newCounts(), [field]: [entry] })).toBe(true);
  });
});

describe("the previous release an upgrade starts from", () => {
  const repo = (): { dir: string; commit: (message: string) => string } => {
    const dir = mkdtempSync(path.join(tmpdir(), "previous-release-"));
    const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim();
    git("init", "-q", "-b", "main");
    git("config", "user.email", "test@example.invalid");
    git("config", "user.name", "test");
    return {
      dir,
      commit: (message) => {
        git("commit", "-q", "--allow-empty", "-m", message);
        return git("rev-parse", "HEAD");
      },
    };
  };

  it("GIVEN a branch two commits ahead of main WHEN asked THEN the release is their merge base", () => {
    const { dir, commit } = repo();
    const base = commit("on main");
    execFileSync("git", ["checkout", "-q", "-b", "feature"], { cwd: dir });
    commit("feature 1");
    commit("feature 2");
    expect(previousRelease(dir, {})).toEqual({ ref: base });
  });

  it("GIVEN main itself checked out WHEN asked THEN the release is the commit before HEAD, not a skip", () => {
    const { dir, commit } = repo();
    const before = commit("release 1");
    commit("release 2");
    expect(previousRelease(dir, {})).toEqual({ ref: before });
  });

  it("GIVEN a single commit and no request to skip WHEN asked THEN it refuses, naming how to proceed", () => {
    const { dir, commit } = repo();
    commit("only");
    expect(() => previousRelease(dir, {})).toThrow(/no previous release.*E2E_PREVIOUS_REF/);
  });

  it("GIVEN E2E_PREVIOUS_REF=none WHEN asked THEN the step is skipped with that reason", () => {
    const { dir, commit } = repo();
    commit("only");
    expect(previousRelease(dir, { E2E_PREVIOUS_REF: "none" })).toEqual({ skipped: "E2E_PREVIOUS_REF=none" });
  });

  it("GIVEN E2E_PREVIOUS_REF naming no commit WHEN asked THEN it refuses, naming the ref", () => {
    const { dir, commit } = repo();
    commit("only");
    expect(() => previousRelease(dir, { E2E_PREVIOUS_REF: "v0.0.0-nosuch" })).toThrow(/E2E_PREVIOUS_REF=v0.0.0-nosuch is not a commit/);
  });
});
