/// <reference lib="webworker" />
/**
 * Runs the planning simulation off the main thread, one replicate per step, posting progress
 * after each. Cancelling is the page terminating this worker.
 */
import { planCiWidthSteps, PlanningInputError } from "@/lib/hype/planning";
import type { PlanningCommand, PlanningEvent } from "./messages";

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (event: PlanningEvent) => scope.postMessage(event);

scope.onmessage = (message: MessageEvent<PlanningCommand>) => {
  const { id, request } = message.data;
  const started = performance.now();
  try {
    const steps = planCiWidthSteps(request);
    for (;;) {
      const step = steps.next();
      if (step.done) {
        post({ type: "result", id, result: step.value, elapsedMs: performance.now() - started });
        return;
      }
      post({ type: "progress", id, done: step.value.done, total: step.value.total });
    }
  } catch (error) {
    post({
      type: "error",
      id,
      message: error instanceof Error ? error.message : String(error),
      issues: error instanceof PlanningInputError ? [...error.issues] : [],
    });
  }
};
