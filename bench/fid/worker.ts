/**
 * Bench worker: times frechetDistance — the function the metrics worker's
 * evaluateArm calls (lib/metrics/worker/pipeline.ts) — inside a dedicated
 * worker, as on the metrics page.
 */
import { timeFrechet, type FidTiming } from "./time-fid";

export interface FidBenchRequest {
  d: number;
  /** mean1, mean2, cov1, cov2 back to back. */
  data: ArrayBuffer;
  repeat: number;
  kernels: "auto" | "ts";
}

export interface FidBenchReply extends FidTiming {
  crossOriginIsolated: boolean;
  userAgent: string;
}

self.onmessage = (event: MessageEvent<FidBenchRequest>) => {
  const { d, data, repeat, kernels } = event.data;
  const at = (k: number, length: number) => new Float64Array(data, 8 * k, length);
  const g1 = { mean: at(0, d), cov: at(2 * d, d * d) };
  const g2 = { mean: at(d, d), cov: at(2 * d + d * d, d * d) };
  const reply: FidBenchReply = { ...timeFrechet(g1, g2, repeat, kernels), crossOriginIsolated: self.crossOriginIsolated, userAgent: navigator.userAgent };
  self.postMessage(reply);
};
