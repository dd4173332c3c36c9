/**
 * Bench worker: times frechetDistance — the function the metrics worker's
 * evaluateArm calls (lib/metrics/worker/pipeline.ts) — inside a dedicated
 * worker, as on the metrics page.
 */
import { frechetDistance } from "@/lib/metrics/fid";

export interface FidBenchRequest {
  d: number;
  /** mean1, mean2, cov1, cov2 back to back. */
  data: ArrayBuffer;
  repeat: number;
  kernels: "auto" | "ts";
}

export interface FidBenchReply {
  seconds: number[];
  fid: number;
  kernels: string;
  crossOriginIsolated: boolean;
  userAgent: string;
}

self.onmessage = (event: MessageEvent<FidBenchRequest>) => {
  const { d, data, repeat, kernels } = event.data;
  const at = (k: number, length: number) => new Float64Array(data, 8 * k, length);
  const g1 = { mean: at(0, d), cov: at(2 * d, d * d) };
  const g2 = { mean: at(d, d), cov: at(2 * d + d * d, d * d) };
  const seconds: number[] = [];
  let fid = NaN;
  let used = "";
  for (let i = 0; i < repeat; i++) {
    const t = performance.now();
    const r = frechetDistance(g1, g2, { kernels });
    seconds.push((performance.now() - t) / 1000);
    fid = r.fid;
    used = r.kernels;
  }
  const reply: FidBenchReply = { seconds, fid, kernels: used, crossOriginIsolated: self.crossOriginIsolated, userAgent: navigator.userAgent };
  self.postMessage(reply);
};
