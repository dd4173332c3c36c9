import { createRng, randomIndex, seedFrom } from "@/lib/hype";
export { REPLACED_FLAG } from "@/lib/hype";
import type { SessionPlan } from "@/lib/sessions/plan";

/** Flags that make a timed trial worthless as a measurement of the exposure it was meant to show. */
export const RERUN_FLAGS = ["frame_miss", "frame_drop", "blur", "hidden"] as const;

export function needsRerun(flags: readonly string[]): boolean {
  return RERUN_FLAGS.some((flag) => flags.includes(flag));
}

/**
 * The flags come from the browser, after it knows its own answer: a client that flagged only its
 * wrong answers would have them all replaced and walk the staircase down. A block therefore
 * re-runs at most a quarter of its planned trials (at least one); later flagged trials count.
 */
export const MAX_RERUN_SHARE = 0.25;

export function rerunAllowed(block: { size: number }, rerunsSoFar: number): boolean {
  const plannedSize = block.size - rerunsSoFar;
  return rerunsSoFar < Math.max(1, Math.floor(plannedSize * MAX_RERUN_SHARE));
}

/**
 * Inserts a re-run of trial `index` right after it: same label and source, a fresh image the
 * evaluator has not seen (chosen from the seed among `pool`, the source set's image ids in id
 * order), in the same block. Returns the new plan, or null when the pool has no unseen image left
 * (then the flagged trial counts as it is).
 */
export function planRerun(input: { plan: SessionPlan; index: number; seed: number; pool: readonly string[] }): SessionPlan | null {
  const planned = input.plan.trials[input.index]!;
  const used = new Set(input.plan.trials.map((trial) => trial.imageId));
  const fresh = input.pool.filter((id) => !used.has(id));
  if (fresh.length === 0) return null;
  const imageId = fresh[randomIndex(createRng(seedFrom(input.seed, "rerun", input.index)), fresh.length)]!;
  const trials = [...input.plan.trials];
  trials.splice(input.index + 1, 0, { ...planned, imageId });
  const blocks = input.plan.blocks.map((block, position) => {
    if (position === planned.block) return { ...block, size: block.size + 1 };
    if (position > planned.block) return { ...block, start: block.start + 1 };
    return block;
  });
  return { blocks, trials };
}
