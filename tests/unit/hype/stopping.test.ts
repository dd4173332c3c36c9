import { describe, expect, it } from "vitest";
import { ciWidth, liveCells, scoreStudy, shouldStop, simulateArm, type LiveTargets, type TrialRow } from "@/lib/hype";

const TARGETS: LiveTargets = { targetCiWidthMs: 40, targetCiWidthPercent: 6, stopWhenNarrower: true, minEvaluatorsToStop: 10 };

describe("the stopping rule", () => {
  it("stops only when on, with enough evaluators, and strictly narrower than the target", () => {
    expect(shouldStop(10, 39.9, 40, TARGETS)).toBe(true);
    expect(shouldStop(10, 40, 40, TARGETS)).toBe(false); // at the target: keep going
    expect(shouldStop(9, 10, 40, TARGETS)).toBe(false); // too few evaluators
    expect(shouldStop(10, 10, 40, { ...TARGETS, stopWhenNarrower: false })).toBe(false);
    expect(shouldStop(50, Number.NaN, 40, TARGETS)).toBe(false); // undefined interval
  });

  it("measures the width as upper minus lower", () => {
    expect(ciWidth([280, 318])).toBe(38);
  });
});

describe("live cells from scores", () => {
  const population = { thresholdMeanMs: 300, thresholdSdMs: 60, slopePerMs: 0.02, lapseRate: 0.02 };
  const timed = (arm: string, evaluators: number, seed: number): TrialRow[] =>
    simulateArm({ arm, evaluators, population, blocks: [{ protocol: "hype_time", size: 40 }], seed }).rows;
  const untimed: TrialRow[] = Array.from({ length: 12 }, (_, e) =>
    Array.from({ length: 10 }, (_, trial): TrialRow => ({
      arm: "c",
      evaluator: `c${e}`,
      protocol: "hype_inf",
      block: 0,
      trial,
      label: trial % 2 === 0 ? "real" : "generated",
      answer: trial < e % 5 ? "generated" : trial % 2 === 0 ? "real" : "generated",
      exposure_ms: null,
    })),
  ).flat();
  const scores = scoreStudy([...timed("a", 40, 1), ...timed("b", 4, 2), ...untimed], { seed: 3, resamples: 500 });

  it("has one cell per arm and protocol with data, with the score's CI and the protocol's target", () => {
    const cells = liveCells(scores, TARGETS);
    expect(cells.map((c) => [c.arm, c.protocol, c.target])).toEqual([
      ["a", "hype_time", 40],
      ["b", "hype_time", 40],
      ["c", "hype_inf", 6],
    ]);
    for (const cell of cells) {
      const arm = scores.arms.find((a) => a.arm === cell.arm)!;
      const estimate = cell.protocol === "hype_time" ? arm.hypeTime! : arm.hypeInf!;
      expect(cell.ci).toEqual(estimate.ci);
      expect(cell.score).toBe(estimate.score);
      expect(cell.evaluators).toBe(estimate.evaluators);
      expect(cell.width).toBe(estimate.ci[1] - estimate.ci[0]);
      expect(cell.stopped).toBe(shouldStop(cell.evaluators, cell.width, cell.target, TARGETS));
    }
  });

  it("stops a cell exactly when a target just above its width is set, and never one with too few evaluators", () => {
    const [a, b] = liveCells(scores, TARGETS);
    const justAbove = { ...TARGETS, targetCiWidthMs: a!.width + 0.001 };
    expect(liveCells(scores, justAbove)[0]!.stopped).toBe(true);
    expect(liveCells(scores, { ...TARGETS, targetCiWidthMs: a!.width })[0]!.stopped).toBe(false);
    expect(liveCells(scores, { ...TARGETS, targetCiWidthMs: 1e6 })[1]!.stopped).toBe(false); // b has 4 < 10
    expect(b!.evaluators).toBe(4);
  });

  it("is deterministic: the same scores and settings give the same decisions", () => {
    const again = scoreStudy([...timed("a", 40, 1), ...timed("b", 4, 2), ...untimed], { seed: 3, resamples: 500 });
    expect(liveCells(again, TARGETS)).toEqual(liveCells(scores, TARGETS));
  });
});
