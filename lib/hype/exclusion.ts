/**
 * Exclusion rules: which evaluators an analysis leaves out, and why. The rules only change the
 * analysis, never the data: every answer stays in the export, and a re-analysis with other rules
 * (the `score` CLI's flags) sees the same rows.
 *
 * Each rule looks at one evaluator's conduct over every answered trial, re-run (replaced) ones
 * included, since a trial that had to be re-run still says something about how the evaluator
 * worked:
 *
 * - failed qualification: the evaluator's qualification block in the rows did not pass;
 * - flagged timed trials: more than X% of their HYPE_time trials carry a timing or focus flag
 *   (any flag but "replaced": frame_miss, blur, hidden, …);
 * - fast median: their median response time is below Y ms;
 * - fast answers: more than Z% of their answers came faster than Y ms.
 *
 * "More than" and "below" are strict, so an evaluator exactly at a limit is kept. An evaluator
 * with nothing a rule can look at (no timed trials, no response times) is kept by that rule.
 */
import { quantileSorted } from "./descriptive";
import { REPLACED_FLAG, type Protocol } from "./types";

export interface FastAnswerRule {
  /** An answer faster than this (ms from stimulus onset) is "fast". */
  belowMs: number;
  /** Exclude when more than this % of the evaluator's answers are fast. */
  maxPercent: number;
}

export interface ExclusionRules {
  failedQualification: boolean;
  /** Exclude when more than this % of the evaluator's HYPE_time trials are flagged; null = off. */
  maxFlaggedTimedPercent: number | null;
  /** Exclude when the evaluator's median response time is below this (ms); null = off. */
  minMedianResponseMs: number | null;
  /** null = off. */
  fastAnswers: FastAnswerRule | null;
}

/** Every rule off: the scores of every evaluator in the rows. */
export const NO_EXCLUSIONS: ExclusionRules = Object.freeze({
  failedQualification: false,
  maxFlaggedTimedPercent: null,
  minMedianResponseMs: null,
  fastAnswers: null,
});

/** Reasons in the order they are listed. */
export const EXCLUSION_REASONS = ["failed_qualification", "flagged_timed_trials", "fast_median", "fast_answers"] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

/** Short names of the reasons, for tables ("excluded: fast median response"). */
export const REASON_LABELS: Readonly<Record<ExclusionReason, string>> = Object.freeze({
  failed_qualification: "failed qualification",
  flagged_timed_trials: "flagged timed trials",
  fast_median: "fast median response",
  fast_answers: "many fast answers",
});

/** What the rules look at, per evaluator; built row by row with {@link recordConduct}. */
export interface EvaluatorConduct {
  /** Answered HYPE_time trials, replaced ones included. */
  timedTrials: number;
  /** Of those, the ones carrying a timing or focus flag. */
  flaggedTimedTrials: number;
  /** Response times (ms from stimulus onset) of every answered trial that has one. */
  responseTimesMs: number[];
}

export interface ConductRow {
  protocol: Protocol;
  flags: readonly string[];
  /** null when the row has no response time (e.g. a hand-made file). */
  response_ms: number | null;
}

export function emptyConduct(): EvaluatorConduct {
  return { timedTrials: 0, flaggedTimedTrials: 0, responseTimesMs: [] };
}

export function recordConduct(conduct: EvaluatorConduct, row: ConductRow): void {
  if (row.protocol === "hype_time") {
    conduct.timedTrials++;
    if (row.flags.some((flag) => flag !== REPLACED_FLAG)) conduct.flaggedTimedTrials++;
  }
  if (row.response_ms !== null) conduct.responseTimesMs.push(row.response_ms);
}

/** Median of the response times (mean of the middle two for an even count); NaN when there are none. */
export function medianResponseMs(conduct: EvaluatorConduct): number {
  return quantileSorted(Float64Array.from(conduct.responseTimesMs).sort(), 0.5);
}

export function flaggedTimedPercent(conduct: EvaluatorConduct): number {
  return conduct.timedTrials === 0 ? Number.NaN : (100 * conduct.flaggedTimedTrials) / conduct.timedTrials;
}

export function fastAnswerPercent(conduct: EvaluatorConduct, belowMs: number): number {
  const times = conduct.responseTimesMs;
  return times.length === 0 ? Number.NaN : (100 * times.filter((ms) => ms < belowMs).length) / times.length;
}

/**
 * Why `rules` leave this evaluator out, in {@link EXCLUSION_REASONS} order; empty = kept.
 * `failedQualification` is whether the evaluator's qualification in the rows failed (false when
 * they have none). NaN figures (nothing to look at) compare false, so they never exclude.
 */
export function exclusionReasons(conduct: EvaluatorConduct, failedQualification: boolean, rules: ExclusionRules): ExclusionReason[] {
  const reasons: ExclusionReason[] = [];
  if (rules.failedQualification && failedQualification) reasons.push("failed_qualification");
  if (rules.maxFlaggedTimedPercent !== null && flaggedTimedPercent(conduct) > rules.maxFlaggedTimedPercent) reasons.push("flagged_timed_trials");
  if (rules.minMedianResponseMs !== null && medianResponseMs(conduct) < rules.minMedianResponseMs) reasons.push("fast_median");
  if (rules.fastAnswers !== null && fastAnswerPercent(conduct, rules.fastAnswers.belowMs) > rules.fastAnswers.maxPercent) reasons.push("fast_answers");
  return reasons;
}

/** Whether a rule is on. */
export function ruleActive(rules: ExclusionRules, reason: ExclusionReason): boolean {
  switch (reason) {
    case "failed_qualification":
      return rules.failedQualification;
    case "flagged_timed_trials":
      return rules.maxFlaggedTimedPercent !== null;
    case "fast_median":
      return rules.minMedianResponseMs !== null;
    case "fast_answers":
      return rules.fastAnswers !== null;
  }
}

/** A rule in words, e.g. "more than 20% of timed trials flagged". */
export function describeRule(rules: ExclusionRules, reason: ExclusionReason): string {
  switch (reason) {
    case "failed_qualification":
      return "failed qualification";
    case "flagged_timed_trials":
      return `more than ${rules.maxFlaggedTimedPercent ?? "—"}% of timed trials flagged (timing or focus)`;
    case "fast_median":
      return `median response time below ${rules.minMedianResponseMs ?? "—"} ms`;
    case "fast_answers":
      return rules.fastAnswers ? `more than ${rules.fastAnswers.maxPercent}% of answers faster than ${rules.fastAnswers.belowMs} ms` : "fast answers";
  }
}

/** How many of `excluded` each reason accounts for (an evaluator with two reasons counts in both). */
export function countByReason(excluded: ReadonlyArray<{ reasons: readonly ExclusionReason[] }>): Record<ExclusionReason, number> {
  const counts = Object.fromEntries(EXCLUSION_REASONS.map((reason) => [reason, 0])) as Record<ExclusionReason, number>;
  for (const evaluator of excluded) for (const reason of evaluator.reasons) counts[reason]++;
  return counts;
}
