/**
 * Simulated observers for tests, benches and study planning. A psychometric function gives the
 * probability of a correct real/fake answer as a function of exposure:
 *
 *   P(correct | t) = guess + (1 − guess − lapse) · 1 / (1 + exp(−slope · (t − threshold)))
 *
 * with guess = 0.5 (two choices). With lapse = 0, `thresholdMs` is the 75%-correct point, the one
 * the HYPE staircase targets; with a lapse, use {@link exposureForAccuracy} to find it. Untimed
 * trials (HYPE_∞, qualification) are answered at the asymptote 1 − lapse, so the lapse rate also
 * stands for how often the model's images fool this observer with unlimited time.
 */
import { randomNormal, randomUnit, type RandomGenerator } from "./random";
import type { Label } from "./types";

export interface PsychometricObserver {
  /** Midpoint of the logistic, ms (the 75% point when lapseRate = 0). */
  thresholdMs: number;
  /** Logistic slope, per ms (e.g. 0.02: from 62% to 88% correct over ±55 ms around the threshold). */
  slopePerMs: number;
  /** Chance performance; 0.5 for real vs generated. */
  guessRate: number;
  /** Errors even when the image is shown without a time limit. */
  lapseRate: number;
}

export function createObserver(
  o: Pick<PsychometricObserver, "thresholdMs" | "slopePerMs"> & Partial<PsychometricObserver>,
): PsychometricObserver {
  const observer = { guessRate: 0.5, lapseRate: 0, ...o };
  if (!(observer.slopePerMs > 0)) throw new RangeError("slopePerMs must be > 0");
  if (!(observer.guessRate >= 0 && observer.lapseRate >= 0 && observer.guessRate + observer.lapseRate < 1)) {
    throw new RangeError("need guessRate, lapseRate ≥ 0 and guessRate + lapseRate < 1");
  }
  return observer;
}

/** P(correct) at `exposureMs`; null = untimed (HYPE_∞, qualification). */
export function probabilityCorrect(o: PsychometricObserver, exposureMs: number | null): number {
  const span = 1 - o.guessRate - o.lapseRate;
  if (exposureMs === null) return o.guessRate + span;
  return o.guessRate + span / (1 + Math.exp(-o.slopePerMs * (exposureMs - o.thresholdMs)));
}

/** Exposure (ms) at which the observer is correct with probability p, for guess < p < 1 − lapse. */
export function exposureForAccuracy(o: PsychometricObserver, p: number): number {
  const span = 1 - o.guessRate - o.lapseRate;
  const f = (p - o.guessRate) / span;
  if (!(f > 0 && f < 1)) throw new RangeError(`accuracy ${p} is outside (${o.guessRate}, ${1 - o.lapseRate})`);
  return o.thresholdMs + Math.log(f / (1 - f)) / o.slopePerMs;
}

/** The observer's answer to one trial; draws one uniform number from `rng`. */
export function answerTrial(
  o: PsychometricObserver,
  label: Label,
  exposureMs: number | null,
  rng: RandomGenerator,
): Label {
  const correct = randomUnit(rng) < probabilityCorrect(o, exposureMs);
  if (correct) return label;
  return label === "real" ? "generated" : "real";
}

/** A population of observers: normally distributed thresholds, shared slope and lapse. */
export interface ObserverPopulation {
  thresholdMeanMs: number;
  thresholdSdMs: number;
  slopePerMs: number;
  lapseRate: number;
}

export function sampleObserver(population: ObserverPopulation, rng: RandomGenerator): PsychometricObserver {
  return createObserver({
    thresholdMs: population.thresholdMeanMs + population.thresholdSdMs * randomNormal(rng),
    slopePerMs: population.slopePerMs,
    lapseRate: population.lapseRate,
  });
}
