import { describe, expect, it } from "vitest";
import type { ExportRow } from "@/lib/export/trial-rows";
import { binAccuracy, binStart, ResultsAggregator, wilsonInterval } from "@/lib/studies/results-aggregate";

function row(overrides: Partial<ExportRow>): ExportRow {
  return {
    study: "s",
    arm: "A",
    evaluator: "e1",
    protocol: "hype_time",
    block: 0,
    trial: 0,
    label: "real",
    answer: "real",
    correct: true,
    exposure_ms: 500,
    requested_frames: 30,
    presented_frames: 30,
    measured_ms: 500,
    refresh_hz: 60,
    response_ms: 900,
    flags: [],
    image_hash: "0".repeat(64),
    issued_at: "2026-01-01T00:00:00.000Z",
    answered_at: "2026-01-01T00:00:01.000Z",
    ...overrides,
  };
}

describe("exposure bins", () => {
  it("puts an exposure in the half-open 50 ms bin [k·50, (k+1)·50)", () => {
    expect(binStart(100)).toBe(100);
    expect(binStart(149.999)).toBe(100);
    expect(binStart(150)).toBe(150);
    expect(binStart(483.3)).toBe(450);
    expect(binStart(0)).toBe(0);
    expect(binStart(490, 100)).toBe(400);
    expect(() => binStart(10, 0)).toThrow(RangeError);
  });

  it("tallies accuracy per bin in exposure order and leaves empty bins out", () => {
    const bins = binAccuracy([
      { exposureMs: 520, correct: true },
      { exposureMs: 100, correct: false },
      { exposureMs: 510, correct: false },
      { exposureMs: 549, correct: true },
      { exposureMs: 130, correct: true },
    ]);
    expect(bins.map((b) => [b.fromMs, b.toMs, b.centerMs, b.trials, b.correct])).toEqual([
      [100, 150, 125, 2, 1],
      [500, 550, 525, 3, 2],
    ]);
    expect(bins[1]!.accuracy).toBeCloseTo(2 / 3, 12);
    expect(binAccuracy([])).toEqual([]);
  });

  it("gives the Wilson score interval: the proportions p0 where the score test sits exactly at z", () => {
    const z = 1.959963984540054;
    const [lo, hi] = wilsonInterval(7, 10);
    // Each bound solves (p̂ − p0)² = z² · p0 (1 − p0) / n.
    for (const p0 of [lo, hi]) expect((0.7 - p0) ** 2).toBeCloseTo((z * z * p0 * (1 - p0)) / 10, 14);
    expect(lo).toBeCloseTo(0.396778, 6);
    expect(hi).toBeCloseTo(0.892209, 6);
    // All correct: the upper bound is 1, the lower one is n / (n + z²).
    const [lo10, hi10] = wilsonInterval(10, 10);
    expect(hi10).toBeCloseTo(1, 14);
    expect(lo10).toBeCloseTo(10 / (10 + 1.959963984540054 ** 2), 12);
    expect(wilsonInterval(0, 0).every(Number.isNaN)).toBe(true);
  });
});

describe("ResultsAggregator", () => {
  it("builds each evaluator's staircase per block, in trial order, marking replaced trials", () => {
    const agg = new ResultsAggregator();
    // Rows arrive in (evaluator, trial) order, as exportTrialRows yields them.
    agg.add(row({ evaluator: "e2", trial: 0, exposure_ms: 500 }));
    agg.add(row({ trial: 0, exposure_ms: 500 }));
    agg.add(row({ trial: 1, exposure_ms: 490, answer: "generated", correct: false }));
    agg.add(row({ trial: 2, exposure_ms: 520, flags: ["blur", "replaced"] }));
    agg.add(row({ trial: 3, exposure_ms: 520 }));
    agg.add(row({ trial: 4, block: 1, exposure_ms: 500 }));
    const [e1, e2] = agg.staircaseSeries();
    expect(e1!.evaluator).toBe("e1");
    expect(e2!.evaluator).toBe("e2");
    expect(e1!.blocks).toEqual([
      { block: 0, trials: [0, 1, 2, 3], exposureMs: [500, 490, 520, 520], correct: [1, 0, 1, 1], replaced: [2] },
      { block: 1, trials: [4], exposureMs: [500], correct: [1], replaced: [] },
    ]);
    expect(agg.staircaseSeries(1).map((s) => s.evaluator)).toEqual(["e1"]);
    expect(agg.staircaseCount()).toBe(2);
  });

  it("counts answers, scored answers and flags per evaluator and protocol; untimed rows have no staircase", () => {
    const agg = new ResultsAggregator();
    agg.add(row({ protocol: "qualification", exposure_ms: null, trial: 0, answer: "generated", correct: false }));
    agg.add(row({ trial: 1, block: 1, flags: ["frame_miss", "replaced"] }));
    agg.add(row({ trial: 2, block: 1, flags: ["frame_miss"] }));
    agg.add(row({ trial: 3, block: 1, answer: "generated", correct: false, flags: ["slow_load"] }));
    agg.add(row({ evaluator: "i1", arm: "B", protocol: "hype_inf", exposure_ms: null, label: "generated", answer: "real", correct: false }));
    expect(agg.rowCount).toBe(5);
    const [e1, i1] = agg.evaluatorAggregates();
    expect(e1).toEqual({
      evaluator: "e1",
      arm: "A",
      answered: 4,
      byProtocol: { qualification: { answered: 1, scored: 1, correct: 0 }, hype_time: { answered: 3, scored: 2, correct: 1 } },
      flags: { frame_miss: 2, replaced: 1, slow_load: 1 },
    });
    expect(i1).toMatchObject({ arm: "B", answered: 1, byProtocol: { hype_inf: { answered: 1, scored: 1, correct: 0 } } });
    expect(agg.staircaseSeries().map((s) => s.evaluator)).toEqual(["e1"]);
  });

  it("bins scored HYPE_time answers per arm for the accuracy-vs-exposure curve", () => {
    const agg = new ResultsAggregator();
    agg.add(row({ arm: "B", evaluator: "b1", trial: 0, exposure_ms: 110 }));
    agg.add(row({ arm: "A", trial: 0, exposure_ms: 500 }));
    agg.add(row({ arm: "A", trial: 1, exposure_ms: 530, answer: "generated", correct: false }));
    agg.add(row({ arm: "A", trial: 2, exposure_ms: 560, flags: ["replaced"] }));
    agg.add(row({ arm: "A", trial: 3, exposure_ms: 140, answer: "generated", correct: false }));
    agg.add(row({ arm: "A", trial: 4, protocol: "hype_inf", exposure_ms: null }));
    const curves = agg.accuracyCurves();
    expect(curves.map((c) => c.arm)).toEqual(["A", "B"]);
    expect(curves[0]!.bins.map((b) => [b.fromMs, b.trials, b.correct, b.accuracy])).toEqual([
      [100, 1, 0, 0],
      [500, 2, 1, 0.5],
    ]);
    expect(curves[1]!.bins.map((b) => [b.fromMs, b.trials, b.accuracy])).toEqual([[100, 1, 1]]);
    expect(new ResultsAggregator({ binWidthMs: 100 }).accuracyCurves()).toEqual([]);
    expect(() => new ResultsAggregator({ binWidthMs: -5 })).toThrow(RangeError);
  });
});
