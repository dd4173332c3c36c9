/**
 * zod schema for a stored staircase state. Besides the shape, it replays the recorded answers
 * from the parameters and requires the stored counters, level and history to match, so a state
 * that was edited or corrupted (e.g. a forged exposure) is rejected rather than trusted.
 */
import { z } from "zod";
import { staircaseParamsSchema, type StaircaseParams } from "./staircase-params";
import { replayStaircase, type StaircaseState } from "./staircase";

const direction = z.enum(["up", "down"]);

const trialSchema = z.object({
  exposure: z.number().finite(),
  correct: z.boolean(),
  step: direction.nullable(),
  reversal: z.boolean(),
});

export const staircaseStateSchema = z
  .object({
    version: z.literal(1),
    params: staircaseParamsSchema,
    level: z.number().finite(),
    correctRun: z.number().int().min(0),
    errorRun: z.number().int().min(0),
    lastStep: direction.nullable(),
    history: z.array(trialSchema),
  })
  .superRefine((state, ctx) => {
    const replayed = replayStaircase(
      state.params as StaircaseParams,
      state.history.map((t) => t.correct),
    );
    const mismatch = firstMismatch(state as StaircaseState, replayed);
    if (mismatch) {
      ctx.addIssue({
        code: "custom",
        path: mismatch.path,
        message: `does not match a replay of the recorded answers: ${mismatch.detail}`,
      });
    }
  });

function firstMismatch(
  stored: StaircaseState,
  replayed: StaircaseState,
): { path: Array<string | number>; detail: string } | null {
  for (let i = 0; i < stored.history.length; i++) {
    const s = stored.history[i];
    const r = replayed.history[i];
    if (!s || !r) break;
    for (const key of ["exposure", "step", "reversal"] as const) {
      if (s[key] !== r[key]) {
        return { path: ["history", i, key], detail: `stored ${String(s[key])}, expected ${String(r[key])}` };
      }
    }
  }
  for (const key of ["level", "correctRun", "errorRun", "lastStep"] as const) {
    if (stored[key] !== replayed[key]) {
      return { path: [key], detail: `stored ${String(stored[key])}, expected ${String(replayed[key])}` };
    }
  }
  return null;
}

/** Parses and checks an unknown value (e.g. a database JSON column) as a staircase state. */
export function parseStaircaseState(value: unknown): StaircaseState {
  return staircaseStateSchema.parse(value) as StaircaseState;
}
