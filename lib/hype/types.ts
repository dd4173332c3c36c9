/** Vocabulary shared by schedules, scoring rows and simulations. */

export const PROTOCOLS = ["hype_time", "hype_inf", "qualification"] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const LABELS = ["real", "generated"] as const;
/** Ground truth of an image, and also an evaluator's answer. */
export type Label = (typeof LABELS)[number];

/**
 * Flag of a trial that was re-run with a fresh image (lost focus, missed frames): stored for the
 * record, left out of every score.
 */
export const REPLACED_FLAG = "replaced";
