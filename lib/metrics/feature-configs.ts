/**
 * Which feature configuration (model hash + resize) arm runs across studies use, and the newest
 * run per (study, arm) under one of them: the pooled cross-reference never mixes configurations.
 * Pure.
 */
import type { FeatureConfig, MetricRunSummary, PooledCrossReference } from "@/lib/metrics/service-schema";

/** An arm run (newest first in every list) and the study it belongs to. */
export type StudyRun = Pick<MetricRunSummary, "modelHash" | "armId" | "settings"> & { studyId: string };

function configKey(config: FeatureConfig): string {
  return `${config.modelHash}/${config.resize}`;
}

/**
 * The configurations the arm runs (newest first) use, each with how many distinct arms and studies
 * it covers — most arms first, then the most recently used.
 */
export function featureConfigs(runs: readonly StudyRun[]): PooledCrossReference["configs"] {
  const byKey = new Map<string, FeatureConfig & { armKeys: Set<string>; studyIds: Set<string> }>();
  for (const run of runs) {
    const config = { modelHash: run.modelHash, resize: run.settings.resize };
    const entry = byKey.get(configKey(config)) ?? { ...config, armKeys: new Set<string>(), studyIds: new Set<string>() };
    entry.armKeys.add(`${run.studyId}/${run.armId}`);
    entry.studyIds.add(run.studyId);
    byKey.set(configKey(config), entry);
  }
  // Map order is first-seen order, i.e. the newest run's configuration first; sort is stable.
  return [...byKey.values()]
    .map(({ modelHash, resize, armKeys, studyIds }) => ({ modelHash, resize, arms: armKeys.size, studies: studyIds.size }))
    .sort((a, b) => b.arms - a.arms);
}

/** For each (study, arm), its newest run with `config` (runs come newest first). */
export function latestRunPerArm<R extends StudyRun>(runs: readonly R[], config: FeatureConfig): Map<string, R> {
  const latest = new Map<string, R>();
  for (const run of runs) {
    if (run.modelHash !== config.modelHash || run.settings.resize !== config.resize) continue;
    const key = `${run.studyId}/${run.armId}`;
    if (!latest.has(key)) latest.set(key, run);
  }
  return latest;
}
