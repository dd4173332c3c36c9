/**
 * Browser-only: the 3-2-1 countdown, stepped on requestAnimationFrame timestamps so each number
 * changes on a frame boundary and the stimulus follows the last number by at most one frame.
 */

/**
 * Calls `onStep(steps)`, `onStep(steps − 1)` … `onStep(1)`, each for `stepMs`, then `onStep(0)`,
 * and resolves with the rAF timestamp at which the countdown ended. Rejects with an AbortError
 * (after onStep(0)) if `signal` aborts.
 */
export function runCountdown(
  countdown: { steps: number; stepMs: number },
  onStep: (remaining: number) => void,
  signal?: AbortSignal,
): Promise<number> {
  const { steps, stepMs } = countdown;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new DOMException("aborted", "AbortError"));
      return;
    }
    if (steps <= 0 || stepMs <= 0) {
      onStep(0);
      requestAnimationFrame((t) => resolve(t));
      return;
    }
    let handle = 0;
    let start = NaN;
    let shown = -1;
    const onAbort = () => {
      cancelAnimationFrame(handle);
      onStep(0);
      reject(signal?.reason ?? new DOMException("aborted", "AbortError"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    const tick = (t: number) => {
      if (Number.isNaN(start)) start = t;
      const remaining = Math.max(0, steps - Math.floor((t - start) / stepMs));
      if (remaining !== shown) {
        shown = remaining;
        onStep(remaining);
      }
      if (remaining === 0) {
        signal?.removeEventListener("abort", onAbort);
        resolve(t);
        return;
      }
      handle = requestAnimationFrame(tick);
    };
    handle = requestAnimationFrame(tick);
  });
}
