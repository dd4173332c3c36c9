import { z } from "zod";
import { TRIAL_FLAGS } from "@/lib/sessions/contract";

const flagValues = Object.values(TRIAL_FLAGS) as [string, ...string[]];

/** Link codes are base64url (lib/studies/service.ts newLinkCode). */
export const linkCodeSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, "is not a study link code");

export const startSessionSchema = z.strictObject({ linkCode: linkCodeSchema });

export const deviceReportSchema = z.strictObject({
  refreshHz: z.number().min(20).max(500),
  windowWidth: z.number().int().min(0).max(20_000),
  windowHeight: z.number().int().min(0).max(20_000),
  devicePixelRatio: z.number().min(0.1).max(10),
  fullscreen: z.boolean(),
  touch: z.boolean(),
  userAgent: z.string().max(500),
});
export type DeviceReport = z.infer<typeof deviceReportSchema>;

const clientTime = z.number().min(0).max(1e13).nullable();

export const answerSchema = z.strictObject({
  // Far above any plan (a few hundred trials), and inside PostgreSQL's int.
  index: z.number().int().min(0).max(1_000_000),
  answer: z.enum(["real", "generated"]),
  requestedFrames: z.number().int().min(0).max(10_000).nullable(),
  presentedFrames: z.number().int().min(0).max(10_000).nullable(),
  measuredMs: z.number().min(0).max(600_000).nullable(),
  refreshHz: z.number().min(20).max(500),
  /** The presenter's flags (components/trial/types.ts TRIAL_FLAGS). */
  flags: z.array(z.enum(flagValues)).max(10).default([]),
  clientTimes: z.strictObject({ stimulusOnset: clientTime, stimulusOffset: clientTime, responseAt: z.number().min(0).max(1e13) }),
});
export type AnswerInput = z.infer<typeof answerSchema>;
