import { NextResponse } from "next/server";
import { route } from "@/lib/api/handler";
import { requireApiUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { getImageSet } from "@/lib/storage/image-sets";
import { imagePageSchema, imageSetIdSchema } from "@/lib/validations/image-set";

/** GET /api/image-sets/:id?page=N: the set, its counts and sizes, and one page of its images. */
export const GET = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireApiUser(RESEARCHER_ROLES);
  const id = imageSetIdSchema.parse((await context.params).id);
  const page = imagePageSchema.parse(new URL(request.url).searchParams.get("page") ?? undefined);
  const result = await getImageSet(getDb(), user, id, page);
  const images = result.images.map((image) => ({ ...image, thumbnailUrl: `/api/image-sets/${id}/images/${image.id}/thumbnail` }));
  return NextResponse.json({ ...result, images });
});
