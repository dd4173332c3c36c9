/**
 * Staircase parameters: plain JSON, validated with zod so a stored study configuration can be
 * checked on the server. Two units share one engine: milliseconds (the paper's staircase) and
 * whole display frames at a fixed refresh rate (the frame-locked variant).
 */
import { z } from "zod";
import { framesAtLeastMs, framesAtMostMs, framesForMs } from "./frames";

/** The step rule alone, in whatever unit: what {@link convergencePoint} needs. */
export interface StepRule {
  /** Increase after `nUp` errors in a row. */
  stepUp: number;
  /** Decrease after `nDown` correct answers in a row. */
  stepDown: number;
  nDown: number;
  nUp: number;
}

export interface MsStaircaseParams {
  unit: "ms";
  startMs: number;
  minMs: number;
  maxMs: number;
  stepUpMs: number;
  stepDownMs: number;
  nDown: number;
  nUp: number;
}

export interface FrameStaircaseParams {
  unit: "frames";
  refreshHz: number;
  startFrames: number;
  minFrames: number;
  maxFrames: number;
  stepUpFrames: number;
  stepDownFrames: number;
  nDown: number;
  nUp: number;
}

export type StaircaseParams = MsStaircaseParams | FrameStaircaseParams;

/** Paper preset (protocol doc): 500 ms start, 100–1000 ms, +30 ms per error, −10 ms per correct. */
export const HYPE_TIME_STAIRCASE: Readonly<MsStaircaseParams> = Object.freeze({
  unit: "ms",
  startMs: 500,
  minMs: 100,
  maxMs: 1000,
  stepUpMs: 30,
  stepDownMs: 10,
  nDown: 1,
  nUp: 1,
});

/**
 * Frame-locked version of an ms staircase for a display at `refreshHz`.
 * - start: nearest whole frame; bounds: inside the ms range (floor rounded up, ceiling down) so
 *   the 100 ms browser floor is never undercut.
 * - steps: the down step is the nearest whole frame (≥ 1) and the up step keeps the ms rule's
 *   up:down ratio (rounded to a whole frame, ≥ 1). Keeping the ratio keeps the convergence point:
 *   for the HYPE rule that is 1 frame down / 3 frames up → still 75%. A plain rounding of 10 ms and
 *   30 ms at 60 Hz would give 1 and 2 frames, i.e. a 66.7% target.
 */
export function frameLockedParams(
  msParams: MsStaircaseParams,
  refreshHz: number,
): FrameStaircaseParams {
  const stepDownFrames = framesForMs(msParams.stepDownMs, refreshHz);
  const ratio = msParams.stepUpMs / msParams.stepDownMs;
  const params: FrameStaircaseParams = {
    unit: "frames",
    refreshHz,
    startFrames: framesForMs(msParams.startMs, refreshHz),
    minFrames: framesAtLeastMs(msParams.minMs, refreshHz),
    maxFrames: framesAtMostMs(msParams.maxMs, refreshHz),
    stepUpFrames: Math.max(1, Math.round(stepDownFrames * ratio)),
    stepDownFrames,
    nDown: msParams.nDown,
    nUp: msParams.nUp,
  };
  params.startFrames = Math.min(params.maxFrames, Math.max(params.minFrames, params.startFrames));
  return staircaseParamsSchema.parse(params) as FrameStaircaseParams;
}

/** The HYPE preset, frame-locked for `refreshHz` (e.g. 60 Hz: start 30, range 6–60, −1/+3 frames). */
export function hypeFrameLockedParams(refreshHz: number): FrameStaircaseParams {
  return frameLockedParams(HYPE_TIME_STAIRCASE, refreshHz);
}

/** Unit-free view of the parameters used by the engine. */
export interface StaircaseLevels extends StepRule {
  start: number;
  min: number;
  max: number;
}

export function levelsOf(params: StaircaseParams): StaircaseLevels {
  if (params.unit === "ms") {
    return {
      start: params.startMs,
      min: params.minMs,
      max: params.maxMs,
      stepUp: params.stepUpMs,
      stepDown: params.stepDownMs,
      nDown: params.nDown,
      nUp: params.nUp,
    };
  }
  return {
    start: params.startFrames,
    min: params.minFrames,
    max: params.maxFrames,
    stepUp: params.stepUpFrames,
    stepDown: params.stepDownFrames,
    nDown: params.nDown,
    nUp: params.nUp,
  };
}

export function stepRuleOf(params: StaircaseParams): StepRule {
  const { stepUp, stepDown, nDown, nUp } = levelsOf(params);
  return { stepUp, stepDown, nDown, nUp };
}

const positiveMs = z.number().finite().positive();
const runLength = z.number().int().min(1).max(20);
const wholeFrames = z.number().int().min(1);

const msParamsSchema = z.object({
  unit: z.literal("ms"),
  startMs: positiveMs,
  minMs: positiveMs,
  maxMs: positiveMs,
  stepUpMs: positiveMs,
  stepDownMs: positiveMs,
  nDown: runLength,
  nUp: runLength,
});

const frameParamsSchema = z.object({
  unit: z.literal("frames"),
  refreshHz: z.number().finite().positive().max(1000),
  startFrames: wholeFrames,
  minFrames: wholeFrames,
  maxFrames: wholeFrames,
  stepUpFrames: wholeFrames,
  stepDownFrames: wholeFrames,
  nDown: runLength,
  nUp: runLength,
});

export const staircaseParamsSchema = z
  .discriminatedUnion("unit", [msParamsSchema, frameParamsSchema])
  .superRefine((params, ctx) => {
    const { start, min, max } = levelsOf(params);
    const suffix = params.unit === "ms" ? "Ms" : "Frames";
    if (min > max) {
      ctx.addIssue({ code: "custom", path: [`min${suffix}`], message: `min${suffix} must be ≤ max${suffix}` });
    }
    if (start < min || start > max) {
      ctx.addIssue({
        code: "custom",
        path: [`start${suffix}`],
        message: `start${suffix} must lie within [min${suffix}, max${suffix}]`,
      });
    }
  });
