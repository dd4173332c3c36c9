/**
 * Study scoring: rows in, every number the results page and the CLI show out.
 *
 * - HYPE_time: an evaluator's threshold is the mode of the exposures presented in each block
 *   (ties → mean of the tied values), averaged over their blocks; the arm's score is the mean
 *   threshold, with a bootstrap CI over evaluators.
 * - HYPE_∞: % wrong pooled over all answers of the arm's evaluators, with fake error (generated
 *   called real, % of generated) and real error (real called generated, % of real); the bootstrap
 *   resamples evaluators and recomputes the pooled percentages.
 * - Qualification: pass = ≥ 65% correct on real images and ≥ 65% on generated ones.
 * - Separability across arms on per-evaluator scores (separability.ts).
 *
 * Each (arm, protocol) bootstrap has its own seed derived from the study seed, so adding an arm
 * or another protocol's data does not change an arm's interval.
 */
import { emptyConduct, exclusionReasons, NO_EXCLUSIONS, type EvaluatorConduct, type ExclusionReason, type ExclusionRules } from "./exclusion";
import { bootstrapColumnSums, bootstrapMean, DEFAULT_CONFIDENCE, DEFAULT_RESAMPLES, type BootstrapEstimate } from "./bootstrap";
import { modeOfCounts } from "./mode";
import { seedFrom, type Seed } from "./random";
import { tallyRows, type AnswerTally, type EvaluatorTallies, type TrialRow } from "./rows";
import { separability, type SeparabilityResult } from "./separability";

export interface ScoreOptions {
  seed: Seed;
  /** Bootstrap resamples (default 10,000). */
  resamples?: number;
  /** CI coverage (default 0.95); also used for the Tukey intervals. */
  confidence?: number;
  /** Leave out evaluators who failed a qualification present in the rows (default false: the app
   * gates evaluators before they start; evaluators without qualification rows are always kept). */
  excludeFailedQualification?: boolean;
  /** Exclusion rules (exclusion.ts; default: none). `excludeFailedQualification` turns the
   * qualification rule on as well. */
  exclusions?: ExclusionRules;
  /** Per evaluator id, what the timing and speed rules look at; an evaluator without an entry
   * has no flags and no response times (so only the qualification rule can exclude them). */
  conduct?: ReadonlyMap<string, EvaluatorConduct>;
}

export interface ExcludedEvaluator {
  evaluator: string;
  reasons: ExclusionReason[];
}

export const QUALIFICATION_PASS_RULE = Object.freeze({ minRealAccuracy: 0.65, minGeneratedAccuracy: 0.65 });

export interface HypeTimeEvaluator {
  evaluator: string;
  thresholdMs: number;
  /** Mode of the exposures of each block, in block order. */
  blockModesMs: number[];
  trials: number;
  /** Share of correct answers over the evaluator's hype_time trials. */
  accuracy: number;
}

export interface HypeTimeScore extends BootstrapEstimate {
  /** Mean evaluator threshold, ms. */
  score: number;
  evaluators: number;
  trials: number;
  accuracy: number;
  perEvaluator: HypeTimeEvaluator[];
}

export interface HypeInfEvaluator {
  evaluator: string;
  answers: number;
  percentWrong: number;
  fakeErrorPercent: number;
  realErrorPercent: number;
}

export interface HypeInfScore extends BootstrapEstimate {
  /** % of all answers that were wrong (50 = chance, > 50 = "hyper-realistic"). */
  score: number;
  evaluators: number;
  answers: number;
  /** % of generated images called real. */
  fakeError: BootstrapEstimate;
  /** % of real images called generated. */
  realError: BootstrapEstimate;
  perEvaluator: HypeInfEvaluator[];
}

export interface QualificationResult {
  evaluator: string;
  realAccuracy: number;
  generatedAccuracy: number;
  passed: boolean;
}

export interface QualificationSummary {
  evaluators: number;
  passed: number;
  perEvaluator: QualificationResult[];
}

export interface ArmScores {
  arm: string;
  hypeTime: HypeTimeScore | null;
  hypeInf: HypeInfScore | null;
  qualification: QualificationSummary | null;
  /** Evaluators the exclusion rules left out of both scores (by id), with every reason. */
  excluded: ExcludedEvaluator[];
}

export interface StudyScores {
  seed: Seed;
  resamples: number;
  confidence: number;
  /** The rules that were applied. */
  exclusions: ExclusionRules;
  /** Sorted by arm id. */
  arms: ArmScores[];
  /** Across arms with data for that protocol; null with fewer than two such arms. */
  separability: { hypeTime: SeparabilityResult | null; hypeInf: SeparabilityResult | null };
}

export function qualificationResult(evaluator: string, tally: AnswerTally): QualificationResult {
  const realAccuracy = tally.real > 0 ? 1 - tally.realWrong / tally.real : Number.NaN;
  const generatedAccuracy = tally.generated > 0 ? 1 - tally.generatedWrong / tally.generated : Number.NaN;
  return {
    evaluator,
    realAccuracy,
    generatedAccuracy,
    // NaN (no images of a kind) compares false: a qualification without both kinds never passes.
    passed:
      realAccuracy >= QUALIFICATION_PASS_RULE.minRealAccuracy &&
      generatedAccuracy >= QUALIFICATION_PASS_RULE.minGeneratedAccuracy,
  };
}

function hypeTimeEvaluator(t: EvaluatorTallies): HypeTimeEvaluator {
  const blockNumbers = [...t.exposureCounts.keys()].sort((a, b) => a - b);
  const blockModesMs = blockNumbers.map((b) => modeOfCounts(t.exposureCounts.get(b) as Map<number, number>));
  const trials = t.hypeTime.real + t.hypeTime.generated;
  return {
    evaluator: t.evaluator,
    thresholdMs: blockModesMs.reduce((s, m) => s + m, 0) / blockModesMs.length,
    blockModesMs,
    trials,
    accuracy: 1 - (t.hypeTime.realWrong + t.hypeTime.generatedWrong) / trials,
  };
}

function scoreHypeTime(evaluators: readonly EvaluatorTallies[], seed: Seed, resamples: number, confidence: number): HypeTimeScore | null {
  const perEvaluator = evaluators.filter((t) => t.exposureCounts.size > 0).map(hypeTimeEvaluator);
  if (perEvaluator.length === 0) return null;
  const thresholds = Float64Array.from(perEvaluator, (e) => e.thresholdMs);
  const estimate = bootstrapMean(thresholds, { seed, resamples, confidence });
  const trials = perEvaluator.reduce((s, e) => s + e.trials, 0);
  const correct = perEvaluator.reduce((s, e) => s + e.accuracy * e.trials, 0);
  return { ...estimate, evaluators: perEvaluator.length, trials, accuracy: correct / trials, perEvaluator };
}

function scoreHypeInf(evaluators: readonly EvaluatorTallies[], seed: Seed, resamples: number, confidence: number): HypeInfScore | null {
  const used = evaluators.filter((t) => t.hypeInf.real + t.hypeInf.generated > 0);
  if (used.length === 0) return null;
  // Columns per evaluator: fakes called real, fakes, reals called fake, reals. The three HYPE_∞
  // figures are pooled ratios of their sums, recomputed on the same resampled evaluators.
  const fakeWrong = Float64Array.from(used, (t) => t.hypeInf.generatedWrong);
  const fakes = Float64Array.from(used, (t) => t.hypeInf.generated);
  const realWrong = Float64Array.from(used, (t) => t.hypeInf.realWrong);
  const reals = Float64Array.from(used, (t) => t.hypeInf.real);
  const [all, fake, real] = bootstrapColumnSums(
    [fakeWrong, fakes, realWrong, reals],
    [
      (s) => (100 * ((s[0] as number) + (s[2] as number))) / ((s[1] as number) + (s[3] as number)),
      (s) => (100 * (s[0] as number)) / (s[1] as number),
      (s) => (100 * (s[2] as number)) / (s[3] as number),
    ],
    { seed, resamples, confidence },
  ) as [BootstrapEstimate, BootstrapEstimate, BootstrapEstimate];
  return {
    ...all,
    evaluators: used.length,
    answers: used.reduce((sum, t) => sum + t.hypeInf.real + t.hypeInf.generated, 0),
    fakeError: fake,
    realError: real,
    perEvaluator: used.map(({ evaluator, hypeInf: h }) => ({
      evaluator,
      answers: h.real + h.generated,
      percentWrong: (100 * (h.realWrong + h.generatedWrong)) / (h.real + h.generated),
      fakeErrorPercent: (100 * h.generatedWrong) / h.generated,
      realErrorPercent: (100 * h.realWrong) / h.real,
    })),
  };
}

function summarizeQualification(evaluators: readonly EvaluatorTallies[]): QualificationSummary | null {
  const perEvaluator = evaluators
    .filter((t) => t.qualification.real + t.qualification.generated > 0)
    .map((t) => qualificationResult(t.evaluator, t.qualification));
  if (perEvaluator.length === 0) return null;
  return { evaluators: perEvaluator.length, passed: perEvaluator.filter((q) => q.passed).length, perEvaluator };
}

/** Scores a whole study from its trial rows. Throws ScoringInputError on invalid rows. */
export function scoreStudy(rows: readonly TrialRow[], options: ScoreOptions): StudyScores {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const tallies = tallyRows(rows);
  const exclusions: ExclusionRules = {
    ...(options.exclusions ?? NO_EXCLUSIONS),
    failedQualification: (options.exclusions?.failedQualification ?? false) || (options.excludeFailedQualification ?? false),
  };

  const byArm = new Map<string, EvaluatorTallies[]>();
  for (const t of tallies) {
    const list = byArm.get(t.arm) ?? [];
    list.push(t);
    byArm.set(t.arm, list);
  }
  const armIds = [...byArm.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const arms = armIds.map((arm): ArmScores => {
    // Evaluators in id order: the bootstrap then depends on the data, not on the order of the rows.
    const all = (byArm.get(arm) as EvaluatorTallies[]).sort((a, b) => (a.evaluator < b.evaluator ? -1 : a.evaluator > b.evaluator ? 1 : 0));
    const qualification = summarizeQualification(all);
    const failed = new Set(qualification?.perEvaluator.filter((q) => !q.passed).map((q) => q.evaluator));
    const excluded = all
      .map((t) => ({ evaluator: t.evaluator, reasons: exclusionReasons(options.conduct?.get(t.evaluator) ?? emptyConduct(), failed.has(t.evaluator), exclusions) }))
      .filter((e) => e.reasons.length > 0);
    const left = new Set(excluded.map((e) => e.evaluator));
    const scored = all.filter((t) => !left.has(t.evaluator));
    return {
      arm,
      hypeTime: scoreHypeTime(scored, seedFrom(options.seed, arm, "hype_time"), resamples, confidence),
      hypeInf: scoreHypeInf(scored, seedFrom(options.seed, arm, "hype_inf"), resamples, confidence),
      qualification,
      excluded,
    };
  });

  return {
    seed: options.seed,
    resamples,
    confidence,
    exclusions,
    arms,
    separability: {
      hypeTime: separability(
        arms.filter((a) => a.hypeTime).map((a) => ({ name: a.arm, values: a.hypeTime!.perEvaluator.map((e) => e.thresholdMs) })),
        confidence,
      ),
      hypeInf: separability(
        arms.filter((a) => a.hypeInf).map((a) => ({ name: a.arm, values: a.hypeInf!.perEvaluator.map((e) => e.percentWrong) })),
        confidence,
      ),
    },
  };
}
