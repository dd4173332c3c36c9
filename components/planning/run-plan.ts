"use client";

import { planCiWidthSteps, PlanningInputError, type PlanProgress, type PlanRequest, type PlanResult } from "@/lib/hype/planning";
import type { PlanningEvent } from "./messages";

type Emit = (event: PlanningEvent) => void;

/** A started run: `cancel()` stops it; no event is emitted after that. */
export interface PlanRun {
  cancel(): void;
  /** "worker" normally; "main thread" when Workers are unavailable (chunked with setTimeout). */
  mode: "worker" | "main thread";
}

let nextId = 1;

/**
 * Starts a planning run in a Web Worker, or, where a Worker cannot be created, on the main thread
 * one replicate per macrotask so the page keeps handling input between replicates.
 */
export function runPlan(request: PlanRequest, emit: Emit): PlanRun {
  const id = nextId++;
  let worker: Worker | null = null;
  try {
    worker = new Worker(new URL("./planning.worker.ts", import.meta.url), { type: "module", name: "percept-planning" });
  } catch {
    worker = null;
  }
  if (worker) {
    const w = worker;
    let open = true;
    const stop = () => {
      open = false;
      w.terminate();
    };
    w.onmessage = (message: MessageEvent<PlanningEvent>) => {
      if (!open || message.data.id !== id) return;
      if (message.data.type !== "progress") stop();
      emit(message.data);
    };
    w.onerror = (event) => {
      if (!open) return;
      stop();
      emit({ type: "error", id, message: event.message || "The simulation worker failed.", issues: [] });
    };
    w.postMessage({ type: "run", id, request });
    return { cancel: stop, mode: "worker" };
  }
  return runChunked(id, request, emit);
}

function runChunked(id: number, request: PlanRequest, emit: Emit): PlanRun {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let open = true;
  const started = performance.now();
  let steps: Generator<PlanProgress, PlanResult, void>;
  const fail = (error: unknown) => {
    open = false;
    emit({
      type: "error",
      id,
      message: error instanceof Error ? error.message : String(error),
      issues: error instanceof PlanningInputError ? [...error.issues] : [],
    });
  };
  const tick = () => {
    if (!open) return;
    try {
      const step = steps.next();
      if (step.done) {
        open = false;
        emit({ type: "result", id, result: step.value, elapsedMs: performance.now() - started });
        return;
      }
      emit({ type: "progress", id, done: step.value.done, total: step.value.total });
      timer = setTimeout(tick, 0);
    } catch (error) {
      fail(error);
    }
  };
  try {
    steps = planCiWidthSteps(request);
    timer = setTimeout(tick, 0);
  } catch (error) {
    fail(error);
  }
  return {
    mode: "main thread",
    cancel() {
      open = false;
      if (timer !== null) clearTimeout(timer);
    },
  };
}
