/**
 * Browser side of the timing bench (bundled by run.ts with esbuild as an ES module, next to the
 * bundled presenter.worker.ts): generates test images, measures the refresh rate and presents
 * trials with the real presenters — the main-thread one and the worker one — optionally with the
 * main thread under synthetic load. Exposes window.timingBench for run.ts to drive.
 */
import { measureRefreshRate } from "@/components/trial/measure-refresh";
import { mainThreadPresenter, type Drawable, type Presenter } from "@/components/trial/presenter";
import { createWorkerPresenter } from "@/components/trial/worker-presenter";
import type { FrameClockMode } from "@/components/trial/frame-timing";

export type BenchPresenter = Presenter["kind"];

export type BenchTrial = { frames: number; masks: number[] };
export type BenchLoad = { everyMs: number; busyMs: number } | null;
export type BenchTrialResult = {
  requestedFrames: number;
  presentedFrames: number;
  measuredMs: number;
  maskRequestedFrames: number;
  maskMeasuredMs: number;
  flags: string[];
  /** performance.now() when the page learnt of the onset minus the onset timestamp (checks the worker's time base: never < 0). */
  onsetLagMs: number;
};

const SIZE = 256;

/** A deterministic test image: a hue gradient with a noise texture, different per seed. */
async function makeImage(seed: number): Promise<Drawable> {
  const canvas = new OffscreenCanvas(SIZE, SIZE);
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("no 2D context");
  const data = ctx.createImageData(SIZE, SIZE);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < SIZE * SIZE; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const noise = (s >>> 0) % 64;
    const x = i % SIZE;
    const y = Math.floor(i / SIZE);
    data.data[4 * i] = (x + seed * 40 + noise) & 255;
    data.data[4 * i + 1] = (y + seed * 90 + noise) & 255;
    data.data[4 * i + 2] = (x + y + seed * 20) & 255;
    data.data[4 * i + 3] = 255;
  }
  ctx.putImageData(data, 0, 0);
  return createImageBitmap(canvas);
}

let images: { stimuli: Drawable[]; masks: Drawable[] } | null = null;

async function prepare(): Promise<void> {
  if (images) return;
  const stimuli = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(makeImage));
  const masks = await Promise.all([11, 12, 13, 14].map(makeImage));
  images = { stimuli, masks };
}

function nextFrame(): Promise<number> {
  return new Promise((r) => requestAnimationFrame(r));
}

let loadTimer: ReturnType<typeof setInterval> | null = null;
let loadStats = { ticks: 0, busyMs: 0, since: 0 };

function startLoad(load: BenchLoad): void {
  stopLoad();
  loadStats = { ticks: 0, busyMs: 0, since: performance.now() };
  if (!load) return;
  loadTimer = setInterval(() => {
    const t0 = performance.now();
    let x = 0;
    while (performance.now() - t0 < load.busyMs) x += Math.sqrt(x + 1);
    loadStats.ticks++;
    loadStats.busyMs += performance.now() - t0;
    if (x < 0) console.log(x);
  }, load.everyMs);
}

function stopLoad(): { ticks: number; busyShare: number } {
  if (loadTimer !== null) clearInterval(loadTimer);
  loadTimer = null;
  const wall = performance.now() - loadStats.since;
  return { ticks: loadStats.ticks, busyShare: wall > 0 ? loadStats.busyMs / wall : 0 };
}

let workerPresenter: Promise<Presenter | null> | null = null;

/** The presenter of that kind, or null when this browser cannot run the worker presenter. */
async function presenterOf(kind: BenchPresenter): Promise<Presenter | null> {
  if (kind === "main") return mainThreadPresenter;
  workerPresenter ??= createWorkerPresenter();
  return workerPresenter;
}

async function presenterAvailable(kind: BenchPresenter): Promise<boolean> {
  return (await presenterOf(kind)) !== null;
}

/**
 * Presents `trials` one after another on each of `lanes` canvases (lanes > 1 runs that many
 * presentations at once on separate canvases, sharing the same frames, to shorten the bench).
 * Each presenter gets its own canvases (a canvas given to the worker cannot be drawn on here).
 */
async function run(config: { trials: BenchTrial[]; hz: number; mode: FrameClockMode; lanes: number; presenter: BenchPresenter }): Promise<BenchTrialResult[]> {
  await prepare();
  const imgs = images!;
  const presenter = await presenterOf(config.presenter);
  if (!presenter) throw new Error(`the ${config.presenter} presenter is not available in this browser`);
  const stage = document.getElementById("stage")!;
  const results: BenchTrialResult[] = new Array(config.trials.length);
  let next = 0;
  const lane = async (laneIndex: number) => {
    let box = document.getElementById(`lane-${config.presenter}-${laneIndex}`);
    if (!box) {
      box = document.createElement("div");
      box.id = `lane-${config.presenter}-${laneIndex}`;
      stage.appendChild(box);
    }
    while (next < config.trials.length) {
      const i = next++;
      const trial = config.trials[i]!;
      await nextFrame(); // an inter-trial frame of blank, as between answer and next countdown
      let onsetLagMs = NaN;
      const r = await presenter.present(
        box,
        { exposure: { ms: (trial.frames * 1000) / config.hz, frames: trial.frames }, masks: trial.masks.map((frames) => ({ url: "", frames })) },
        { stimulus: imgs.stimuli[i % imgs.stimuli.length]!, masks: imgs.masks },
        config.hz,
        { mode: config.mode, onOnset: (t) => (onsetLagMs = performance.now() - t) },
      );
      results[i] = {
        requestedFrames: r.requestedFrames!,
        presentedFrames: r.presentedFrames!,
        measuredMs: r.measuredMs!,
        maskRequestedFrames: r.maskRequestedFrames,
        maskMeasuredMs: r.maskMeasuredMs,
        flags: r.flags,
        onsetLagMs,
      };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, config.lanes) }, (_, k) => lane(k)));
  return results;
}

declare global {
  interface Window {
    timingBench: {
      measure: typeof measureRefreshRate;
      run: typeof run;
      presenterAvailable: typeof presenterAvailable;
      startLoad: typeof startLoad;
      stopLoad: typeof stopLoad;
      info(): { crossOriginIsolated: boolean; userAgent: string; devicePixelRatio: number; visibility: string; hasFocus: boolean };
    };
  }
}

window.timingBench = {
  measure: measureRefreshRate,
  run,
  presenterAvailable,
  startLoad,
  stopLoad,
  info: () => ({
    crossOriginIsolated: self.crossOriginIsolated,
    userAgent: navigator.userAgent,
    devicePixelRatio,
    visibility: document.visibilityState,
    hasFocus: document.hasFocus(),
  }),
};
