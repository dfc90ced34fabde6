import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { AWS_REGION_ZONES } from "../environments/aws-regions";
import { CROSS_ENVIRONMENT_RULES } from "../environments/cross-environment-rules";
import {
  EnvironmentConfigError,
  UnknownEnvironmentError,
  environmentsDir,
  loadEnvironmentFile,
  loadEnvironments,
  loadSelectedEnvironments,
  parseEnvironment,
  type ConfigProblem,
} from "../environments/load";
import { scan } from "../environments/yaml-syntax";
import { ROOT, testTmp } from "./support/paths";

/**
 * The mistakes a platform team makes on a normal day, each refused at load time with the file, the
 * line and the path. Every bad file here is the minimal valid fixture
 * (test/fixtures/environments/valid/minimal.yaml) with a few whole lines replaced. The lines are
 * found by a text search for their key (below), not by the loader, so a field added to the
 * fixture does not shift what these tests expect.
 */
const MINIMAL = readFileSync(path.join(__dirname, "fixtures/environments/valid/minimal.yaml"), "utf8");

/** 1-based line of the first line of `text` that matches. */
function lineMatching(text: string, pattern: RegExp): number {
  const index = text.split("\n").findIndex((line) => pattern.test(line));
  if (index < 0) throw new Error(`no line matches ${pattern}`);
  return index + 1;
}

/** Lines of the minimal fixture, by what they hold. */
const LINE = {
  account: lineMatching(MINIMAL, /^account:/),
  id: lineMatching(MINIMAL, /^ {2}id:/),
  region: lineMatching(MINIMAL, /^ {2}region:/),
  zones: lineMatching(MINIMAL, /^ {2}availabilityZones:/),
  owns: lineMatching(MINIMAL, /^ {2}ownsAccountSingletons:/),
  bucket: lineMatching(MINIMAL, /^ {2}bucket:/),
  vpcCidr: lineMatching(MINIMAL, /^ {2}vpcCidr:/),
  domain: lineMatching(MINIMAL, /^ {2}domain:/),
  hostedZoneId: lineMatching(MINIMAL, /^ {2}hostedZoneId:/),
  instanceTypes: lineMatching(MINIMAL, /^ {6}instanceTypes:/),
  frontendHost: lineMatching(MINIMAL, /^ {2}frontendHost:/),
  certificateArn: lineMatching(MINIMAL, /^ {2}certificateArn:/),
} as const;

/** The minimal file with whole lines replaced (1-based line number to the new line). */
function minimal(edits: Readonly<Record<number, string>> = {}): string {
  const lines = MINIMAL.split("\n");
  for (const [line, text] of Object.entries(edits)) lines[Number(line) - 1] = text;
  return lines.join("\n");
}

/** The minimal file's certificate id with its last digits replaced by `n`: another certificate of the account. */
const certificateOf = (account: string, n: number) =>
  `  certificateArn: arn:aws:acm:eu-west-1:${account}:certificate/00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

/** Lines that make a second environment of the same account distinct from the minimal file: its own VPC, domain, zone, host and certificate; no singletons. */
function distinct(n: number): Record<number, string> {
  return {
    [LINE.certificateArn]: certificateOf(ACCOUNT, n),
    [LINE.owns]: "  ownsAccountSingletons: false",
    [LINE.vpcCidr]: `  vpcCidr: 10.${n}.0.0/16`,
    [LINE.domain]: `  domain: env${n}.acme.example`,
    [LINE.hostedZoneId]: `  hostedZoneId: Z0ENV${n}ACME000000001`,
    [LINE.frontendHost]: `  frontendHost: app.env${n}.acme.example`,
  };
}

/** Writes the files into a fresh folder of this run; returns the folder as messages name it (relative to the working directory). */
function folder(files: Readonly<Record<string, string>>): string {
  const base = path.join(testTmp(), "mistakes");
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(path.join(base, "case-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return path.relative(process.cwd(), dir);
}

/** The problems reported; fails when the input loads. */
function problemsOf(load: () => unknown): readonly ConfigProblem[] {
  try {
    load();
  } catch (error) {
    if (error instanceof EnvironmentConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected an EnvironmentConfigError, but it loaded");
}

const ACCOUNT = "123456789012";
const SINGLETONS = "(GitHub OIDC provider, GuardDuty, CloudTrail, AWS Config)";

describe("a region or zone that does not exist", () => {
  it.each([
    ["a misspelt region", "eu-westt-1"],
    ["a region number that does not exist", "eu-west-9"],
  ])("GIVEN %s (%s) WHEN loaded THEN the region line is blamed, not the zones", (_, region) => {
    const problems = problemsOf(() => parseEnvironment(minimal({ [LINE.region]: `  region: ${region}` }), "env.yaml", "env"));

    expect(problems).toEqual([
      {
        file: "env.yaml",
        line: LINE.region,
        path: "account.region",
        message: `${region} is not an AWS region: environments/aws-regions.ts lists them (eu-west-1, us-east-1, ...)`,
      },
    ]);
  });

  it("GIVEN eu-west-1d, a zone eu-west-1 does not have, WHEN loaded THEN that zone is refused and the region's zones are named", () => {
    const problems = problemsOf(() =>
      parseEnvironment(minimal({ [LINE.zones]: "  availabilityZones: [eu-west-1a, eu-west-1b, eu-west-1d]" }), "env.yaml", "env"),
    );

    expect(problems).toEqual([
      {
        file: "env.yaml",
        line: LINE.zones,
        path: "account.availabilityZones[2]",
        message: "eu-west-1d is not an availability zone of eu-west-1 (it has eu-west-1a, eu-west-1b, eu-west-1c)",
      },
    ]);
  });

  it("GIVEN the zones of another known region (us-east-1f) WHEN loaded in us-east-1 THEN they load", () => {
    const text = minimal({
      [LINE.region]: "  region: us-east-1",
      [LINE.zones]: "  availabilityZones: [us-east-1a, us-east-1d, us-east-1f]",
      [LINE.certificateArn]: `  certificateArn: arn:aws:acm:us-east-1:${ACCOUNT}:certificate/00000000-0000-4000-8000-000000000000`,
    });

    expect(parseEnvironment(text, "env.yaml", "env").account.availabilityZones).toEqual(["us-east-1a", "us-east-1d", "us-east-1f"]);
  });

  it("the region table holds the commercial regions with their zone letters, as the source beside it says", () => {
    // A few facts checked by hand against botocore's endpoints.json and moto's zone table.
    expect(AWS_REGION_ZONES["eu-west-1"]).toEqual(["a", "b", "c"]);
    expect(AWS_REGION_ZONES["us-east-1"]).toEqual(["a", "b", "c", "d", "e", "f"]);
    expect(AWS_REGION_ZONES["ca-central-1"]).toEqual(["a", "b", "d"]);
    expect(AWS_REGION_ZONES["eu-west-9"]).toBeUndefined();
  });
});

describe("a YAML syntax error", () => {
  it.each([
    {
      given: "a key indented one space deeper than its siblings (the block's first key)",
      edits: { [LINE.id]: '   id: "123456789012"' },
      line: LINE.id,
      column: 4,
      message: "indented by 3 where the rest of its block is indented by 2",
    },
    {
      given: "a key indented one space less than its siblings",
      edits: { [LINE.region]: " region: eu-west-1" },
      line: LINE.region,
      column: 2,
      message: "indented by 1 where its block is indented by 2",
    },
    {
      given: "a key indented two spaces deeper after a key with a value",
      edits: { [LINE.zones]: "    availabilityZones: [eu-west-1a, eu-west-1b, eu-west-1c]" },
      line: LINE.zones,
      column: 5,
      message: "indented by 4 where its block is indented by 2",
    },
    {
      given: "a list item's key indented one space too deep",
      edits: { [LINE.instanceTypes]: "       instanceTypes: [m7g.large]" },
      line: LINE.instanceTypes,
      column: 8,
      message: "indented by 7 where its block is indented by 6",
    },
    {
      given: "a flow sequence never closed",
      edits: { [LINE.zones]: "  availabilityZones: [eu-west-1a, eu-west-1b, eu-west-1c" },
      line: LINE.zones,
      column: 22,
      message: 'flow sequence "[" opened here is never closed with "]"',
    },
    {
      given: "a quote never closed",
      edits: { [LINE.id]: '  id: "123456789012' },
      line: LINE.id,
      column: 7,
      message: "quoted value opened here is not closed on its line",
    },
    {
      given: "a tab in the indentation",
      edits: { [LINE.region]: "\tregion: eu-west-1" },
      line: LINE.region,
      column: 1,
      message: "tab in the indentation: YAML indents with spaces only",
    },
    {
      given: "a key without its colon",
      edits: { [LINE.account]: "account" },
      line: LINE.account,
      column: 1,
      message: '"account" is neither a key: value pair nor a list item (a missing ":"?)',
    },
  ])("GIVEN $given WHEN loaded THEN it is reported at line $line, column $column", ({ edits, line, column, message }) => {
    const problems = problemsOf(() => parseEnvironment(minimal(edits), "env.yaml", "env"));

    expect(problems).toEqual([{ file: "env.yaml", line, column, path: "", message: `YAML syntax: ${message}` }]);
  });
});

describe("mistakes across environment files", () => {
  it("GIVEN two environments of one account that both own its singletons WHEN loaded THEN both files are blamed, each naming the other", () => {
    const dir = folder({ "dev.yaml": minimal(), "qa.yaml": minimal({ ...distinct(1), [LINE.owns]: "  ownsAccountSingletons: true" }) });

    expect(problemsOf(() => loadEnvironments(dir))).toEqual([
      {
        file: `${dir}/dev.yaml`,
        line: LINE.owns,
        path: "account.ownsAccountSingletons",
        message: `account ${ACCOUNT}'s singletons ${SINGLETONS} are owned by qa (${dir}/qa.yaml:${LINE.owns}) too: exactly one environment of an account creates them, the others look them up`,
      },
      {
        file: `${dir}/qa.yaml`,
        line: LINE.owns,
        path: "account.ownsAccountSingletons",
        message: `account ${ACCOUNT}'s singletons ${SINGLETONS} are owned by dev (${dir}/dev.yaml:${LINE.owns}) too: exactly one environment of an account creates them, the others look them up`,
      },
    ]);
  });

  it("GIVEN an account none of whose environments owns the singletons WHEN loaded THEN each is told to pick one", () => {
    const dir = folder({ "dev.yaml": minimal({ [LINE.owns]: "  ownsAccountSingletons: false" }), "qa.yaml": minimal(distinct(1)) });
    const message = `no environment of account ${ACCOUNT} owns its singletons ${SINGLETONS}: set true in exactly one of dev, qa; the others look them up`;

    expect(problemsOf(() => loadEnvironments(dir))).toEqual([
      { file: `${dir}/dev.yaml`, line: LINE.owns, path: "account.ownsAccountSingletons", message },
      { file: `${dir}/qa.yaml`, line: LINE.owns, path: "account.ownsAccountSingletons", message },
    ]);
  });

  it("GIVEN environments of one account naming different state buckets WHEN loaded THEN the odd one is told the account's bucket", () => {
    const dir = folder({
      "dev.yaml": minimal(),
      "qa.yaml": minimal({ ...distinct(1), [LINE.bucket]: "  bucket: acme-qa-terraform-state" }),
    });

    expect(problemsOf(() => loadEnvironments(dir))).toEqual([
      {
        file: `${dir}/qa.yaml`,
        line: LINE.bucket,
        path: "state.bucket",
        message: `account ${ACCOUNT} keeps its state in acme-test-terraform-state (dev (${dir}/dev.yaml:${LINE.bucket})): environments of one account share the one state bucket the bootstrap creates`,
      },
    ]);
  });

  it("GIVEN one state bucket named in two accounts WHEN loaded THEN both files are blamed", () => {
    const dir = folder({
      "dev.yaml": minimal(),
      "qa.yaml": minimal({
        ...distinct(1),
        [LINE.id]: '  id: "210987654321"',
        [LINE.owns]: "  ownsAccountSingletons: true",
        [LINE.certificateArn]: certificateOf("210987654321", 1),
      }),
    });
    const says = (account: string, other: string) =>
      `state bucket acme-test-terraform-state is named in account ${account} here and in another account by ${other}: a bucket name is global and lives in one account`;

    expect(problemsOf(() => loadEnvironments(dir))).toEqual([
      { file: `${dir}/dev.yaml`, line: LINE.bucket, path: "state.bucket", message: says(ACCOUNT, `qa (${dir}/qa.yaml:${LINE.bucket})`) },
      {
        file: `${dir}/qa.yaml`,
        line: LINE.bucket,
        path: "state.bucket",
        message: says("210987654321", `dev (${dir}/dev.yaml:${LINE.bucket})`),
      },
    ]);
  });

  it("GIVEN two environments of one account with the same VPC CIDR WHEN loaded THEN both are blamed", () => {
    const dir = folder({ "dev.yaml": minimal(), "qa.yaml": minimal({ ...distinct(1), [LINE.vpcCidr]: "  vpcCidr: 10.0.0.0/16" }) });
    const says = (other: string) =>
      `10.0.0.0/16 is also ${other}'s network.vpcCidr 10.0.0.0/16 (${dir}/${other}.yaml:${LINE.vpcCidr}) in account ${ACCOUNT}: each environment of an account needs its own range`;

    expect(problemsOf(() => loadEnvironments(dir))).toEqual([
      { file: `${dir}/dev.yaml`, line: LINE.vpcCidr, path: "network.vpcCidr", message: says("qa") },
      { file: `${dir}/qa.yaml`, line: LINE.vpcCidr, path: "network.vpcCidr", message: says("dev") },
    ]);
  });

  it("GIVEN two environments of one account with overlapping VPC CIDRs WHEN loaded THEN both are blamed", () => {
    const dir = folder({ "dev.yaml": minimal(), "qa.yaml": minimal({ ...distinct(1), [LINE.vpcCidr]: "  vpcCidr: 10.0.128.0/17" }) });

    expect(problemsOf(() => loadEnvironments(dir))).toEqual([
      {
        file: `${dir}/dev.yaml`,
        line: LINE.vpcCidr,
        path: "network.vpcCidr",
        message: `10.0.0.0/16 overlaps qa's network.vpcCidr 10.0.128.0/17 (${dir}/qa.yaml:${LINE.vpcCidr}) in account ${ACCOUNT}: VPCs of one account must not overlap, or they cannot be peered or routed to each other`,
      },
      {
        file: `${dir}/qa.yaml`,
        line: LINE.vpcCidr,
        path: "network.vpcCidr",
        message: `10.0.128.0/17 overlaps dev's network.vpcCidr 10.0.0.0/16 (${dir}/dev.yaml:${LINE.vpcCidr}) in account ${ACCOUNT}: VPCs of one account must not overlap, or they cannot be peered or routed to each other`,
      },
    ]);
  });

  it("GIVEN the same VPC CIDR in two different accounts WHEN loaded THEN they load (the rule is per account)", () => {
    const dir = folder({
      "dev.yaml": minimal(),
      "qa.yaml": minimal({
        ...distinct(1),
        [LINE.id]: '  id: "210987654321"',
        [LINE.owns]: "  ownsAccountSingletons: true",
        [LINE.certificateArn]: certificateOf("210987654321", 1),
        [LINE.bucket]: "  bucket: acme-qa-terraform-state",
        [LINE.vpcCidr]: "  vpcCidr: 10.0.0.0/16",
      }),
    });

    expect(loadEnvironments(dir).map((env) => env.name)).toEqual(["dev", "qa"]);
  });

  it.each([
    {
      what: "domain",
      line: LINE.domain,
      path: "dns.domain",
      edits: { [LINE.domain]: "  domain: test.acme.example", [LINE.frontendHost]: "  frontendHost: qa.test.acme.example" },
      value: "test.acme.example",
      says: "also the domain of",
      why: "two environments' external-dns would fight over its records",
    },
    {
      what: "hosted zone",
      line: LINE.hostedZoneId,
      path: "dns.hostedZoneId",
      edits: { [LINE.hostedZoneId]: "  hostedZoneId: Z0TESTACME000000001" },
      value: "Z0TESTACME000000001",
      says: "also the hosted zone of",
      why: "each environment manages its own zone",
    },
    {
      what: "frontend host",
      line: LINE.frontendHost,
      path: "workloads.frontendHost",
      edits: { [LINE.domain]: "  domain: acme.example", [LINE.frontendHost]: "  frontendHost: app.test.acme.example" },
      value: "app.test.acme.example",
      says: "also the frontend host of",
      why: "one name points at one load balancer",
    },
  ])(
    "GIVEN two environments with the same $what WHEN loaded THEN both are blamed at line $line",
    ({ line, path: at, edits, value, says, why }) => {
      const dir = folder({ "dev.yaml": minimal(), "qa.yaml": minimal({ ...distinct(1), ...edits }) });

      expect(problemsOf(() => loadEnvironments(dir))).toEqual([
        { file: `${dir}/dev.yaml`, line, path: at, message: `${value} is ${says} qa (${dir}/qa.yaml:${line}): ${why}` },
        { file: `${dir}/qa.yaml`, line, path: at, message: `${value} is ${says} dev (${dir}/dev.yaml:${line}): ${why}` },
      ]);
    },
  );

  describe("one certificate in two environments", () => {
    const CERTIFICATE = "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000000";
    const covers = (...names: string[]) => `  certificateCovers: [${names.join(", ")}]`;
    /** qa: its own VPC, domain, zone and host (app.env1.acme.example), dev's certificate; `covers` goes on the line after it. */
    const qaWithDevsCertificate = (qaCovers?: string) =>
      minimal({
        ...distinct(1),
        [LINE.certificateArn]: `  certificateArn: ${CERTIFICATE}${qaCovers === undefined ? "" : `\n${qaCovers}`}`,
      });
    const devCovering = (devCovers: string) => minimal({ [LINE.certificateArn]: `  certificateArn: ${CERTIFICATE}\n${devCovers}` });

    it("GIVEN qa copied from dev with its own host but dev's certificate WHEN loaded THEN both files are blamed on certificateArn, each naming the other's line and host", () => {
      const dir = folder({ "dev.yaml": minimal(), "qa.yaml": qaWithDevsCertificate() });
      const says = (self: string, selfHost: string, other: string, otherHost: string) =>
        `${CERTIFICATE} is also the certificate of ${other} (${dir}/${other}.yaml:${LINE.certificateArn}), serving ${other}'s host ${otherHost}, and this file does not say the certificate covers that host (workloads.certificateCovers): give ${self} a certificate of its own for ${selfHost}, or, if this one is issued for both hosts, list its names in workloads.certificateCovers of every file that uses it`;

      expect(problemsOf(() => loadEnvironments(dir))).toEqual([
        {
          file: `${dir}/dev.yaml`,
          line: LINE.certificateArn,
          path: "workloads.certificateArn",
          message: says("dev", "app.test.acme.example", "qa", "app.env1.acme.example"),
        },
        {
          file: `${dir}/qa.yaml`,
          line: LINE.certificateArn,
          path: "workloads.certificateArn",
          message: says("qa", "app.env1.acme.example", "dev", "app.test.acme.example"),
        },
      ]);
    });

    it("GIVEN only qa says the certificate covers both hosts WHEN loaded THEN dev, which does not say so, is still refused", () => {
      const dir = folder({
        "dev.yaml": minimal(),
        "qa.yaml": qaWithDevsCertificate(covers("app.env1.acme.example", "app.test.acme.example")),
      });

      expect(problemsOf(() => loadEnvironments(dir)).map((problem) => [problem.file, problem.path])).toEqual([
        [`${dir}/dev.yaml`, "workloads.certificateArn"],
      ]);
    });

    it("GIVEN both files say the certificate covers both hosts (names or a wildcard) WHEN loaded THEN they load", () => {
      const dir = folder({
        "dev.yaml": devCovering(covers("app.test.acme.example", "app.env1.acme.example")),
        "qa.yaml": qaWithDevsCertificate(covers('"*.env1.acme.example"', "app.test.acme.example")),
      });

      expect(loadEnvironments(dir).map((env) => env.name)).toEqual(["dev", "qa"]);
    });

    it("GIVEN a wildcard one label too short (*.acme.example for app.env1.acme.example) WHEN loaded THEN the file is told its names miss its own host", () => {
      const problems = problemsOf(() =>
        parseEnvironment(
          minimal({ [LINE.certificateArn]: `  certificateArn: ${CERTIFICATE}\n${covers('"*.acme.example"')}` }),
          "env.yaml",
          "env",
        ),
      );

      expect(problems).toEqual([
        {
          file: "env.yaml",
          line: LINE.certificateArn + 1,
          path: "workloads.certificateCovers",
          message: "must cover workloads.frontendHost (app.test.acme.example): the load balancer serves that host with this certificate",
        },
      ]);
    });
  });

  it("GIVEN a certificate of another account (a file copied across accounts) WHEN loaded THEN certificateArn is refused", () => {
    const problems = problemsOf(() =>
      parseEnvironment(minimal({ [LINE.certificateArn]: certificateOf("210987654321", 0) }), "env.yaml", "env"),
    );

    expect(problems).toEqual([
      {
        file: "env.yaml",
        line: LINE.certificateArn,
        path: "workloads.certificateArn",
        message: `must be a certificate of account ${ACCOUNT} (account.id): the load balancer uses certificates of its own account`,
      },
    ]);
  });

  it("GIVEN environment names where one prefixes the other (qa and qa-eu) WHEN loaded THEN both files are blamed, naming the other", () => {
    const dir = folder({ "dev.yaml": minimal(), "qa.yaml": minimal(distinct(1)), "qa-eu.yaml": minimal(distinct(2)) });

    expect(problemsOf(() => loadEnvironments(dir)).filter((problem) => problem.message.includes("environment name"))).toEqual([
      {
        file: `${dir}/qa-eu.yaml`,
        line: 1,
        path: "",
        message: `environment name qa-eu starts with qa (${dir}/qa.yaml:1) and a hyphen: IAM patterns such as role/qa-* would reach this environment's resources; rename one`,
      },
      {
        file: `${dir}/qa.yaml`,
        line: 1,
        path: "",
        message: `environment name qa prefixes qa-eu (${dir}/qa-eu.yaml:1): IAM patterns such as role/qa-* would reach its resources too; rename one`,
      },
    ]);
  });

  it("GIVEN two files for one environment (qa.yaml and qa.yml) WHEN loaded THEN both say so", () => {
    const dir = folder({ "dev.yaml": minimal(), "qa.yaml": minimal(distinct(1)), "qa.yml": minimal(distinct(2)) });

    expect(problemsOf(() => loadEnvironments(dir))).toEqual([
      {
        file: `${dir}/qa.yaml`,
        line: 1,
        path: "",
        message: `environment qa is also defined by qa (${dir}/qa.yml:1): one file per environment`,
      },
      {
        file: `${dir}/qa.yml`,
        line: 1,
        path: "",
        message: `environment qa is also defined by qa (${dir}/qa.yaml:1): one file per environment`,
      },
    ]);
  });

  it("GIVEN two environments of one account creating the same image repository WHEN checked THEN both are blamed (the <env>/ prefix keeps real files apart)", () => {
    // Repository names are `<env>/<name>`, so only two environments of one name collide; the rule checks the names that are created.
    const one = loadEnvironmentFile(path.join(__dirname, "fixtures/environments/valid/minimal.yaml"));
    const two = { ...one, ecr: { repositories: [...one.ecr.repositories] } };
    const locate = (env: unknown, at: readonly (string | number)[]) => `${env === one ? "one" : "two"}.yaml:${at.join(".")}`;

    const rule = CROSS_ENVIRONMENT_RULES.find((candidate) => candidate.name === "distinct image repositories in an account");

    const problems = rule?.check([one, two], locate) ?? [];

    expect(problems.map((problem) => [problem.environment === one ? "one" : "two", problem.path.join("."), problem.message])).toEqual([
      [
        "one",
        "ecr.repositories.0.name",
        `creates the repository minimal/frontend in account ${ACCOUNT}, as minimal does (two.yaml:ecr.repositories.0.name): a repository has one owner`,
      ],
      [
        "one",
        "ecr.repositories.1.name",
        `creates the repository minimal/backend in account ${ACCOUNT}, as minimal does (two.yaml:ecr.repositories.1.name): a repository has one owner`,
      ],
      [
        "two",
        "ecr.repositories.0.name",
        `creates the repository minimal/frontend in account ${ACCOUNT}, as minimal does (one.yaml:ecr.repositories.0.name): a repository has one owner`,
      ],
      [
        "two",
        "ecr.repositories.1.name",
        `creates the repository minimal/backend in account ${ACCOUNT}, as minimal does (one.yaml:ecr.repositories.1.name): a repository has one owner`,
      ],
    ]);
  });
});

describe("adding an environment", () => {
  /** The real environment files, copied into a fresh folder with `extra` added. */
  function realFilesWith(extra: Readonly<Record<string, string>>): string {
    const files: Record<string, string> = {};
    const environments = path.join(ROOT, "environments");
    for (const entry of readdirSync(environments).filter((name) => /\.ya?ml$/.test(name)))
      files[entry] = readFileSync(path.join(environments, entry), "utf8");
    return folder({ ...files, ...extra });
  }

  it("GIVEN an unedited copy of staging (cp staging.yaml qa.yaml) WHEN loaded THEN it is refused: it collides with staging", () => {
    const staging = readFileSync(path.join(ROOT, "environments/staging.yaml"), "utf8");
    const dir = realFilesWith({ "qa.yaml": staging });

    const problems = problemsOf(() => loadEnvironments(dir));

    const inQa = problems.filter((problem) => problem.file === `${dir}/qa.yaml`);
    expect(inQa).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          line: lineMatching(staging, /^ {2}vpcCidr:/),
          path: "network.vpcCidr",
          message: expect.stringContaining(`is also staging's network.vpcCidr`),
        }),
        expect.objectContaining({
          line: lineMatching(staging, /^ {2}domain:/),
          path: "dns.domain",
          message: expect.stringContaining("is also the domain of staging"),
        }),
        expect.objectContaining({
          line: lineMatching(staging, /^ {2}hostedZoneId:/),
          path: "dns.hostedZoneId",
          message: expect.stringContaining("is also the hosted zone of staging"),
        }),
        expect.objectContaining({
          line: lineMatching(staging, /^ {2}frontendHost:/),
          path: "workloads.frontendHost",
          message: expect.stringContaining("is also the frontend host of staging"),
        }),
      ]),
    );
    // and staging's file says the same about qa, so whichever file the reader opens explains it
    expect(problems.filter((problem) => problem.file === `${dir}/staging.yaml`).map((problem) => problem.path)).toEqual(
      inQa.map((problem) => problem.path),
    );
  });
});

describe("loading some environments (synth --env)", () => {
  it("GIVEN another file with a mistake outside what files share WHEN only dev is loaded THEN dev loads and every name is known; the whole folder is refused", () => {
    const dir = folder({
      "dev.yaml": minimal(),
      "qa.yaml": minimal({ ...distinct(1), [LINE.instanceTypes]: "      instanceTypes: [m7g-large]" }),
    });

    const selection = loadSelectedEnvironments(["dev"], dir);

    expect(selection.environments.map((env) => env.name)).toEqual(["dev"]);
    expect(selection.names).toEqual(["dev", "qa"]);
    expect(problemsOf(() => loadEnvironments(dir))).toEqual([
      {
        file: `${dir}/qa.yaml`,
        line: LINE.instanceTypes,
        path: "platform.nodeGroups[0].instanceTypes[0]",
        message:
          "m7g-large is not an EC2 instance type (@aws-sdk/client-ec2 3.1178.0 InstanceType enum, generated 2026-12-06): the m7 families are m7a, m7g, m7gd, m7i, m7i-flex",
      },
    ]);
  });

  it("GIVEN another file that collides with dev WHEN only dev is loaded THEN the collision is still refused", () => {
    const dir = folder({
      "dev.yaml": minimal(),
      "qa.yaml": minimal({ ...distinct(1), [LINE.hostedZoneId]: "  hostedZoneId: Z0TESTACME000000001" }),
    });

    expect(problemsOf(() => loadSelectedEnvironments(["dev"], dir)).map((problem) => [problem.file, problem.line, problem.path])).toEqual([
      [`${dir}/dev.yaml`, LINE.hostedZoneId, "dns.hostedZoneId"],
      [`${dir}/qa.yaml`, LINE.hostedZoneId, "dns.hostedZoneId"],
    ]);
  });

  it("GIVEN another file whose shared facts are wrong (an unquoted account id) WHEN only dev is loaded THEN that file is refused on its line", () => {
    const dir = folder({ "dev.yaml": minimal(), "qa.yaml": minimal({ ...distinct(1), [LINE.id]: "  id: 123456789012" }) });

    expect(problemsOf(() => loadSelectedEnvironments(["dev"], dir))).toEqual([
      {
        file: `${dir}/qa.yaml`,
        line: LINE.id,
        path: "account.id",
        message: "must be a quoted string of 12 digits (unquoted, YAML reads a number and drops leading zeros)",
      },
    ]);
  });

  it("GIVEN a name without a file WHEN loaded THEN the known names are listed", () => {
    const dir = folder({ "dev.yaml": minimal(), "qa.yaml": minimal(distinct(1)) });

    expect(() => loadSelectedEnvironments(["prod"], dir)).toThrow(new UnknownEnvironmentError(["prod"], ["dev", "qa"]));
    expect(() => loadSelectedEnvironments(["prod"], dir)).toThrow("no environment named prod; known: dev, qa (environments/<name>.yaml)");
  });
});

describe("the syntax error locator", () => {
  const validFiles = [
    ...readdirSync(environmentsDir())
      .filter((entry) => /\.ya?ml$/.test(entry))
      .map((entry) => path.join(environmentsDir(), entry)),
    path.join(ROOT, "test/fixtures/environments/valid/minimal.yaml"),
  ];

  it.each(validFiles.map((file) => path.relative(ROOT, file)))(
    "GIVEN the valid file %s WHEN scanned THEN it finds nothing to blame (so it never blames a good line for a later mistake)",
    (file) => {
      expect(scan(readFileSync(path.resolve(ROOT, file), "utf8"))).toBeUndefined();
    },
  );

  it("GIVEN block scalars, multi-line flow lists, comments and quoted colons WHEN scanned THEN it finds nothing to blame", () => {
    const text = [
      "a:",
      "  script: |",
      "    echo one",
      "      indented more",
      "  list: [one,",
      "    two]",
      '  quoted: "x: # not a comment"',
      "  # a comment at any indent",
      "  items:",
      "    - name: x",
      "      value: y",
      "    - z",
    ].join("\n");

    expect(scan(text)).toBeUndefined();
  });
});
