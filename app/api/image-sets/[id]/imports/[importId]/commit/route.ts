import { NextResponse } from "next/server";
import { route } from "@/lib/api/handler";
import { requireApiUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { commitImport } from "@/lib/storage/image-sets";
import { imageSetIdSchema, importIdSchema } from "@/lib/validations/image-set";

/** POST → {imported, rejected}: every accepted image enters the set in one transaction, or none. */
export const POST = route(async (_request: Request, context: { params: Promise<{ id: string; importId: string }> }) => {
  const user = await requireApiUser(RESEARCHER_ROLES);
  const params = await context.params;
  const id = imageSetIdSchema.parse(params.id);
  const importId = importIdSchema.parse(params.importId);
  return NextResponse.json(await commitImport(getDb(), user, id, importId));
});
