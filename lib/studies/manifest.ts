/**
 * The reproducibility manifest of a study (`GET /api/studies/:id/export/manifest.json`): what was
 * asked (config, seed), of which images (every image's content hash, per arm), how it is scored
 * (method and parameters), by which version of Percept, and how much data there is at export time.
 * Together with the trial download it is enough to recompute and audit every number on the results
 * page.
 */
import packageJson from "@/package.json";
import { assertStudyAccess, type CurrentUser } from "@/lib/auth/guard";
import type { Db } from "@/lib/db";
import { DEFAULT_CONFIDENCE, QUALIFICATION_PASS_RULE } from "@/lib/hype";
import { analysisSettingsOf } from "@/lib/studies/config";
import { exportFileName, RESULTS_RESAMPLES, scoreCommand, staircaseOf } from "@/lib/studies/results";

export const MANIFEST_VERSION = 1;

/**
 * How lib/hype scores, in words (docs/hype.md has the details). lib/hype has no version number of
 * its own: the app version identifies the code, these notes the method.
 */
export const SCORING_METHOD = Object.freeze({
  reference: "Zhou et al., HYPE: A Benchmark for Human eYe Perceptual Evaluation of Generative Models, NeurIPS 2019 (arXiv 1904.01121)",
  input: "one row per answered trial (docs/data-format.md); rows flagged 'replaced' (re-run trials) are left out; evaluators ordered by id",
  hypeTime:
    "evaluator threshold = mode of the requested exposures presented in each block (ties: mean of the tied values), averaged over the evaluator's blocks; arm score = mean evaluator threshold (ms)",
  hypeInf: "arm score = % of all answers of the arm's evaluators that are wrong (pooled); fake error = % of generated called real; real error = % of real called generated",
  qualification: `passed with ≥ ${QUALIFICATION_PASS_RULE.minRealAccuracy * 100}% correct on real and ≥ ${QUALIFICATION_PASS_RULE.minGeneratedAccuracy * 100}% on generated images`,
  bootstrap:
    "resample evaluators with replacement; percentile interval (type-7 quantiles); bootstrap SD = sample SD of the replicates; seed per (arm, protocol) = seedFrom(study seed, arm, protocol); pure-rand xoroshiro128+",
  exclusions:
    "evaluators matching an active rule (scoring.exclusions; lib/hype/exclusion.ts) are left out of both scores: failed qualification, more than X% of timed trials flagged, median response time below Y ms, more than Z% of answers faster than W ms; response time = answer − stimulus onset on the browser's clock (response_ms)",
  separability: "one-way ANOVA and Tukey HSD (Tukey–Kramer) on per-evaluator scores; for two arms Student's and Welch's t-tests",
  docs: ["docs/hype.md", "docs/data-format.md", "docs/results.md"],
});

function sortedImages(images: ReadonlyArray<{ contentHash: string; width: number; height: number; byteSize: number }>) {
  return [...images].sort((a, b) => (a.contentHash < b.contentHash ? -1 : a.contentHash > b.contentHash ? 1 : 0));
}

const imageSetSelect = {
  id: true,
  name: true,
  label: true,
  images: { select: { contentHash: true, width: true, height: true, byteSize: true } },
} as const;

/** The manifest of a study, for its owner or an admin (NOT_FOUND otherwise). */
export async function studyManifest(db: Db, user: CurrentUser, id: string, now = new Date()) {
  const study = assertStudyAccess(
    user,
    await db.study.findUnique({
      where: { id },
      select: {
        id: true,
        ownerId: true,
        name: true,
        description: true,
        status: true,
        protocols: true,
        config: true,
        feedback: true,
        qualificationRequired: true,
        qualificationDomain: true,
        recruitment: true,
        seed: true,
        isDemo: true,
        createdAt: true,
        launchedAt: true,
        closedAt: true,
        realImageSet: { select: imageSetSelect },
        arms: { orderBy: { position: "asc" }, select: { name: true, position: true, targetEvaluators: true, generatedSet: { select: imageSetSelect } } },
      },
    }),
  );

  const [sessions, answered, issued] = await Promise.all([
    db.evaluationSession.groupBy({ by: ["status"], where: { studyId: study.id }, _count: { _all: true } }),
    db.trial.count({ where: { session: { studyId: study.id }, answeredAt: { not: null, lte: now } } }),
    db.trial.count({ where: { session: { studyId: study.id } } }),
  ]);
  const set = (s: NonNullable<typeof study.realImageSet>) => ({ id: s.id, name: s.name, label: s.label, imageCount: s.images.length, images: sortedImages(s.images) });

  return {
    manifestVersion: MANIFEST_VERSION,
    exportedAt: now.toISOString(),
    app: { name: packageJson.name, version: packageJson.version },
    study: {
      id: study.id,
      name: study.name,
      description: study.description,
      status: study.status,
      isDemo: study.isDemo,
      protocols: study.protocols,
      config: study.config,
      feedback: study.feedback,
      qualificationRequired: study.qualificationRequired,
      qualificationDomain: study.qualificationDomain,
      recruitment: study.recruitment,
      seed: study.seed,
      createdAt: study.createdAt.toISOString(),
      launchedAt: study.launchedAt?.toISOString() ?? null,
      closedAt: study.closedAt?.toISOString() ?? null,
    },
    scoring: {
      seed: study.seed,
      resamples: RESULTS_RESAMPLES,
      confidence: DEFAULT_CONFIDENCE,
      exclusions: analysisSettingsOf(study.config).exclusions,
      command: scoreCommand(study.id, study.seed, analysisSettingsOf(study.config).exclusions),
      trialFile: exportFileName(study.id, "trials.csv"),
      staircase: staircaseOf(study.config),
      method: SCORING_METHOD,
    },
    realImageSet: study.realImageSet ? set(study.realImageSet) : null,
    arms: study.arms.map((arm) => ({ name: arm.name, position: arm.position, targetEvaluators: arm.targetEvaluators, generatedSet: set(arm.generatedSet) })),
    counts: {
      sessions: Object.fromEntries(sessions.map((s) => [s.status, s._count._all])),
      sessionsTotal: sessions.reduce((sum, s) => sum + s._count._all, 0),
      trialsIssued: issued,
      trialsAnswered: answered,
    },
  };
}
export type StudyManifest = Awaited<ReturnType<typeof studyManifest>>;
