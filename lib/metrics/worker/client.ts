/**
 * The page's handle on the metrics worker. Browser-only (imported from client components).
 * `cancel()` asks the worker to stop between images; if it is stuck inside a long model call it is
 * terminated after a grace period and a fresh worker takes its place (the model reloads from cache).
 */
import type { FromWorker, ToWorker } from "./protocol";

export class MetricsClient {
  private worker: Worker;
  private cancelTimer: ReturnType<typeof setTimeout> | null = null;
  private modelHash: string | null = null;

  constructor(private readonly onMessage: (message: FromWorker) => void) {
    this.worker = this.spawn();
  }

  private spawn(): Worker {
    const worker = new Worker(new URL("./metrics.worker.ts", import.meta.url), { type: "module", name: "percept-metrics" });
    worker.onmessage = (event: MessageEvent<FromWorker>) => {
      if (event.data.type === "cancelled" || event.data.type === "done" || event.data.type === "error") this.clearCancelTimer();
      if (event.data.type === "model") this.modelHash = event.data.hash;
      this.onMessage(event.data);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      this.onMessage({ type: "error", message: event.message || "the worker script failed to load.", during: "worker" });
    };
    return worker;
  }

  send(message: ToWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  cancel(graceMs = 5_000): void {
    this.send({ type: "cancel" });
    this.clearCancelTimer();
    this.cancelTimer = setTimeout(() => {
      this.worker.terminate();
      this.worker = this.spawn();
      if (this.modelHash) this.send({ type: "use-model", hash: this.modelHash });
      this.onMessage({ type: "cancelled" });
    }, graceMs);
  }

  private clearCancelTimer(): void {
    if (this.cancelTimer) clearTimeout(this.cancelTimer);
    this.cancelTimer = null;
  }

  terminate(): void {
    this.clearCancelTimer();
    this.worker.terminate();
  }
}
