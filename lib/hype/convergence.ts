/**
 * Theoretical convergence point of an up-down staircase: the probability of a correct answer at
 * which the expected step is zero. Shown to researchers next to the rule they choose.
 */
import type { StepRule } from "./staircase-params";

/**
 * Probability that a run of `nDown` correct answers comes before a run of `nUp` errors, starting
 * from fresh counters, when each answer is correct with probability p (Feller, vol. 1, ch. VIII).
 * Every such "episode" ends in exactly one step, down with this probability, up otherwise.
 */
export function probabilityOfStepDown(p: number, nDown: number, nUp: number): number {
  const q = 1 - p;
  const a = p ** (nDown - 1);
  const b = q ** (nUp - 1);
  return (a * (1 - q ** nUp)) / (a + b - a * b);
}

/**
 * Accuracy p at which the staircase is stationary: stepDown·P(down) = stepUp·P(up), i.e.
 * P(down) = stepUp / (stepUp + stepDown).
 *
 * With nUp = 1, P(down) = p^nDown and this is the closed form
 * (stepUp / (stepUp + stepDown))^(1/nDown): HYPE (+30/−10, 1-down) → 0.75; Levitt 1-up-2-down with
 * equal steps → 0.7071; 1-up-3-down → 0.7937. For nUp > 1 it is solved numerically (bisection;
 * P(down) increases with p).
 */
export function convergencePoint(rule: StepRule): number {
  const { stepUp, stepDown, nDown, nUp } = rule;
  if (!(stepUp > 0 && stepDown > 0)) throw new RangeError("steps must be > 0");
  if (!(Number.isInteger(nDown) && nDown >= 1 && Number.isInteger(nUp) && nUp >= 1)) {
    throw new RangeError("nDown and nUp must be integers ≥ 1");
  }
  const target = stepUp / (stepUp + stepDown);
  if (nUp === 1) return target ** (1 / nDown);
  let lo = 0;
  let hi = 1;
  // 60 halvings reach double precision on [0, 1].
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (probabilityOfStepDown(mid, nDown, nUp) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
