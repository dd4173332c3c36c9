import { frechetDistance, type Gaussian } from "@/lib/metrics/fid";

export interface FidTiming {
  /** Wall time of each run, in seconds. */
  seconds: number[];
  fid: number;
  /** Which kernels ran ("wasm-simd" or "ts"). */
  kernels: string;
}

/** Runs frechetDistance `repeat` times; shared by the Node side and the browser worker of the bench. */
export function timeFrechet(g1: Gaussian, g2: Gaussian, repeat: number, kernels: "auto" | "ts"): FidTiming {
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
  return { seconds, fid, kernels: used };
}
