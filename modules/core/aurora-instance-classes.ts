/**
 * The DB instance classes Aurora PostgreSQL offers, per engine major: what an environment's
 * `platform.database.capacity.instanceClass` is checked against.
 *
 * Sources, each named where it is used:
 * - PRICE_LIST: the classes AWS prices for engine `aurora-postgresql` in any Region, as cfn-lint
 *   generates them from the AWS Price List API (github.com/aws-cloudformation/cfn-lint
 *   src/cfnlint/data/schemas/extensions/aws_rds_dbinstance/dbinstanceclass_enum.json, last changed
 *   in 5e11c20be, "Update CloudFormation schemas to 2026-07-18"), db.serverless aside.
 * - GUIDE: Amazon Aurora User Guide, "Supported DB engines for DB instance classes"
 *   (Concepts.DBInstanceClass.SupportAurora): the Aurora PostgreSQL versions of each class. Its
 *   last public source edition (github.com/awsdocs/amazon-aurora-user-guide
 *   doc_source/Concepts.DBInstanceClass.md at 8ceee41, 2023-06-05) covers majors up to 15; the
 *   current page (docs.amazonaws.cn, read 2026-12-06) gives the db.x2g row up to 17.
 * - MAJORS: the Aurora PostgreSQL engine majors cfn-lint lists from the RDS API (same repository,
 *   aws_rds_dbcluster/engine_version.json at aff5e3740, 2026-08-04): 11 to 18.
 *
 * A class is offered on a major when the price list has it, and the guide, where it speaks of that
 * family and that major, lists the major. Families the 2023 guide predates (r6gd, r6id, r7i, r8g,
 * r8gd) and majors past a family's documented ones follow the price list alone. db.r4 and
 * db.t3.small are priced only for the majors before 11 (the guide: "No" for Aurora PostgreSQL).
 * Not yet in the table: db.r9g (announced for Aurora on 2026-11-12 in the guide's document
 * history, after the price list above): add its row when a price list names its sizes.
 */

/** Aurora PostgreSQL engine majors the table covers (MAJORS). */
const AURORA_POSTGRESQL_MAJORS = [11, 12, 13, 14, 15, 16, 17, 18] as const;

interface FamilyRow {
  /** Sizes of the family in the price list, space-separated. */
  readonly sizes: string;
  /** The majors the guide lists for the family, up to `documentedThrough`; undefined: the guide says nothing (price list alone). */
  readonly majors?: readonly number[];
  /** The newest major the guide's row could speak of; majors above follow the price list. */
  readonly documentedThrough?: number;
}

const FAMILIES: { readonly [family: string]: FamilyRow } = {
  r5: { sizes: "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge" }, // guide: all available versions
  r6g: { sizes: "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge", majors: [11, 12, 13, 14, 15], documentedThrough: 15 },
  r6gd: { sizes: "xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge" },
  r6i: {
    sizes: "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge",
    majors: [12, 13, 14, 15],
    documentedThrough: 15,
  },
  r6id: { sizes: "24xlarge 32xlarge" },
  r7g: { sizes: "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge", majors: [13, 14, 15], documentedThrough: 15 },
  r7i: { sizes: "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge" },
  r8g: { sizes: "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge" },
  r8gd: { sizes: "xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge" },
  x2g: { sizes: "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge", majors: [11, 12, 13, 14, 15, 16, 17], documentedThrough: 17 },
  "t3-medium": { sizes: "medium large", majors: [11, 12, 13, 14, 15], documentedThrough: 15 },
  "t3-large": { sizes: "xlarge 2xlarge" }, // priced today; the 2023 guide predates them
  "t4g-medium": { sizes: "medium large", majors: [11, 12, 13, 14, 15], documentedThrough: 15 },
  "t4g-large": { sizes: "xlarge 2xlarge" }, // priced today; the 2023 guide predates them
};

function offeredOn(row: FamilyRow, major: number): boolean {
  if (row.majors === undefined || row.documentedThrough === undefined || major > row.documentedThrough) return true;
  return row.majors.includes(major);
}

/**
 * The table: engine major -> every instance class offered on it.
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export const AURORA_POSTGRESQL_INSTANCE_CLASSES: { readonly [major: string]: readonly string[] } = Object.fromEntries(
  AURORA_POSTGRESQL_MAJORS.map((major) => [
    String(major),
    Object.entries(FAMILIES)
      .filter(([, row]) => offeredOn(row, major))
      .flatMap(([key, row]) => row.sizes.split(" ").map((size) => `db.${key.split("-")[0]}.${size}`)),
  ]),
);

const AURORA_POSTGRESQL_INSTANCE_CLASSES_SOURCE =
  "modules/core/aurora-instance-classes.ts: AWS price list via cfn-lint 2026-07-18, Aurora User Guide Supported DB engines for DB instance classes";

/**
 * Why `instanceClass` cannot run Aurora PostgreSQL `engineVersion` (`16` or `16.6`), or undefined
 * when it can; also when the table has no row for the major.
 */
export function auroraPostgresInstanceClassProblem(instanceClass: string, engineVersion: string): string | undefined {
  const major = engineVersion.split(".")[0] ?? engineVersion;
  const offered = Object.hasOwn(AURORA_POSTGRESQL_INSTANCE_CLASSES, major) ? AURORA_POSTGRESQL_INSTANCE_CLASSES[major] : undefined;
  if (offered === undefined) {
    return `Aurora PostgreSQL ${major} has no instance class table (covers ${AURORA_POSTGRESQL_MAJORS.join(", ")}; ${AURORA_POSTGRESQL_INSTANCE_CLASSES_SOURCE})`;
  }
  if (offered.includes(instanceClass)) return undefined;
  const family = instanceClass.split(".").slice(0, 2).join(".");
  const sameFamily = offered.filter((c) => c.startsWith(`${family}.`));
  const hint =
    sameFamily.length > 0
      ? `${family} comes in ${sameFamily.map((c) => c.slice(family.length + 1)).join(", ")}`
      : `its families are ${[...new Set(offered.map((c) => c.split(".")[1]))].join(", ")}`;
  return `${instanceClass} is not an instance class of Aurora PostgreSQL ${major}: ${hint} (${AURORA_POSTGRESQL_INSTANCE_CLASSES_SOURCE})`;
}
