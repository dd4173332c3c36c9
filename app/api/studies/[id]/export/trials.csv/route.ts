import { route } from "@/lib/api/handler";
import { requireApiUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { downloadResponse } from "@/lib/studies/results-download";
import { trialDownload } from "@/lib/studies/results";
import { studyIdSchema } from "@/lib/validations/study";

/** Every answered trial as CSV (docs/data-format.md), streamed; owner or admin only. */
export const GET = route(async (_request: Request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireApiUser(RESEARCHER_ROLES);
  const id = studyIdSchema.parse((await context.params).id);
  return downloadResponse(await trialDownload(getDb(), user, id, "csv"));
});
