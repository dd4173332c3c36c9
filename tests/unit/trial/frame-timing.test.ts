import { describe, expect, it } from "vitest";
import {
  COMMON_REFRESH_RATES,
  RefreshEstimateError,
  createPhaseClock,
  estimateRefreshRate,
  frameIntervals,
  framesOnScreen,
  judgeExposure,
  judgeMasks,
  median,
  mergeFlags,
} from "@/components/trial/frame-timing";
import { createRng, randomUnit } from "@/lib/hype";

/** Timestamps of `n` callbacks at `hz`, rounded to 0.1 ms like Chromium without cross-origin isolation. */
function stamps(n: number, hz: number, start = 1000): number[] {
  return Array.from({ length: n }, (_, i) => Math.round((start + (i * 1000) / hz) * 10) / 10);
}

describe("estimateRefreshRate", () => {
  it.each(COMMON_REFRESH_RATES)("recovers %d Hz from 91 quantised timestamps", (hz) => {
    const est = estimateRefreshRate(stamps(91, hz));
    expect(est.hz).toBe(hz);
    expect(est.snapped).toBe(true);
    expect(est.intervals).toBe(90);
    expect(est.periodMs).toBeCloseTo(1000 / hz, 12);
    expect(est.rawHz).toBeCloseTo(hz, 1);
  });

  it("snaps 59.94 Hz to 60 but keeps 50 Hz and 85 Hz (not within 3% of a common rate)", () => {
    expect(estimateRefreshRate(stamps(91, 59.94)).hz).toBe(60);
    const fifty = estimateRefreshRate(stamps(91, 50));
    expect(fifty.snapped).toBe(false);
    expect(fifty.hz).toBeCloseTo(50, 1);
    const e85 = estimateRefreshRate(stamps(91, 85));
    expect(e85.snapped).toBe(false);
    expect(e85.hz).toBeCloseTo(85, 1);
  });

  it("snaps only within 3%: 61.7 Hz → 60, 62 Hz (3.3%) stays raw", () => {
    expect(estimateRefreshRate(stamps(91, 61.7)).hz).toBe(60);
    expect(estimateRefreshRate(stamps(91, 62)).snapped).toBe(false);
  });

  it("is robust to dropped frames and stalls (up to a large minority of disturbed intervals)", () => {
    const rng = createRng(42);
    const ts: number[] = [0];
    for (let i = 0; i < 120; i++) {
      const u = randomUnit(rng);
      // 25% of intervals are 2–3 frames (drops) and a few are 200 ms stalls; the rest carry ±0.3 ms jitter.
      const frames = u < 0.2 ? 2 : u < 0.25 ? 3 : 1;
      const stall = i % 40 === 7 ? 200 : 0;
      ts.push((ts[i] as number) + frames * (1000 / 144) + stall + (randomUnit(rng) - 0.5) * 0.6);
    }
    const est = estimateRefreshRate(ts);
    expect(est.hz).toBe(144);
    expect(est.inlierShare).toBeLessThan(0.85);
    expect(est.inlierShare).toBeGreaterThan(0.6);
  });

  it("refuses fewer than 60 intervals and non-monotonic timestamps", () => {
    expect(() => estimateRefreshRate(stamps(60, 60))).toThrow(RefreshEstimateError);
    expect(estimateRefreshRate(stamps(61, 60)).hz).toBe(60);
    const bad = stamps(91, 60);
    bad[10] = 0;
    expect(() => estimateRefreshRate(bad)).toThrow(/non-decreasing/);
    expect(() => estimateRefreshRate([...stamps(90, 60), NaN])).toThrow(RefreshEstimateError);
  });

  it("ignores zero-length intervals (duplicate timestamps) when counting", () => {
    const ts = stamps(91, 120);
    const withDupes = ts.flatMap((t, i) => (i % 10 === 0 ? [t, t] : [t]));
    expect(estimateRefreshRate(withDupes).hz).toBe(120);
  });
});

describe("helpers", () => {
  it("frameIntervals and median", () => {
    expect(frameIntervals([0, 16, 33, 50])).toEqual([16, 17, 17]);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
  });

  it("framesOnScreen rounds to the nearest frame", () => {
    expect(framesOnScreen(100, 60)).toBe(6);
    expect(framesOnScreen(108, 60)).toBe(6);
    expect(framesOnScreen(109, 60)).toBe(7);
    expect(() => framesOnScreen(100, 0)).toThrow(RangeError);
  });

  it("mergeFlags keeps order and drops duplicates", () => {
    expect(mergeFlags(["frame_miss"], ["blur", "frame_miss"], [])).toEqual(["frame_miss", "blur"]);
  });
});

describe("judgeExposure", () => {
  const p = 1000 / 60;
  it("accepts a duration within half a frame of the target", () => {
    const j = judgeExposure({ requestedFrames: 30, measuredMs: 30 * p + 0.49 * p, hz: 60 });
    expect(j).toEqual({ presentedFrames: 30, errorFrames: 0, exact: true, flags: [] });
    expect(judgeExposure({ requestedFrames: 30, measuredMs: 30 * p - 0.49 * p, hz: 60 }).exact).toBe(true);
  });

  it("flags frame_miss one frame long or short", () => {
    const long = judgeExposure({ requestedFrames: 6, measuredMs: 7 * p, hz: 60 });
    expect(long).toMatchObject({ presentedFrames: 7, errorFrames: 1, exact: false, flags: ["frame_miss"] });
    const short = judgeExposure({ requestedFrames: 6, measuredMs: 5 * p, hz: 60 });
    expect(short).toMatchObject({ presentedFrames: 5, errorFrames: -1, exact: false, flags: ["frame_miss"] });
  });

  it("flags frame_drop when an interval skipped a frame, even when the total was met", () => {
    const intervals = [p, p, 2 * p, p, p];
    const j = judgeExposure({ requestedFrames: 6, measuredMs: 6 * p, hz: 60, intervalsMs: intervals });
    expect(j.exact).toBe(true);
    expect(j.flags).toEqual(["frame_drop"]);
  });

  it("flags refresh_mismatch when the frames ran at another rate", () => {
    const period120 = 1000 / 120;
    const intervals = Array.from({ length: 12 }, () => period120);
    const j = judgeExposure({ requestedFrames: 6, measuredMs: 12 * period120, hz: 60, intervalsMs: intervals });
    expect(j.flags).toEqual(["refresh_mismatch"]);
    expect(j.exact).toBe(true); // 100 ms were shown either way
  });
});

describe("judgeMasks", () => {
  it("flags mask_miss only beyond half a frame and never for no masks", () => {
    const p = 1000 / 60;
    expect(judgeMasks({ requestedFrames: 8, measuredMs: 8 * p + 1, hz: 60 })).toEqual([]);
    expect(judgeMasks({ requestedFrames: 8, measuredMs: 9 * p, hz: 60 })).toEqual(["mask_miss"]);
    expect(judgeMasks({ requestedFrames: 0, measuredMs: 0, hz: 60 })).toEqual([]);
  });
});

/** Runs a phase clock over timestamps; returns what was drawn on which callback. */
function run(phases: number[], hz: number, ts: number[], mode?: "callbacks" | "compensated") {
  const clock = createPhaseClock(phases, hz, mode);
  const draws: [number, number | "clear"][] = [];
  ts.forEach((t, i) => {
    const a = clock.tick(t);
    if (a) draws.push([i, a.draw]);
  });
  return { clock, draws, result: clock.result() };
}

describe("createPhaseClock", () => {
  it("swaps after exactly N callbacks on a steady display", () => {
    const ts = stamps(40, 60, 0);
    const { clock, draws, result } = run([6, 2, 2, 2, 2], 60, ts);
    expect(draws).toEqual([
      [0, 0],
      [6, 1],
      [8, 2],
      [10, 3],
      [12, 4],
      [14, "clear"],
    ]);
    expect(clock.done).toBe(true);
    expect(result.starts).toEqual([ts[0], ts[6], ts[8], ts[10], ts[12], ts[14]]);
    expect(result.countedFrames).toEqual([6, 2, 2, 2, 2]);
    expect(result.timestamps).toHaveLength(15);
    expect(clock.tick(999)).toBeNull();
  });

  it("compensated mode makes up for a skipped callback mid-exposure; callbacks mode shows one frame more", () => {
    const p = 1000 / 60;
    // Frame 3 never gets a callback (main thread busy across that vsync).
    const ts = [0, 1, 2, 4, 5, 6, 7, 8, 9, 10].map((k) => k * p);
    const comp = run([6, 2], 60, ts, "compensated").result;
    expect(comp.starts[1]! - comp.starts[0]!).toBeCloseTo(6 * p, 9);
    const cb = run([6, 2], 60, ts, "callbacks").result;
    expect(cb.starts[1]! - cb.starts[0]!).toBeCloseTo(7 * p, 9);
  });

  it("a late swap callback lengthens the phase in both modes, and the next phase is timed from its real start", () => {
    const p = 1000 / 60;
    // The callback for frame 6 (the swap) is skipped; the first chance is frame 7.
    const ts = [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11].map((k) => k * p);
    const { result } = run([6, 2], 60, ts, "compensated");
    expect(result.starts[1]! - result.starts[0]!).toBeCloseTo(7 * p, 9);
    expect(result.starts[2]! - result.starts[1]!).toBeCloseTo(2 * p, 9);
  });

  it("does not accumulate a small period error over a long exposure (per-interval rounding)", () => {
    // The display really runs at 61.5 Hz, but the session measured (snapped) 60 Hz.
    const ts = stamps(80, 61.5, 0);
    const { result } = run([60], 60, ts, "compensated");
    expect(result.starts[1]).toBe(ts[60]);
  });

  it("skips 0-frame phases and validates its input", () => {
    const ts = stamps(20, 60, 0);
    const { draws } = run([3, 0, 2], 60, ts);
    expect(draws).toEqual([
      [0, 0],
      [3, 2],
      [5, "clear"],
    ]);
    expect(() => createPhaseClock([], 60)).toThrow(RangeError);
    expect(() => createPhaseClock([1.5], 60)).toThrow(RangeError);
    expect(() => createPhaseClock([3], 0)).toThrow(RangeError);
  });
});
