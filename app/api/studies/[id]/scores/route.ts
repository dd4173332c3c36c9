import { route } from "@/lib/api/handler";
import { requireApiUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { jsonSafe } from "@/lib/export/trial-rows";
import { scoresQuerySchema, studyScores } from "@/lib/studies/results";
import { studyIdSchema } from "@/lib/validations/study";

/**
 * `{counts, scores}`: what `npm run score` prints as its last line for the trial download (minus
 * `file` and `format`). Query: `seed` (default the study's), `resamples` (10,000), `confidence` (0.95).
 */
export const GET = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireApiUser(RESEARCHER_ROLES);
  const id = studyIdSchema.parse((await context.params).id);
  const query = scoresQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const result = await studyScores(getDb(), user, id, query);
  return new Response(JSON.stringify(jsonSafe(result)), {
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "private, no-store" },
  });
});
