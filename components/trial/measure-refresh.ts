/**
 * Browser-only: measures the display refresh rate from requestAnimationFrame timestamps.
 * Run it while the page is visible and idle (e.g. during the device check); a hidden tab gets
 * no rAF callbacks at all, so the promise waits until the page is shown again.
 */
import { estimateRefreshRate, frameIntervals, type RefreshEstimate } from "./frame-timing";

export type RefreshMeasurement = RefreshEstimate & { intervalsMs: number[] };

/**
 * Collects `frames` rAF intervals (after a few warm-up callbacks, which are often irregular
 * right after a layout or a tab switch) and estimates the rate. `hz` is snapped to a common rate
 * when within 3% of one. Rejects with a RefreshEstimateError if fewer than 60 usable intervals
 * were seen, and with an AbortError if `signal` aborts.
 */
export function measureRefreshRate(frames = 90, options: { warmup?: number; signal?: AbortSignal } = {}): Promise<RefreshMeasurement> {
  const warmup = options.warmup ?? 5;
  const signal = options.signal;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new DOMException("aborted", "AbortError"));
      return;
    }
    const timestamps: number[] = [];
    let seen = 0;
    let handle = 0;
    const onAbort = () => {
      cancelAnimationFrame(handle);
      reject(signal?.reason ?? new DOMException("aborted", "AbortError"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    const step = (t: number) => {
      seen++;
      if (seen > warmup) timestamps.push(t);
      if (timestamps.length > frames) {
        signal?.removeEventListener("abort", onAbort);
        try {
          const estimate = estimateRefreshRate(timestamps);
          resolve({ ...estimate, intervalsMs: frameIntervals(timestamps) });
        } catch (error) {
          reject(error);
        }
        return;
      }
      handle = requestAnimationFrame(step);
    };
    handle = requestAnimationFrame(step);
  });
}
