import { NextResponse } from "next/server";
import { route } from "@/lib/api/handler";
import { requireApiUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { abandonImport, importStatus } from "@/lib/storage/image-sets";
import { imageSetIdSchema, importIdSchema } from "@/lib/validations/image-set";

type Context = { params: Promise<{ id: string; importId: string }> };

async function ids(context: Context) {
  const params = await context.params;
  return { id: imageSetIdSchema.parse(params.id), importId: importIdSchema.parse(params.importId) };
}

/** GET: what the import holds so far (accepted count, rejections with reasons). */
export const GET = route(async (_request: Request, context: Context) => {
  const user = await requireApiUser(RESEARCHER_ROLES);
  const { id, importId } = await ids(context);
  return NextResponse.json(await importStatus(getDb(), user, id, importId));
});

/** DELETE: abandons the import; none of its files reaches the set. */
export const DELETE = route(async (_request: Request, context: Context) => {
  const user = await requireApiUser(RESEARCHER_ROLES);
  const { id, importId } = await ids(context);
  await abandonImport(getDb(), user, id, importId);
  return new Response(null, { status: 204 });
});
