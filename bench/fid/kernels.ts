/**
 * Kernel throughput: the 4×2 dot tile, WebAssembly SIMD vs TS, on the same
 * arrays in wasm memory and (TS only) on plain heap arrays. Interleaved
 * rounds, best of each, so a shared machine disturbs the comparison least.
 *
 *   npx tsx bench/fid/kernels.ts [--k 1024] [--rounds 30]
 *
 * Last stdout line is JSON: GFMA/s (multiply-add pairs per ns) per variant.
 */
import { heapWorkspace } from "../../lib/metrics/linalg/kernels";
import { createWasmWorkspace } from "../../lib/metrics/linalg/wasm-workspace";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

const k = arg("k", 1024);
const rounds = arg("rounds", 30);
const ws = createWasmWorkspace(8 * k + 64);
if (!ws) throw new Error("this engine has no WebAssembly SIMD");
const heap = heapWorkspace();
const fill = (x: Float64Array) => x.forEach((_, i) => (x[i] = Math.sin(i + 1)));
const p = ws.alloc(4 * k);
const q = ws.alloc(2 * k);
fill(p);
fill(q);
const variants = {
  "wasm-simd": ws.kernels.tiles(p, q, p),
  "ts (wasm memory)": heap.kernels.tiles(p, q, p),
  "ts (heap arrays)": heap.kernels.tiles(Float64Array.from(p), Float64Array.from(q), new Float64Array(8)),
};
const best: Record<string, number> = {};
const calls = Math.max(1, Math.round(2e7 / (8 * k)));
/** One function per variant so each call site stays monomorphic (a shared one deoptimises the TS kernels). */
const timer = (tiles: (typeof variants)[keyof typeof variants]) => () => {
  const t = performance.now();
  for (let c = 0; c < calls; c++) tiles.dot4x2(0, k, 0, k, 0, k);
  return (calls * 8 * k) / ((performance.now() - t) * 1e6);
};
const timers = Object.entries(variants).map(([name, tiles]) => [name, timer(tiles)] as const);
for (let r = 0; r < rounds; r++) {
  for (const [name, time] of timers) best[name] = Math.max(best[name] ?? 0, time());
}
for (const [name, g] of Object.entries(best)) process.stderr.write(`[bench/fid/kernels] k=${k} ${name}: ${g.toFixed(2)} GFMA/s (best of ${rounds})\n`);
process.stdout.write(`${JSON.stringify({ k, rounds, gfmaPerSecond: best })}\n`);
