import { z } from "zod";
import { HYPE_TIME_STAIRCASE, staircaseParamsSchema } from "@/lib/hype";

const trials = z.number().int().min(2).max(1000);

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
});
export type StudyConfig = z.infer<typeof studyConfigSchema>;

export function parseStudyConfig(value: unknown): StudyConfig {
  return studyConfigSchema.parse(value);
}

export function staircaseParamsOf(config: StudyConfig) {
  return config.hypeTime.staircase === "hype" ? HYPE_TIME_STAIRCASE : config.hypeTime.staircase;
}
