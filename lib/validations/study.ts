import { z } from "zod";
import { analysisSettingsSchema, studyConfigSchema } from "@/lib/studies/config";
import { recordIdSchema } from "@/lib/validations/ids";

export const protocolSchema = z.enum(["HYPE_TIME", "HYPE_INFINITY"]);

/** POST /api/studies: the first, minimal step of a study; the wizard fills in the rest. */
export const createStudySchema = z.strictObject({
  name: z.string().trim().min(1, "is required").max(200, "must be at most 200 characters"),
  description: z.string().trim().max(5000).default(""),
  protocols: z.array(protocolSchema).min(1, "needs at least one protocol").max(2).default(["HYPE_TIME"]),
});
export type CreateStudyInput = z.infer<typeof createStudySchema>;

export const studyIdSchema = recordIdSchema;

/** PATCH /api/studies/:id — every field optional; design fields are refused once the study is live. */
export const updateStudySchema = z.strictObject({
  name: z.string().trim().min(1, "is required").max(200).optional(),
  description: z.string().trim().max(5000).optional(),
  instructions: z.string().trim().max(20_000).optional(),
  consentText: z.string().trim().max(20_000).optional(),
  protocols: z.array(protocolSchema).min(1, "needs at least one protocol").max(2).optional(),
  /** The design; its `analysis` part, when left out, keeps the stored one. */
  config: studyConfigSchema.extend({ analysis: analysisSettingsSchema.optional() }).optional(),
  /** Exclusion rules and live monitoring: editable in every state (they change the analysis only). */
  analysis: analysisSettingsSchema.optional(),
  feedback: z.boolean().optional(),
  qualificationRequired: z.boolean().optional(),
  qualificationDomain: z.string().trim().max(100).nullable().optional(),
  recruitment: z.enum(["OPEN_LINK", "INVITE_ONLY", "PROLIFIC"]).optional(),
  prolificCompletionCode: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{4,32}$/, "must be 4–32 letters or digits")
    .nullable()
    .optional(),
  realImageSetId: z.string().min(1).max(64).nullable().optional(),
});
export type UpdateStudyInput = z.infer<typeof updateStudySchema>;

/** The fields that are still editable while a study runs: texts, and the analysis settings. */
export const TEXT_FIELDS = ["name", "description", "instructions", "consentText"] as const;
export const LIVE_EDITABLE_FIELDS = [...TEXT_FIELDS, "analysis"] as const;

export const armsSchema = z.strictObject({
  arms: z
    .array(
      z.strictObject({
        name: z.string().trim().min(1, "is required").max(100),
        generatedSetId: z.string().min(1).max(64),
        targetEvaluators: z.number().int().min(1).max(10_000).default(30),
      }),
    )
    .max(20)
    .refine((arms) => new Set(arms.map((arm) => arm.name.toLowerCase())).size === arms.length, "arm names must be different"),
});

export const statusActionSchema = z.strictObject({ action: z.enum(["launch", "pause", "resume", "close"]) });
