/**
 * The design a new study starts from: the HYPE paper's protocol (../shared/hype-protocol.md).
 * Stored as Study.config; the science core (lib/hype) interprets it.
 */
export const DEFAULT_STUDY_CONFIG = {
  hypeTime: { blocks: 3, trialsPerBlock: 150, staircase: "hype" as const },
  hypeInfinity: { trials: 100 },
  qualification: { trials: 100, passShare: 0.65 },
  countdownMs: 500,
  masks: { count: 4, durationMs: 30 },
  keys: { real: "f", generated: "j" },
  minWindow: { width: 800, height: 600 },
};
