/**
 * Scoring input: one flat row per trial (jsPsych-style), the same shape the results page and the
 * `score` CLI (CSV) feed in. Reading the rows validates them and folds them, in one pass, into
 * per-evaluator tallies; everything downstream works on those tallies, never on rows again.
 */
import { ScoringInputError, type RowIssue } from "./errors";
import { LABELS, PROTOCOLS, type Label, type Protocol } from "./types";

export interface TrialRow {
  arm: string;
  evaluator: string;
  protocol: Protocol;
  /** Block number within the evaluator's session (unique per evaluator across protocols). */
  block: number;
  /** Trial number, unique within (evaluator, block); exports use the index within the session. */
  trial: number;
  label: Label;
  answer: Label;
  /** Exposure the staircase requested, in ms, for hype_time; null for untimed protocols. */
  exposure_ms: number | null;
}

export const TRIAL_ROW_COLUMNS = [
  "arm",
  "evaluator",
  "protocol",
  "block",
  "trial",
  "label",
  "answer",
  "exposure_ms",
] as const satisfies ReadonlyArray<keyof TrialRow>;

/** Right/wrong tallies split by ground truth. */
export interface AnswerTally {
  real: number;
  realWrong: number;
  generated: number;
  generatedWrong: number;
}

export interface EvaluatorTallies {
  evaluator: string;
  arm: string;
  /** hype_time: per block, how many trials were presented at each exposure (ms). */
  exposureCounts: Map<number, Map<number, number>>;
  /** hype_time answers (a converged 75% staircase should show about 75% correct). */
  hypeTime: AnswerTally;
  hypeInf: AnswerTally;
  qualification: AnswerTally;
}

const MAX_ISSUES = 100;
const PROTOCOL_SET: ReadonlySet<string> = new Set(PROTOCOLS);
const LABEL_SET: ReadonlySet<string> = new Set(LABELS);

function emptyTally(): AnswerTally {
  return { real: 0, realWrong: 0, generated: 0, generatedWrong: 0 };
}

function describe(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/**
 * Validates rows and returns per-evaluator tallies in first-seen order.
 * Throws {@link ScoringInputError} listing up to 100 issues, each with row index and column.
 */
export function tallyRows(rows: readonly unknown[]): EvaluatorTallies[] {
  const issues: RowIssue[] = [];
  const add = (row: number, column: string, message: string) => {
    if (issues.length < MAX_ISSUES) issues.push({ row, column, message });
  };
  const byEvaluator = new Map<string, { tallies: EvaluatorTallies; firstRow: number }>();
  // Per evaluator and block: the protocol it belongs to and which trial numbers were seen (→ row).
  const blocks = new Map<string, Map<number, { protocol: Protocol; trials: Map<number, number> }>>();

  for (let i = 0; i < rows.length && issues.length < MAX_ISSUES; i++) {
    const row = rows[i] as Partial<Record<string, unknown>> | null;
    if (typeof row !== "object" || row === null) {
      add(i, "*", "row is not an object");
      continue;
    }
    const before = issues.length;
    const { arm, evaluator, protocol, block, trial, label, answer, exposure_ms } = row;
    if (typeof arm !== "string" || arm === "") add(i, "arm", `expected a non-empty string, got ${describe(arm)}`);
    if (typeof evaluator !== "string" || evaluator === "") {
      add(i, "evaluator", `expected a non-empty string, got ${describe(evaluator)}`);
    }
    if (typeof protocol !== "string" || !PROTOCOL_SET.has(protocol)) {
      add(i, "protocol", `unknown protocol ${describe(protocol)} (expected ${PROTOCOLS.join(" | ")})`);
    }
    if (!Number.isInteger(block) || (block as number) < 0) add(i, "block", `expected an integer ≥ 0, got ${describe(block)}`);
    if (!Number.isInteger(trial) || (trial as number) < 0) add(i, "trial", `expected an integer ≥ 0, got ${describe(trial)}`);
    if (typeof label !== "string" || !LABEL_SET.has(label)) {
      add(i, "label", `unknown label ${describe(label)} (expected real | generated)`);
    }
    if (typeof answer !== "string" || !LABEL_SET.has(answer)) {
      add(i, "answer", `unknown answer ${describe(answer)} (expected real | generated)`);
    }
    if (protocol === "hype_time") {
      if (typeof exposure_ms !== "number" || !Number.isFinite(exposure_ms) || exposure_ms <= 0) {
        add(i, "exposure_ms", `hype_time needs a positive exposure in ms, got ${describe(exposure_ms)}`);
      }
    } else if (exposure_ms !== null && PROTOCOL_SET.has(protocol as string)) {
      add(i, "exposure_ms", `must be null for the untimed protocol ${describe(protocol)}, got ${describe(exposure_ms)}`);
    }
    if (issues.length > before) continue;

    const ev = evaluator as string;
    let entry = byEvaluator.get(ev);
    if (!entry) {
      entry = {
        tallies: { evaluator: ev, arm: arm as string, exposureCounts: new Map(), hypeTime: emptyTally(), hypeInf: emptyTally(), qualification: emptyTally() },
        firstRow: i,
      };
      byEvaluator.set(ev, entry);
      blocks.set(ev, new Map());
    } else if (entry.tallies.arm !== arm) {
      add(i, "arm", `evaluator ${describe(ev)} is in arm ${describe(entry.tallies.arm)} (row ${entry.firstRow}) and here in ${describe(arm)}; an evaluator belongs to one arm`);
      continue;
    }
    const evBlocks = blocks.get(ev) as Map<number, { protocol: Protocol; trials: Map<number, number> }>;
    let blockInfo = evBlocks.get(block as number);
    if (!blockInfo) {
      blockInfo = { protocol: protocol as Protocol, trials: new Map() };
      evBlocks.set(block as number, blockInfo);
    } else if (blockInfo.protocol !== protocol) {
      add(i, "block", `block ${block} of evaluator ${describe(ev)} is ${blockInfo.protocol} elsewhere and ${describe(protocol)} here`);
      continue;
    }
    const seenAt = blockInfo.trials.get(trial as number);
    if (seenAt !== undefined) {
      add(i, "trial", `duplicate trial ${trial} in block ${block} of evaluator ${describe(ev)} (first at row ${seenAt})`);
      continue;
    }
    blockInfo.trials.set(trial as number, i);

    const t = entry.tallies;
    if (protocol === "hype_time") {
      let counts = t.exposureCounts.get(block as number);
      if (!counts) {
        counts = new Map();
        t.exposureCounts.set(block as number, counts);
      }
      counts.set(exposure_ms as number, (counts.get(exposure_ms as number) ?? 0) + 1);
    }
    const tally = protocol === "hype_time" ? t.hypeTime : protocol === "hype_inf" ? t.hypeInf : t.qualification;
    const wrong = answer !== label ? 1 : 0;
    if (label === "real") {
      tally.real++;
      tally.realWrong += wrong;
    } else {
      tally.generated++;
      tally.generatedWrong += wrong;
    }
  }
  if (issues.length > 0) throw new ScoringInputError(issues, issues.length >= MAX_ISSUES);
  return [...byEvaluator.values()].map((e) => e.tallies);
}
