import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

/**
 * Seeded sampling helpers. pure-rand's xoroshiro128+ gives the same stream
 * in Node and in a browser worker, so KID subsets are reproducible from the
 * seed alone. (They cannot match numpy's RandomState stream used by
 * torch-fidelity; only the distribution of subsets is the same.)
 */
export interface IndexSampler {
  /** k distinct indices from [0, n), in draw order (partial Fisher–Yates). */
  sampleWithoutReplacement(n: number, k: number): Int32Array;
}

export function createSampler(seed: number): IndexSampler {
  if (!Number.isInteger(seed)) throw new Error(`createSampler: seed must be an integer, got ${seed}`);
  const rng = xoroshiro128plus(seed);
  return {
    sampleWithoutReplacement(n: number, k: number): Int32Array {
      if (k > n || k < 0) throw new Error(`sampleWithoutReplacement: cannot draw ${k} of ${n}`);
      const pool = new Int32Array(n);
      for (let i = 0; i < n; i++) pool[i] = i;
      for (let i = 0; i < k; i++) {
        const j = uniformInt(rng, i, n - 1);
        const t = pool[i] as number;
        pool[i] = pool[j] as number;
        pool[j] = t;
      }
      return pool.slice(0, k);
    },
  };
}
