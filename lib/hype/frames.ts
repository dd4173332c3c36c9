/**
 * Conversions between milliseconds and whole display frames. A browser can only show an image
 * for a whole number of frames, so the presenter turns a requested duration into frames and the
 * frame-locked staircase keeps its state in frames to make every exposure exactly displayable.
 */

function assertRefreshRate(hz: number): void {
  if (!(Number.isFinite(hz) && hz > 0)) throw new RangeError(`refresh rate must be > 0 Hz, got ${hz}`);
}

/** Duration of `frames` whole frames at `hz`, in ms (e.g. 3 frames at 60 Hz = 50 ms). */
export function framesToMs(frames: number, hz: number): number {
  assertRefreshRate(hz);
  return (frames * 1000) / hz;
}

/** Exact (fractional) number of frames that `ms` lasts at `hz`. */
export function msToFrames(ms: number, hz: number): number {
  assertRefreshRate(hz);
  return (ms * hz) / 1000;
}

/**
 * Nearest whole number of frames to `ms` at `hz`, never less than one: what the presenter shows
 * for a requested duration (halves round up, e.g. 25 ms at 60 Hz = 1.5 frames → 2).
 */
export function framesForMs(ms: number, hz: number): number {
  if (!(Number.isFinite(ms) && ms >= 0)) throw new RangeError(`duration must be ≥ 0 ms, got ${ms}`);
  return Math.max(1, Math.round(msToFrames(ms, hz)));
}

// Products like 100 ms × 60 Hz / 1000 are exact in binary floating point for the common rates,
// but a tolerance keeps ceil/floor from jumping a frame on a representation error.
const FRAME_EPSILON = 1e-9;

/** Fewest whole frames lasting at least `ms` (≥ 1): used for lower bounds such as the 100 ms floor. */
export function framesAtLeastMs(ms: number, hz: number): number {
  return Math.max(1, Math.ceil(msToFrames(ms, hz) - FRAME_EPSILON));
}

/** Most whole frames lasting at most `ms` (≥ 1): used for upper bounds such as the 1000 ms ceiling. */
export function framesAtMostMs(ms: number, hz: number): number {
  return Math.max(1, Math.floor(msToFrames(ms, hz) + FRAME_EPSILON));
}
