/**
 * Runs simulated evaluators through the real schedule and staircase code and emits scoring rows,
 * so tests, the bench and study planning (CI width vs number of evaluators) exercise the exact
 * production path: schedule → staircase → rows → scoreStudy.
 */
import { answerTrial, sampleObserver, type ObserverPopulation, type PsychometricObserver } from "./observer";
import { createRng, seedFrom, type Seed } from "./random";
import type { TrialRow } from "./rows";
import { buildSchedule, type BlockSpec, type Schedule } from "./schedule";
import { addResponse, createStaircase, currentExposureMs, type StaircaseState } from "./staircase";
import { HYPE_TIME_STAIRCASE, type StaircaseParams } from "./staircase-params";

export interface SimulateEvaluatorOptions {
  evaluator: string;
  arm: string;
  observer: PsychometricObserver;
  schedule: Schedule;
  /** Staircase for each hype_time block (a fresh one per block); default: HYPE preset in ms. */
  staircase?: StaircaseParams;
  seed: Seed;
}

export interface SimulatedEvaluator {
  rows: TrialRow[];
  /** Final staircase state of each hype_time block, in block order. */
  staircases: StaircaseState[];
}

export function simulateEvaluator(options: SimulateEvaluatorOptions): SimulatedEvaluator {
  const { evaluator, arm, observer, schedule } = options;
  const params = options.staircase ?? HYPE_TIME_STAIRCASE;
  const rng = createRng(options.seed);
  const rows: TrialRow[] = [];
  const staircases: StaircaseState[] = [];
  for (const block of schedule.blocks) {
    let stair = block.protocol === "hype_time" ? createStaircase(params) : null;
    for (const t of block.trials) {
      const exposure_ms = stair ? currentExposureMs(stair) : null;
      const answer = answerTrial(observer, t.label, exposure_ms, rng);
      if (stair) stair = addResponse(stair, answer === t.label);
      rows.push({ arm, evaluator, protocol: t.protocol, block: t.block, trial: t.trial, label: t.label, answer, exposure_ms });
    }
    if (stair) staircases.push(stair);
  }
  return { rows, staircases };
}

export interface SimulateArmOptions {
  arm: string;
  evaluators: number;
  population: ObserverPopulation;
  blocks: readonly BlockSpec[];
  seed: Seed;
  staircase?: StaircaseParams;
  /** Pools to draw from; default: synthetic ids, just large enough for one evaluator. */
  realPool?: readonly string[];
  generatedPools?: Readonly<Record<string, readonly string[]>>;
}

/** Simulates `evaluators` evaluators of one arm; returns their rows and the observers drawn. */
export function simulateArm(options: SimulateArmOptions): { rows: TrialRow[]; observers: PsychometricObserver[] } {
  const { arm, blocks, seed } = options;
  const total = blocks.reduce((s, b) => s + b.size, 0);
  const realPool = options.realPool ?? Array.from({ length: total }, (_, i) => `${arm}:real:${i}`);
  const generatedPools = options.generatedPools ?? {
    [arm]: Array.from({ length: total }, (_, i) => `${arm}:generated:${i}`),
  };
  const populationRng = createRng(seedFrom(seed, arm, "population"));
  const rows: TrialRow[] = [];
  const observers: PsychometricObserver[] = [];
  for (let e = 0; e < options.evaluators; e++) {
    const evaluator = `${arm}:e${e}`;
    const observer = sampleObserver(options.population, populationRng);
    const schedule = buildSchedule({ seed: seedFrom(seed, evaluator, "schedule"), arm, blocks, realPool, generatedPools });
    const sim = simulateEvaluator({
      evaluator,
      arm,
      observer,
      schedule,
      seed: seedFrom(seed, evaluator, "answers"),
      ...(options.staircase ? { staircase: options.staircase } : {}),
    });
    for (const r of sim.rows) rows.push(r);
    observers.push(observer);
  }
  return { rows, observers };
}
