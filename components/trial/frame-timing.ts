/**
 * Pure frame-timing logic for the trial presenter: refresh-rate estimation from
 * requestAnimationFrame timestamps, the frame clock that decides on which rAF callback to swap
 * stimulus → masks → blank, and the judgement of a finished presentation into flags.
 * No DOM access here, so all of it runs (and is tested) in Node.
 */
import { TRIAL_FLAGS, type TrialFlag } from "./types";

/** Refresh rates an estimate snaps to when it is within the snap tolerance (default 3%). */
export const COMMON_REFRESH_RATES: readonly number[] = [60, 75, 90, 100, 120, 144, 165, 240];

/** Fewest inter-frame intervals an estimate accepts (the brief: a median over ≥ 60 frames). */
export const MIN_REFRESH_INTERVALS = 60;

export type RefreshEstimate = {
  /** Refresh rate to use: a common rate when the raw estimate is within tolerance of one, else the raw rate. */
  hz: number;
  /** Rate from the mean of the inlier intervals, before snapping. */
  rawHz: number;
  /** 1000 / hz. */
  periodMs: number;
  snapped: boolean;
  /** Median inter-frame interval (ms). */
  medianIntervalMs: number;
  /** Number of intervals used (timestamps − 1). */
  intervals: number;
  /** Share of intervals within ±25% of the median (the rest are dropped frames or stalls). */
  inlierShare: number;
};

export class RefreshEstimateError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "RefreshEstimateError";
  }
}

/** Successive differences of a list of timestamps (ms). */
export function frameIntervals(timestamps: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < timestamps.length; i++) out.push((timestamps[i] as number) - (timestamps[i - 1] as number));
  return out;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError("median of an empty list");
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * Estimates the display refresh rate from consecutive rAF timestamps (ms, one per callback).
 * The median interval is robust to dropped frames and stalls (as long as fewer than half the
 * intervals are disturbed); the mean of the intervals within ±25% of the median then refines it
 * past the timer's coarse resolution (Chromium rounds rAF timestamps to 0.1 ms without cross-origin
 * isolation). The result snaps to a common rate when within `snapTolerance` (relative) of one.
 */
export function estimateRefreshRate(
  timestamps: readonly number[],
  options: { minIntervals?: number; snapTolerance?: number; rates?: readonly number[] } = {},
): RefreshEstimate {
  const minIntervals = options.minIntervals ?? MIN_REFRESH_INTERVALS;
  const snapTolerance = options.snapTolerance ?? 0.03;
  const rates = options.rates ?? COMMON_REFRESH_RATES;
  const all = frameIntervals(timestamps);
  if (all.some((d) => !Number.isFinite(d) || d < 0)) {
    throw new RefreshEstimateError("timestamps must be finite and non-decreasing");
  }
  const positive = all.filter((d) => d > 0);
  if (positive.length < minIntervals) {
    throw new RefreshEstimateError(`need at least ${minIntervals} frame intervals, got ${positive.length}`);
  }
  const med = median(positive);
  const inliers = positive.filter((d) => Math.abs(d - med) <= 0.25 * med);
  const meanInterval = inliers.reduce((a, b) => a + b, 0) / inliers.length;
  const rawHz = 1000 / meanInterval;
  let hz = rawHz;
  let snapped = false;
  let best = Infinity;
  for (const r of rates) {
    const rel = Math.abs(rawHz - r) / r;
    if (rel <= snapTolerance && rel < best) {
      best = rel;
      hz = r;
      snapped = true;
    }
  }
  if (!snapped) hz = Math.round(rawHz * 100) / 100;
  return {
    hz,
    rawHz,
    periodMs: 1000 / hz,
    snapped,
    medianIntervalMs: med,
    intervals: positive.length,
    inlierShare: inliers.length / positive.length,
  };
}

export function framePeriodMs(hz: number): number {
  if (!(Number.isFinite(hz) && hz > 0)) throw new RangeError(`refresh rate must be > 0 Hz, got ${hz}`);
  return 1000 / hz;
}

/** Whole frames a measured on-screen duration corresponds to at `hz` (nearest; halves round up). */
export function framesOnScreen(measuredMs: number, hz: number): number {
  return Math.round(measuredMs / framePeriodMs(hz));
}

export type ExposureJudgement = {
  /** Whole frames the stimulus was on screen, from the measured duration. */
  presentedFrames: number;
  /** presentedFrames − requestedFrames. */
  errorFrames: number;
  /** Measured duration within half a frame of requestedFrames × period. */
  exact: boolean;
  flags: TrialFlag[];
};

/**
 * Judges one timed presentation. `measuredMs` is the rAF timestamp of the frame that took the
 * stimulus down minus the one that put it up; `intervalsMs` (optional) are the callback intervals
 * during the exposure. Flags: `frame_miss` when the measured duration is more than half a frame
 * away from requestedFrames × period; `frame_drop` when any interval exceeded 1.5 periods (a
 * skipped frame, whether or not the count was still met); `refresh_mismatch` when the median
 * interval differs from the expected period by more than 10% (e.g. the window moved to another
 * display, or the browser throttled rAF).
 */
export function judgeExposure(input: {
  requestedFrames: number;
  measuredMs: number;
  hz: number;
  intervalsMs?: readonly number[];
}): ExposureJudgement {
  const period = framePeriodMs(input.hz);
  const presentedFrames = framesOnScreen(input.measuredMs, input.hz);
  const exact = Math.abs(input.measuredMs - input.requestedFrames * period) <= period / 2;
  const flags: TrialFlag[] = [];
  if (!exact) flags.push(TRIAL_FLAGS.frameMiss);
  const intervals = input.intervalsMs ?? [];
  if (intervals.some((d) => d > 1.5 * period)) flags.push(TRIAL_FLAGS.frameDrop);
  if (intervals.length >= 3 && Math.abs(median(intervals) - period) > 0.1 * period) flags.push(TRIAL_FLAGS.refreshMismatch);
  return { presentedFrames, errorFrames: presentedFrames - input.requestedFrames, exact, flags };
}

/** `mask_miss` when the masks together lasted more than half a frame away from their requested total. */
export function judgeMasks(input: { requestedFrames: number; measuredMs: number; hz: number }): TrialFlag[] {
  if (input.requestedFrames === 0) return [];
  const period = framePeriodMs(input.hz);
  return Math.abs(input.measuredMs - input.requestedFrames * period) <= period / 2 ? [] : [TRIAL_FLAGS.maskMiss];
}

/** Merges flag lists, keeping first-seen order and dropping duplicates. */
export function mergeFlags(...lists: readonly (readonly string[])[]): string[] {
  const out: string[] = [];
  for (const list of lists) for (const f of list) if (!out.includes(f)) out.push(f);
  return out;
}

/**
 * How the frame clock counts frames.
 * - `callbacks`: one frame per rAF callback. A callback the browser skips (main thread busy across
 *   a vsync) lengthens the current phase by a frame.
 * - `compensated` (default): each callback interval counts as max(1, round(interval / period))
 *   frames, so a skipped callback in the middle of an exposure is made up for; only a skip of
 *   the very callback that should swap still lengthens the phase. Rounding per interval keeps a
 *   small error in the assumed period from accumulating over a long exposure.
 */
export type FrameClockMode = "callbacks" | "compensated";

/** What the presenter must draw on this callback: phase index, "clear", or nothing (keep the screen). */
export type FrameAction = { draw: number } | { draw: "clear" } | null;

export type PhaseClockResult = {
  /** rAF timestamp of the callback that drew phase i (index phaseFrames.length = the clear). */
  starts: number[];
  /** All callback timestamps seen from the first draw to the clear. */
  timestamps: number[];
  /** Frames counted by the clock for each phase. */
  countedFrames: number[];
};

/**
 * Frame clock for a sequence of phases (stimulus, mask 1…n), each to be shown for a whole number
 * of frames, then cleared. Feed it every rAF timestamp with `tick`; it returns what to draw.
 * Phases are timed from their own actual start, so a late stimulus offset never shortens a mask.
 * Phases of 0 frames are skipped.
 */
export function createPhaseClock(phaseFrames: readonly number[], hz: number, mode: FrameClockMode = "compensated") {
  if (phaseFrames.length === 0) throw new RangeError("at least one phase is needed");
  for (const f of phaseFrames) {
    if (!Number.isInteger(f) || f < 0) throw new RangeError(`phase frames must be whole numbers ≥ 0, got ${f}`);
  }
  const period = framePeriodMs(hz);
  const n = phaseFrames.length;
  const starts: number[] = [];
  const timestamps: number[] = [];
  const counted: number[] = [];
  let phase = -1; // -1 = nothing drawn yet; n = cleared
  let frames = 0; // frames counted in the current phase
  let last = NaN;

  const nextNonEmpty = (from: number): number => {
    let i = from;
    while (i < n && phaseFrames[i] === 0) counted[i++] = 0;
    return i;
  };

  const enter = (i: number, t: number): FrameAction => {
    const target = nextNonEmpty(i);
    for (let k = i; k < target; k++) starts[k] = t;
    phase = target;
    frames = 0;
    starts[target] = t;
    return target >= n ? { draw: "clear" } : { draw: target };
  };

  return {
    get done(): boolean {
      return phase >= n;
    },
    get phase(): number {
      return phase;
    },
    tick(t: number): FrameAction {
      if (phase >= n) return null;
      timestamps.push(t);
      if (phase === -1) {
        last = t;
        return enter(0, t);
      }
      const dt = t - last;
      last = t;
      frames += mode === "callbacks" ? 1 : Math.max(1, Math.round(dt / period));
      if (frames >= (phaseFrames[phase] as number)) {
        counted[phase] = frames;
        return enter(phase + 1, t);
      }
      return null;
    },
    result(): PhaseClockResult {
      return { starts: [...starts], timestamps: [...timestamps], countedFrames: [...counted] };
    },
  };
}

export type PhaseClock = ReturnType<typeof createPhaseClock>;
