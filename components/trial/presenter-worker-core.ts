/**
 * The worker presenter's message protocol and its worker-side logic, with the worker's globals
 * (requestAnimationFrame, performance.now, postMessage) injected so that it runs — and is tested —
 * in Node. presenter.worker.ts wires it to the real DedicatedWorkerGlobalScope; worker-presenter.ts
 * is the page side.
 *
 * The page transfers each canvas once (`attach`, an OffscreenCanvas from
 * transferControlToOffscreen) and then sends one `present` per trial with the decoded images. The
 * worker draws on its own requestAnimationFrame callbacks, counted by the same phase clock as the
 * main-thread presenter, so a busy page cannot delay a swap. Timestamps in replies are in the
 * worker's performance.now() time base; the page shifts them by the difference of time origins.
 */
import type { FrameClockMode } from "./frame-timing";
import { createTimedPresentation, untimedResult, type PresentationResult, type TimedPlan } from "./presentation";

/** Anything drawImage accepts in a worker; ImageBitmap in practice. */
export type WorkerImage = { width: number; height: number; close?(): void };

/** The page's messages to the worker. `C` is the canvas (OffscreenCanvas), `I` the image type (ImageBitmap). */
export type ToWorker<C = unknown, I = WorkerImage> =
  | { type: "hello" }
  | { type: "attach"; canvasId: number; canvas: C; background: string }
  | {
      type: "present";
      id: number;
      canvasId: number;
      /** null = untimed: the stimulus stays up until `end`. */
      plan: TimedPlan | null;
      hz: number;
      mode: FrameClockMode;
      background: string;
      stimulus: I;
      masks: I[];
    }
  | { type: "end"; id: number }
  | { type: "abort"; id: number }
  | { type: "release"; canvasId: number };

/** The worker's replies. Times are the worker's performance.now(). */
export type FromWorker =
  | { type: "hello"; raf: boolean; offscreen2d: boolean; timeOrigin: number }
  | { type: "onset"; id: number; t: number }
  | { type: "done"; id: number; result: PresentationResult }
  | { type: "error"; id: number | null; message: string };

/** The bits of a 2D context the presenter uses (OffscreenCanvasRenderingContext2D in a worker). */
export type Context2D<I> = {
  fillStyle: unknown;
  fillRect(x: number, y: number, w: number, h: number): void;
  drawImage(image: I, x: number, y: number, w: number, h: number): void;
};

export type CanvasLike<I> = {
  width: number;
  height: number;
  getContext(kind: "2d", options?: { alpha?: boolean }): Context2D<I> | null;
};

export type WorkerEnv = {
  requestAnimationFrame(cb: (t: number) => void): number;
  cancelAnimationFrame(handle: number): void;
  now(): number;
  post(message: FromWorker): void;
};

type Surface<I> = { canvas: CanvasLike<I>; ctx: Context2D<I>; background: string };

type Running<I> = {
  id: number;
  surface: Surface<I>;
  images: I[];
  handle: number;
  /** Untimed: the onset timestamp once drawn. */
  onset: number | null;
  /** Untimed: `end` arrived before the first frame. */
  ended: boolean;
  timed: boolean;
};

function closeAll(images: readonly WorkerImage[]): void {
  for (const img of images) img.close?.();
}

/**
 * The worker side: `handle(message)` for every message from the page. One presentation runs per
 * canvas at a time; a new `present` on a canvas aborts the one before.
 */
export function createWorkerPresenterCore<I extends WorkerImage>(env: WorkerEnv, capabilities: { raf: boolean; offscreen2d: boolean; timeOrigin: number }) {
  const surfaces = new Map<number, Surface<I>>();
  const running = new Map<number, Running<I>>(); // by presentation id
  const byCanvas = new Map<number, number>(); // canvasId → presentation id

  const clear = (s: Surface<I>) => {
    s.ctx.fillStyle = s.background;
    s.ctx.fillRect(0, 0, s.canvas.width, s.canvas.height);
  };

  const stop = (id: number, clearCanvas: boolean) => {
    const r = running.get(id);
    if (!r) return;
    running.delete(id);
    for (const [canvasId, pid] of byCanvas) if (pid === id) byCanvas.delete(canvasId);
    env.cancelAnimationFrame(r.handle);
    if (clearCanvas) clear(r.surface);
    closeAll(r.images);
  };

  const finish = (r: Running<I>, result: PresentationResult) => {
    stop(r.id, false);
    env.post({ type: "done", id: r.id, result });
  };

  const present = (m: Extract<ToWorker<unknown, I>, { type: "present" }>) => {
    const images = [m.stimulus, ...m.masks];
    const surface = surfaces.get(m.canvasId);
    if (!surface) {
      closeAll(images);
      env.post({ type: "error", id: m.id, message: `canvas ${m.canvasId} is not attached` });
      return;
    }
    const previous = byCanvas.get(m.canvasId);
    if (previous !== undefined) stop(previous, false);
    surface.background = m.background;
    const { width, height } = m.stimulus;
    // Resizing resets the context; only when the size changes.
    if (surface.canvas.width !== width) surface.canvas.width = width;
    if (surface.canvas.height !== height) surface.canvas.height = height;
    clear(surface);
    const draw = (img: I) => surface.ctx.drawImage(img, 0, 0, surface.canvas.width, surface.canvas.height);
    const r: Running<I> = { id: m.id, surface, images, handle: 0, onset: null, ended: false, timed: m.plan !== null };
    running.set(m.id, r);
    byCanvas.set(m.canvasId, m.id);

    if (!m.plan) {
      r.handle = env.requestAnimationFrame((t) => {
        if (!running.has(r.id)) return;
        draw(m.stimulus);
        r.onset = t;
        env.post({ type: "onset", id: r.id, t });
        if (r.ended) {
          clear(surface);
          finish(r, untimedResult(t, env.now()));
        }
      });
      return;
    }

    const phaseImages = [m.stimulus, ...m.masks];
    const presentation = createTimedPresentation(m.plan, m.hz, m.mode, {
      draw: (phase) => draw(phaseImages[phase] as I),
      clear: () => clear(surface),
      onset: (t) => env.post({ type: "onset", id: r.id, t }),
    });
    const step = (t: number) => {
      if (!running.has(r.id)) return;
      const result = presentation.tick(t);
      if (result) finish(r, result);
      else r.handle = env.requestAnimationFrame(step);
    };
    r.handle = env.requestAnimationFrame(step);
  };

  return {
    handle(message: ToWorker<unknown, I>): void {
      try {
        switch (message.type) {
          case "hello":
            env.post({ type: "hello", ...capabilities });
            return;
          case "attach": {
            const canvas = message.canvas as CanvasLike<I>;
            const ctx = canvas.getContext("2d", { alpha: false });
            if (!ctx) throw new Error("2D context unavailable on the OffscreenCanvas");
            const surface = { canvas, ctx, background: message.background };
            surfaces.set(message.canvasId, surface);
            clear(surface);
            return;
          }
          case "present":
            present(message);
            return;
          case "end": {
            const r = running.get(message.id);
            if (!r || r.timed) return;
            if (r.onset === null) {
              r.ended = true; // taken down right after the first frame draws it
              return;
            }
            clear(r.surface);
            finish(r, untimedResult(r.onset, env.now()));
            return;
          }
          case "abort":
            stop(message.id, true);
            return;
          case "release": {
            const pid = byCanvas.get(message.canvasId);
            if (pid !== undefined) stop(pid, false);
            const s = surfaces.get(message.canvasId);
            if (s) {
              // Frees the backing store now rather than when the page's canvas is collected.
              s.canvas.width = 0;
              s.canvas.height = 0;
            }
            surfaces.delete(message.canvasId);
            return;
          }
        }
      } catch (error) {
        const id = message.type === "present" || message.type === "end" || message.type === "abort" ? message.id : null;
        if (id !== null) stop(id, false);
        env.post({ type: "error", id, message: error instanceof Error ? error.message : String(error) });
      }
    },
    /** Presentations in progress (for tests). */
    get running(): number {
      return running.size;
    },
    get canvases(): number {
      return surfaces.size;
    },
  };
}
