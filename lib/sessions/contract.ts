/**
 * The wire contract between the server (the authority on exposure and labels) and the browser's
 * trial presenter. The server decides what to show and for how many frames; the client only reports
 * what it showed and measured. The label of a stimulus never reaches the client before the answer.
 */

/** What the server sends for one trial: `POST /api/sessions/:id/next` → `{ trial: TrialSpec }`. */
export type TrialSpec = {
  index: number;
  block: number;
  blockTrial: number;
  blockSize: number;
  totalTrials: number;
  protocol: "hype_time" | "hype_inf" | "qualification" | "tutorial";
  /** `/api/stimuli/<opaque token>` */
  stimulusUrl: string;
  /** null = untimed (HYPE_∞, qualification): the stimulus stays up until the answer. */
  exposure: { ms: number; frames: number } | null;
  /** 3 × 500 ms in HYPE. */
  countdown: { steps: number; stepMs: number };
  /** Backward masks, each for a whole number of frames; empty for untimed trials. */
  masks: { url: string; frames: number }[];
  /** Keyboard keys, e.g. "f" / "j". */
  keys: { real: string; generated: string };
};

/** What the client reports: `POST /api/sessions/:id/answers` with this object as the JSON body. */
export type TrialAnswer = {
  index: number;
  answer: "real" | "generated";
  requestedFrames: number | null;
  presentedFrames: number | null;
  measuredMs: number | null;
  refreshHz: number;
  flags: string[];
  clientTimes: { stimulusOnset: number | null; stimulusOffset: number | null; responseAt: number };
};

/**
 * Flags the client may attach to an answer. Each one means the trial should be looked at (or
 * excluded by an analysis rule); none of them changes what the server stores as the answer.
 */
export const TRIAL_FLAGS = {
  /** The stimulus was on screen for a different whole number of frames than requested (by rAF timestamps). */
  frameMiss: "frame_miss",
  /** At least one frame was skipped during the exposure (a gap > 1.5 frame periods), even if the count was met. */
  frameDrop: "frame_drop",
  /** The masks together lasted a different number of frames than requested. */
  maskMiss: "mask_miss",
  /** The frame period during the trial differed from the session's refresh rate by more than 10%. */
  refreshMismatch: "refresh_mismatch",
  /** The page was hidden (tab switch, minimised) at some point during the trial. */
  hidden: "hidden",
  /** The window lost focus at some point during the trial. */
  blur: "blur",
  /** The stimulus was not decoded when the countdown ended, so the countdown was restarted. */
  slowLoad: "slow_load",
} as const;

export type TrialFlag = (typeof TRIAL_FLAGS)[keyof typeof TRIAL_FLAGS];

/** An annotator's session as their page sees it: progress and settings, nothing about labels or arms. */
export type SessionView = {
  id: string;
  status: "STARTED" | "QUALIFYING" | "IN_PROGRESS" | "COMPLETED" | "DISQUALIFIED" | "ABANDONED";
  answered: number;
  total: number;
  timed: boolean;
  needsDeviceCheck: boolean;
  refreshHz: number | null;
  feedback: boolean;
  keys: { real: string; generated: string };
  minWindow: { width: number; height: number };
  blocks: { protocol: string; size: number; start: number }[];
  completion: { code: string; redirectUrl: string | null } | null;
};

/** The server's reply to an answer (and to any retry of it). */
export type AnswerOutcome = {
  index: number;
  stored: true;
  /** Only when the study gives feedback, and only after the answer is stored. */
  correct?: boolean;
  answered: number;
  total: number;
  status: SessionView["status"];
};
