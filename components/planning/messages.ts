import type { PlanningIssue, PlanRequest, PlanResult } from "@/lib/hype/planning";

/** Page → worker. */
export type PlanningCommand = { type: "run"; id: number; request: PlanRequest };

/** Worker → page. */
export type PlanningEvent =
  | { type: "progress"; id: number; done: number; total: number }
  | { type: "result"; id: number; result: PlanResult; elapsedMs: number }
  | { type: "error"; id: number; message: string; issues: PlanningIssue[] };
