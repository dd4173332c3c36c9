/**
 * Seeded randomness for lib/hype. Everything random in the science core (schedules, bootstrap,
 * simulated observers) goes through here so that a result is a pure function of (input, seed).
 *
 * The generator is pure-rand's xoroshiro128+; this file only adds the few draws we need and a
 * fast unbiased integer draw for the bootstrap's hot loop.
 */
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";

export type { RandomGenerator };

/** A seed is a 32-bit integer; use {@link seedFrom} to derive one from ids and labels. */
export type Seed = number;

export function createRng(seed: Seed): RandomGenerator {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  return xoroshiro128plus(seed | 0);
}

/**
 * Derives a 32-bit seed from parts (e.g. study seed, evaluator id, arm, protocol) with FNV-1a.
 * Used so that each evaluator/arm gets its own stream: adding an arm or an evaluator never
 * changes the random draws of another one.
 */
export function seedFrom(...parts: ReadonlyArray<string | number>): Seed {
  let h = 0x811c9dc5;
  const text = parts.map((p) => `${typeof p}:${p}`).join("\u0000");
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/** Uniform float in [0, 1). */
export function randomUnit(rng: RandomGenerator): number {
  return uniformFloat64(rng);
}

const TWO_POW_32 = 0x100000000;
// Below this range size, x·n (x < 2^32) is exact in a double (< 2^53), which Lemire's method needs.
const LEMIRE_MAX_RANGE = 2 ** 21;

/**
 * Uniform integer in [0, n) without modulo bias. Lemire's multiply-and-reject method on the
 * generator's 32-bit output: the high part of x·n is the index, and the rare draws whose low part
 * falls below 2^32 mod n are redrawn. It avoids a division per draw, which matters because the
 * bootstrap draws tens of millions of indices. Ranges ≥ 2^21 fall back to plain rejection.
 */
export function randomIndex(rng: RandomGenerator, n: number): number {
  if ((n | 0) === n && n >= 1 && n < LEMIRE_MAX_RANGE) {
    let m = (rng.next() >>> 0) * n;
    let hi = Math.floor(m / TWO_POW_32);
    let lo = m - hi * TWO_POW_32;
    if (lo < n) {
      const threshold = TWO_POW_32 % n;
      while (lo < threshold) {
        m = (rng.next() >>> 0) * n;
        hi = Math.floor(m / TWO_POW_32);
        lo = m - hi * TWO_POW_32;
      }
    }
    return hi;
  }
  if (!(Number.isInteger(n) && n >= 1 && n <= TWO_POW_32)) {
    throw new RangeError(`randomIndex range must be an integer in [1, 2^32], got ${n}`);
  }
  const limit = Math.floor(TWO_POW_32 / n) * n;
  let v = (rng.next() >>> 0);
  while (v >= limit) v = rng.next() >>> 0;
  return v % n;
}

/** Returns a shuffled copy (Fisher–Yates); the input is not touched. */
export function shuffled<T>(items: readonly T[], rng: RandomGenerator): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomIndex(rng, i + 1);
    const tmp = out[i] as T;
    out[i] = out[j] as T;
    out[j] = tmp;
  }
  return out;
}

/** Standard normal draw (Box–Muller); used only by simulated observers. */
export function randomNormal(rng: RandomGenerator): number {
  // 1 - u keeps the log argument in (0, 1].
  const u = 1 - randomUnit(rng);
  const v = randomUnit(rng);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
