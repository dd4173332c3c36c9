import { z } from "zod";
import { INGEST_LIMITS } from "@/lib/storage/ingest-limits";
import { recordIdSchema } from "@/lib/validations/ids";

/** POST /api/image-sets */
export const createImageSetSchema = z.strictObject({
  name: z.string().trim().min(1, "is required").max(200, "must be at most 200 characters"),
  label: z.enum(["REAL", "GENERATED"], { error: 'must be "REAL" or "GENERATED"' }),
});
export type CreateImageSetInput = z.infer<typeof createImageSetSchema>;

/** POST /api/image-sets/:id/imports: every image of the import is resized to targetSize² (or kept). */
export const startImportSchema = z.strictObject({
  targetSize: z
    .number()
    .int("must be a whole number of pixels")
    .min(INGEST_LIMITS.minTargetSize, `must be at least ${INGEST_LIMITS.minTargetSize}`)
    .max(INGEST_LIMITS.maxTargetSize, `must be at most ${INGEST_LIMITS.maxTargetSize}`)
    .nullable()
    .default(null),
});
export type StartImportInput = z.infer<typeof startImportSchema>;

export const imageSetIdSchema = recordIdSchema;
export const imageIdSchema = recordIdSchema;
export const importIdSchema = z.uuid({ error: "is not an import id" });

/** GET /api/image-sets/:id?page=N (1-based) */
export const imagePageSchema = z.coerce.number().int().min(1).max(100_000).catch(1);
