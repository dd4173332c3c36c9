import { z } from "zod";
import { emailSchema } from "@/lib/validations/auth";

export const updateSettingsSchema = z.strictObject({ openSignup: z.boolean() });

export const createInvitationSchema = z.strictObject({
  email: emailSchema,
  role: z.enum(["RESEARCHER", "ADMIN", "ANNOTATOR"]).default("RESEARCHER"),
});
