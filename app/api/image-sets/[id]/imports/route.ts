import { NextResponse } from "next/server";
import { readJson, route } from "@/lib/api/handler";
import { requireApiUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { startImport } from "@/lib/storage/image-sets";
import { imageSetIdSchema, startImportSchema } from "@/lib/validations/image-set";

/** POST /api/image-sets/:id/imports {targetSize?} → {importId}: a new, empty staged import. */
export const POST = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireApiUser(RESEARCHER_ROLES);
  const id = imageSetIdSchema.parse((await context.params).id);
  const input = await readJson(request, startImportSchema);
  return NextResponse.json(await startImport(getDb(), user, id, input), { status: 201 });
});
