/**
 * Dedicated worker that presents trials on OffscreenCanvases (see presenter-worker-core.ts for the
 * protocol and the logic, worker-presenter.ts for the page side). Its requestAnimationFrame is
 * driven by the compositor, not by the page's main thread, so a busy page does not delay a swap.
 *
 * Created with `new Worker(new URL("./presenter.worker.ts", import.meta.url), { type: "module" })`.
 */
import { createWorkerPresenterCore, type FromWorker, type ToWorker } from "./presenter-worker-core";

/** The parts of DedicatedWorkerGlobalScope used here (the project's TypeScript lib is "dom", not "webworker"). */
type Scope = {
  requestAnimationFrame?: (cb: (t: number) => void) => number;
  cancelAnimationFrame?: (handle: number) => void;
  postMessage(message: FromWorker): void;
  onmessage: ((event: MessageEvent<ToWorker<unknown, ImageBitmap>>) => void) | null;
  OffscreenCanvas?: unknown;
};

const scope = self as unknown as Scope;

function offscreen2d(): boolean {
  try {
    return typeof OffscreenCanvas === "function" && new OffscreenCanvas(1, 1).getContext("2d") !== null;
  } catch {
    return false;
  }
}

const raf = typeof scope.requestAnimationFrame === "function" && typeof scope.cancelAnimationFrame === "function";

const core = createWorkerPresenterCore<ImageBitmap>(
  {
    requestAnimationFrame: (cb) => scope.requestAnimationFrame!(cb),
    cancelAnimationFrame: (handle) => scope.cancelAnimationFrame!(handle),
    now: () => performance.now(),
    post: (message) => scope.postMessage(message),
  },
  { raf, offscreen2d: offscreen2d(), timeOrigin: performance.timeOrigin },
);

scope.onmessage = (event) => core.handle(event.data);
