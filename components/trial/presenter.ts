/**
 * Browser-only, framework-free trial presenter: loads and fully decodes a trial's images, then
 * shows the stimulus for exactly `exposure.frames` display frames (counted on
 * requestAnimationFrame callbacks), each backward mask for its frames, then clears. The rAF
 * timestamps of every swap are recorded, so the on-screen duration is measured, not assumed.
 * Used by TrialStage and by the timing bench (bench/timing), which bundles this file alone.
 */
import {
  createPhaseClock,
  frameIntervals,
  judgeExposure,
  judgeMasks,
  mergeFlags,
  type FrameClockMode,
} from "./frame-timing";
import { TRIAL_FLAGS, type TrialFlag, type TrialSpec } from "./types";

export type Drawable = ImageBitmap | HTMLImageElement;
export type TrialImages = { stimulus: Drawable; masks: Drawable[] };

export type PresentationResult = {
  requestedFrames: number | null;
  /** Whole frames the stimulus was on screen, from the measured duration (null when untimed). */
  presentedFrames: number | null;
  /** rAF timestamp of the frame that replaced the stimulus minus that of the frame that drew it (null when untimed). */
  measuredMs: number | null;
  /** rAF timestamp (performance.now() time base) of the callback that drew the stimulus. */
  stimulusOnset: number;
  /** Timed: rAF timestamp of the callback that drew the first mask (or cleared). Untimed: when it was taken down. */
  stimulusOffset: number;
  maskRequestedFrames: number;
  /** From the first mask to the clear (0 when there are no masks). */
  maskMeasuredMs: number;
  /** rAF callback intervals while the stimulus was up. */
  exposureIntervalsMs: number[];
  flags: string[];
};

export type PresentOptions = {
  /** How frames are counted; see FrameClockMode. Default "compensated". */
  mode?: FrameClockMode;
  /** Fill used to clear the canvas after the masks (and before the first draw). */
  background?: string;
  /** Aborting cancels the presentation: the canvas is cleared and the promise rejects with an AbortError. */
  signal?: AbortSignal;
  /** Untimed trials only: the stimulus stays up until this settles (e.g. the answer), then is cleared. */
  until?: Promise<unknown>;
  /** Called inside the rAF callback that drew the stimulus, with its timestamp. */
  onOnset?: (timestamp: number) => void;
  /** Flag `hidden` / `blur` when the page is hidden or loses focus during the presentation. Default true. */
  watchAttention?: boolean;
};

export const DEFAULT_BACKGROUND = "rgb(64, 64, 64)";

function abortError(signal?: AbortSignal): unknown {
  return signal?.reason ?? new DOMException("The presentation was aborted", "AbortError");
}

/**
 * Fetches one image and decodes it completely (createImageBitmap decodes off the main thread;
 * browsers without it fall back to HTMLImageElement.decode()). Either way the returned image can
 * be drawn in one frame, never half-loaded.
 */
export async function loadImage(url: string, options: { signal?: AbortSignal } = {}): Promise<Drawable> {
  const response = await fetch(url, { credentials: "same-origin", signal: options.signal });
  if (!response.ok) throw new Error(`image ${url} answered HTTP ${response.status}`);
  const blob = await response.blob();
  if (typeof createImageBitmap === "function") return createImageBitmap(blob);
  const objectUrl = URL.createObjectURL(blob);
  try {
    const img = new Image();
    img.src = objectUrl;
    await img.decode();
    return img;
  } finally {
    // A decoded image keeps its pixels; the blob URL is no longer needed.
    URL.revokeObjectURL(objectUrl);
  }
}

/** Loads and decodes a trial's stimulus and masks in parallel. */
export async function loadTrialImages(spec: Pick<TrialSpec, "stimulusUrl" | "masks">, options: { signal?: AbortSignal } = {}): Promise<TrialImages> {
  const [stimulus, ...masks] = await Promise.all([
    loadImage(spec.stimulusUrl, options),
    ...spec.masks.map((m) => loadImage(m.url, options)),
  ]);
  return { stimulus: stimulus as Drawable, masks };
}

/** Frees decoded bitmaps (HTMLImageElements are left to the garbage collector). */
export function releaseTrialImages(images: TrialImages | null | undefined): void {
  if (!images) return;
  for (const img of [images.stimulus, ...images.masks]) {
    if (typeof ImageBitmap !== "undefined" && img instanceof ImageBitmap) img.close();
  }
}

export function naturalSize(img: Drawable): { width: number; height: number } {
  if (typeof HTMLImageElement !== "undefined" && img instanceof HTMLImageElement) {
    return { width: img.naturalWidth, height: img.naturalHeight };
  }
  return { width: img.width, height: img.height };
}

/**
 * Watches page visibility and window focus from now until stop(): `hidden` if the page was
 * hidden (or already hidden at the start), `blur` if the window lost focus.
 */
export function watchAttention(win: Window = window, doc: Document = document): { flags(): TrialFlag[]; stop(): void } {
  let hidden = doc.visibilityState === "hidden";
  let blurred = false;
  const onVisibility = () => {
    if (doc.visibilityState === "hidden") hidden = true;
  };
  const onBlur = () => {
    blurred = true;
  };
  doc.addEventListener("visibilitychange", onVisibility);
  win.addEventListener("blur", onBlur);
  return {
    flags() {
      const out: TrialFlag[] = [];
      if (hidden) out.push(TRIAL_FLAGS.hidden);
      if (blurred) out.push(TRIAL_FLAGS.blur);
      return out;
    },
    stop() {
      doc.removeEventListener("visibilitychange", onVisibility);
      win.removeEventListener("blur", onBlur);
    },
  };
}

/** The canvas to draw in: the target itself, or one canvas kept inside the container. */
function canvasFor(target: HTMLCanvasElement | HTMLElement): HTMLCanvasElement {
  if (target instanceof HTMLCanvasElement) return target;
  let canvas = target.querySelector<HTMLCanvasElement>("canvas[data-trial-canvas]");
  if (!canvas) {
    canvas = document.createElement("canvas");
    canvas.dataset.trialCanvas = "";
    target.appendChild(canvas);
  }
  return canvas;
}

/**
 * Presents one trial on `target` (a canvas, or a container that gets one). The canvas is sized to
 * the stimulus's natural size. Timed trials: the stimulus is drawn on the first rAF callback,
 * replaced by mask 1 once `exposure.frames` frames have elapsed, each mask stays for its frames,
 * then the canvas is cleared and the promise resolves with the measured timings and flags.
 * Untimed trials (`exposure: null`): the stimulus is drawn on the first callback and stays until
 * `options.until` settles. `hz` is the session's measured refresh rate.
 */
export async function presentTrial(
  target: HTMLCanvasElement | HTMLElement,
  spec: Pick<TrialSpec, "exposure" | "masks">,
  images: TrialImages,
  hz: number,
  options: PresentOptions = {},
): Promise<PresentationResult> {
  const { signal, onOnset } = options;
  const background = options.background ?? DEFAULT_BACKGROUND;
  if (signal?.aborted) throw abortError(signal);
  if (spec.exposure && !(Number.isInteger(spec.exposure.frames) && spec.exposure.frames >= 1)) {
    throw new RangeError(`exposure.frames must be a whole number ≥ 1, got ${spec.exposure.frames}`);
  }
  const timedMasks = spec.exposure ? spec.masks : [];
  if (spec.exposure && images.masks.length < timedMasks.length) {
    throw new RangeError(`${timedMasks.length} masks requested but ${images.masks.length} images given`);
  }
  // HTMLImageElements must be decoded before the first frame (a no-op when they already are).
  await Promise.all(
    [images.stimulus, ...images.masks].map((img) =>
      typeof HTMLImageElement !== "undefined" && img instanceof HTMLImageElement ? img.decode() : undefined,
    ),
  );
  if (signal?.aborted) throw abortError(signal);

  const canvas = canvasFor(target);
  const { width, height } = naturalSize(images.stimulus);
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext("2d", { alpha: false });
  if (!ctx) throw new Error("2D canvas context unavailable");
  const clear = () => {
    ctx.fillStyle = background;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  };
  const draw = (img: Drawable) => ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  clear();

  const attention = options.watchAttention === false ? null : watchAttention();
  const phaseImages = [images.stimulus, ...images.masks.slice(0, timedMasks.length)];

  try {
    return await new Promise<PresentationResult>((resolve, reject) => {
      let handle = 0;
      let settled = false;
      const onAbort = () => {
        if (settled) return;
        settled = true;
        cancelAnimationFrame(handle);
        clear();
        reject(abortError(signal));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const settle = (result: PresentationResult) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener("abort", onAbort);
        resolve(result);
      };

      if (!spec.exposure) {
        handle = requestAnimationFrame((t) => {
          if (settled) return;
          draw(images.stimulus);
          onOnset?.(t);
          const end = () => {
            if (settled) return;
            clear();
            const offset = performance.now();
            settle({
              requestedFrames: null,
              presentedFrames: null,
              measuredMs: null,
              stimulusOnset: t,
              stimulusOffset: offset,
              maskRequestedFrames: 0,
              maskMeasuredMs: 0,
              exposureIntervalsMs: [],
              flags: attention ? attention.flags() : [],
            });
          };
          if (options.until) options.until.then(end, end);
          else end();
        });
        return;
      }

      const requestedFrames = spec.exposure.frames;
      const maskFrames = timedMasks.map((m) => m.frames);
      const maskRequestedFrames = maskFrames.reduce((a, b) => a + b, 0);
      const clock = createPhaseClock([requestedFrames, ...maskFrames], hz, options.mode ?? "compensated");
      const step = (t: number) => {
        if (settled) return;
        const action = clock.tick(t);
        if (action) {
          if (action.draw === "clear") clear();
          else draw(phaseImages[action.draw] as Drawable);
          if (action.draw === 0) onOnset?.(t);
        }
        if (!clock.done) {
          handle = requestAnimationFrame(step);
          return;
        }
        const { starts, timestamps } = clock.result();
        const onset = starts[0] as number;
        const offset = starts[1] as number;
        const end = starts[phaseImages.length] as number;
        const measuredMs = offset - onset;
        const exposureStamps = timestamps.filter((s) => s >= onset && s <= offset);
        const exposureIntervalsMs = frameIntervals(exposureStamps);
        const judgement = judgeExposure({ requestedFrames, measuredMs, hz, intervalsMs: exposureIntervalsMs });
        const maskMeasuredMs = end - offset;
        settle({
          requestedFrames,
          presentedFrames: judgement.presentedFrames,
          measuredMs,
          stimulusOnset: onset,
          stimulusOffset: offset,
          maskRequestedFrames,
          maskMeasuredMs,
          exposureIntervalsMs,
          flags: mergeFlags(
            judgement.flags,
            judgeMasks({ requestedFrames: maskRequestedFrames, measuredMs: maskMeasuredMs, hz }),
            attention ? attention.flags() : [],
          ),
        });
      };
      handle = requestAnimationFrame(step);
    });
  } finally {
    attention?.stop();
  }
}
