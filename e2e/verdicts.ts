/**
 * Every verdict of an end-to-end run, kept by phase and by subject (a stack, or an account), so a
 * failing check never hides another: each check records its own verdict, a check that throws
 * records a failure and the run goes on. The summary counts, per phase, the subjects attempted,
 * failed and passed; a subject attempted without any verdict has not passed.
 */

/** One check's result for one subject in one phase. */
export interface Verdict {
  /** `birth`, `teardown`, `workloads`, ... (a lifecycle phase, one file of e2e/phases/ each). */
  readonly phase: string;
  /** What was checked: `network-dev`, `account 111111111111`. */
  readonly subject: string;
  /** The check: `apply`, `empty plan after apply`, `role check (apply)`, `wiring`. */
  readonly check: string;
  readonly passed: boolean;
  /** One line: what was found. */
  readonly message: string;
}

/** Per phase: subjects attempted, failed, passed. */
export interface PhaseCount {
  readonly phase: string;
  readonly attempted: number;
  readonly failed: number;
  readonly passed: number;
}

export class Verdicts {
  private readonly verdicts: Verdict[] = [];
  /** phase -> subjects attempted, in order. */
  private readonly attempted = new Map<string, string[]>();

  /** Marks a subject as attempted in a phase (it then needs at least one verdict, all passed, to pass). */
  attempt(phase: string, subject: string): void {
    const subjects = this.attempted.get(phase) ?? [];
    if (!subjects.includes(subject)) subjects.push(subject);
    this.attempted.set(phase, subjects);
  }

  record(verdict: Verdict): void {
    this.attempt(verdict.phase, verdict.subject);
    this.verdicts.push(verdict);
  }

  pass(phase: string, subject: string, check: string, message: string): void {
    this.record({ phase, subject, check, passed: true, message });
  }

  fail(phase: string, subject: string, check: string, message: string): void {
    this.record({ phase, subject, check, passed: false, message });
  }

  /**
   * Runs one check; a throw becomes a failed verdict of that check (first line of the message) and
   * returns undefined, so the checks after it still run.
   */
  async check<T>(phase: string, subject: string, check: string, body: () => Promise<T>): Promise<T | undefined> {
    this.attempt(phase, subject);
    try {
      return await body();
    } catch (error) {
      this.fail(phase, subject, check, (error as Error).message.split("\n")[0] ?? String(error));
      return undefined;
    }
  }

  all(): readonly Verdict[] {
    return this.verdicts;
  }

  failures(): readonly Verdict[] {
    return this.verdicts.filter((verdict) => !verdict.passed);
  }

  /** Per phase, in the order phases were first attempted. A subject with no verdict counts as failed. */
  counts(): PhaseCount[] {
    return [...this.attempted].map(([phase, subjects]) => {
      const failed = subjects.filter((subject) => {
        const own = this.verdicts.filter((verdict) => verdict.phase === phase && verdict.subject === subject);
        return own.length === 0 || own.some((verdict) => !verdict.passed);
      }).length;
      return { phase, attempted: subjects.length, failed, passed: subjects.length - failed };
    });
  }

  /** Subjects attempted without a single verdict (a check that never ran is not a pass). */
  silent(): { phase: string; subject: string }[] {
    return [...this.attempted].flatMap(([phase, subjects]) =>
      subjects
        .filter((subject) => !this.verdicts.some((verdict) => verdict.phase === phase && verdict.subject === subject))
        .map((subject) => ({ phase, subject })),
    );
  }

  /** Green only when something was attempted, every subject has a verdict, and none failed. */
  green(): boolean {
    const counts = this.counts();
    return counts.length > 0 && counts.every((count) => count.attempted > 0 && count.failed === 0);
  }
}

/** How the calls of a run were checked: with the resource ARN AWS authorizes, or `*`. */
export interface CallFigures {
  /** Requests evaluated against a concrete resource ARN. */
  readonly concrete: number;
  /** Requests of actions that take no resource (AWS authorizes them on `*`). */
  readonly wildcardOnly: number;
  /** Requests whose ARN could not be derived (evaluated on `*`, counted against the threshold). */
  readonly underived: number;
}

/** What the lifecycle phase did across the run's accounts, and how often it failed. */
export interface LifecycleTotals {
  readonly upgrades: number;
  readonly teardowns: number;
  readonly recreates: number;
  readonly driftDetections: number;
  readonly statefulReplacements: number;
  readonly residue: number;
  readonly failedRecreates: number;
  readonly missedDrift: number;
}

/** The last line of the run: the verdict first, then the counts per phase and the lifecycle's, then the figures. */
export function summaryLine(
  counts: readonly PhaseCount[],
  calls: CallFigures,
  figures: {
    readonly resourcesCreated: number;
    readonly leftOutForGaps: number;
    readonly perpetualDiffs: number;
    readonly violations: number;
    readonly seconds: number;
    /** Present when the lifecycle phase ran. */
    readonly lifecycle?: LifecycleTotals;
  },
  green: boolean,
  /** The least-privilege report's file, named at the end of the line. */
  reportFile?: string,
): string {
  const phases =
    counts.length === 0
      ? "nothing attempted"
      : counts.map((count) => `${count.phase} ${count.attempted} attempted, ${count.failed} failed, ${count.passed} passed`).join("; ");
  const checked = calls.concrete + calls.wildcardOnly + calls.underived;
  const life = figures.lifecycle;
  const lifecycle =
    life === undefined
      ? ""
      : `lifecycle: ${life.upgrades} upgrades, ${life.teardowns} teardowns, ${life.recreates} re-creates, ${life.driftDetections} drift detections ` +
        `(${life.statefulReplacements} stateful replacements, ${life.residue} residue, ${life.failedRecreates} failed re-creates, ${life.missedDrift} missed drift); `;
  return (
    `e2e: ${green ? "PASSED" : "FAILED"}: ${phases}; ${lifecycle}` +
    `${checked} requests checked: ${calls.concrete} on a concrete ARN, ${calls.wildcardOnly + calls.underived} on * ` +
    `(${calls.wildcardOnly} actions without a resource, ${calls.underived} ARNs not derived); ` +
    `${figures.resourcesCreated} resources created, ${figures.leftOutForGaps} left out for emulator gaps, ` +
    `${figures.perpetualDiffs} perpetual diffs, ${figures.violations} role violations (${Math.round(figures.seconds)} s)` +
    (reportFile === undefined ? "" : `; least-privilege report: ${reportFile}`)
  );
}
