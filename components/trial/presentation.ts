/**
 * Pure presentation logic shared by the main-thread presenter (presenter.ts) and the worker
 * presenter (presenter.worker.ts): validating a trial's frames, driving the phase clock from rAF
 * timestamps, and turning what the clock saw into a PresentationResult. No DOM access, so it runs
 * (and is tested) in Node.
 */
import { createPhaseClock, frameIntervals, judgeExposure, judgeMasks, mergeFlags, type FrameClockMode } from "./frame-timing";
import type { TrialSpec } from "./types";

export type PresentationResult = {
  requestedFrames: number | null;
  /** Whole frames the stimulus was on screen, from the measured duration (null when untimed). */
  presentedFrames: number | null;
  /** rAF timestamp of the frame that replaced the stimulus minus that of the frame that drew it (null when untimed). */
  measuredMs: number | null;
  /** rAF timestamp (the page's performance.now() time base) of the callback that drew the stimulus. */
  stimulusOnset: number;
  /** Timed: rAF timestamp of the callback that drew the first mask (or cleared). Untimed: when it was taken down. */
  stimulusOffset: number;
  maskRequestedFrames: number;
  /** From the first mask to the clear (0 when there are no masks). */
  maskMeasuredMs: number;
  /** rAF callback intervals while the stimulus was up. */
  exposureIntervalsMs: number[];
  flags: string[];
};

/** Frames of a timed trial: the stimulus, then each mask. */
export type TimedPlan = { requestedFrames: number; maskFrames: number[] };

/**
 * Checks a trial against the number of mask images available and returns its frame plan
 * (null for an untimed trial, which shows no masks). Throws a RangeError for a bad spec.
 */
export function planPresentation(spec: Pick<TrialSpec, "exposure" | "masks">, maskImages: number): TimedPlan | null {
  if (!spec.exposure) return null;
  const frames = spec.exposure.frames;
  if (!(Number.isInteger(frames) && frames >= 1)) {
    throw new RangeError(`exposure.frames must be a whole number ≥ 1, got ${frames}`);
  }
  if (maskImages < spec.masks.length) {
    throw new RangeError(`${spec.masks.length} masks requested but ${maskImages} images given`);
  }
  return { requestedFrames: frames, maskFrames: spec.masks.map((m) => m.frames) };
}

/** What a presentation draws on: phase i (0 = stimulus, 1… = masks), or the background. */
export type PresentationSink = {
  draw(phase: number): void;
  clear(): void;
};

/**
 * Drives one timed presentation: feed it every rAF timestamp with `tick`. It draws through the
 * sink as the phase clock says (stimulus on the first tick, masks, then clear) and returns the
 * result on the tick that cleared (null before). `onset(t)` is called on the tick that drew the
 * stimulus. All timestamps are in the caller's time base.
 */
export function createTimedPresentation(
  plan: TimedPlan,
  hz: number,
  mode: FrameClockMode,
  sink: PresentationSink & { onset?(t: number): void },
) {
  const clock = createPhaseClock([plan.requestedFrames, ...plan.maskFrames], hz, mode);
  return {
    get done(): boolean {
      return clock.done;
    },
    tick(t: number): PresentationResult | null {
      if (clock.done) return null;
      const action = clock.tick(t);
      if (action) {
        if (action.draw === "clear") sink.clear();
        else sink.draw(action.draw);
        if (action.draw === 0) sink.onset?.(t);
      }
      if (!clock.done) return null;
      const { starts, timestamps } = clock.result();
      return timedResult(plan, hz, starts, timestamps);
    },
  };
}

/**
 * The result of a finished timed presentation from the phase clock's start timestamps (one per
 * phase, then the clear) and all callback timestamps it saw. Flags: judgeExposure's and
 * judgeMasks' (attention flags are added by the caller).
 */
export function timedResult(plan: TimedPlan, hz: number, starts: readonly number[], timestamps: readonly number[]): PresentationResult {
  const phases = 1 + plan.maskFrames.length;
  if (starts.length < phases + 1) throw new RangeError(`the presentation has not finished (${starts.length} of ${phases + 1} starts)`);
  const onset = starts[0] as number;
  const offset = starts[1] as number;
  const end = starts[phases] as number;
  const measuredMs = offset - onset;
  const exposureIntervalsMs = frameIntervals(timestamps.filter((s) => s >= onset && s <= offset));
  const judgement = judgeExposure({ requestedFrames: plan.requestedFrames, measuredMs, hz, intervalsMs: exposureIntervalsMs });
  const maskRequestedFrames = plan.maskFrames.reduce((a, b) => a + b, 0);
  const maskMeasuredMs = end - offset;
  return {
    requestedFrames: plan.requestedFrames,
    presentedFrames: judgement.presentedFrames,
    measuredMs,
    stimulusOnset: onset,
    stimulusOffset: offset,
    maskRequestedFrames,
    maskMeasuredMs,
    exposureIntervalsMs,
    flags: mergeFlags(judgement.flags, judgeMasks({ requestedFrames: maskRequestedFrames, measuredMs: maskMeasuredMs, hz })),
  };
}

/** The result of an untimed presentation: drawn at `onset`, taken down at `offset`; no frames. */
export function untimedResult(onset: number, offset: number): PresentationResult {
  return {
    requestedFrames: null,
    presentedFrames: null,
    measuredMs: null,
    stimulusOnset: onset,
    stimulusOffset: offset,
    maskRequestedFrames: 0,
    maskMeasuredMs: 0,
    exposureIntervalsMs: [],
    flags: [],
  };
}

/**
 * Moves a result's timestamps into another time base by adding `deltaMs` (e.g. a worker's
 * performance.timeOrigin − the page's). Durations and intervals are unchanged.
 */
export function shiftResult(result: PresentationResult, deltaMs: number): PresentationResult {
  return { ...result, stimulusOnset: result.stimulusOnset + deltaMs, stimulusOffset: result.stimulusOffset + deltaMs };
}

/** Adds flags (e.g. `hidden`, `blur`) to a result without duplicates. */
export function withFlags(result: PresentationResult, flags: readonly string[]): PresentationResult {
  return { ...result, flags: mergeFlags(result.flags, flags) };
}
