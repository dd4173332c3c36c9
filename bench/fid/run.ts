/**
 * FID bench: our Fréchet distance in Node and in headless Chromium (the
 * metrics worker's code, in a dedicated worker of a cross-origin isolated
 * page) vs pytorch-fid's formula (scipy sqrtm), all on the same covariances.
 *
 *   npx tsx bench/fid/run.ts [--d 2048] [--n <d+512>] [--seed 1] [--repeat 1]
 *     [--kernels auto|ts] [--no-python] [--no-browser]
 *
 * --kernels ts forces the plain TS kernels (no WebAssembly SIMD) on both
 * our sides, for comparison. Each side reports the best of --repeat runs
 * (plus all runs): the machine is shared, and the minimum is the figure
 * least disturbed by other processes.
 *
 * Features are seeded Gaussians with a random per-dimension scale and a
 * shared low-rank component (so the covariances are full rank but not
 * diagonal); N = d + 512 samples per set keeps them full rank. Only the
 * distance computation from (μ, Σ) is timed on both sides — feature
 * accumulation is excluded. Progress on stderr; last stdout line is JSON.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { StreamingMoments, encodeNpy } from "../../lib/metrics";
import { timeInChromium } from "./browser";
import { timeFrechet } from "./time-fid";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} needs a positive integer`);
  return v;
}

const d = arg("d", 2048);
const n = arg("n", d + 512);
const seed = arg("seed", 1);
const repeat = arg("repeat", 1);
const usePython = !process.argv.includes("--no-python");
const useBrowser = !process.argv.includes("--no-browser");
const kernelsIndex = process.argv.indexOf("--kernels");
const kernels = kernelsIndex < 0 ? "auto" : process.argv[kernelsIndex + 1];
if (kernels !== "auto" && kernels !== "ts") throw new Error("--kernels must be auto or ts");
const log = (m: string) => process.stderr.write(`[bench/fid] ${m}\n`);

function gaussianStats(rngSeed: number, shift: number, spread: number) {
  const rng = xoroshiro128plus(rngSeed);
  const normal = () => {
    // Box–Muller; 1 − u keeps log away from 0.
    const u = 1 - uniformFloat64(rng);
    const v = uniformFloat64(rng);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const scale = Float64Array.from({ length: d }, () => spread * (0.5 + uniformFloat64(rng)));
  const rankK = 8;
  const loadings = Float64Array.from({ length: rankK * d }, () => normal() * 0.3);
  const m = new StreamingMoments(d);
  const batch = 256;
  for (let r = 0; r < n; r += batch) {
    const rows = Math.min(batch, n - r);
    const x = new Float64Array(rows * d);
    for (let i = 0; i < rows; i++) {
      const z = Array.from({ length: rankK }, normal);
      for (let j = 0; j < d; j++) {
        let v = shift + (scale[j] as number) * normal();
        for (let k = 0; k < rankK; k++) v += (z[k] as number) * (loadings[k * d + j] as number);
        x[i * d + j] = v;
      }
    }
    m.update(x, rows);
  }
  return { mean: m.mean(), cov: m.covariance() };
}

const PY = `
import json, sys, time, warnings
import numpy as np
from scipy import linalg
d = sys.argv[1]
mu1, mu2 = np.load(d + "/mu1.npy")[0], np.load(d + "/mu2.npy")[0]
s1, s2 = np.load(d + "/s1.npy"), np.load(d + "/s2.npy")
def fid(mu1, sigma1, mu2, sigma2, eps=1e-6):  # pytorch-fid calculate_frechet_distance
    diff = mu1 - mu2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        covmean, _ = linalg.sqrtm(sigma1.dot(sigma2), disp=False)
    if not np.isfinite(covmean).all():
        offset = np.eye(sigma1.shape[0]) * eps
        covmean = linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset))
    if np.iscomplexobj(covmean):
        covmean = covmean.real
    return float(diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean))
times = []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter(); v = fid(mu1, s1, mu2, s2); times.append(time.perf_counter() - t)
import scipy
print(json.dumps({"seconds": min(times), "fid": v, "numpy": np.__version__, "scipy": scipy.__version__}))
`;

function runPython(g1: ReturnType<typeof gaussianStats>, g2: ReturnType<typeof gaussianStats>) {
  const probe = spawnSync("python3", ["-c", "import numpy, scipy"], { encoding: "utf8" });
  if (probe.status !== 0) {
    log("python3 with numpy+scipy not available; skipping the scipy side");
    return null;
  }
  const dir = mkdtempSync(path.join(tmpdir(), "percept-fid-bench-"));
  try {
    writeFileSync(path.join(dir, "mu1.npy"), encodeNpy(g1.mean, 1, d));
    writeFileSync(path.join(dir, "mu2.npy"), encodeNpy(g2.mean, 1, d));
    writeFileSync(path.join(dir, "s1.npy"), encodeNpy(g1.cov, d, d));
    writeFileSync(path.join(dir, "s2.npy"), encodeNpy(g2.cov, d, d));
    log("running scipy (pytorch-fid formula)…");
    const r = spawnSync("python3", ["-c", PY, dir, String(repeat)], { encoding: "utf8", maxBuffer: 1 << 20 });
    if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split("\n").pop() as string) as { seconds: number; fid: number; numpy: string; scipy: string };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

log(`d=${d} n=${n} seed=${seed}: generating features and moments…`);
const g1 = gaussianStats(seed, 0, 1);
const g2 = gaussianStats(seed + 1000, 0.05, 1.1);
const { seconds: nodeRuns, fid: nodeFid, kernels: nodeKernels } = timeFrechet(g1, g2, repeat, kernels);
const nodeSeconds = Math.min(...nodeRuns);
log(`node (${nodeKernels}): best ${nodeSeconds.toFixed(2)} s of ${nodeRuns.map((x) => x.toFixed(2)).join(", ")}; FID ${nodeFid}`);
let browser: { seconds: number; runs: number[]; fid: number; kernels: string; crossOriginIsolated: boolean; userAgent: string } | null = null;
if (useBrowser) {
  log("running in headless Chromium…");
  const r = await timeInChromium(g1, g2, repeat, kernels);
  browser = { seconds: Math.min(...r.seconds), runs: r.seconds, fid: r.fid, kernels: r.kernels, crossOriginIsolated: r.crossOriginIsolated, userAgent: r.userAgent };
  log(`chromium (${r.kernels}): best ${browser.seconds.toFixed(2)} s of ${r.seconds.map((x) => x.toFixed(2)).join(", ")}; FID ${r.fid}`);
}
const py = usePython ? runPython(g1, g2) : null;
const relDiff = (x: number) => (py ? Math.abs(x - py.fid) / Math.abs(py.fid) : null);
if (py) {
  log(`scipy: best ${py.seconds.toFixed(2)} s, FID ${py.fid}`);
  log(`node/scipy time ratio ${(nodeSeconds / py.seconds).toFixed(3)}, FID relative difference ${relDiff(nodeFid)?.toExponential(2)}`);
  if (browser) log(`browser/scipy time ratio ${(browser.seconds / py.seconds).toFixed(3)}, FID relative difference ${relDiff(browser.fid)?.toExponential(2)}`);
}
process.stdout.write(
  `${JSON.stringify({
    d,
    n,
    seed,
    repeat,
    node: { seconds: nodeSeconds, runs: nodeRuns, fid: nodeFid, kernels: nodeKernels, version: process.version, fid_rel_diff: relDiff(nodeFid) },
    browser: browser && { ...browser, fid_rel_diff: relDiff(browser.fid) },
    scipy: py,
    ratio: py ? nodeSeconds / py.seconds : null,
    browser_ratio: py && browser ? browser.seconds / py.seconds : null,
    fid_rel_diff: relDiff(nodeFid),
  })}\n`,
);
