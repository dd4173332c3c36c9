import { studyConfigSchema, type StudyConfig } from "@/lib/studies/config";

/**
 * The design a new study starts from: the HYPE paper's protocol (../shared/hype-protocol.md).
 * Stored as Study.config; the science core (lib/hype) interprets it.
 */
export const DEFAULT_STUDY_CONFIG: StudyConfig = studyConfigSchema.parse({
  hypeTime: { blocks: 3, trialsPerBlock: 150, staircase: "hype" },
  hypeInfinity: { trials: 100 },
  qualification: { trials: 100, passShare: 0.65 },
  countdownMs: 500,
  masks: { count: 4, durationMs: 30 },
  keys: { real: "f", generated: "j" },
  minWindow: { width: 800, height: 600 },
  rerunFlagged: true,
});

/** The demo's pools hold 12 images each: short blocks that fit them, same rules otherwise. */
export const DEMO_STUDY_CONFIG: StudyConfig = studyConfigSchema.parse({
  ...DEFAULT_STUDY_CONFIG,
  hypeTime: { blocks: 2, trialsPerBlock: 8, staircase: "hype" },
  hypeInfinity: { trials: 8 },
  qualification: { trials: 8, passShare: 0.65 },
  minWindow: { width: 400, height: 400 },
});
