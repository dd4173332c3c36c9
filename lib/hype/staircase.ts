/**
 * Adaptive exposure staircase (HYPE_time), PsychoPy StairHandler-shaped but pure: the state is a
 * plain JSON object and every function returns a new state. The server keeps the state between
 * trials and asks it for the next exposure; see staircase-schema.ts to validate a stored state.
 *
 * Rule: after `nDown` correct answers in a row the exposure goes down by stepDown, after `nUp`
 * errors in a row it goes up by stepUp (counters restart after each step), clamped to [min, max].
 * All trials move the staircase, real and generated alike (protocol doc).
 */
import { framesForMs, framesToMs } from "./frames";
import { levelsOf, type StaircaseParams } from "./staircase-params";

export type StepDirection = "up" | "down";

export interface StaircaseTrial {
  /** Exposure presented on this trial, in the staircase's unit (ms or frames). */
  exposure: number;
  correct: boolean;
  /** The step this answer triggered (before clamping), or null if the run was not complete. */
  step: StepDirection | null;
  /** True when `step` goes the other way from the previous step (a reversal). */
  reversal: boolean;
}

export interface StaircaseState {
  version: 1;
  params: StaircaseParams;
  /** Exposure for the next trial, in the staircase's unit. */
  level: number;
  /** Correct answers in a row since the last step (or the last error). */
  correctRun: number;
  /** Errors in a row since the last step (or the last correct answer). */
  errorRun: number;
  /** Direction of the last step taken, used to detect reversals. */
  lastStep: StepDirection | null;
  history: StaircaseTrial[];
}

export function createStaircase(params: StaircaseParams): StaircaseState {
  const { start, min, max } = levelsOf(params);
  if (!(min <= start && start <= max)) {
    throw new RangeError(`staircase start ${start} is outside [${min}, ${max}]`);
  }
  return { version: 1, params: { ...params }, level: start, correctRun: 0, errorRun: 0, lastStep: null, history: [] };
}

/** Exposure for the next trial in the staircase's own unit (ms, or frames if frame-locked). */
export function currentExposure(state: StaircaseState): number {
  return state.level;
}

/** Exposure for the next trial in ms (exact for a frame-locked staircase: frames × 1000 / Hz). */
export function currentExposureMs(state: StaircaseState): number {
  return toMs(state.params, state.level);
}

/**
 * Whole frames to show for the next trial. Frame-locked: the state itself. Ms staircase: the
 * nearest whole number of frames at `refreshHz` (the presenter then records both durations).
 */
export function currentExposureFrames(state: StaircaseState, refreshHz?: number): number {
  if (state.params.unit === "frames") return state.level;
  if (refreshHz === undefined) throw new RangeError("refreshHz is required for an ms staircase");
  return framesForMs(state.level, refreshHz);
}

/** Converts a level of this staircase's unit to ms. */
export function toMs(params: StaircaseParams, level: number): number {
  return params.unit === "ms" ? level : framesToMs(level, params.refreshHz);
}

/** Records the answer to the trial shown at the current exposure and moves the staircase. */
export function addResponse(state: StaircaseState, correct: boolean): StaircaseState {
  const { min, max, stepUp, stepDown, nDown, nUp } = levelsOf(state.params);
  let correctRun = correct ? state.correctRun + 1 : 0;
  let errorRun = correct ? 0 : state.errorRun + 1;
  let step: StepDirection | null = null;
  let level = state.level;
  if (correct && correctRun >= nDown) {
    step = "down";
    level = Math.max(min, level - stepDown);
    correctRun = 0;
  } else if (!correct && errorRun >= nUp) {
    step = "up";
    level = Math.min(max, level + stepUp);
    errorRun = 0;
  }
  // A reversal is a change of the rule's direction; a step swallowed by clamping still counts as
  // a step in that direction, so hovering at a bound does not invent reversals.
  const reversal = step !== null && state.lastStep !== null && step !== state.lastStep;
  return {
    version: 1,
    params: state.params,
    level,
    correctRun,
    errorRun,
    lastStep: step ?? state.lastStep,
    history: [...state.history, { exposure: state.level, correct, step, reversal }],
  };
}

/** Replays answers from the start; used to validate a stored state and by simulations. */
export function replayStaircase(params: StaircaseParams, answers: readonly boolean[]): StaircaseState {
  let state = createStaircase(params);
  for (const correct of answers) state = addResponse(state, correct);
  return state;
}

/** Exposures presented so far, in ms, in order. */
export function presentedExposuresMs(state: StaircaseState): number[] {
  return state.history.map((t) => toMs(state.params, t.exposure));
}

/** Trials at which the direction reversed, with the exposure presented there (staircase unit). */
export function reversals(state: StaircaseState): Array<{ trial: number; exposure: number }> {
  const out: Array<{ trial: number; exposure: number }> = [];
  state.history.forEach((t, trial) => {
    if (t.reversal) out.push({ trial, exposure: t.exposure });
  });
  return out;
}
