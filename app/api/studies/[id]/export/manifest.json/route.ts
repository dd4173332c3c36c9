import { route } from "@/lib/api/handler";
import { requireApiUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { studyManifest } from "@/lib/studies/manifest";
import { exportFileName } from "@/lib/studies/results";
import { jsonDownloadResponse } from "@/lib/studies/results-download";
import { studyIdSchema } from "@/lib/validations/study";

/** The reproducibility manifest (config, seed, scoring method, image hashes, counts); owner or admin only. */
export const GET = route(async (_request: Request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireApiUser(RESEARCHER_ROLES);
  const id = studyIdSchema.parse((await context.params).id);
  const manifest = await studyManifest(getDb(), user, id);
  return jsonDownloadResponse(exportFileName(manifest.study.id, "manifest.json"), manifest);
});
