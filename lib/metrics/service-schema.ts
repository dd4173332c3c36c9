/**
 * Wire shapes of the metrics API (`/api/studies/:id/metrics`), shared by the route handlers, the
 * service and the browser page. zod only: safe to import from client components.
 */
import { z } from "zod";
import { RESIZE_METHODS, type ResizeMethod } from "@/lib/metrics/resize";
import { recordIdSchema } from "@/lib/validations/ids";

export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** What the browser used; `imagesDigest` pins the exact images (their content hashes, in order). */
export const metricSettingsSchema = z.strictObject({
  resize: z.enum(RESIZE_METHODS as [ResizeMethod, ...ResizeMethod[]]),
  batchSize: z.number().int().min(1).max(256),
  maxImages: z.number().int().min(2).max(100_000),
  /** Feature rows kept per set for KID and precision/recall/density/coverage. */
  featureCap: z.number().int().min(2).max(100_000),
  backend: z.string().min(1).max(60),
  imagesDigest: z.string().regex(SHA256_HEX, "must be a sha256 hex digest"),
});
export type MetricSettings = z.infer<typeof metricSettingsSchema>;

const metricValue = z.number().finite().nullable();

/** Results of one generated set (arm) against the study's real set. */
export const armResultsSchema = z.strictObject({
  kind: z.literal("arm"),
  images: z.number().int().min(0),
  realImages: z.number().int().min(0),
  /** Feature rows used for KID / PRDC (≤ featureCap), generated and real. */
  featureRows: z.number().int().min(0),
  realFeatureRows: z.number().int().min(0),
  seconds: z.number().min(0),
  imagesPerSecond: z.number().min(0),
  fid: metricValue,
  isMean: metricValue,
  isStd: metricValue,
  kidMean: metricValue,
  kidStd: metricValue,
  kidSubsetSize: z.number().int().min(0).nullable(),
  precision: metricValue,
  recall: metricValue,
  density: metricValue,
  coverage: metricValue,
});
export type ArmMetricResults = z.infer<typeof armResultsSchema>;

/** The real set's run: its moments are the statistics; nothing else to report. */
export const referenceResultsSchema = z.strictObject({
  kind: z.literal("reference"),
  images: z.number().int().min(0),
  seconds: z.number().min(0),
  imagesPerSecond: z.number().min(0),
});
export type ReferenceMetricResults = z.infer<typeof referenceResultsSchema>;

/** The `meta` part of `POST /api/studies/:id/metrics` (multipart: `meta` JSON + `statistics` file). */
export const createMetricRunSchema = z.strictObject({
  modelHash: z.string().regex(SHA256_HEX, "must be the model's sha256 hex digest"),
  imageSetId: z.string().min(1).max(64),
  armId: z.string().min(1).max(64).nullable(),
  settings: metricSettingsSchema,
  results: z.discriminatedUnion("kind", [armResultsSchema, referenceResultsSchema]).nullable(),
  /** Set for a failed run (then no results and no statistics). */
  error: z.string().min(1).max(2_000).nullable().default(null),
});
export type CreateMetricRunInput = z.infer<typeof createMetricRunSchema>;

/** `GET /api/studies/:id/metrics/images?set=…&max=…` */
export const metricImagesQuerySchema = z.strictObject({
  set: recordIdSchema,
  max: z.coerce.number().int().min(2).max(100_000).default(10_000),
});

export interface MetricImageList {
  imageSetId: string;
  /** Images in the set; `images` holds at most `max` of them. */
  total: number;
  images: { id: string; url: string }[];
  /** sha256 over the listed images' content hashes in order: same digest = same pixels. */
  digest: string;
}

export interface MetricRunSummary {
  id: string;
  armId: string | null;
  armName: string | null;
  imageSetId: string | null;
  status: "RUNNING" | "SUCCEEDED" | "FAILED";
  modelHash: string;
  settings: MetricSettings;
  results: ArmMetricResults | ReferenceMetricResults | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export type HumanMetric = "hypeTime" | "hypeInf";
export type AutomaticMetric = "fid" | "isMean" | "kidMean" | "precision" | "recall";
export const HUMAN_METRICS: readonly { key: HumanMetric; label: string }[] = [
  { key: "hypeTime", label: "HYPE_time (ms)" },
  { key: "hypeInf", label: "HYPE_∞ (% wrong)" },
];
export const AUTOMATIC_METRICS: readonly { key: AutomaticMetric; label: string; better: "lower" | "higher" }[] = [
  { key: "fid", label: "FID", better: "lower" },
  { key: "isMean", label: "IS", better: "higher" },
  { key: "kidMean", label: "KID", better: "lower" },
  { key: "precision", label: "Precision", better: "higher" },
  { key: "recall", label: "Recall", better: "higher" },
];

export interface CrossReferenceRow {
  armId: string;
  arm: string;
  hypeTime: number | null;
  hypeInf: number | null;
  fid: number | null;
  isMean: number | null;
  kidMean: number | null;
  precision: number | null;
  recall: number | null;
  runId: string | null;
}

export interface CorrelationCell {
  human: HumanMetric;
  automatic: AutomaticMetric;
  /** Arms with both values. */
  n: number;
  rho: number | null;
  p: number | null;
}

export interface CrossReference {
  /** The model and settings whose runs are shown (the latest run's); null before any run. */
  modelHash: string | null;
  settings: MetricSettings | null;
  rows: CrossReferenceRow[];
  correlations: CorrelationCell[];
}

/** The features a pooled cross-reference compares: one feature model (sha256) and one resize. */
export interface FeatureConfig {
  modelHash: string;
  resize: ResizeMethod;
}

/** `GET /api/image-sets/:id/cross-reference?model=…&resize=…` (default: the latest arm run's). */
export const pooledCrossReferenceQuerySchema = z.strictObject({
  model: z.string().regex(SHA256_HEX, "must be a model's sha256 hex digest").optional(),
  resize: z.enum(RESIZE_METHODS as [ResizeMethod, ...ResizeMethod[]]).optional(),
});

export interface PooledCrossReferenceRow extends CrossReferenceRow {
  studyId: string;
  study: string;
}

export interface PooledCrossReference {
  imageSet: { id: string; name: string };
  /** The caller's own studies whose real set this is. */
  studies: { id: string; name: string }[];
  /** The model and resize shown; null before any arm run. */
  config: FeatureConfig | null;
  /** Every model + resize with arm runs on these studies, with how many arms each covers. */
  configs: (FeatureConfig & { arms: number; studies: number })[];
  /** Arms with a human score and a run with `config`, study by study. */
  rows: PooledCrossReferenceRow[];
  correlations: CorrelationCell[];
}
