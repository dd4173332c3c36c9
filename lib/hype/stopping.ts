/**
 * Live monitoring of a running study: per (arm, protocol), how wide the current CI is against its
 * target, and the optional stopping rule — an (arm, protocol) whose CI is narrower than its target,
 * with at least `minEvaluatorsToStop` scored evaluators, takes no new evaluators.
 *
 * Deterministic: the same scores and settings give the same decisions. Stopping on the CI is
 * optional stopping: looking again after every evaluator and stopping on a narrow interval makes
 * the reported interval cover the true value slightly less often than its nominal level
 * (docs/results.md says so to researchers).
 */
import type { StudyScores } from "./scoring";

export interface LiveTargets {
  /** Target CI width (upper − lower) of HYPE_time, ms. */
  targetCiWidthMs: number;
  /** Target CI width of HYPE_∞, percentage points. */
  targetCiWidthPercent: number;
  stopWhenNarrower: boolean;
  minEvaluatorsToStop: number;
}

export interface LiveCell {
  arm: string;
  protocol: "hype_time" | "hype_inf";
  /** Scored evaluators (after exclusions). */
  evaluators: number;
  score: number;
  ci: [number, number];
  /** ci[1] − ci[0]; NaN when the interval is undefined. */
  width: number;
  target: number;
  /** The arm takes no new evaluators for this protocol. */
  stopped: boolean;
}

export function ciWidth(ci: readonly [number, number]): number {
  return ci[1] - ci[0];
}

/** Whether a cell stops: the rule is on, enough evaluators, and the width strictly below target. */
export function shouldStop(evaluators: number, width: number, target: number, targets: LiveTargets): boolean {
  // A NaN width (an undefined interval) compares false and never stops an arm.
  return targets.stopWhenNarrower && evaluators >= targets.minEvaluatorsToStop && width < target;
}

/** One cell per arm and protocol with scores, in the scores' arm order, HYPE_time first. */
export function liveCells(scores: StudyScores, targets: LiveTargets): LiveCell[] {
  return scores.arms.flatMap((arm) => {
    const cells: LiveCell[] = [];
    for (const [protocol, estimate, target] of [
      ["hype_time", arm.hypeTime, targets.targetCiWidthMs],
      ["hype_inf", arm.hypeInf, targets.targetCiWidthPercent],
    ] as const) {
      if (!estimate) continue;
      const width = ciWidth(estimate.ci);
      cells.push({
        arm: arm.arm,
        protocol,
        evaluators: estimate.evaluators,
        score: estimate.score,
        ci: estimate.ci,
        width,
        target,
        stopped: shouldStop(estimate.evaluators, width, target, targets),
      });
    }
    return cells;
  });
}
