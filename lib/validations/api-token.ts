import { z } from "zod";
import { recordIdSchema } from "@/lib/validations/ids";

/** POST /api/tokens: a name that says where the token is used ("CI", "laptop notebook"). */
export const createApiTokenSchema = z.strictObject({
  name: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters"),
});
export type CreateApiTokenInput = z.infer<typeof createApiTokenSchema>;

/** DELETE /api/tokens/:id */
export const apiTokenIdSchema = recordIdSchema;
