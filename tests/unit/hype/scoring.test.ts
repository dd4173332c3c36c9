import { describe, expect, it } from "vitest";
import {
  evaluatorThreshold,
  modeWithTieMean,
  scoreStudy,
  ScoringInputError,
  type TrialRow,
  type Label,
} from "@/lib/hype";

describe("mode with the tie rule", () => {
  it("takes the most frequent exposure", () => {
    expect(modeWithTieMean([500, 490, 480, 480, 470])).toBe(480);
  });
  it("breaks ties with the mean of the tied values", () => {
    expect(modeWithTieMean([100, 100, 200, 200, 300])).toBe(150);
    expect(modeWithTieMean([300, 310, 320])).toBe(310);
  });
  it("averages block modes into the evaluator threshold", () => {
    expect(evaluatorThreshold([[200, 200, 210], [300, 310, 310], [100, 100, 400, 400]])).toBe((200 + 310 + 250) / 3);
    expect(modeWithTieMean([])).toBeNaN();
  });
});

/** Rows for one untimed block: `pattern` lists [label, answer] pairs. */
function untimedRows(arm: string, evaluator: string, protocol: "hype_inf" | "qualification", block: number, pattern: Array<[Label, Label]>): TrialRow[] {
  return pattern.map(([label, answer], trial) => ({ arm, evaluator, protocol, block, trial, label, answer, exposure_ms: null }));
}

function repeat<T>(n: number, item: T): T[] {
  return Array.from({ length: n }, () => item);
}

/** A staircase block whose exposures are given; answers alternate right/wrong. */
function timedRows(arm: string, evaluator: string, block: number, exposures: number[]): TrialRow[] {
  return exposures.map((exposure_ms, trial) => ({
    arm,
    evaluator,
    protocol: "hype_time",
    block,
    trial,
    label: trial % 2 === 0 ? "real" : "generated",
    answer: "real",
    exposure_ms,
  }));
}

describe("HYPE_∞ arithmetic", () => {
  // e1: 50 real (10 called fake), 50 generated (20 called real) → 30 wrong of 100.
  // e2: 40 real (0 wrong), 60 generated (45 called real) → 45 wrong of 100.
  const rows = [
    ...untimedRows("gan", "e1", "hype_inf", 0, [
      ...repeat(10, ["real", "generated"] as [Label, Label]),
      ...repeat(40, ["real", "real"] as [Label, Label]),
      ...repeat(20, ["generated", "real"] as [Label, Label]),
      ...repeat(30, ["generated", "generated"] as [Label, Label]),
    ]),
    ...untimedRows("gan", "e2", "hype_inf", 0, [
      ...repeat(40, ["real", "real"] as [Label, Label]),
      ...repeat(45, ["generated", "real"] as [Label, Label]),
      ...repeat(15, ["generated", "generated"] as [Label, Label]),
    ]),
  ];
  const result = scoreStudy(rows, { seed: 1, resamples: 2000 }).arms[0]!.hypeInf!;

  it("pools % wrong over all answers and splits fake and real error", () => {
    expect(result.score).toBe(37.5); // 75 / 200
    expect(result.fakeError.score).toBeCloseTo((100 * 65) / 110, 12); // generated called real
    expect(result.realError.score).toBeCloseTo((100 * 10) / 90, 12); // real called generated
    expect(result.evaluators).toBe(2);
    expect(result.answers).toBe(200);
    expect(result.perEvaluator.map((e) => [e.evaluator, e.percentWrong, e.fakeErrorPercent, e.realErrorPercent])).toEqual([
      ["e1", 30, 40, 20],
      ["e2", 45, 75, 0],
    ]);
  });
  it("bootstraps over evaluators: the interval spans the two evaluators' pooled values", () => {
    expect(result.ci[0]).toBeCloseTo(30, 10);
    expect(result.ci[1]).toBeCloseTo(45, 10);
    expect(result.bootstrapSd).toBeGreaterThan(0);
  });
});

describe("HYPE_time scoring", () => {
  const rows = [
    ...timedRows("a", "e1", 0, [500, 490, 480, 480]),
    ...timedRows("a", "e1", 1, [500, 490, 490, 480, 480]), // tie 490/480 → 485
    ...timedRows("a", "e2", 0, [300, 300, 310]),
    ...timedRows("b", "e3", 0, [200, 200]),
    ...timedRows("b", "e4", 0, [250, 260, 260]),
  ];
  const scores = scoreStudy(rows, { seed: 5, resamples: 1000 });

  it("averages per-evaluator thresholds per arm", () => {
    const a = scores.arms.find((x) => x.arm === "a")!.hypeTime!;
    expect(a.perEvaluator.map((e) => [e.evaluator, e.blockModesMs, e.thresholdMs])).toEqual([
      ["e1", [480, 485], 482.5],
      ["e2", [300], 300],
    ]);
    expect(a.score).toBe((482.5 + 300) / 2);
    expect(a.evaluators).toBe(2);
    expect(a.trials).toBe(12);
    expect(scores.arms.map((x) => x.arm)).toEqual(["a", "b"]);
    expect(scores.arms[1]!.hypeTime!.score).toBe(230);
  });
  it("runs separability across arms on evaluator thresholds", () => {
    const sep = scores.separability.hypeTime!;
    expect(sep.groups.map((g) => [g.name, g.n, g.mean])).toEqual([
      ["a", 2, 391.25],
      ["b", 2, 230],
    ]);
    expect(sep.tTest?.student?.df).toBe(2);
    expect(scores.separability.hypeInf).toBeNull();
  });
  it("is deterministic for a seed, and an arm's CI does not depend on other arms", () => {
    expect(scoreStudy(rows, { seed: 5, resamples: 1000 })).toEqual(scores);
    const onlyA = scoreStudy(rows.filter((r) => r.arm === "a"), { seed: 5, resamples: 1000 });
    expect(onlyA.arms[0]!.hypeTime).toEqual(scores.arms[0]!.hypeTime);
  });
});

describe("qualification", () => {
  const pass = untimedRows("a", "good", "qualification", 0, [
    ...repeat(33, ["real", "real"] as [Label, Label]),
    ...repeat(17, ["real", "generated"] as [Label, Label]), // 66% real correct
    ...repeat(50, ["generated", "generated"] as [Label, Label]),
  ]);
  const fail = untimedRows("a", "bad", "qualification", 0, [
    ...repeat(50, ["real", "real"] as [Label, Label]),
    ...repeat(32, ["generated", "generated"] as [Label, Label]),
    ...repeat(18, ["generated", "real"] as [Label, Label]), // 64% generated correct
  ]);
  const timed = [...timedRows("a", "good", 1, [400, 400]), ...timedRows("a", "bad", 1, [150, 150])];

  it("passes at ≥ 65% on both real and generated images", () => {
    const q = scoreStudy([...pass, ...fail, ...timed], { seed: 1, resamples: 100 }).arms[0]!.qualification!;
    expect(q.evaluators).toBe(2);
    expect(q.passed).toBe(1);
    // Evaluators are listed in id order.
    expect(q.perEvaluator.map((r) => [r.evaluator, r.passed])).toEqual([
      ["bad", false],
      ["good", true],
    ]);
  });
  it("can leave failed evaluators out of the scores", () => {
    const all = scoreStudy([...pass, ...fail, ...timed], { seed: 1, resamples: 100 }).arms[0]!.hypeTime!;
    const gated = scoreStudy([...pass, ...fail, ...timed], { seed: 1, resamples: 100, excludeFailedQualification: true }).arms[0]!.hypeTime!;
    expect(all.evaluators).toBe(2);
    expect(gated.evaluators).toBe(1);
    expect(gated.score).toBe(400);
  });
});

describe("row validation", () => {
  const good: TrialRow = { arm: "a", evaluator: "e1", protocol: "hype_time", block: 0, trial: 0, label: "real", answer: "real", exposure_ms: 500 };

  function issuesOf(rows: unknown[]): string[] {
    try {
      scoreStudy(rows as TrialRow[], { seed: 1, resamples: 10 });
    } catch (e) {
      expect(e).toBeInstanceOf(ScoringInputError);
      expect((e as ScoringInputError).code).toBe("INVALID_ROWS");
      return (e as ScoringInputError).issues.map((i) => `${i.row}:${i.column}`);
    }
    return [];
  }

  it("names the row index and column of each bad value", () => {
    expect(issuesOf([good, { ...good, trial: 1, label: "fake" }])).toEqual(["1:label"]);
    expect(issuesOf([good, { ...good, trial: 1, answer: "yes" }])).toEqual(["1:answer"]);
    expect(issuesOf([{ ...good, protocol: "hype_2" }])).toEqual(["0:protocol"]);
    expect(issuesOf([{ ...good, block: -1, trial: 1.5 }])).toEqual(["0:block", "0:trial"]);
    expect(issuesOf([{ ...good, exposure_ms: null }])).toEqual(["0:exposure_ms"]);
    expect(issuesOf([{ ...good, protocol: "hype_inf", exposure_ms: 500 }])).toEqual(["0:exposure_ms"]);
    expect(issuesOf([{ ...good, evaluator: "" }, null])).toEqual(["0:evaluator", "1:*"]);
  });
  it("rejects an evaluator spanning two arms, duplicate trials and a block with two protocols", () => {
    expect(issuesOf([good, { ...good, trial: 1, arm: "b" }])).toEqual(["1:arm"]);
    expect(issuesOf([good, { ...good }])).toEqual(["1:trial"]);
    expect(issuesOf([good, { ...good, trial: 1, protocol: "hype_inf", exposure_ms: null }])).toEqual(["1:block"]);
  });
  it("puts the first issues in the error message", () => {
    expect(() => scoreStudy([{ ...good, label: "fake" as Label }], { seed: 1 })).toThrow(/row 0, column "label": unknown label "fake"/);
  });
  it("accepts an empty study", () => {
    expect(scoreStudy([], { seed: 1 })).toMatchObject({ arms: [], separability: { hypeTime: null, hypeInf: null } });
  });
});

describe("scoreStudy and row order", () => {
  it("gives the same scores and intervals whatever the order of the rows", async () => {
    const { simulateArm, scoreStudy: score } = await import("@/lib/hype");
    const population = { thresholdMeanMs: 300, thresholdSdMs: 60, slopePerMs: 0.02, lapseRate: 0.02 };
    const rows = [
      ...simulateArm({ arm: "a", evaluators: 6, population, blocks: [{ protocol: "hype_time", size: 20 }], seed: 9 }).rows,
      ...simulateArm({ arm: "b", evaluators: 5, population, blocks: [{ protocol: "hype_time", size: 20 }], seed: 10 }).rows,
    ];
    const reversed = [...rows].reverse();
    expect(score(reversed, { seed: 3, resamples: 500 })).toEqual(score(rows, { seed: 3, resamples: 500 }));
  });
});
