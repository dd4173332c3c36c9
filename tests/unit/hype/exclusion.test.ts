import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  countByReason,
  describeRule,
  emptyConduct,
  EXCLUSION_REASONS,
  exclusionReasons,
  fastAnswerPercent,
  flaggedTimedPercent,
  medianResponseMs,
  NO_EXCLUSIONS,
  recordConduct,
  ruleActive,
  scoreStudy,
  type EvaluatorConduct,
  type ExclusionRules,
  type Label,
  type TrialRow,
} from "@/lib/hype";

const RULES: ExclusionRules = { failedQualification: true, maxFlaggedTimedPercent: 20, minMedianResponseMs: 300, fastAnswers: { belowMs: 200, maxPercent: 25 } };

/** Conduct of `timed` HYPE_time trials, `flagged` of them flagged, plus the given response times. */
function conduct(timed: number, flagged: number, responseTimesMs: number[] = []): EvaluatorConduct {
  return { timedTrials: timed, flaggedTimedTrials: flagged, responseTimesMs };
}

describe("recording an evaluator's conduct", () => {
  it("counts timed trials with any flag but 'replaced', and keeps every known response time", () => {
    const c = emptyConduct();
    recordConduct(c, { protocol: "hype_time", flags: [], response_ms: 700 });
    recordConduct(c, { protocol: "hype_time", flags: ["blur", "replaced"], response_ms: 650 });
    recordConduct(c, { protocol: "hype_time", flags: ["replaced"], response_ms: null });
    recordConduct(c, { protocol: "hype_inf", flags: ["hidden"], response_ms: 1200 });
    recordConduct(c, { protocol: "qualification", flags: [], response_ms: 90 });
    expect(c).toEqual({ timedTrials: 3, flaggedTimedTrials: 1, responseTimesMs: [700, 650, 1200, 90] });
  });

  it("computes the median (mean of the middle two when even), the flagged and fast shares", () => {
    expect(medianResponseMs(conduct(0, 0, [900, 100, 500]))).toBe(500);
    expect(medianResponseMs(conduct(0, 0, [900, 100, 500, 300]))).toBe(400);
    expect(medianResponseMs(conduct(0, 0, []))).toBeNaN();
    expect(flaggedTimedPercent(conduct(8, 2))).toBe(25);
    expect(flaggedTimedPercent(conduct(0, 0))).toBeNaN();
    expect(fastAnswerPercent(conduct(0, 0, [100, 199, 200, 800]), 200)).toBe(50);
    expect(fastAnswerPercent(conduct(0, 0, []), 200)).toBeNaN();
  });
});

describe("each rule on its own", () => {
  const only = (rule: Partial<ExclusionRules>): ExclusionRules => ({ ...NO_EXCLUSIONS, ...rule });

  it("no rules exclude nobody, whatever the conduct", () => {
    expect(exclusionReasons(conduct(10, 10, [1, 2, 3]), true, NO_EXCLUSIONS)).toEqual([]);
  });

  it("failed qualification excludes only a failed qualification, and only when on", () => {
    expect(exclusionReasons(emptyConduct(), true, only({ failedQualification: true }))).toEqual(["failed_qualification"]);
    expect(exclusionReasons(emptyConduct(), false, only({ failedQualification: true }))).toEqual([]);
    expect(exclusionReasons(emptyConduct(), true, only({ failedQualification: false }))).toEqual([]);
  });

  it("flagged timed trials: strictly more than the limit; exactly at it is kept", () => {
    const rule = only({ maxFlaggedTimedPercent: 20 });
    expect(exclusionReasons(conduct(10, 2), false, rule)).toEqual([]); // 20% = limit
    expect(exclusionReasons(conduct(10, 3), false, rule)).toEqual(["flagged_timed_trials"]);
    expect(exclusionReasons(conduct(0, 0), false, rule)).toEqual([]); // no timed trials: nothing to judge
    expect(exclusionReasons(conduct(5, 0), false, only({ maxFlaggedTimedPercent: 0 }))).toEqual([]);
    expect(exclusionReasons(conduct(5, 1), false, only({ maxFlaggedTimedPercent: 0 }))).toEqual(["flagged_timed_trials"]);
  });

  it("fast median: strictly below the limit; exactly at it is kept; no response times keep everyone", () => {
    const rule = only({ minMedianResponseMs: 300 });
    expect(exclusionReasons(conduct(0, 0, [200, 300, 900]), false, rule)).toEqual([]); // median 300
    expect(exclusionReasons(conduct(0, 0, [200, 299.5, 900]), false, rule)).toEqual(["fast_median"]);
    expect(exclusionReasons(conduct(0, 0, []), false, rule)).toEqual([]);
  });

  it("fast answers: an answer below the limit is fast; strictly more than the share excludes", () => {
    const rule = only({ fastAnswers: { belowMs: 200, maxPercent: 25 } });
    expect(exclusionReasons(conduct(0, 0, [199, 200, 800, 900]), false, rule)).toEqual([]); // 25% fast = limit
    expect(exclusionReasons(conduct(0, 0, [199, 150, 800, 900]), false, rule)).toEqual(["fast_answers"]); // 50%
    expect(exclusionReasons(conduct(0, 0, [200, 200, 200, 200]), false, rule)).toEqual([]); // at the limit is not fast
    expect(exclusionReasons(conduct(0, 0, []), false, rule)).toEqual([]);
  });
});

describe("rules together", () => {
  it("lists every reason an evaluator is excluded for, in the documented order", () => {
    expect(exclusionReasons(conduct(10, 5, [50, 60, 70, 1000]), true, RULES)).toEqual([...EXCLUSION_REASONS]);
    expect(exclusionReasons(conduct(10, 5, [50, 60, 70, 1000]), false, RULES)).toEqual(["flagged_timed_trials", "fast_median", "fast_answers"]);
    expect(exclusionReasons(conduct(10, 0, [250, 260, 900, 1000]), false, RULES)).toEqual([]); // median 580, none under 200
  });

  it("an evaluator is excluded by the rules together exactly when some rule alone excludes them", () => {
    const arbitraryConduct = fc
      .record({ timed: fc.nat(40), flagged: fc.nat(40), times: fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 30 }) })
      .map(({ timed, flagged, times }) => conduct(timed, Math.min(timed, flagged), times));
    const arbitraryRules = fc.record({
      failedQualification: fc.boolean(),
      maxFlaggedTimedPercent: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
      minMedianResponseMs: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: null }),
      fastAnswers: fc.option(fc.record({ belowMs: fc.integer({ min: 0, max: 3000 }), maxPercent: fc.integer({ min: 0, max: 100 }) }), { nil: null }),
    });
    fc.assert(
      fc.property(arbitraryConduct, fc.boolean(), arbitraryRules, (c, failed, rules) => {
        const together = exclusionReasons(c, failed, rules);
        const alone = EXCLUSION_REASONS.filter((reason) => {
          const single: ExclusionRules = {
            failedQualification: reason === "failed_qualification" && rules.failedQualification,
            maxFlaggedTimedPercent: reason === "flagged_timed_trials" ? rules.maxFlaggedTimedPercent : null,
            minMedianResponseMs: reason === "fast_median" ? rules.minMedianResponseMs : null,
            fastAnswers: reason === "fast_answers" ? rules.fastAnswers : null,
          };
          return exclusionReasons(c, failed, single).length > 0;
        });
        expect(together).toEqual(alone);
        for (const reason of together) expect(ruleActive(rules, reason)).toBe(true);
      }),
      { seed: 20261201, numRuns: 500 },
    );
  });

  it("counts evaluators per reason, an evaluator with two reasons under both", () => {
    expect(countByReason([{ reasons: ["failed_qualification", "fast_median"] }, { reasons: ["fast_median"] }])).toEqual({
      failed_qualification: 1,
      flagged_timed_trials: 0,
      fast_median: 2,
      fast_answers: 0,
    });
  });

  it("describes each rule with its limits", () => {
    expect(EXCLUSION_REASONS.map((reason) => describeRule(RULES, reason))).toEqual([
      "failed qualification",
      "more than 20% of timed trials flagged (timing or focus)",
      "median response time below 300 ms",
      "more than 25% of answers faster than 200 ms",
    ]);
    expect(EXCLUSION_REASONS.filter((reason) => ruleActive(NO_EXCLUSIONS, reason))).toEqual([]);
  });
});

describe("scoreStudy with exclusion rules", () => {
  /** HYPE_∞ rows of one evaluator: `wrong` wrong answers out of 10, alternating labels. */
  function infRows(arm: string, evaluator: string, wrong: number): TrialRow[] {
    return Array.from({ length: 10 }, (_, trial) => {
      const label: Label = trial % 2 === 0 ? "real" : "generated";
      const other: Label = label === "real" ? "generated" : "real";
      return { arm, evaluator, protocol: "hype_inf", block: 0, trial, label, answer: trial < wrong ? other : label, exposure_ms: null };
    });
  }
  const rows = [...infRows("a", "careful", 3), ...infRows("a", "careless", 9), ...infRows("b", "other", 5)];
  const fast = conduct(0, 0, Array.from({ length: 10 }, () => 80));
  const slow = conduct(0, 0, Array.from({ length: 10 }, () => 1500));
  const conductMap = new Map([
    ["careful", slow],
    ["careless", fast],
    ["other", slow],
  ]);

  it("leaves excluded evaluators out of the score and lists them with their reasons, per arm", () => {
    const scores = scoreStudy(rows, { seed: 7, resamples: 200, exclusions: RULES, conduct: conductMap });
    const [a, b] = scores.arms;
    expect(a!.excluded).toEqual([{ evaluator: "careless", reasons: ["fast_median", "fast_answers"] }]);
    expect(a!.hypeInf!.evaluators).toBe(1);
    expect(a!.hypeInf!.score).toBe(30);
    expect(b!.excluded).toEqual([]);
    expect(scores.exclusions).toEqual(RULES);
  });

  it("gives the scores of the kept evaluators alone, CI included (the excluded ones leave no trace)", () => {
    const ruled = scoreStudy(rows, { seed: 7, resamples: 200, exclusions: RULES, conduct: conductMap });
    const without = scoreStudy(
      rows.filter((r) => r.evaluator !== "careless"),
      { seed: 7, resamples: 200 },
    );
    expect(ruled.arms.map((a) => a.hypeInf)).toEqual(without.arms.map((a) => a.hypeInf));
  });

  it("keeps everyone without rules, and without conduct data only the qualification rule can exclude", () => {
    expect(scoreStudy(rows, { seed: 7, resamples: 200 }).arms.flatMap((a) => a.excluded)).toEqual([]);
    expect(scoreStudy(rows, { seed: 7, resamples: 200 }).exclusions).toEqual(NO_EXCLUSIONS);
    expect(scoreStudy(rows, { seed: 7, resamples: 200, exclusions: RULES }).arms.flatMap((a) => a.excluded)).toEqual([]);
  });
});
