/**
 * The HYPE_time evaluator threshold: the mode of the exposures presented within each staircase
 * block, averaged over blocks. A block can have several equally frequent exposures; the paper
 * does not say what to do then, and Percept takes the mean of the tied values (protocol doc) —
 * deterministic, order-free, and it stays inside the range the staircase visited.
 */

/** Mode of the values; ties are broken by the mean of the tied values. NaN for no values. */
export function modeWithTieMean(values: Iterable<number>): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return modeOfCounts(counts);
}

/** Same rule on a value → count table (what scoring accumulates while it reads rows). */
export function modeOfCounts(counts: ReadonlyMap<number, number>): number {
  let best = 0;
  let sum = 0;
  let tied = 0;
  for (const [value, count] of counts) {
    if (count > best) {
      best = count;
      sum = value;
      tied = 1;
    } else if (count === best) {
      sum += value;
      tied++;
    }
  }
  return tied === 0 ? Number.NaN : sum / tied;
}

/** Evaluator threshold (ms) from the exposures presented in each of their blocks. */
export function evaluatorThreshold(blocks: ReadonlyArray<Iterable<number>>): number {
  if (blocks.length === 0) return Number.NaN;
  let s = 0;
  for (const b of blocks) s += modeWithTieMean(b);
  return s / blocks.length;
}
