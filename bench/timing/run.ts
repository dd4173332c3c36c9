/**
 * Timing bench for the trial presenters: bundles page.ts (the main-thread presenter, presenter.ts,
 * and the page side of the worker presenter, worker-presenter.ts) and presenter.worker.ts with
 * esbuild, serves them on 127.0.0.1, drives Debian's Chromium with playwright, measures the
 * refresh rate, and presents trials with exposures across 100–1000 ms (whole frames at the
 * measured rate) followed by 4 masks of ~30 ms — idle, and with the main thread under a synthetic
 * busy loop — with each presenter, taking turns chunk by chunk. Prints the share of exposures exact to the frame and within
 * ±1 frame (by rAF timestamps), human-readable, then one JSON object as the last line.
 *
 *   npx tsx bench/timing/run.ts [--trials 1000] [--lanes 1] [--presenter worker|main|worker,main]
 *     [--conditions idle,load,load-callbacks,longtask,heavy,heavy-callbacks] [--seed 7]
 *
 * Headless Chromium paces rAF with its own frame timer, not a real display's vsync, and without a
 * GPU: the figures show the presenter's logic under main-thread contention, not a monitor's.
 */
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright";
import { createRng, framesForMs, shuffled } from "@/lib/hype";
import type { BenchLoad, BenchPresenter, BenchTrial, BenchTrialResult } from "./page";
import type { FrameClockMode } from "@/components/trial/frame-timing";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../../tests/support/chromium";
import { bundleForBrowser } from "./bundle";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : undefined;
  return v ?? fallback;
}

const TRIALS = Number(arg("trials", "1000"));
const LANES = Number(arg("lanes", "1"));
const SEED = Number(arg("seed", "7"));
const CHUNK = 50;

type Condition = { name: string; mode: FrameClockMode; load: BenchLoad; note: string };
const CONDITIONS: Record<string, Condition> = {
  idle: { name: "idle", mode: "compensated", load: null, note: "no load" },
  load: { name: "load", mode: "compensated", load: { everyMs: 20, busyMs: 8 }, note: "8 ms busy loop every 20 ms on the main thread" },
  "load-callbacks": {
    name: "load-callbacks",
    mode: "callbacks",
    load: { everyMs: 20, busyMs: 8 },
    note: "same load, frames counted as plain rAF callbacks (no compensation), for comparison",
  },
  longtask: {
    name: "longtask",
    mode: "compensated",
    load: { everyMs: 250, busyMs: 50 },
    note: "50 ms long task every 250 ms on the main thread (like a large React render)",
  },
  heavy: { name: "heavy", mode: "compensated", load: { everyMs: 20, busyMs: 16 }, note: "16 ms busy loop every 20 ms (frames get skipped)" },
  "heavy-callbacks": {
    name: "heavy-callbacks",
    mode: "callbacks",
    load: { everyMs: 20, busyMs: 16 },
    note: "same heavy load, plain rAF callback counting, for comparison",
  },
};
const conditionNames = arg("conditions", "idle,load,heavy,heavy-callbacks").split(",");
for (const c of conditionNames) if (!CONDITIONS[c]) throw new Error(`unknown condition ${c}; known: ${Object.keys(CONDITIONS).join(", ")}`);
const presenterNames = arg("presenter", "worker,main").split(",") as BenchPresenter[];
for (const p of presenterNames) if (p !== "worker" && p !== "main") throw new Error(`unknown presenter ${p}; known: worker, main`);
if (!(Number.isInteger(TRIALS) && TRIALS > 0 && Number.isInteger(LANES) && LANES > 0)) throw new Error("--trials and --lanes must be positive integers");

const bundle = (entry: string) => bundleForBrowser(entry);

function serve(script: string, worker: string): Promise<{ url: string; close(): Promise<void> }> {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>timing bench</title>
<style>html,body{margin:0;background:rgb(64,64,64)}#stage{display:flex;flex-wrap:wrap;gap:8px;padding:8px}</style></head>
<body><div id="stage"></div><script type="module" src="/bench.js"></script></body></html>`;
  const server = http.createServer((req, res) => {
    // Cross-origin isolation gives 5 µs timers instead of 100 µs.
    const headers = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp", "Cache-Control": "no-store" };
    if (req.url === "/bench.js") {
      res.writeHead(200, { ...headers, "Content-Type": "text/javascript" }).end(script);
    } else if (req.url === "/presenter.worker.ts") {
      res.writeHead(200, { ...headers, "Content-Type": "text/javascript" }).end(worker);
    } else if (req.url === "/") {
      res.writeHead(200, { ...headers, "Content-Type": "text/html" }).end(html);
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

/** Exposures 100, 110, … 1000 ms, repeated and shuffled (seeded), in whole frames at `hz`. */
function schedule(n: number, hz: number, seed: number): BenchTrial[] {
  const ms: number[] = [];
  for (let i = 0; ms.length < n; i++) ms.push(100 + (i % 91) * 10);
  const maskFrames = framesForMs(30, hz);
  return shuffled(ms, createRng(seed)).map((m) => ({ frames: framesForMs(m, hz), masks: [maskFrames, maskFrames, maskFrames, maskFrames] }));
}

type Summary = {
  presenter: BenchPresenter;
  condition: string;
  note: string;
  mode: FrameClockMode;
  load: BenchLoad;
  loadBusyShare: number;
  trials: number;
  exactShare: number;
  withinOneShare: number;
  errorFrames: Record<string, number>;
  meanAbsErrorMs: number;
  maxAbsErrorMs: number;
  maskExactShare: number;
  flags: Record<string, number>;
  /** Median and minimum of (when the page learnt of the onset − the onset timestamp); < 0 would mean a wrong time base. */
  onsetLagMs: { median: number; min: number };
  /** Wall time of the condition, all presenters together (they take turns). */
  wallSeconds: number;
};

function summarise(presenter: BenchPresenter, c: Condition, results: BenchTrialResult[], hz: number, busyShare: number, wallSeconds: number): Summary {
  const period = 1000 / hz;
  const errorFrames: Record<string, number> = {};
  const flags: Record<string, number> = {};
  let exact = 0;
  let within = 0;
  let maskExact = 0;
  let absSum = 0;
  let absMax = 0;
  for (const r of results) {
    const e = r.presentedFrames - r.requestedFrames;
    errorFrames[String(e)] = (errorFrames[String(e)] ?? 0) + 1;
    if (e === 0) exact++;
    if (Math.abs(e) <= 1) within++;
    if (Math.abs(r.maskMeasuredMs - r.maskRequestedFrames * period) <= period / 2) maskExact++;
    const abs = Math.abs(r.measuredMs - r.requestedFrames * period);
    absSum += abs;
    absMax = Math.max(absMax, abs);
    for (const f of r.flags) flags[f] = (flags[f] ?? 0) + 1;
  }
  const n = results.length;
  const lags = results.map((r) => r.onsetLagMs).sort((a, b) => a - b);
  const round3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    presenter,
    condition: c.name,
    note: c.note,
    mode: c.mode,
    load: c.load,
    loadBusyShare: Math.round(busyShare * 1000) / 1000,
    trials: n,
    exactShare: exact / n,
    withinOneShare: within / n,
    errorFrames,
    meanAbsErrorMs: Math.round((absSum / n) * 1000) / 1000,
    maxAbsErrorMs: Math.round(absMax * 1000) / 1000,
    maskExactShare: maskExact / n,
    flags,
    onsetLagMs: { median: round3(lags[lags.length >> 1] ?? NaN), min: round3(lags[0] ?? NaN) },
    wallSeconds: Math.round(wallSeconds * 10) / 10,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

async function main(): Promise<void> {
  const script = await bundle(path.join(here, "page.ts"));
  const worker = await bundle(path.join(root, "components/trial/presenter.worker.ts"));
  const server = await serve(script, worker);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(server.url);
    await page.waitForFunction(() => typeof window.timingBench === "object");
    const info = await page.evaluate(() => window.timingBench.info());
    const refresh = await page.evaluate(() => window.timingBench.measure(240));
    const hz = refresh.hz;
    const browserVersion = browser.version();
    console.log(`Chromium ${browserVersion} (headless, --disable-gpu), ${os.cpus().length} CPUs, crossOriginIsolated=${info.crossOriginIsolated}`);
    console.log(
      `refresh: ${hz} Hz (raw ${refresh.rawHz.toFixed(3)} Hz, median interval ${refresh.medianIntervalMs.toFixed(3)} ms over ${refresh.intervals} frames, ` +
        `${pct(refresh.inlierShare)} within ±25%${refresh.snapped ? ", snapped" : ""})`,
    );
    console.log("note: headless Chromium paces rAF with its own frame timer, not a real display's vsync; these figures test the presenter's frame counting under main-thread contention, not a monitor.");
    console.log(`trials per condition: ${TRIALS}, exposures 100–1000 ms in whole frames at ${hz} Hz, 4 masks × ${framesForMs(30, hz)} frames, lanes: ${LANES}`);

    const summaries: Summary[] = [];
    const presenters: BenchPresenter[] = [];
    for (const presenter of presenterNames) {
      if (await page.evaluate((p) => window.timingBench.presenterAvailable(p), presenter)) presenters.push(presenter);
      else console.log(`${presenter} presenter: not available in this browser, skipped`);
    }
    for (const name of conditionNames) {
      const c = CONDITIONS[name]!;
      const trials = schedule(TRIALS, hz, SEED);
      const results = new Map<BenchPresenter, BenchTrialResult[]>(presenters.map((p) => [p, []]));
      const t0 = Date.now();
      await page.evaluate((load) => window.timingBench.startLoad(load), c.load);
      // The presenters take turns, chunk by chunk (order alternating), under the same load, so that
      // both see the same machine: on a shared machine other processes come and go.
      for (let i = 0, k = 0; i < trials.length; i += CHUNK, k++) {
        const chunk = trials.slice(i, i + CHUNK);
        const order = k % 2 === 0 ? presenters : [...presenters].reverse();
        for (const presenter of order) {
          const r = await page.evaluate((cfg) => window.timingBench.run(cfg), { trials: chunk, hz, mode: c.mode, lanes: LANES, presenter });
          results.get(presenter)!.push(...r);
        }
        process.stderr.write(`\r${c.name}: ${Math.min(i + CHUNK, trials.length)}/${trials.length} per presenter`);
      }
      const load = await page.evaluate(() => window.timingBench.stopLoad());
      process.stderr.write("\n");
      for (const presenter of presenters) {
        const s = summarise(presenter, c, results.get(presenter)!, hz, load.busyShare, (Date.now() - t0) / 1000);
        summaries.push(s);
        console.log(
          `${`${presenter}/${c.name}`.padEnd(22)} ${c.note}: exact ${pct(s.exactShare)}, within ±1 frame ${pct(s.withinOneShare)}, ` +
            `masks exact ${pct(s.maskExactShare)}, mean |error| ${s.meanAbsErrorMs} ms, max ${s.maxAbsErrorMs} ms, ` +
            `errors ${JSON.stringify(s.errorFrames)}, flags ${JSON.stringify(s.flags)}, main thread busy ${pct(s.loadBusyShare)}, ` +
            `onset lag median ${s.onsetLagMs.median} ms (min ${s.onsetLagMs.min})`,
        );
      }
    }
    const target = 0.995;
    for (const s of summaries) {
      if (s.mode === "compensated") console.log(`${s.presenter}/${s.condition}: ${s.exactShare >= target ? "meets" : "MISSES"} the ≥ 99.5% exact target`);
    }
    console.log(
      JSON.stringify({
        bench: "trial-timing",
        browser: `Chromium ${browserVersion} headless --disable-gpu`,
        cpus: os.cpus().length,
        crossOriginIsolated: info.crossOriginIsolated,
        refresh: { hz, rawHz: refresh.rawHz, medianIntervalMs: refresh.medianIntervalMs, intervals: refresh.intervals, inlierShare: refresh.inlierShare, snapped: refresh.snapped },
        trialsPerCondition: TRIALS,
        lanes: LANES,
        presenters: presenterNames,
        seed: SEED,
        conditions: summaries,
      }),
    );
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
