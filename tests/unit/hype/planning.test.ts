/**
 * Study planning (lib/hype/planning.ts): CI width of the HYPE score against the number of
 * evaluators, from simulated observers.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createObserver,
  createRng,
  exposureForAccuracy,
  HYPE_TIME_STAIRCASE,
  hypeFrameLockedParams,
  presentedExposuresMs,
  replayStaircase,
  scoreStudy,
  type StaircaseParams,
  type TrialRow,
} from "@/lib/hype";
import {
  extrapolateCount,
  planCiWidth,
  planCiWidthSteps,
  PlanningInputError,
  sampleErrorRate,
  simulateTimedEvaluator,
  simulateUntimedErrors,
  smallestCountReaching,
  validatePlanRequest,
  type PlanPoint,
  type PlanRequest,
} from "@/lib/hype/planning";

const timeRequest = (patch: Partial<Extract<PlanRequest, { protocol: "hype_time" }>> = {}): PlanRequest => ({
  protocol: "hype_time",
  population: { thresholdMeanMs: 350, thresholdSdMs: 60, slopePerMs: 0.02, lapseRate: 0.02 },
  design: { blocks: 3, trialsPerBlock: 150, staircase: HYPE_TIME_STAIRCASE },
  evaluatorCounts: [5, 10, 20, 40],
  replicates: 20,
  resamples: 500,
  seed: 42,
  ...patch,
});

const infRequest = (patch: Partial<Extract<PlanRequest, { protocol: "hype_inf" }>> = {}): PlanRequest => ({
  protocol: "hype_inf",
  population: { errorRateMean: 0.3, errorRateSd: 0.1 },
  design: { trials: 100 },
  evaluatorCounts: [5, 10, 20, 40],
  replicates: 20,
  resamples: 500,
  seed: 42,
  ...patch,
});

describe("planCiWidth: determinism", () => {
  it("the same seed gives the same plan; another seed a different one", () => {
    const a = planCiWidth(timeRequest({ replicates: 4 }));
    const b = planCiWidth(timeRequest({ replicates: 4 }));
    expect(b).toEqual(a);
    const c = planCiWidth(timeRequest({ replicates: 4, seed: 43 }));
    expect(c.points.map((p) => p.meanWidth)).not.toEqual(a.points.map((p) => p.meanWidth));
  });

  it("the figures for one N do not depend on the other Ns asked for (prefixes of one pool)", () => {
    for (const request of [timeRequest({ replicates: 4 }), infRequest({ replicates: 4 })]) {
      const all = planCiWidth(request);
      const some = planCiWidth({ ...request, evaluatorCounts: [20, 10] });
      expect(some.points.map((p) => p.evaluators)).toEqual([10, 20]);
      expect(some.points).toEqual(all.points.filter((p) => p.evaluators === 10 || p.evaluators === 20));
    }
  });

  it("the stepwise form reports one step per replicate and ends with the same result", () => {
    const request = infRequest({ replicates: 5 });
    const steps = planCiWidthSteps(request);
    const progress: number[] = [];
    let step = steps.next();
    while (!step.done) {
      expect(step.value.total).toBe(5);
      progress.push(step.value.done);
      step = steps.next();
    }
    expect(progress).toEqual([1, 2, 3, 4, 5]);
    expect(step.value).toEqual(planCiWidth(request));
  });
});

function strictlyDecreasing(points: readonly PlanPoint[]): boolean {
  return points.every((p, i) => i === 0 || p.meanWidth < (points[i - 1] as PlanPoint).meanWidth);
}

describe("planCiWidth: the CI narrows with evaluators", () => {
  it("HYPE_time: mean width falls with N, roughly as 1/√N, and the band brackets the mean", () => {
    const plan = planCiWidth(timeRequest());
    expect(plan.unit).toBe("ms");
    expect(plan.points.map((p) => p.evaluators)).toEqual([5, 10, 20, 40]);
    expect(strictlyDecreasing(plan.points)).toBe(true);
    const ratio = plan.points[3]!.meanWidth / plan.points[1]!.meanWidth; // 40 vs 10 evaluators: 1/2 expected
    expect(ratio).toBeGreaterThan(0.38);
    expect(ratio).toBeLessThan(0.65);
    for (const p of plan.points) {
      expect(p.p10Width).toBeLessThanOrEqual(p.meanWidth);
      expect(p.meanWidth).toBeLessThanOrEqual(p.p90Width);
    }
  });

  it("HYPE_∞: mean width falls with N", () => {
    const plan = planCiWidth(infRequest());
    expect(plan.unit).toBe("%");
    expect(strictlyDecreasing(plan.points)).toBe(true);
  });

  it("HYPE_time: a wider population needs more evaluators for the same width", () => {
    const narrow = planCiWidth(timeRequest({ replicates: 8 }));
    const wide = planCiWidth(timeRequest({ replicates: 8, population: { thresholdMeanMs: 350, thresholdSdMs: 150, slopePerMs: 0.02, lapseRate: 0.02 } }));
    wide.points.forEach((p, i) => expect(p.meanWidth).toBeGreaterThan(narrow.points[i]!.meanWidth));
  });
});

describe("planCiWidth: the score lands where it should", () => {
  it("HYPE_time: mean score within one up-step (30 ms) of the population's 75% point", () => {
    const request = timeRequest({ evaluatorCounts: [40], replicates: 10 });
    const plan = planCiWidth(request);
    const { thresholdMeanMs, slopePerMs, lapseRate } = (request as Extract<PlanRequest, { protocol: "hype_time" }>).population;
    const truth = exposureForAccuracy(createObserver({ thresholdMs: thresholdMeanMs, slopePerMs, lapseRate }), 0.75);
    expect(plan.targetAccuracy).toBe(0.75);
    expect(plan.expectedScore).toBeCloseTo(truth, 9);
    expect(Math.abs(plan.points[0]!.meanScore - truth)).toBeLessThanOrEqual(30);
  });

  it("HYPE_∞: mean score near 100 × the mean error rate; with no spread the width is the binomial one", () => {
    const plan = planCiWidth(infRequest({ population: { errorRateMean: 0.4, errorRateSd: 0 }, evaluatorCounts: [30] }));
    expect(plan.expectedScore).toBeCloseTo(40, 12);
    expect(Math.abs(plan.points[0]!.meanScore - 40)).toBeLessThan(1);
    // 95% normal interval of a pooled proportion: 2 · 1.96 · √(p(1 − p) / (N · trials)) · 100 ≈ 3.51 points.
    const binomial = 2 * 1.96 * Math.sqrt((0.4 * 0.6) / 3000) * 100;
    expect(plan.points[0]!.meanWidth / binomial).toBeGreaterThan(0.88);
    expect(plan.points[0]!.meanWidth / binomial).toBeLessThan(1.08);
  });

  it("p10 ≤ mean ≤ p90 and widths are non-negative for any seed", () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (seed) => {
        const plan = planCiWidth(infRequest({ seed, evaluatorCounts: [2, 3, 6], replicates: 3, resamples: 100, design: { trials: 10 } }));
        return plan.points.every((p) => p.p10Width >= 0 && p.p10Width <= p.meanWidth + 1e-9 && p.meanWidth <= p.p90Width + 1e-9);
      }),
      { numRuns: 50 },
    );
  });
});

describe("simulated evaluators match the production code", () => {
  function rowsOf(blocks: ReturnType<typeof simulateTimedEvaluator>["blocks"]): TrialRow[] {
    return blocks.flatMap((block, b) =>
      Array.from(block.exposuresMs, (ms, t) => {
        const label = t % 2 === 0 ? "real" : "generated";
        const answer = block.correct[t] ? label : label === "real" ? "generated" : "real";
        return { arm: "a", evaluator: "e", protocol: "hype_time", block: b, trial: t, label, answer, exposure_ms: ms } as TrialRow;
      }),
    );
  }

  it.each<[string, StaircaseParams]>([
    ["ms (the paper's rule)", HYPE_TIME_STAIRCASE],
    ["frame-locked at 60 Hz", hypeFrameLockedParams(60)],
    ["1-up-2-down, 2 errors to step up", { ...HYPE_TIME_STAIRCASE, stepUpMs: 20, stepDownMs: 20, nDown: 2, nUp: 2 }],
  ])("%s: exposures replay through the staircase engine and the threshold equals scoreStudy's", (_, staircase) => {
    const observer = createObserver({ thresholdMs: 260, slopePerMs: 0.015, lapseRate: 0.03 });
    const sim = simulateTimedEvaluator(observer, { blocks: 3, trialsPerBlock: 120, staircase }, createRng(9));
    for (const block of sim.blocks) {
      const replayed = replayStaircase(staircase, Array.from(block.correct, (c) => c === 1));
      expect(presentedExposuresMs(replayed)).toEqual(Array.from(block.exposuresMs));
    }
    const scored = scoreStudy(rowsOf(sim.blocks), { seed: 1, resamples: 100 }).arms[0]!.hypeTime!;
    expect(scored.perEvaluator[0]!.thresholdMs).toBeCloseTo(sim.thresholdMs, 9);
  });

  it("error rates follow the Beta population's mean and SD, inside [0, 1]", () => {
    const rng = createRng(3);
    const draws = Array.from({ length: 20_000 }, () => sampleErrorRate({ errorRateMean: 0.1, errorRateSd: 0.08 }, rng));
    const m = draws.reduce((s, x) => s + x, 0) / draws.length;
    const sd = Math.sqrt(draws.reduce((s, x) => s + (x - m) ** 2, 0) / (draws.length - 1));
    expect(draws.every((x) => x >= 0 && x <= 1)).toBe(true);
    expect(m).toBeCloseTo(0.1, 2);
    expect(sd).toBeCloseTo(0.08, 2);
    expect(sampleErrorRate({ errorRateMean: 0.25, errorRateSd: 0 }, rng)).toBe(0.25);
    // Just below the largest SD for the mean (√(0.1 · 0.9) = 0.3) draws stay finite, near 0 or 1.
    const extreme = Array.from({ length: 2000 }, () => sampleErrorRate({ errorRateMean: 0.1, errorRateSd: 0.2999999 }, rng));
    expect(extreme.every((x) => Number.isFinite(x) && x >= 0 && x <= 1)).toBe(true);
    const ones = extreme.filter((x) => x > 0.5).length / extreme.length;
    expect(ones).toBeGreaterThan(0.07);
    expect(ones).toBeLessThan(0.13);
  });

  it("untimed errors are binomial", () => {
    const rng = createRng(4);
    let wrong = 0;
    for (let i = 0; i < 100; i++) wrong += simulateUntimedErrors(0.3, 100, rng);
    // Binomial(10000, 0.3): SD ≈ 46; allow 4 SD.
    expect(Math.abs(wrong - 3000)).toBeLessThan(184);
  });
});

describe("input validation", () => {
  const pathsOf = (request: PlanRequest) => validatePlanRequest(request).map((i) => i.path);

  it("accepts the defaults", () => {
    expect(validatePlanRequest(timeRequest())).toEqual([]);
    expect(validatePlanRequest(infRequest())).toEqual([]);
  });

  it.each<[string, PlanRequest, string]>([
    ["no evaluator counts", timeRequest({ evaluatorCounts: [] }), "evaluatorCounts"],
    ["one evaluator", timeRequest({ evaluatorCounts: [1, 5] }), "evaluatorCounts"],
    ["a fractional count", timeRequest({ evaluatorCounts: [5.5] }), "evaluatorCounts"],
    ["a repeated count", timeRequest({ evaluatorCounts: [5, 5] }), "evaluatorCounts"],
    ["too many evaluators", timeRequest({ evaluatorCounts: [501] }), "evaluatorCounts"],
    ["one replicate", timeRequest({ replicates: 1 }), "replicates"],
    ["too few resamples", timeRequest({ resamples: 10 }), "resamples"],
    ["a fractional seed", timeRequest({ seed: 0.5 }), "seed"],
    ["an empty threshold (NaN)", timeRequest({ population: { thresholdMeanMs: Number.NaN, thresholdSdMs: 60, slopePerMs: 0.02, lapseRate: 0 } }), "population.thresholdMeanMs"],
    ["a negative SD", timeRequest({ population: { thresholdMeanMs: 300, thresholdSdMs: -1, slopePerMs: 0.02, lapseRate: 0 } }), "population.thresholdSdMs"],
    ["a zero slope", timeRequest({ population: { thresholdMeanMs: 300, thresholdSdMs: 60, slopePerMs: 0, lapseRate: 0 } }), "population.slopePerMs"],
    ["a lapse that never lets observers reach 75%", timeRequest({ population: { thresholdMeanMs: 300, thresholdSdMs: 60, slopePerMs: 0.02, lapseRate: 0.3 } }), "population.lapseRate"],
    ["zero blocks", timeRequest({ design: { blocks: 0, trialsPerBlock: 150 } }), "design.blocks"],
    ["a staircase starting outside its range", timeRequest({ design: { blocks: 3, trialsPerBlock: 150, staircase: { ...HYPE_TIME_STAIRCASE, startMs: 50 } } }), "design.staircase"],
    ["an error rate above 1", infRequest({ population: { errorRateMean: 1.2, errorRateSd: 0 } }), "population.errorRateMean"],
    ["an SD impossible for the mean", infRequest({ population: { errorRateMean: 0.1, errorRateSd: 0.35 } }), "population.errorRateSd"],
    ["zero untimed trials", infRequest({ design: { trials: 0 } }), "design.trials"],
    ["more work than a browser should do", timeRequest({ evaluatorCounts: [100, 200, 300, 400, 500], replicates: 100, resamples: 10_000 }), "replicates"],
  ])("rejects %s", (_, request, path) => {
    expect(pathsOf(request)).toEqual([path]);
    expect(() => planCiWidth(request)).toThrow(PlanningInputError);
  });

  it("reports every problem at once, with a code", () => {
    const request = timeRequest({ evaluatorCounts: [], population: { thresholdMeanMs: -5, thresholdSdMs: 60, slopePerMs: 0.02, lapseRate: 0 } });
    try {
      planCiWidth(request);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PlanningInputError);
      expect((error as PlanningInputError).code).toBe("INVALID_PLAN");
      expect((error as PlanningInputError).issues.map((i) => i.path)).toEqual(["evaluatorCounts", "population.thresholdMeanMs"]);
    }
  });

  it("throws before the first step of the stepwise form", () => {
    expect(() => planCiWidthSteps(infRequest({ replicates: 0 })).next()).toThrow(PlanningInputError);
  });
});

describe("reading the plan", () => {
  const point = (evaluators: number, meanWidth: number, p90Width: number): PlanPoint => ({
    evaluators,
    meanWidth,
    p10Width: meanWidth * 0.8,
    p90Width,
    meanScore: 300,
    scoreSd: 10,
  });
  const points = [point(30, 60, 75), point(10, 100, 130), point(60, 42, 50)];

  it("finds the smallest N whose mean (or 90th percentile) width reaches the target", () => {
    expect(smallestCountReaching(points, 100)).toBe(10);
    expect(smallestCountReaching(points, 70)).toBe(30);
    expect(smallestCountReaching(points, 70, "p90Width")).toBe(60);
    expect(smallestCountReaching(points, 40)).toBeNull();
    expect(smallestCountReaching(points, 0)).toBeNull();
  });

  it("extrapolates beyond the largest N with width ∝ 1/√N", () => {
    // 42 ms at 60 evaluators → 21 ms needs 4 × 60.
    expect(extrapolateCount(points, 21)).toBe(240);
    expect(extrapolateCount(points, 25, "p90Width")).toBe(240);
    expect(extrapolateCount([], 21)).toBeNull();
  });
});

// The page's pure helpers live in components/planning; they are checked here with the core.
describe("planning page helpers", () => {
  const design = { blocks: 3, trialsPerBlock: 150, staircase: HYPE_TIME_STAIRCASE, infTrials: 100 };

  it("turns the form (rates in percent) into a request the core accepts", async () => {
    const { defaultValues, toPlanRequest } = await import("@/components/planning/form");
    const time = toPlanRequest(defaultValues(design, "hype_time"), design);
    expect(time.errors).toBeNull();
    expect(time.request).toMatchObject({
      protocol: "hype_time",
      population: { thresholdMeanMs: 360, thresholdSdMs: 200, slopePerMs: 0.02, lapseRate: 0.02 },
      design: { blocks: 3, trialsPerBlock: 150 },
      evaluatorCounts: [5, 10, 15, 20, 30, 40, 60],
    });
    const inf = toPlanRequest({ ...defaultValues(design, "hype_inf"), errorMeanPercent: "12,5" }, design);
    expect(inf.request).toMatchObject({ protocol: "hype_inf", population: { errorRateMean: 0.125, errorRateSd: 0.1 }, design: { trials: 100 } });
  });

  it("puts errors next to the fields: empty, not a number, out of range in percent, the core's own", async () => {
    const { defaultValues, toPlanRequest } = await import("@/components/planning/form");
    const bad = toPlanRequest(
      { ...defaultValues(design, "hype_time"), thresholdMeanMs: " ", slopePerMs: "fast", lapsePercent: "60", evaluatorCounts: "5, 5" },
      design,
    );
    expect(bad.errors).toEqual({
      thresholdMeanMs: "Enter a number.",
      slopePerMs: "Not a number.",
      lapsePercent: "A percentage from 0 to below 50.",
      evaluatorCounts: "Each number only once.",
    });
    const inf = toPlanRequest({ ...defaultValues(design, "hype_inf"), errorSdPercent: "50", thresholdMeanMs: "" }, design);
    // Only the chosen protocol's fields are checked.
    expect(Object.keys(inf.errors ?? {})).toEqual(["errorSdPercent"]);
    expect(inf.errors?.errorSdPercent).toMatch(/^Must be below 45\.8 points/);
  });

  it("without Web Workers the run is chunked: progress per replicate, then the same result; cancel stops it", async () => {
    const { runPlan } = await import("@/components/planning/run-plan");
    const request = infRequest({ replicates: 4, resamples: 100 });
    const events: string[] = [];
    const result = await new Promise<unknown>((resolve) => {
      const run = runPlan(request, (event) => {
        events.push(event.type === "progress" ? `${event.done}/${event.total}` : event.type);
        if (event.type === "result") resolve(event.result);
      });
      expect(run.mode).toBe("main thread");
    });
    expect(events).toEqual(["1/4", "2/4", "3/4", "4/4", "result"]);
    expect(result).toEqual(planCiWidth(request));

    const cancelled: string[] = [];
    const run = runPlan(request, (event) => {
      cancelled.push(event.type);
      run.cancel();
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(cancelled).toEqual(["progress"]);

    const failed = await new Promise<{ type: string; issues?: unknown[] }>((resolve) => runPlan(infRequest({ replicates: 0 }), resolve));
    expect(failed.type).toBe("error");
    expect(failed.issues).toEqual([{ path: "replicates", message: expect.any(String) }]);
  });
});
