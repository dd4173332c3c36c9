import { describe, expect, it } from "vitest";
import {
  createTimedPresentation,
  planPresentation,
  shiftResult,
  timedResult,
  untimedResult,
  withFlags,
} from "@/components/trial/presentation";

const p = 1000 / 60;
const masks = [1, 2, 3, 4].map((k) => ({ url: `/m/${k}`, frames: 2 }));

describe("planPresentation", () => {
  it("gives the stimulus and mask frames of a timed trial, null for an untimed one", () => {
    expect(planPresentation({ exposure: { ms: 100, frames: 6 }, masks }, 4)).toEqual({ requestedFrames: 6, maskFrames: [2, 2, 2, 2] });
    expect(planPresentation({ exposure: null, masks: [] }, 0)).toBeNull();
    // Untimed trials show no masks, so missing mask images do not matter.
    expect(planPresentation({ exposure: null, masks }, 0)).toBeNull();
  });

  it("refuses fractional or zero frames and too few mask images", () => {
    expect(() => planPresentation({ exposure: { ms: 100, frames: 0 }, masks }, 4)).toThrow(RangeError);
    expect(() => planPresentation({ exposure: { ms: 100, frames: 6.5 }, masks }, 4)).toThrow(/whole number/);
    expect(() => planPresentation({ exposure: { ms: 100, frames: 6 }, masks }, 3)).toThrow(/4 masks requested but 3/);
  });
});

/** Feeds a timed presentation timestamps until it finishes; records the draws. */
function drive(plan: { requestedFrames: number; maskFrames: number[] }, ts: number[], hz = 60) {
  const draws: [number, number | "clear"][] = [];
  const onsets: number[] = [];
  let i = 0;
  const presentation = createTimedPresentation(plan, hz, "compensated", {
    draw: (phase) => draws.push([i, phase]),
    clear: () => draws.push([i, "clear"]),
    onset: (t) => onsets.push(t),
  });
  for (; i < ts.length; i++) {
    const result = presentation.tick(ts[i]!);
    if (result) return { result, draws, onsets, presentation, ticks: i + 1 };
  }
  return { result: null, draws, onsets, presentation, ticks: ts.length };
}

describe("createTimedPresentation", () => {
  it("draws stimulus, masks and clear on the right callbacks and measures the exposure", () => {
    const ts = Array.from({ length: 30 }, (_, k) => 1000 + k * p);
    const { result, draws, onsets, presentation, ticks } = drive({ requestedFrames: 6, maskFrames: [2, 2, 2, 2] }, ts);
    expect(draws).toEqual([
      [0, 0],
      [6, 1],
      [8, 2],
      [10, 3],
      [12, 4],
      [14, "clear"],
    ]);
    expect(ticks).toBe(15);
    expect(onsets).toEqual([1000]);
    expect(presentation.done).toBe(true);
    expect(presentation.tick(99999)).toBeNull();
    expect(result).toMatchObject({
      requestedFrames: 6,
      presentedFrames: 6,
      stimulusOnset: 1000,
      stimulusOffset: ts[6],
      maskRequestedFrames: 8,
      flags: [],
    });
    expect(result!.measuredMs).toBeCloseTo(6 * p, 9);
    expect(result!.maskMeasuredMs).toBeCloseTo(8 * p, 9);
    expect(result!.exposureIntervalsMs).toHaveLength(6);
  });

  it("a late swap is measured and flagged, and the masks keep their length", () => {
    // Callback for frame 6 (the swap) never came; frame 3 was skipped too (compensated).
    const ks = [0, 1, 2, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
    const { result } = drive({ requestedFrames: 6, maskFrames: [2, 2] }, ks.map((k) => k * p));
    expect(result!.presentedFrames).toBe(7);
    expect(result!.flags).toEqual(["frame_miss", "frame_drop"]);
    expect(result!.maskMeasuredMs).toBeCloseTo(4 * p, 9);
  });

  it("without masks the clear ends the exposure", () => {
    const { result, draws } = drive({ requestedFrames: 3, maskFrames: [] }, [0, 1, 2, 3, 4].map((k) => k * p));
    expect(draws).toEqual([
      [0, 0],
      [3, "clear"],
    ]);
    expect(result).toMatchObject({ presentedFrames: 3, maskRequestedFrames: 0, maskMeasuredMs: 0, flags: [] });
  });
});

describe("result helpers", () => {
  it("timedResult refuses an unfinished presentation", () => {
    expect(() => timedResult({ requestedFrames: 6, maskFrames: [2] }, 60, [0, 100], [0, 100])).toThrow(/not finished/);
  });

  it("flags mask_miss when the masks ran long", () => {
    const r = timedResult({ requestedFrames: 6, maskFrames: [2] }, 60, [0, 6 * p, 9 * p], [0, 6 * p, 9 * p]);
    expect(r.flags).toEqual(["frame_drop", "mask_miss"]);
  });

  it("untimedResult has no frames", () => {
    expect(untimedResult(10, 2500)).toEqual({
      requestedFrames: null,
      presentedFrames: null,
      measuredMs: null,
      stimulusOnset: 10,
      stimulusOffset: 2500,
      maskRequestedFrames: 0,
      maskMeasuredMs: 0,
      exposureIntervalsMs: [],
      flags: [],
    });
  });

  it("shiftResult moves timestamps into another time base and keeps durations", () => {
    const r = timedResult({ requestedFrames: 6, maskFrames: [2] }, 60, [0, 6 * p, 8 * p], [0, p, 2 * p, 3 * p, 4 * p, 5 * p, 6 * p, 7 * p, 8 * p]);
    const s = shiftResult(r, 1234.5);
    expect(s.stimulusOnset).toBe(1234.5);
    expect(s.stimulusOffset).toBeCloseTo(1234.5 + 6 * p, 9);
    expect(s.measuredMs).toBe(r.measuredMs);
    expect(s.exposureIntervalsMs).toEqual(r.exposureIntervalsMs);
    expect(shiftResult(r, -50).stimulusOnset).toBe(-50);
  });

  it("withFlags appends without duplicates", () => {
    const r = { ...untimedResult(0, 1), flags: ["frame_miss"] };
    expect(withFlags(r, ["hidden", "frame_miss", "blur"]).flags).toEqual(["frame_miss", "hidden", "blur"]);
    expect(r.flags).toEqual(["frame_miss"]);
  });
});
