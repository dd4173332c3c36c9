/**
 * Per-evaluator trial schedule: which image is shown on every trial of every block, fixed in
 * advance from a seed so the server can recompute it at any time.
 *
 * Rules (see docs/hype.md):
 * - each block is exactly balanced real/generated; an odd block gets its extra trial as
 *   "generated" in even-numbered blocks (0, 2, …) and as "real" in odd-numbered ones, so a
 *   schedule of several odd blocks stays balanced overall;
 * - trial order within a block is a seeded shuffle;
 * - images are drawn without replacement, and no image is shown twice to one evaluator across
 *   blocks (one sampler per pool for the whole schedule; ids must be unique across all pools);
 * - qualification fakes come equally from every arm's pool; the remainder of an uneven split
 *   goes round-robin over the arms in a seeded order, continuing across qualification blocks.
 */
import { ScheduleError } from "./errors";
import { createRng, randomIndex, shuffled, type RandomGenerator, type Seed } from "./random";
import type { Label, Protocol } from "./types";

export interface BlockSpec {
  protocol: Protocol;
  /** Number of trials in the block (≥ 1). */
  size: number;
}

/** Paper defaults: 3 staircases of 150 trials; HYPE_∞ and qualification are 100 trials each. */
export const HYPE_TIME_BLOCKS: readonly BlockSpec[] = Object.freeze([
  { protocol: "hype_time", size: 150 },
  { protocol: "hype_time", size: 150 },
  { protocol: "hype_time", size: 150 },
]);
export const HYPE_INF_BLOCKS: readonly BlockSpec[] = Object.freeze([{ protocol: "hype_inf", size: 100 }]);
export const QUALIFICATION_BLOCKS: readonly BlockSpec[] = Object.freeze([
  { protocol: "qualification", size: 100 },
]);

export interface ScheduleRequest {
  seed: Seed;
  /** The arm this evaluator judges in hype_time / hype_inf blocks (not needed for qualification only). */
  arm?: string;
  blocks: readonly BlockSpec[];
  realPool: readonly string[];
  /** Generated image ids per arm id. */
  generatedPools: Readonly<Record<string, readonly string[]>>;
}

export interface ScheduledTrial {
  block: number;
  trial: number;
  protocol: Protocol;
  label: Label;
  imageId: string;
  /** Arm that produced a generated image; null for a real image. */
  sourceArm: string | null;
}

export interface ScheduleBlock {
  block: number;
  protocol: Protocol;
  realCount: number;
  generatedCount: number;
  trials: ScheduledTrial[];
}

export interface Schedule {
  seed: Seed;
  arm: string | null;
  blocks: ScheduleBlock[];
}

/** Real/generated split of block `blockIndex` of `size` trials (odd rule in the file comment). */
export function blockSplit(size: number, blockIndex: number): { real: number; generated: number } {
  const half = Math.floor(size / 2);
  if (size % 2 === 0) return { real: half, generated: half };
  return blockIndex % 2 === 0 ? { real: half, generated: half + 1 } : { real: half + 1, generated: half };
}

/** Splits `count` fakes over `arms`; `cursor` is where the remainder's round-robin resumes. */
function splitAcrossArms(
  count: number,
  arms: readonly string[],
  cursor: number,
): { perArm: Map<string, number>; cursor: number } {
  const base = Math.floor(count / arms.length);
  const remainder = count % arms.length;
  const perArm = new Map(arms.map((a) => [a, base] as [string, number]));
  for (let i = 0; i < remainder; i++) {
    const arm = arms[(cursor + i) % arms.length] as string;
    perArm.set(arm, (perArm.get(arm) ?? 0) + 1);
  }
  return { perArm, cursor: (cursor + remainder) % arms.length };
}

/** Draws from a pool without replacement in O(draws): a Fisher–Yates shuffle kept sparse in a Map. */
function poolSampler(pool: readonly string[], rng: RandomGenerator): () => string {
  const moved = new Map<number, number>();
  let drawn = 0;
  return () => {
    const j = drawn + randomIndex(rng, pool.length - drawn);
    const atJ = moved.get(j) ?? j;
    moved.set(j, moved.get(drawn) ?? drawn);
    drawn++;
    return pool[atJ] as string;
  };
}

function validateBlocks(blocks: readonly BlockSpec[]): void {
  if (blocks.length === 0) throw new ScheduleError("INVALID_BLOCKS", "a schedule needs at least one block");
  blocks.forEach((b, i) => {
    if (!Number.isInteger(b.size) || b.size < 1) {
      throw new ScheduleError("INVALID_BLOCKS", `block ${i} size must be an integer ≥ 1, got ${b.size}`, {
        block: i,
      });
    }
  });
}

function validatePools(realPool: readonly string[], generatedPools: ScheduleRequest["generatedPools"]): void {
  const seen = new Map<string, string>();
  const visit = (pool: readonly string[], name: string) => {
    for (const id of pool) {
      const where = seen.get(id);
      if (where !== undefined) {
        throw new ScheduleError(
          "DUPLICATE_IMAGE",
          `image id "${id}" appears in ${where} and in ${name}; ids must be unique across all pools`,
          { imageId: id, pools: [where, name] },
        );
      }
      seen.set(id, name);
    }
  };
  visit(realPool, "the real pool");
  for (const [arm, pool] of Object.entries(generatedPools)) visit(pool, `arm "${arm}"'s pool`);
}

/** Builds the schedule for one evaluator. Throws {@link ScheduleError} on impossible requests. */
export function buildSchedule(request: ScheduleRequest): Schedule {
  const { seed, blocks, realPool, generatedPools } = request;
  validateBlocks(blocks);
  // Sorting makes the result independent of object key order.
  const arms = Object.keys(generatedPools).sort();
  if (arms.length === 0) throw new ScheduleError("NO_GENERATED_POOLS", "no generated image pool was given");
  const needsArm = blocks.some((b) => b.protocol !== "qualification");
  const arm = request.arm ?? null;
  if (needsArm && arm === null) {
    throw new ScheduleError("ARM_REQUIRED", "hype_time and hype_inf blocks need the evaluator's arm");
  }
  if (arm !== null && !(arm in generatedPools)) {
    throw new ScheduleError("UNKNOWN_ARM", `arm "${arm}" has no generated pool`, { arm });
  }
  validatePools(realPool, generatedPools);

  const rng = createRng(seed);
  const armOrder = shuffled(arms, rng);
  let cursor = 0;

  // First plan the counts (so a too-small pool is reported before anything is drawn) …
  const plans = blocks.map((spec, block) => {
    const split = blockSplit(spec.size, block);
    let fakes: Map<string, number>;
    if (spec.protocol === "qualification") {
      const s = splitAcrossArms(split.generated, armOrder, cursor);
      fakes = s.perArm;
      cursor = s.cursor;
    } else {
      fakes = new Map([[arm as string, split.generated]]);
    }
    return { spec, block, split, fakes };
  });
  const needed = new Map<string, number>();
  for (const p of plans) {
    for (const [a, n] of p.fakes) needed.set(a, (needed.get(a) ?? 0) + n);
  }
  const realNeeded = plans.reduce((sum, p) => sum + p.split.real, 0);
  if (realNeeded > realPool.length) {
    throw new ScheduleError(
      "POOL_TOO_SMALL",
      `the real pool has ${realPool.length} images but this schedule needs ${realNeeded}`,
      { pool: "real", needed: realNeeded, available: realPool.length },
    );
  }
  for (const [a, n] of needed) {
    const available = generatedPools[a]?.length ?? 0;
    if (n > available) {
      throw new ScheduleError(
        "POOL_TOO_SMALL",
        `arm "${a}"'s generated pool has ${available} images but this schedule needs ${n}`,
        { pool: a, needed: n, available },
      );
    }
  }

  // … then draw.
  const drawReal = poolSampler(realPool, rng);
  const drawFake = new Map(arms.map((a) => [a, poolSampler(generatedPools[a] ?? [], rng)] as const));
  const scheduleBlocks = plans.map(({ spec, block, split, fakes }): ScheduleBlock => {
    const items: Array<{ label: Label; imageId: string; sourceArm: string | null }> = [];
    for (let i = 0; i < split.real; i++) items.push({ label: "real", imageId: drawReal(), sourceArm: null });
    for (const [a, n] of fakes) {
      const draw = drawFake.get(a) as () => string;
      for (let i = 0; i < n; i++) items.push({ label: "generated", imageId: draw(), sourceArm: a });
    }
    const trials = shuffled(items, rng).map((item, trial) => ({
      block,
      trial,
      protocol: spec.protocol,
      ...item,
    }));
    return { block, protocol: spec.protocol, realCount: split.real, generatedCount: split.generated, trials };
  });
  return { seed, arm, blocks: scheduleBlocks };
}
