import { z } from "zod";

export const protocolSchema = z.enum(["HYPE_TIME", "HYPE_INFINITY"]);

/** POST /api/studies: the first, minimal step of a study; the wizard fills in the rest. */
export const createStudySchema = z.strictObject({
  name: z.string().trim().min(1, "is required").max(200, "must be at most 200 characters"),
  description: z.string().trim().max(5000).default(""),
  protocols: z.array(protocolSchema).min(1, "needs at least one protocol").max(2).default(["HYPE_TIME"]),
});
export type CreateStudyInput = z.infer<typeof createStudySchema>;

export const studyIdSchema = z.string().min(1).max(64);
