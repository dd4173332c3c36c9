import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addResponse,
  convergencePoint,
  createRng,
  createStaircase,
  currentExposure,
  currentExposureFrames,
  currentExposureMs,
  framesForMs,
  framesToMs,
  HYPE_TIME_STAIRCASE,
  hypeFrameLockedParams,
  parseStaircaseState,
  presentedExposuresMs,
  probabilityOfStepDown,
  randomUnit,
  replayStaircase,
  reversals,
  staircaseParamsSchema,
  stepRuleOf,
  type MsStaircaseParams,
  type StaircaseParams,
} from "@/lib/hype";

const msParams = (o: Partial<MsStaircaseParams> = {}): MsStaircaseParams => ({ ...HYPE_TIME_STAIRCASE, ...o });

describe("convergencePoint", () => {
  it("is 75% for the HYPE weighted rule (+30 ms / −10 ms, 1-down)", () => {
    expect(convergencePoint(stepRuleOf(HYPE_TIME_STAIRCASE))).toBeCloseTo(0.75, 12);
  });
  it("matches Levitt's transformed rules with equal steps", () => {
    expect(convergencePoint({ stepUp: 1, stepDown: 1, nDown: 2, nUp: 1 })).toBeCloseTo(0.7071, 4);
    expect(convergencePoint({ stepUp: 1, stepDown: 1, nDown: 3, nUp: 1 })).toBeCloseTo(0.7937, 4);
  });
  it("combines weights and runs: (Δup/(Δup+Δdown))^(1/nDown)", () => {
    expect(convergencePoint({ stepUp: 30, stepDown: 10, nDown: 2, nUp: 1 })).toBeCloseTo(Math.sqrt(0.75), 12);
  });
  it("solves nUp > 1 numerically so that the expected step is zero", () => {
    const rule = { stepUp: 2, stepDown: 1, nDown: 3, nUp: 2 };
    const p = convergencePoint(rule);
    const down = probabilityOfStepDown(p, rule.nDown, rule.nUp);
    expect(rule.stepDown * down).toBeCloseTo(rule.stepUp * (1 - down), 10);
    // Symmetric rule → 50%.
    expect(convergencePoint({ stepUp: 1, stepDown: 1, nDown: 2, nUp: 2 })).toBeCloseTo(0.5, 10);
  });
  it("agrees with the staircase engine: simulated step-down frequency per episode", () => {
    // Feller's run formula vs. counting which step each episode of the real engine ends in.
    const params = msParams({ minMs: 1, maxMs: 100_000, startMs: 50_000, nDown: 2, nUp: 2, stepUpMs: 1, stepDownMs: 1 });
    const p = 0.6;
    const rng = createRng(11);
    let downs = 0;
    const episodes = 20_000;
    for (let e = 0; e < episodes; e++) {
      let s = createStaircase(params);
      while (s.history.length === 0 || s.history[s.history.length - 1]!.step === null) {
        s = addResponse(s, randomUnit(rng) < p);
      }
      if (s.history[s.history.length - 1]!.step === "down") downs++;
    }
    const expected = probabilityOfStepDown(p, 2, 2); // 0.6·0.84/0.76 = 0.6632
    expect(expected).toBeCloseTo((0.6 * 0.84) / 0.76, 12);
    // 4 binomial SDs at 20,000 episodes ≈ 0.013.
    expect(Math.abs(downs / episodes - expected)).toBeLessThan(0.013);
  });
});

describe("staircase (HYPE preset)", () => {
  it("starts at 500 ms, −10 ms after a correct answer, +30 ms after an error", () => {
    let s = createStaircase(HYPE_TIME_STAIRCASE);
    expect(currentExposureMs(s)).toBe(500);
    s = addResponse(s, true);
    expect(currentExposureMs(s)).toBe(490);
    s = addResponse(s, false);
    expect(currentExposureMs(s)).toBe(520);
    expect(s.history.map((t) => [t.exposure, t.correct, t.step, t.reversal])).toEqual([
      [500, true, "down", false],
      [490, false, "up", true],
    ]);
  });
  it("clamps to 100–1000 ms and does not count clamped repeats as reversals", () => {
    const down = replayStaircase(HYPE_TIME_STAIRCASE, Array(60).fill(true));
    expect(currentExposureMs(down)).toBe(100);
    expect(Math.min(...presentedExposuresMs(down))).toBe(100);
    expect(reversals(down)).toEqual([]);
    const up = replayStaircase(HYPE_TIME_STAIRCASE, Array(30).fill(false));
    expect(currentExposureMs(up)).toBe(1000);
  });
  it("records reversals at direction changes", () => {
    const s = replayStaircase(HYPE_TIME_STAIRCASE, [true, true, false, false, true]);
    expect(reversals(s)).toEqual([
      { trial: 2, exposure: 480 },
      { trial: 4, exposure: 540 },
    ]);
  });
  it("needs nDown correct answers in a row; an error restarts the run", () => {
    const p = msParams({ nDown: 2, stepUpMs: 10, stepDownMs: 10 });
    const s = replayStaircase(p, [true, false, true, true]);
    expect(s.history.map((t) => t.step)).toEqual([null, "up", null, "down"]);
    expect(currentExposureMs(s)).toBe(500);
  });
  it("never mutates the state it is given", () => {
    const s = replayStaircase(HYPE_TIME_STAIRCASE, [true, false]);
    const snapshot = JSON.stringify(s);
    addResponse(s, true);
    addResponse(s, false);
    expect(JSON.stringify(s)).toBe(snapshot);
  });
});

describe("frame-locked staircase", () => {
  it("converts ms to the nearest whole frame (≥ 1)", () => {
    expect(framesForMs(10, 60)).toBe(1);
    expect(framesForMs(0, 60)).toBe(1);
    expect(framesForMs(25, 60)).toBe(2); // 1.5 frames rounds up
    expect(framesForMs(500, 144)).toBe(72);
    expect(framesForMs(100, 144)).toBe(14); // 14.4
    expect(framesToMs(3, 60)).toBe(50);
  });
  it.each([
    [60, { startFrames: 30, minFrames: 6, maxFrames: 60, stepDownFrames: 1, stepUpFrames: 3 }],
    [120, { startFrames: 60, minFrames: 12, maxFrames: 120, stepDownFrames: 1, stepUpFrames: 3 }],
    [144, { startFrames: 72, minFrames: 15, maxFrames: 144, stepDownFrames: 1, stepUpFrames: 3 }],
  ])("HYPE preset at %i Hz keeps the 75%% target and the 100–1000 ms range", (hz, expected) => {
    const p = hypeFrameLockedParams(hz);
    expect(p).toMatchObject({ unit: "frames", refreshHz: hz, ...expected });
    expect(convergencePoint(stepRuleOf(p))).toBeCloseTo(0.75, 12);
    expect(framesToMs(p.minFrames, hz)).toBeGreaterThanOrEqual(100);
    expect(framesToMs(p.maxFrames, hz)).toBeLessThanOrEqual(1000);
  });
  it("moves in whole frames and reports exact ms", () => {
    let s = createStaircase(hypeFrameLockedParams(60));
    s = addResponse(s, true);
    expect(currentExposure(s)).toBe(29);
    expect(currentExposureFrames(s)).toBe(29);
    expect(currentExposureMs(s)).toBeCloseTo((29 * 1000) / 60, 12);
    s = addResponse(s, false);
    expect(currentExposure(s)).toBe(32);
  });
  it("gives an ms staircase's frames for a display when asked", () => {
    const s = createStaircase(HYPE_TIME_STAIRCASE);
    expect(currentExposureFrames(s, 60)).toBe(30);
    expect(() => currentExposureFrames(s)).toThrow(/refreshHz/);
  });
});

const paramsArb: fc.Arbitrary<StaircaseParams> = fc.oneof(
  fc
    .record({
      a: fc.integer({ min: 1, max: 2000 }),
      b: fc.integer({ min: 1, max: 2000 }),
      t: fc.double({ min: 0, max: 1, noNaN: true }),
      stepUpMs: fc.integer({ min: 1, max: 200 }),
      stepDownMs: fc.integer({ min: 1, max: 200 }),
      nDown: fc.integer({ min: 1, max: 4 }),
      nUp: fc.integer({ min: 1, max: 3 }),
    })
    .map(({ a, b, t, ...rest }): StaircaseParams => {
      const minMs = Math.min(a, b);
      const maxMs = Math.max(a, b);
      return { unit: "ms", minMs, maxMs, startMs: minMs + Math.round(t * (maxMs - minMs)), ...rest };
    }),
  fc.constantFrom(60, 75, 120, 144, 240).map((hz) => hypeFrameLockedParams(hz)),
);

describe("staircase properties", () => {
  it("keeps every exposure within [min, max]", () => {
    fc.assert(
      fc.property(paramsArb, fc.array(fc.boolean(), { maxLength: 300 }), (params, answers) => {
        const s = replayStaircase(params, answers);
        const { min, max } =
          params.unit === "ms"
            ? { min: params.minMs, max: params.maxMs }
            : { min: params.minFrames, max: params.maxFrames };
        for (const t of [...s.history.map((h) => h.exposure), s.level]) {
          expect(t).toBeGreaterThanOrEqual(min);
          expect(t).toBeLessThanOrEqual(max);
        }
        if (params.unit === "frames") expect(s.history.every((h) => Number.isInteger(h.exposure))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
  it("is deterministic: the same answers give the same state", () => {
    fc.assert(
      fc.property(paramsArb, fc.array(fc.boolean(), { maxLength: 200 }), (params, answers) => {
        expect(replayStaircase(params, answers)).toEqual(replayStaircase(params, answers));
      }),
      { numRuns: 100 },
    );
  });
  it("round-trips through JSON, validates, and continues identically", () => {
    fc.assert(
      fc.property(paramsArb, fc.array(fc.boolean(), { maxLength: 200 }), fc.boolean(), (params, answers, next) => {
        const s = replayStaircase(params, answers);
        const restored = parseStaircaseState(JSON.parse(JSON.stringify(s)));
        expect(restored).toEqual(s);
        expect(addResponse(restored, next)).toEqual(addResponse(s, next));
      }),
      { numRuns: 100 },
    );
  });
});

describe("zod schemas", () => {
  it("rejects impossible parameters", () => {
    expect(staircaseParamsSchema.safeParse(msParams({ startMs: 2000 })).success).toBe(false);
    expect(staircaseParamsSchema.safeParse(msParams({ minMs: 900, maxMs: 100 })).success).toBe(false);
    expect(staircaseParamsSchema.safeParse(msParams({ nDown: 0 })).success).toBe(false);
    expect(staircaseParamsSchema.safeParse({ ...hypeFrameLockedParams(60), stepUpFrames: 1.5 }).success).toBe(false);
    expect(staircaseParamsSchema.safeParse(HYPE_TIME_STAIRCASE).success).toBe(true);
  });
  it("rejects a stored state whose history or level was tampered with", () => {
    const s = replayStaircase(HYPE_TIME_STAIRCASE, [true, true, false]);
    const forged = JSON.parse(JSON.stringify(s));
    forged.history[1].exposure = 300;
    const result = parseStaircaseStateSafe(forged);
    expect(result).toMatch(/history\.1\.exposure/);
    const wrongLevel = { ...JSON.parse(JSON.stringify(s)), level: 100 };
    expect(parseStaircaseStateSafe(wrongLevel)).toMatch(/level/);
    expect(parseStaircaseStateSafe({ ...s, version: 2 })).toMatch(/version/);
  });
});

function parseStaircaseStateSafe(value: unknown): string {
  try {
    parseStaircaseState(value);
    return "ok";
  } catch (e) {
    const issues = (e as { issues?: Array<{ path: PropertyKey[]; message: string }> }).issues ?? [];
    return issues.map((i) => `${i.path.map(String).join(".")}: ${i.message}`).join("; ");
  }
}
