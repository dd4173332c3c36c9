/**
 * Browser-only: the page side of the worker presenter. Each trial canvas is transferred once to a
 * dedicated worker (presenter.worker.ts) with transferControlToOffscreen(); the worker draws the
 * stimulus, the masks and the clear on its own requestAnimationFrame callbacks, counted by the
 * same phase clock as the main-thread presenter. The page's main thread (React, the answer queue,
 * anything else on the page) can then be busy without delaying a swap.
 *
 * `getPresenter()` picks the worker presenter when the browser supports it (OffscreenCanvas with a
 * 2D context and requestAnimationFrame in workers, transferControlToOffscreen, createImageBitmap)
 * and the worker answers its handshake; otherwise the main-thread presenter. A canvas is only
 * transferred after the handshake succeeded, so falling back never meets a canvas it cannot draw on.
 */
import {
  DEFAULT_BACKGROUND,
  canvasFor,
  mainThreadPresenter,
  watchAttention,
  type Drawable,
  type PresentOptions,
  type Presenter,
  type TrialImages,
} from "./presenter";
import { planPresentation, shiftResult, withFlags, type PresentationResult } from "./presentation";
import type { FromWorker, ToWorker } from "./presenter-worker-core";
import type { TrialSpec } from "./types";

/** Static check: could this browser run the worker presenter at all? (Worker rAF is checked by the handshake.) */
export function workerPresenterSupported(): boolean {
  return (
    typeof window !== "undefined" &&
    typeof Worker === "function" &&
    typeof OffscreenCanvas === "function" &&
    typeof createImageBitmap === "function" &&
    typeof HTMLCanvasElement !== "undefined" &&
    typeof HTMLCanvasElement.prototype.transferControlToOffscreen === "function"
  );
}

export type WorkerPresenterOptions = {
  /** How to start the worker (tests and the bench serve it elsewhere). */
  createWorker?: () => Worker;
  /** Give up on the worker if it has not answered the handshake within this long. Default 3000 ms. */
  handshakeMs?: number;
};

export type WorkerPresenter = Presenter & {
  readonly kind: "worker";
  /** The worker's performance.timeOrigin − the page's: added to the worker's timestamps. */
  readonly timeOffsetMs: number;
  /** True after the worker failed; presentations then reject, and getPresenter() falls back. */
  readonly broken: boolean;
  terminate(): void;
};

function defaultWorker(): Worker {
  return new Worker(new URL("./presenter.worker.ts", import.meta.url), { type: "module", name: "trial-presenter" });
}

function abortError(signal?: AbortSignal): unknown {
  return signal?.reason ?? new DOMException("The presentation was aborted", "AbortError");
}

type Pending = {
  resolve(result: PresentationResult): void;
  reject(error: unknown): void;
  onOnset?: (t: number) => void;
};

/**
 * Starts the worker and waits for its handshake. Resolves with null (and stops the worker) when
 * the browser cannot run it: no OffscreenCanvas/transfer, no rAF or 2D context in workers, the
 * worker failed to load, or it did not answer in time.
 */
export async function createWorkerPresenter(options: WorkerPresenterOptions = {}): Promise<WorkerPresenter | null> {
  if (!workerPresenterSupported()) return null;
  let worker: Worker;
  try {
    worker = (options.createWorker ?? defaultWorker)();
  } catch {
    return null;
  }
  const hello = await new Promise<Extract<FromWorker, { type: "hello" }> | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), options.handshakeMs ?? 3000);
    worker.onmessage = (event: MessageEvent<FromWorker>) => {
      if (event.data.type !== "hello") return;
      clearTimeout(timer);
      resolve(event.data);
    };
    worker.onerror = () => {
      clearTimeout(timer);
      resolve(null);
    };
    worker.postMessage({ type: "hello" } satisfies ToWorker);
  });
  if (!hello || !hello.raf || !hello.offscreen2d) {
    worker.terminate();
    return null;
  }

  const timeOffsetMs = hello.timeOrigin - performance.timeOrigin;
  const canvases = new WeakMap<HTMLCanvasElement, number>();
  const releases = new Map<number, ReturnType<typeof setTimeout>>();
  const pending = new Map<number, Pending>();
  let nextCanvasId = 1;
  let nextId = 1;
  let broken = false;

  const fail = (message: string) => {
    broken = true;
    for (const p of pending.values()) p.reject(new Error(`trial presenter worker: ${message}`));
    pending.clear();
  };
  worker.onerror = (event) => {
    event.preventDefault();
    fail(event.message || "the worker failed");
  };
  worker.onmessageerror = () => fail("a message could not be read");
  worker.onmessage = (event: MessageEvent<FromWorker>) => {
    const m = event.data;
    if (m.type === "hello") return;
    if (m.type === "error") {
      if (m.id === null) {
        fail(m.message);
        return;
      }
      const p = pending.get(m.id);
      pending.delete(m.id);
      p?.reject(new Error(`trial presenter worker: ${m.message}`));
      return;
    }
    const p = pending.get(m.id);
    if (!p) return;
    if (m.type === "onset") p.onOnset?.(m.t + timeOffsetMs);
    else {
      pending.delete(m.id);
      p.resolve(shiftResult(m.result, timeOffsetMs));
    }
  };

  /** The canvas's id in the worker, transferring it on first use. */
  const attach = (target: HTMLCanvasElement | HTMLElement): number => {
    const canvas = canvasFor(target);
    const known = canvases.get(canvas);
    if (known !== undefined) {
      const timer = releases.get(known);
      if (timer !== undefined) {
        clearTimeout(timer);
        releases.delete(known);
      }
      return known;
    }
    // Throws if the canvas already has a context (it was drawn on by the main-thread presenter).
    const offscreen = canvas.transferControlToOffscreen();
    const canvasId = nextCanvasId++;
    canvases.set(canvas, canvasId);
    worker.postMessage({ type: "attach", canvasId, canvas: offscreen, background: DEFAULT_BACKGROUND } satisfies ToWorker<OffscreenCanvas>, [
      offscreen,
    ]);
    return canvasId;
  };

  const toBitmap = async (img: Drawable): Promise<ImageBitmap> => (img instanceof ImageBitmap ? img : createImageBitmap(img));

  const present = async (
    target: HTMLCanvasElement | HTMLElement,
    spec: Pick<TrialSpec, "exposure" | "masks">,
    images: TrialImages,
    hz: number,
    options: PresentOptions & { transferImages?: boolean } = {},
  ): Promise<PresentationResult> => {
    const { signal } = options;
    if (broken) throw new Error("trial presenter worker: unavailable after an earlier failure");
    if (signal?.aborted) throw abortError(signal);
    const plan = planPresentation(spec, images.masks.length);
    const used = [images.stimulus, ...images.masks.slice(0, plan ? plan.maskFrames.length : 0)];
    const bitmaps = await Promise.all(used.map(toBitmap));
    if (signal?.aborted) throw abortError(signal);
    const canvasId = attach(target);
    const [stimulus, ...masks] = bitmaps as [ImageBitmap, ...ImageBitmap[]];
    // Bitmaps made here (from HTMLImageElements) always move; the caller's only when asked to.
    const transfer = [...new Set(bitmaps.filter((b, i) => options.transferImages || b !== used[i]))];
    const id = nextId++;
    const attention = options.watchAttention === false ? null : watchAttention();
    try {
      return await new Promise<PresentationResult>((resolve, reject) => {
        const onAbort = () => {
          if (!pending.delete(id)) return;
          worker.postMessage({ type: "abort", id } satisfies ToWorker);
          reject(abortError(signal));
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        pending.set(id, {
          resolve: (result) => {
            signal?.removeEventListener("abort", onAbort);
            resolve(withFlags(result, attention ? attention.flags() : []));
          },
          reject: (error) => {
            signal?.removeEventListener("abort", onAbort);
            reject(error);
          },
          onOnset: options.onOnset,
        });
        const message: ToWorker<OffscreenCanvas, ImageBitmap> = {
          type: "present",
          id,
          canvasId,
          plan,
          hz,
          mode: options.mode ?? "compensated",
          background: options.background ?? DEFAULT_BACKGROUND,
          stimulus,
          masks,
        };
        worker.postMessage(message, transfer);
        if (!plan) {
          const end = () => {
            if (pending.has(id)) worker.postMessage({ type: "end", id } satisfies ToWorker);
          };
          if (options.until) options.until.then(end, end);
          else end();
        }
      });
    } finally {
      attention?.stop();
    }
  };

  return {
    kind: "worker",
    timeOffsetMs,
    get broken() {
      return broken;
    },
    prepare(target) {
      if (!broken) attach(target);
    },
    present,
    release(target) {
      const canvas = target instanceof HTMLCanvasElement ? target : target.querySelector<HTMLCanvasElement>("canvas[data-trial-canvas]");
      const canvasId = canvas ? canvases.get(canvas) : undefined;
      if (canvasId === undefined || releases.has(canvasId)) return;
      // Deferred, so that an effect that is torn down and immediately run again (React's
      // StrictMode) keeps its canvas: prepare/present on it cancels the release.
      releases.set(
        canvasId,
        setTimeout(() => {
          releases.delete(canvasId);
          if (canvas) canvases.delete(canvas);
          if (!broken) worker.postMessage({ type: "release", canvasId } satisfies ToWorker);
        }, 0),
      );
    },
    terminate() {
      fail("terminated");
      worker.terminate();
    },
  };
}

let shared: Promise<Presenter> | null = null;

/**
 * The presenter for this page: the worker presenter when it works here, else the main-thread
 * presenter. Started once and shared; after a worker failure the next call falls back.
 */
export function getPresenter(options: WorkerPresenterOptions = {}): Promise<Presenter> {
  if (shared) {
    const current = shared;
    return current.then((p) => {
      if (p.kind === "worker" && (p as WorkerPresenter).broken) {
        if (shared === current) shared = Promise.resolve(mainThreadPresenter);
        return mainThreadPresenter;
      }
      return p;
    });
  }
  shared = createWorkerPresenter(options).then(
    (p) => p ?? mainThreadPresenter,
    () => mainThreadPresenter,
  );
  return shared;
}
