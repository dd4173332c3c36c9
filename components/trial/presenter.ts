/**
 * Browser-only, framework-free trial presenter: loads and fully decodes a trial's images, then
 * shows the stimulus for exactly `exposure.frames` display frames (counted on
 * requestAnimationFrame callbacks), each backward mask for its frames, then clears. The rAF
 * timestamps of every swap are recorded, so the on-screen duration is measured, not assumed.
 * Used by TrialStage and by the timing bench (bench/timing), which bundles this file alone.
 */
import type { FrameClockMode } from "./frame-timing";
import { createTimedPresentation, planPresentation, untimedResult, withFlags, type PresentationResult } from "./presentation";
import { TRIAL_FLAGS, type TrialFlag, type TrialSpec } from "./types";

export type Drawable = ImageBitmap | HTMLImageElement;
export type TrialImages = { stimulus: Drawable; masks: Drawable[] };

export type { PresentationResult };

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
export function canvasFor(target: HTMLCanvasElement | HTMLElement): HTMLCanvasElement {
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
  const plan = planPresentation(spec, images.masks.length);
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
  const attentionFlags = () => (attention ? attention.flags() : []);
  const phaseImages = [images.stimulus, ...images.masks.slice(0, plan ? plan.maskFrames.length : 0)];

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
        resolve(withFlags(result, attentionFlags()));
      };

      if (!plan) {
        handle = requestAnimationFrame((t) => {
          if (settled) return;
          draw(images.stimulus);
          onOnset?.(t);
          const end = () => {
            if (settled) return;
            clear();
            settle(untimedResult(t, performance.now()));
          };
          if (options.until) options.until.then(end, end);
          else end();
        });
        return;
      }

      const presentation = createTimedPresentation(plan, hz, options.mode ?? "compensated", {
        draw: (phase) => draw(phaseImages[phase] as Drawable),
        clear,
        onset: (t) => onOnset?.(t),
      });
      const step = (t: number) => {
        if (settled) return;
        const result = presentation.tick(t);
        if (result) settle(result);
        else handle = requestAnimationFrame(step);
      };
      handle = requestAnimationFrame(step);
    });
  } finally {
    attention?.stop();
  }
}

/**
 * A way of presenting trials: this file's main-thread presenter, or the worker presenter
 * (worker-presenter.ts), which draws on an OffscreenCanvas from a dedicated worker. Both give the
 * same PresentationResult, with timestamps in the page's performance.now() time base.
 */
export type Presenter = {
  readonly kind: "main" | "worker";
  /** Takes the canvas over ahead of the first presentation (the worker presenter transfers it). */
  prepare(target: HTMLCanvasElement | HTMLElement): void;
  present(
    target: HTMLCanvasElement | HTMLElement,
    spec: Pick<TrialSpec, "exposure" | "masks">,
    images: TrialImages,
    hz: number,
    options?: PresentOptions & {
      /** Worker presenter: transfer the decoded images to the worker (they become unusable here) instead of copying them. */
      transferImages?: boolean;
    },
  ): Promise<PresentationResult>;
  /**
   * The canvas is going away (its backing store can be freed). Takes effect after the current task:
   * a prepare/present on it before then (an effect torn down and run again) cancels the release;
   * after it, a canvas given to the worker cannot be presented on again (use a new canvas).
   */
  release(target: HTMLCanvasElement | HTMLElement): void;
};

/** Draws on the page's main thread, on its requestAnimationFrame callbacks (presentTrial). */
export const mainThreadPresenter: Presenter = {
  kind: "main",
  prepare() {},
  present: (target, spec, images, hz, options) => presentTrial(target, spec, images, hz, options),
  release() {},
};
