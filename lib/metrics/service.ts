/**
 * Server side of the browser metrics: which images a study's metric run may read, storing a
 * MetricRun (the set's feature moments as `encodeMoments` bytes, the results, the model hash and
 * settings), listing runs, and the cross-reference of human scores against automatic metrics.
 *
 * Access: the study's owner or an admin (assertStudyAccess); someone else's study is NOT_FOUND.
 * A run names its image set, which must be the study's real set (reference run, no arm) or the
 * generated set of the named arm.
 */
import { createHash } from "node:crypto";
import { ApiError, notFound } from "@/lib/api/errors";
import { assertStudyAccess, type CurrentUser } from "@/lib/auth/guard";
import { MetricRunStatus, type Db } from "@/lib/db";
import { scoreStudyFromDb } from "@/lib/export/study-trials";
import type { ArmScores } from "@/lib/hype/scoring";
import { correlateArms } from "@/lib/metrics/correlations";
import { decodeMoments } from "@/lib/metrics/moments-codec";
import { FEATURE_DIM } from "@/lib/metrics/onnx-contract";
import {
  armResultsSchema,
  metricSettingsSchema,
  referenceResultsSchema,
  type CreateMetricRunInput,
  type CrossReference,
  type CrossReferenceRow,
  type MetricImageList,
  type MetricRunSummary,
  type MetricSettings,
} from "@/lib/metrics/service-schema";
import { RESULTS_RESAMPLES } from "@/lib/studies/results";

/** encodeMoments at d = 2048 is 16.8 MB; anything much larger is not ours. */
export const MAX_STATISTICS_BYTES = 20 * 1024 * 1024;

async function metricsStudy(db: Db, user: CurrentUser, studyId: string) {
  const study = await db.study.findUnique({
    where: { id: studyId },
    select: {
      id: true,
      ownerId: true,
      seed: true,
      realImageSetId: true,
      arms: { orderBy: { position: "asc" }, select: { id: true, name: true, generatedSetId: true } },
    },
  });
  return assertStudyAccess(user, study);
}
export type MetricsStudy = Awaited<ReturnType<typeof metricsStudy>>;

/** The study (owner/admin only) with its real set and arms, for the metrics page. */
export async function getMetricsStudy(db: Db, user: CurrentUser, studyId: string): Promise<MetricsStudy> {
  return metricsStudy(db, user, studyId);
}

function studySetIds(study: MetricsStudy): Set<string> {
  return new Set([...(study.realImageSetId ? [study.realImageSetId] : []), ...study.arms.map((arm) => arm.generatedSetId)]);
}

export function imageUrl(studyId: string, imageId: string): string {
  return `/api/studies/${encodeURIComponent(studyId)}/metrics/images/${encodeURIComponent(imageId)}`;
}

/**
 * Up to `max` images of one of the study's sets, in content-hash order (a fixed, content-defined
 * sample: the same images every time, whatever the upload order), with the digest of that list.
 */
export async function listMetricImages(db: Db, user: CurrentUser, studyId: string, imageSetId: string, max: number): Promise<MetricImageList> {
  const study = await metricsStudy(db, user, studyId);
  if (!studySetIds(study).has(imageSetId)) throw notFound("Image set");
  const [total, images] = await Promise.all([
    db.image.count({ where: { imageSetId } }),
    db.image.findMany({ where: { imageSetId }, orderBy: [{ contentHash: "asc" }, { id: "asc" }], take: max, select: { id: true, contentHash: true } }),
  ]);
  const digest = createHash("sha256");
  for (const image of images) digest.update(`${image.contentHash}\n`);
  return { imageSetId, total, images: images.map((image) => ({ id: image.id, url: imageUrl(studyId, image.id) })), digest: digest.digest("hex") };
}

/** The stored bytes' key of an image of one of the study's sets (NOT_FOUND otherwise). */
export async function metricImageKey(db: Db, user: CurrentUser, studyId: string, imageId: string): Promise<string> {
  const study = await metricsStudy(db, user, studyId);
  const image = await db.image.findUnique({ where: { id: imageId }, select: { imageSetId: true, storageKey: true } });
  if (!image || !studySetIds(study).has(image.imageSetId)) throw notFound("Image");
  return image.storageKey;
}

/** Content type from the first bytes (stored images are normalized, but say what they are). */
export function sniffImageType(bytes: Uint8Array): string {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return "image/png";
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return "image/jpeg";
  if (bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) return "image/webp";
  return "application/octet-stream";
}

/** A stored run as the API shows it (settings and results re-validated; bad stored JSON → null results). */
export function runSummary(run: {
  id: string;
  armId: string | null;
  imageSetId: string | null;
  status: MetricRunStatus;
  modelHash: string;
  settings: unknown;
  results: unknown;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  arm: { name: string } | null;
}): MetricRunSummary {
  const settings = metricSettingsSchema.safeParse(run.settings);
  const results = armResultsSchema.or(referenceResultsSchema).safeParse(run.results);
  return {
    id: run.id,
    armId: run.armId,
    armName: run.arm?.name ?? null,
    imageSetId: run.imageSetId,
    status: run.status,
    modelHash: run.modelHash,
    settings: settings.success ? settings.data : (run.settings as MetricSettings),
    results: results.success ? results.data : null,
    error: run.error,
    createdAt: run.createdAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}

export const RUN_SELECT = {
  id: true,
  armId: true,
  imageSetId: true,
  status: true,
  modelHash: true,
  settings: true,
  results: true,
  error: true,
  createdAt: true,
  finishedAt: true,
  arm: { select: { name: true } },
} as const;

/**
 * Stores one finished run. A successful run carries results and its set's moments (dimension 2048,
 * count = results.images); a failed one carries `error` and neither.
 */
export async function createMetricRun(
  db: Db,
  user: CurrentUser,
  studyId: string,
  input: CreateMetricRunInput,
  statistics: Uint8Array | null,
): Promise<MetricRunSummary> {
  const study = await metricsStudy(db, user, studyId);
  if (input.armId === null) {
    if (!study.realImageSetId || input.imageSetId !== study.realImageSetId) {
      throw new ApiError("BAD_REQUEST", "imageSetId: a run without an arm must be on the study's real image set.");
    }
  } else {
    const arm = study.arms.find((candidate) => candidate.id === input.armId);
    if (!arm) throw new ApiError("BAD_REQUEST", "armId: not an arm of this study.");
    if (arm.generatedSetId !== input.imageSetId) throw new ApiError("BAD_REQUEST", "imageSetId: not the generated set of this arm.");
  }

  if (input.error !== null) {
    if (input.results !== null || statistics !== null) throw new ApiError("BAD_REQUEST", "A failed run has no results and no statistics.");
  } else {
    if (input.results === null) throw new ApiError("BAD_REQUEST", "results: required for a successful run.");
    if (input.results.kind !== (input.armId === null ? "reference" : "arm")) {
      throw new ApiError("BAD_REQUEST", `results.kind: must be "${input.armId === null ? "reference" : "arm"}" for this run.`);
    }
    if (statistics === null) throw new ApiError("BAD_REQUEST", "statistics: the set's encoded moments are required.");
    if (statistics.length > MAX_STATISTICS_BYTES) throw new ApiError("BAD_REQUEST", `statistics: larger than ${MAX_STATISTICS_BYTES} bytes.`);
    let moments;
    try {
      moments = decodeMoments(statistics);
    } catch (error) {
      throw new ApiError("BAD_REQUEST", `statistics: not encoded moments (${error instanceof Error ? error.message : String(error)}).`);
    }
    if (moments.dim !== FEATURE_DIM) throw new ApiError("BAD_REQUEST", `statistics: dimension ${moments.dim}, expected ${FEATURE_DIM}.`);
    if (moments.count !== input.results.images) {
      throw new ApiError("BAD_REQUEST", `statistics: ${moments.count} feature vectors, but results.images is ${input.results.images}.`);
    }
  }

  const now = new Date();
  const run = await db.metricRun.create({
    data: {
      studyId: study.id,
      armId: input.armId,
      imageSetId: input.imageSetId,
      createdById: user.id,
      status: input.error === null ? MetricRunStatus.SUCCEEDED : MetricRunStatus.FAILED,
      modelHash: input.modelHash,
      settings: input.settings,
      statistics: statistics === null ? null : new Uint8Array(statistics),
      results: input.results ?? undefined,
      error: input.error,
      finishedAt: now,
    },
    select: RUN_SELECT,
  });
  return runSummary(run);
}

/** Every run of the study, newest first (without the statistics bytes: results.images is their count). */
export async function listMetricRuns(db: Db, user: CurrentUser, studyId: string): Promise<MetricRunSummary[]> {
  const study = await metricsStudy(db, user, studyId);
  const runs = await db.metricRun.findMany({ where: { studyId: study.id }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: RUN_SELECT });
  return runs.map(runSummary);
}

/** The stored moments of a successful run of the study (for reuse or download). */
export async function metricRunStatistics(db: Db, user: CurrentUser, studyId: string, runId: string): Promise<Uint8Array> {
  const study = await metricsStudy(db, user, studyId);
  const run = await db.metricRun.findUnique({ where: { id: runId }, select: { studyId: true, statistics: true } });
  if (!run || run.studyId !== study.id || !run.statistics) throw notFound("Metric run statistics");
  return new Uint8Array(run.statistics);
}

function sameSettings(a: MetricSettings, b: MetricSettings): boolean {
  return a.resize === b.resize && a.maxImages === b.maxImages && a.featureCap === b.featureCap;
}

/** One arm's human scores (by arm name, as the scorer reports them) next to one run's metrics. */
export function crossReferenceRow(
  arm: { id: string; name: string },
  humanScores: readonly ArmScores[],
  run: MetricRunSummary | null,
): CrossReferenceRow {
  const human = humanScores.find((candidate) => candidate.arm === arm.name);
  const results = run?.results?.kind === "arm" ? run.results : null;
  return {
    armId: arm.id,
    arm: arm.name,
    hypeTime: human?.hypeTime?.score ?? null,
    hypeInf: human?.hypeInf?.score ?? null,
    fid: results?.fid ?? null,
    isMean: results?.isMean ?? null,
    kidMean: results?.kidMean ?? null,
    precision: results?.precision ?? null,
    recall: results?.recall ?? null,
    runId: run?.id ?? null,
  };
}

/**
 * Human scores (HYPE_time, HYPE_∞ from `scoreStudyFromDb`, the study's seed) against the automatic
 * metrics per arm, with Spearman ρ and its p-value for every pair. The automatic side is the latest
 * successful arm run's model and settings; for each arm its latest run with those.
 */
export async function crossReference(db: Db, user: CurrentUser, studyId: string): Promise<CrossReference> {
  const study = await metricsStudy(db, user, studyId);
  const runs = (await listMetricRuns(db, user, studyId)).filter((run) => run.status === "SUCCEEDED" && run.armId !== null && run.results?.kind === "arm");
  const latest = runs[0] ?? null;
  const chosen = latest ? runs.filter((run) => run.modelHash === latest.modelHash && sameSettings(run.settings, latest.settings)) : [];

  const { scores } = await scoreStudyFromDb(db, study.id, { seed: study.seed, resamples: RESULTS_RESAMPLES });
  const rows = study.arms.map((arm) => crossReferenceRow(arm, scores.arms, chosen.find((candidate) => candidate.armId === arm.id) ?? null));

  const correlations = correlateArms(rows);
  return { modelHash: latest?.modelHash ?? null, settings: latest?.settings ?? null, rows, correlations };
}
