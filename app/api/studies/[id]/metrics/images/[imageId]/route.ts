import { route } from "@/lib/api/handler";
import { requireApiUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { metricImageKey, sniffImageType } from "@/lib/metrics/service";
import { readObject } from "@/lib/storage/local";
import { imageIdSchema } from "@/lib/validations/image-set";
import { studyIdSchema } from "@/lib/validations/study";

/** The stored bytes of an image of one of the study's sets, for feature extraction in the browser. */
export const GET = route(async (_request: Request, context: { params: Promise<{ id: string; imageId: string }> }) => {
  const user = await requireApiUser(RESEARCHER_ROLES);
  const params = await context.params;
  const id = studyIdSchema.parse(params.id);
  const imageId = imageIdSchema.parse(params.imageId);
  const bytes = new Uint8Array(await readObject(await metricImageKey(getDb(), user, id, imageId)));
  return new Response(bytes, {
    headers: {
      "Content-Type": sniffImageType(bytes),
      "Content-Length": String(bytes.length),
      // An image id never changes its bytes.
      "Cache-Control": "private, max-age=86400, immutable",
      "Cross-Origin-Resource-Policy": "same-origin",
    },
  });
});
