import { describe, expect, it } from "vitest";
import {
  answerTrial,
  buildSchedule,
  createObserver,
  createRng,
  exposureForAccuracy,
  HYPE_TIME_BLOCKS,
  probabilityCorrect,
  QUALIFICATION_BLOCKS,
  simulateEvaluator,
} from "@/lib/hype";

describe("psychometric observer", () => {
  const o = createObserver({ thresholdMs: 300, slopePerMs: 0.02 });

  it("is at chance for very short exposures, 75% at the threshold, and 1 − lapse untimed", () => {
    expect(probabilityCorrect(o, 0)).toBeCloseTo(0.5 + 0.5 / (1 + Math.exp(6)), 12);
    expect(probabilityCorrect(o, 300)).toBe(0.75);
    expect(probabilityCorrect(o, null)).toBe(1);
    const lapsing = createObserver({ thresholdMs: 300, slopePerMs: 0.02, lapseRate: 0.1 });
    expect(probabilityCorrect(lapsing, null)).toBeCloseTo(0.9, 12);
    expect(probabilityCorrect(lapsing, 300)).toBeCloseTo(0.7, 12);
  });
  it("inverts to the exposure for a given accuracy", () => {
    const lapsing = createObserver({ thresholdMs: 300, slopePerMs: 0.02, lapseRate: 0.1 });
    for (const p of [0.6, 0.75, 0.85]) expect(probabilityCorrect(lapsing, exposureForAccuracy(lapsing, p))).toBeCloseTo(p, 12);
    expect(() => exposureForAccuracy(lapsing, 0.95)).toThrow(RangeError);
    expect(() => createObserver({ thresholdMs: 300, slopePerMs: 0 })).toThrow(RangeError);
  });
  it("answers with the observer's accuracy", () => {
    const rng = createRng(8);
    let correct = 0;
    for (let i = 0; i < 10_000; i++) if (answerTrial(o, "generated", 300, rng) === "generated") correct++;
    // Binomial(10000, 0.75): SD ≈ 43; allow 4 SD.
    expect(Math.abs(correct - 7500)).toBeLessThan(175);
  });
});

describe("simulateEvaluator", () => {
  const schedule = buildSchedule({
    seed: 12,
    arm: "gan",
    blocks: [...QUALIFICATION_BLOCKS, ...HYPE_TIME_BLOCKS],
    realPool: Array.from({ length: 300 }, (_, i) => `r${i}`),
    generatedPools: { gan: Array.from({ length: 300 }, (_, i) => `g${i}`) },
  });
  const observer = createObserver({ thresholdMs: 300, slopePerMs: 0.02, lapseRate: 0.05 });
  const run = simulateEvaluator({ evaluator: "e1", arm: "gan", observer, schedule, seed: 3 });

  it("emits one row per scheduled trial, timed only in staircase blocks", () => {
    expect(run.rows).toHaveLength(550);
    expect(run.rows.filter((r) => r.protocol === "qualification").every((r) => r.exposure_ms === null)).toBe(true);
    expect(run.rows.filter((r) => r.protocol === "hype_time").every((r) => typeof r.exposure_ms === "number")).toBe(true);
    expect(run.staircases).toHaveLength(3);
  });
  it("drives a fresh staircase per block with the observer's answers", () => {
    const block1 = run.rows.filter((r) => r.block === 1);
    expect(block1[0]!.exposure_ms).toBe(500);
    expect(run.staircases[0]!.history.map((h) => h.exposure)).toEqual(block1.map((r) => r.exposure_ms));
    expect(run.staircases[0]!.history.map((h) => h.correct)).toEqual(block1.map((r) => r.answer === r.label));
  });
  it("is deterministic for a seed", () => {
    expect(simulateEvaluator({ evaluator: "e1", arm: "gan", observer, schedule, seed: 3 })).toEqual(run);
    expect(simulateEvaluator({ evaluator: "e1", arm: "gan", observer, schedule, seed: 4 }).rows).not.toEqual(run.rows);
  });
});
