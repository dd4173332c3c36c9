/**
 * End-to-end checks of the method: simulated evaluators with a known psychometric function go
 * through the real schedule, staircase and scoring code, and the scores must recover the truth.
 */
import { describe, expect, it } from "vitest";
import {
  createObserver,
  exposureForAccuracy,
  HYPE_INF_BLOCKS,
  HYPE_TIME_BLOCKS,
  hypeFrameLockedParams,
  scoreStudy,
  simulateArm,
  type ObserverPopulation,
} from "@/lib/hype";

const STEP_UP_MS = 30; // one step of the HYPE rule: the accuracy we ask of the estimate

function seventyFivePoint(p: ObserverPopulation, thresholdMs = p.thresholdMeanMs): number {
  return exposureForAccuracy(createObserver({ thresholdMs, slopePerMs: p.slopePerMs, lapseRate: p.lapseRate }), 0.75);
}

describe("HYPE_time recovers the 75% point", () => {
  it.each([200, 350, 600])("identical observers with 75%% point near %i ms: mean threshold within 30 ms", (thresholdMeanMs) => {
    const population = { thresholdMeanMs, thresholdSdMs: 0, slopePerMs: 0.02, lapseRate: 0.05 };
    const { rows } = simulateArm({ arm: "gan", evaluators: 40, population, blocks: HYPE_TIME_BLOCKS, seed: thresholdMeanMs });
    const score = scoreStudy(rows, { seed: 1, resamples: 2000 }).arms[0]!.hypeTime!;
    expect(score.evaluators).toBe(40);
    expect(Math.abs(score.score - seventyFivePoint(population))).toBeLessThanOrEqual(STEP_UP_MS);
    // The staircase holds the evaluators near 75% correct (the descent from 500 ms adds some).
    expect(score.accuracy).toBeGreaterThan(0.7);
    expect(score.accuracy).toBeLessThan(0.82);
  });

  it("a varied population: mean threshold within 30 ms of the mean 75% point, inside a tight CI", () => {
    const population = { thresholdMeanMs: 380, thresholdSdMs: 60, slopePerMs: 0.03, lapseRate: 0.02 };
    const { rows, observers } = simulateArm({ arm: "gan", evaluators: 60, population, blocks: HYPE_TIME_BLOCKS, seed: 77 });
    const truth = observers.reduce((s, o) => s + exposureForAccuracy(o, 0.75), 0) / observers.length;
    const score = scoreStudy(rows, { seed: 2, resamples: 2000 }).arms[0]!.hypeTime!;
    expect(Math.abs(score.score - truth)).toBeLessThanOrEqual(STEP_UP_MS);
    expect(score.ci[1] - score.ci[0]).toBeLessThan(60);
  });

  it("the frame-locked staircase at 60 Hz does as well", () => {
    const population = { thresholdMeanMs: 300, thresholdSdMs: 0, slopePerMs: 0.02, lapseRate: 0.05 };
    const { rows } = simulateArm({
      arm: "gan",
      evaluators: 40,
      population,
      blocks: HYPE_TIME_BLOCKS,
      seed: 5,
      staircase: hypeFrameLockedParams(60),
    });
    const score = scoreStudy(rows, { seed: 1, resamples: 2000 }).arms[0]!.hypeTime!;
    expect(Math.abs(score.score - seventyFivePoint(population))).toBeLessThanOrEqual(STEP_UP_MS);
    // Every exposure is a whole number of 60 Hz frames.
    for (const r of rows) expect(Math.abs((r.exposure_ms! * 60) / 1000 - Math.round((r.exposure_ms! * 60) / 1000))).toBeLessThan(1e-9);
  });

  it("separates two arms whose 75% points differ by 120 ms, and the CI narrows with evaluators", () => {
    const base = { thresholdSdMs: 50, slopePerMs: 0.02, lapseRate: 0.05 };
    const a = simulateArm({ arm: "a", evaluators: 30, population: { ...base, thresholdMeanMs: 250 }, blocks: HYPE_TIME_BLOCKS, seed: 1 });
    const b = simulateArm({ arm: "b", evaluators: 30, population: { ...base, thresholdMeanMs: 370 }, blocks: HYPE_TIME_BLOCKS, seed: 1 });
    const scores = scoreStudy([...a.rows, ...b.rows], { seed: 3, resamples: 2000 });
    expect(scores.separability.hypeTime!.anova.p).toBeLessThan(1e-6);
    expect(scores.separability.hypeTime!.tTest!.student!.p).toBeLessThan(1e-6);

    const few = scoreStudy(a.rows.filter((r) => Number(r.evaluator.split(":e")[1]) < 8), { seed: 3, resamples: 2000 });
    const width = (s: typeof scores) => s.arms[0]!.hypeTime!.ci[1] - s.arms[0]!.hypeTime!.ci[0];
    expect(width(scores)).toBeLessThan(width(few));
  });
});

describe("HYPE_∞ recovers the error rate", () => {
  it("observers who err 20% of the time untimed → about 20% wrong, split evenly", () => {
    const population = { thresholdMeanMs: 300, thresholdSdMs: 0, slopePerMs: 0.02, lapseRate: 0.2 };
    const { rows } = simulateArm({ arm: "gan", evaluators: 30, population, blocks: HYPE_INF_BLOCKS, seed: 9 });
    const inf = scoreStudy(rows, { seed: 4 }).arms[0]!.hypeInf!;
    expect(inf.answers).toBe(3000);
    // Binomial(3000, 0.2) SD of the % is 0.73; allow 4 SD. Fake/real halves: SD 1.03.
    expect(Math.abs(inf.score - 20)).toBeLessThan(2.9);
    expect(Math.abs(inf.fakeError.score - 20)).toBeLessThan(4.1);
    expect(Math.abs(inf.realError.score - 20)).toBeLessThan(4.1);
    expect(inf.ci[0]).toBeLessThan(inf.score);
    expect(inf.ci[1]).toBeGreaterThan(inf.score);
  });
});
