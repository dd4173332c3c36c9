import { z } from "zod";
import { HYPE_TIME_STAIRCASE, staircaseParamsSchema, type ExclusionRules } from "@/lib/hype";

const trials = z.number().int().min(2).max(1000);
const ms = z.number().min(0).max(60_000);
const percent = z.number().min(0).max(100);

/** lib/hype's ExclusionRules; null turns a rule off. */
export const exclusionRulesSchema = z.object({
  failedQualification: z.boolean(),
  maxFlaggedTimedPercent: percent.nullable(),
  minMedianResponseMs: ms.nullable(),
  fastAnswers: z.object({ belowMs: ms, maxPercent: percent }).nullable(),
});

/**
 * Defaults (docs/results.md): failed qualifications out; more than a fifth of the timed trials
 * flagged means the evaluator was mostly not watching; a median under 200 ms, or more than a
 * quarter of the answers under 150 ms from stimulus onset, is faster than people can look and
 * decide (simple reaction times alone are about 200 ms).
 */
export const DEFAULT_EXCLUSION_RULES: ExclusionRules = Object.freeze({
  failedQualification: true,
  maxFlaggedTimedPercent: 20,
  minMedianResponseMs: 200,
  fastAnswers: Object.freeze({ belowMs: 150, maxPercent: 25 }),
});

/** The live dashboard's target CI widths (upper − lower) and the optional stopping rule. */
export const liveSettingsSchema = z.object({
  targetCiWidthMs: z.number().positive().max(10_000),
  targetCiWidthPercent: z.number().positive().max(100),
  /** Stop assigning evaluators to an (arm, protocol) whose live CI is narrower than its target. */
  stopWhenNarrower: z.boolean(),
  /** Scored evaluators an (arm, protocol) needs before it may stop. */
  minEvaluatorsToStop: z.number().int().min(2).max(10_000),
});

export const DEFAULT_LIVE_SETTINGS: z.infer<typeof liveSettingsSchema> = Object.freeze({
  targetCiWidthMs: 40,
  targetCiWidthPercent: 6,
  stopWhenNarrower: false,
  minEvaluatorsToStop: 10,
});

/**
 * How the answers are analysed. Unlike the rest of the design it stays editable while a study
 * runs: it changes which evaluators are scored and when an arm stops, not what anyone is shown.
 */
export const analysisSettingsSchema = z.object({
  exclusions: exclusionRulesSchema.default(DEFAULT_EXCLUSION_RULES),
  live: liveSettingsSchema.default(DEFAULT_LIVE_SETTINGS),
});
export type AnalysisSettings = z.infer<typeof analysisSettingsSchema>;
export type LiveSettings = AnalysisSettings["live"];

export const DEFAULT_ANALYSIS_SETTINGS: AnalysisSettings = Object.freeze({ exclusions: DEFAULT_EXCLUSION_RULES, live: DEFAULT_LIVE_SETTINGS });

/**
 * A study's design (Study.config). "hype" is the paper's rule in ms (HYPE_TIME_STAIRCASE);
 * a custom rule is any lib/hype staircase.
 */
export const studyConfigSchema = z.object({
  hypeTime: z.object({
    blocks: z.number().int().min(1).max(10),
    trialsPerBlock: trials,
    staircase: z.union([z.literal("hype"), staircaseParamsSchema]),
  }),
  hypeInfinity: z.object({ trials }),
  qualification: z.object({ trials, passShare: z.number().min(0.5).max(1) }),
  countdownMs: z.number().int().min(100).max(2000),
  masks: z.object({ count: z.number().int().min(0).max(8), durationMs: z.number().min(10).max(200) }),
  keys: z.object({ real: z.string().length(1), generated: z.string().length(1) }),
  minWindow: z.object({ width: z.number().int().min(200), height: z.number().int().min(200) }),
  /** Re-run a timed trial with a fresh image when its frames were missed or the page lost focus. */
  rerunFlagged: z.boolean().default(true),
  /** Configs stored before the analysis settings existed get the defaults. */
  analysis: analysisSettingsSchema.default(DEFAULT_ANALYSIS_SETTINGS),
});
export type StudyConfig = z.infer<typeof studyConfigSchema>;

export function parseStudyConfig(value: unknown): StudyConfig {
  return studyConfigSchema.parse(value);
}

/** The analysis settings of a stored config; the defaults when it cannot be read. */
export function analysisSettingsOf(config: unknown): AnalysisSettings {
  const parsed = studyConfigSchema.shape.analysis.safeParse((config as { analysis?: unknown } | null)?.analysis);
  return parsed.success ? parsed.data : DEFAULT_ANALYSIS_SETTINGS;
}

export function staircaseParamsOf(config: StudyConfig) {
  return config.hypeTime.staircase === "hype" ? HYPE_TIME_STAIRCASE : config.hypeTime.staircase;
}
