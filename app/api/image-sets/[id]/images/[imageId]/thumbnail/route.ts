import { route } from "@/lib/api/handler";
import { requireApiUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { imageThumbnail } from "@/lib/storage/image-sets";
import { imageIdSchema, imageSetIdSchema } from "@/lib/validations/image-set";

/** The set owner's (or an admin's) WebP preview of one image. Annotators never use this route. */
export const GET = route(async (_request: Request, context: { params: Promise<{ id: string; imageId: string }> }) => {
  const user = await requireApiUser(RESEARCHER_ROLES);
  const params = await context.params;
  const bytes = await imageThumbnail(getDb(), user, imageSetIdSchema.parse(params.id), imageIdSchema.parse(params.imageId));
  return new Response(new Uint8Array(bytes), {
    headers: { "Content-Type": "image/webp", "Content-Length": String(bytes.length), "Cache-Control": "private, max-age=3600" },
  });
});
