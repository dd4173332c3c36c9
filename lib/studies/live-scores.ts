/**
 * The live estimate of a running study's scores, for the dashboard and the stopping rule: the
 * results page's scoring (same rows, seed and exclusion rules) with 1,000 bootstrap resamples
 * instead of 10,000, cached per study and snapshot. A snapshot is identified by the number of
 * answered trials (answers are only ever added) and the analysis settings, so polling recomputes
 * only after a new answer or a settings change, and every server process reaches the same
 * decisions from the same stored answers.
 */
import type { Db } from "@/lib/db";
import { scoreStudyFromDb } from "@/lib/export/study-trials";
import { liveCells, type LiveCell } from "@/lib/hype";
import { analysisSettingsOf } from "@/lib/studies/config";

/** Bootstrap resamples of the live estimate (the results page uses 10,000). */
export const LIVE_RESAMPLES = 1_000;

export interface LiveScores {
  resamples: number;
  /** Answered trials in the snapshot. */
  answered: number;
  /** The snapshot instant (ISO 8601). */
  asOf: string;
  cells: LiveCell[];
}

/** Latest snapshot per study id; one entry per study keeps the cache bounded by the number of studies. */
const cache = new Map<string, { key: string; value: LiveScores }>();

export async function liveScores(db: Db, study: { id: string; seed: number; config: unknown }, now = new Date()): Promise<LiveScores> {
  const analysis = analysisSettingsOf(study.config);
  const answered = await db.trial.count({ where: { session: { studyId: study.id }, answeredAt: { not: null, lte: now } } });
  const key = JSON.stringify([answered, study.seed, analysis]);
  const hit = cache.get(study.id);
  if (hit?.key === key) return hit.value;
  const { scores } = await scoreStudyFromDb(db, study.id, { seed: study.seed, resamples: LIVE_RESAMPLES, exclusions: analysis.exclusions, asOf: now });
  const value: LiveScores = { resamples: LIVE_RESAMPLES, answered, asOf: now.toISOString(), cells: liveCells(scores, analysis.live) };
  cache.set(study.id, { key, value });
  return value;
}

/** "arm name|protocol" of the cells that take no new evaluators; empty when the rule is off. */
export async function stoppedCells(db: Db, study: { id: string; seed: number; config: unknown }): Promise<Set<string>> {
  if (!analysisSettingsOf(study.config).live.stopWhenNarrower) return new Set();
  const live = await liveScores(db, study);
  return new Set(live.cells.filter((cell) => cell.stopped).map((cell) => cellKey(cell.arm, cell.protocol)));
}

export function cellKey(arm: string, protocol: LiveCell["protocol"]): string {
  return `${arm}|${protocol}`;
}
