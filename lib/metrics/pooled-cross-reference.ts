/**
 * The cross-reference pooled over all of a researcher's studies that share one real image set:
 * every arm with a human HYPE score and an automatic-metric run under the same feature model and
 * resize, one Spearman ρ per (human score, metric) over all those arms.
 *
 * Only the caller's own studies are pooled — an admin too sees only theirs here — and a set that is
 * neither theirs nor the real set of one of their studies is NOT_FOUND. Features from different
 * models (or resize methods) are never mixed: the caller picks one configuration, the default being
 * the latest arm run's.
 */
import { notFound } from "@/lib/api/errors";
import type { CurrentUser } from "@/lib/auth/guard";
import { MetricRunStatus, type Db } from "@/lib/db";
import { scoreStudyFromDb } from "@/lib/export/study-trials";
import { correlateArms } from "@/lib/metrics/correlations";
import { featureConfigs, latestRunPerArm } from "@/lib/metrics/feature-configs";
import { crossReferenceRow, RUN_SELECT, runSummary } from "@/lib/metrics/service";
import type { FeatureConfig, PooledCrossReference, PooledCrossReferenceRow } from "@/lib/metrics/service-schema";
import { RESULTS_RESAMPLES } from "@/lib/studies/results";

export async function pooledCrossReference(db: Db, user: CurrentUser, imageSetId: string, requested: Partial<FeatureConfig> = {}): Promise<PooledCrossReference> {
  const [set, studies] = await Promise.all([
    db.imageSet.findUnique({ where: { id: imageSetId }, select: { id: true, name: true, ownerId: true } }),
    db.study.findMany({
      where: { ownerId: user.id, realImageSetId: imageSetId },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { id: true, name: true, seed: true, arms: { orderBy: { position: "asc" }, select: { id: true, name: true } } },
    }),
  ]);
  if (!set || (set.ownerId !== user.id && studies.length === 0)) throw notFound("Image set");

  const stored = await db.metricRun.findMany({
    where: { studyId: { in: studies.map((study) => study.id) }, status: MetricRunStatus.SUCCEEDED, armId: { not: null } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { ...RUN_SELECT, studyId: true },
  });
  const runs = stored.map((run) => ({ ...runSummary(run), studyId: run.studyId })).filter((run) => run.results?.kind === "arm");
  const configs = featureConfigs(runs);
  const newest = runs[0];
  const config: FeatureConfig | null =
    requested.modelHash || requested.resize
      ? { modelHash: requested.modelHash ?? newest?.modelHash ?? "", resize: requested.resize ?? newest?.settings.resize ?? "tf1-bilinear" }
      : newest
        ? { modelHash: newest.modelHash, resize: newest.settings.resize }
        : null;
  const chosen = config ? latestRunPerArm(runs, config) : new Map<string, (typeof runs)[number]>();

  const rows: PooledCrossReferenceRow[] = [];
  for (const study of studies) {
    const measured = study.arms.filter((arm) => chosen.has(`${study.id}/${arm.id}`));
    if (measured.length === 0) continue; // no metrics under this configuration: no need to score it
    const { scores } = await scoreStudyFromDb(db, study.id, { seed: study.seed, resamples: RESULTS_RESAMPLES });
    for (const arm of measured) {
      const row = crossReferenceRow(arm, scores.arms, chosen.get(`${study.id}/${arm.id}`)!);
      if (row.hypeTime !== null || row.hypeInf !== null) rows.push({ ...row, studyId: study.id, study: study.name });
    }
  }

  return {
    imageSet: { id: set.id, name: set.name },
    studies: studies.map(({ id, name }) => ({ id, name })),
    config,
    configs,
    rows,
    correlations: correlateArms(rows),
  };
}
