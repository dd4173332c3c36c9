/**
 * Aggregations for the results page, fed one export row at a time (one pass over
 * `exportTrialRows`, the rows `npm run score` reads from a download). Pure: no Prisma, Next or DOM.
 *
 * - per evaluator: trials answered, scored rows and correct answers per protocol, flag counts;
 * - per HYPE_time evaluator: the staircase (requested exposure of every trial, per block);
 * - per arm: accuracy against requested exposure in 50 ms bins (the psychometric curve).
 *
 * Rows flagged "replaced" (re-run trials) are counted as answered and in the flag counts, kept in
 * the staircase series (marked), and left out of every accuracy, like the scoring leaves them out.
 */
import { REPLACED_FLAG, type Protocol } from "@/lib/hype";
import type { ExportRow } from "@/lib/export/trial-rows";

/** Width of the exposure bins of the psychometric curve, ms. */
export const EXPOSURE_BIN_MS = 50;

/** Flags shown in their own column of the evaluator table (the rest are summed as "other"). */
export const TABLE_FLAGS = ["frame_miss", "blur", "hidden", REPLACED_FLAG] as const;

export interface ProtocolTally {
  /** Answered rows, replaced ones included. */
  answered: number;
  /** Rows the scoring uses (not replaced). */
  scored: number;
  correct: number;
}

export interface EvaluatorAggregate {
  evaluator: string;
  arm: string;
  /** All answered rows of the evaluator, every protocol, replaced ones included. */
  answered: number;
  byProtocol: Partial<Record<Protocol, ProtocolTally>>;
  /** Rows carrying each flag. */
  flags: Record<string, number>;
}

export interface StaircaseBlock {
  block: number;
  /** Session trial index of each answered trial of the block, in order. */
  trials: number[];
  /** Requested exposure (ms) of each of those trials. */
  exposureMs: number[];
  /** 1 = correct, 0 = wrong, per trial. */
  correct: (0 | 1)[];
  /** Positions (into the arrays above) of replaced rows: shown, never scored. */
  replaced: number[];
}

export interface StaircaseSeries {
  evaluator: string;
  arm: string;
  blocks: StaircaseBlock[];
}

export interface ExposureBin {
  /** Bin [fromMs, toMs). */
  fromMs: number;
  toMs: number;
  centerMs: number;
  trials: number;
  correct: number;
  accuracy: number;
  /** 95% Wilson score interval of the accuracy. */
  ci: [number, number];
}

export interface ArmCurve {
  arm: string;
  bins: ExposureBin[];
}

/** The lower edge of the `width`-ms bin holding `ms`: [k·width, (k+1)·width). */
export function binStart(ms: number, width = EXPOSURE_BIN_MS): number {
  if (!(width > 0)) throw new RangeError(`bin width must be positive, got ${width}`);
  return Math.floor(ms / width) * width;
}

/** 95% (z = 1.96 by default) Wilson score interval for `successes` out of `n`; [NaN, NaN] when n = 0. */
export function wilsonInterval(successes: number, n: number, z = 1.959963984540054): [number, number] {
  if (n <= 0) return [Number.NaN, Number.NaN];
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

/** Accuracy per exposure bin from (exposure, correct) pairs; bins without trials are left out. */
export function binAccuracy(points: Iterable<{ exposureMs: number; correct: boolean }>, width = EXPOSURE_BIN_MS): ExposureBin[] {
  const tallies = new Map<number, BinTally>();
  for (const point of points) addToBin(tallies, point.exposureMs, point.correct, width);
  return binsOf(tallies, width);
}

interface BinTally {
  trials: number;
  correct: number;
}

function addToBin(tallies: Map<number, BinTally>, exposureMs: number, correct: boolean, width: number): void {
  const from = binStart(exposureMs, width);
  const tally = tallies.get(from) ?? { trials: 0, correct: 0 };
  tally.trials++;
  if (correct) tally.correct++;
  tallies.set(from, tally);
}

function binsOf(tallies: ReadonlyMap<number, BinTally>, width: number): ExposureBin[] {
  return [...tallies.entries()]
    .sort(([a], [b]) => a - b)
    .map(([fromMs, t]) => ({
      fromMs,
      toMs: fromMs + width,
      centerMs: fromMs + width / 2,
      trials: t.trials,
      correct: t.correct,
      accuracy: t.correct / t.trials,
      ci: wilsonInterval(t.correct, t.trials),
    }));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Collects everything the results page plots and tabulates from export rows, in one pass.
 * Staircases are kept for the first `maxStaircases` HYPE_time evaluators (by id); the evaluator
 * table and the curves always cover everyone.
 */
export class ResultsAggregator {
  private readonly evaluators = new Map<string, EvaluatorAggregate>();
  private readonly staircases = new Map<string, StaircaseSeries>();
  /** arm → bin start → tally. */
  private readonly curves = new Map<string, Map<number, BinTally>>();
  private rows = 0;
  private readonly binWidthMs: number;

  constructor(options: { binWidthMs?: number } = {}) {
    this.binWidthMs = options.binWidthMs ?? EXPOSURE_BIN_MS;
    if (!(this.binWidthMs > 0)) throw new RangeError(`bin width must be positive, got ${this.binWidthMs}`);
  }

  add(row: ExportRow): void {
    this.rows++;
    let evaluator = this.evaluators.get(row.evaluator);
    if (!evaluator) {
      evaluator = { evaluator: row.evaluator, arm: row.arm, answered: 0, byProtocol: {}, flags: {} };
      this.evaluators.set(row.evaluator, evaluator);
    }
    evaluator.answered++;
    const replaced = row.flags.includes(REPLACED_FLAG);
    const correct = row.label === row.answer;
    const tally = (evaluator.byProtocol[row.protocol] ??= { answered: 0, scored: 0, correct: 0 });
    tally.answered++;
    if (!replaced) {
      tally.scored++;
      if (correct) tally.correct++;
    }
    for (const flag of new Set(row.flags)) evaluator.flags[flag] = (evaluator.flags[flag] ?? 0) + 1;

    if (row.protocol !== "hype_time" || row.exposure_ms === null) return;

    let series = this.staircases.get(row.evaluator);
    if (!series) {
      series = { evaluator: row.evaluator, arm: row.arm, blocks: [] };
      this.staircases.set(row.evaluator, series);
    }
    let block = series.blocks.find((b) => b.block === row.block);
    if (!block) {
      block = { block: row.block, trials: [], exposureMs: [], correct: [], replaced: [] };
      series.blocks.push(block);
    }
    if (replaced) block.replaced.push(block.trials.length);
    block.trials.push(row.trial);
    block.exposureMs.push(row.exposure_ms);
    block.correct.push(correct ? 1 : 0);

    if (replaced) return;
    let curve = this.curves.get(row.arm);
    if (!curve) {
      curve = new Map();
      this.curves.set(row.arm, curve);
    }
    addToBin(curve, row.exposure_ms, correct, this.binWidthMs);
  }

  get rowCount(): number {
    return this.rows;
  }

  /** Evaluators by id (the scoring's order). */
  evaluatorAggregates(): EvaluatorAggregate[] {
    return [...this.evaluators.values()].sort((a, b) => compareText(a.evaluator, b.evaluator));
  }

  /** Staircases by evaluator id, blocks and trials in order; at most `limit` of them. */
  staircaseSeries(limit = Infinity): StaircaseSeries[] {
    return [...this.staircases.values()]
      .sort((a, b) => compareText(a.evaluator, b.evaluator))
      .slice(0, limit)
      .map((series) => ({ ...series, blocks: [...series.blocks].sort((a, b) => a.block - b.block) }));
  }

  staircaseCount(): number {
    return this.staircases.size;
  }

  /** Accuracy against exposure per arm (arms by name), scored HYPE_time rows only. */
  accuracyCurves(): ArmCurve[] {
    return [...this.curves.entries()].sort(([a], [b]) => compareText(a, b)).map(([arm, bins]) => ({ arm, bins: binsOf(bins, this.binWidthMs) }));
  }
}
