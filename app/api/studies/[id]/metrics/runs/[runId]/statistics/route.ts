import { route } from "@/lib/api/handler";
import { requireApiUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { metricRunStatistics } from "@/lib/metrics/service";
import { recordIdSchema } from "@/lib/validations/ids";
import { studyIdSchema } from "@/lib/validations/study";

/** The run's feature moments (`encodeMoments` bytes; lib/metrics decodeMoments reads them). */
export const GET = route(async (_request: Request, context: { params: Promise<{ id: string; runId: string }> }) => {
  const user = await requireApiUser(RESEARCHER_ROLES);
  const params = await context.params;
  const id = studyIdSchema.parse(params.id);
  const runId = recordIdSchema.parse(params.runId);
  const bytes = await metricRunStatistics(getDb(), user, id, runId);
  return new Response(new Uint8Array(bytes), {
    headers: {
      "Content-Type": "application/octet-stream",
      "Content-Length": String(bytes.length),
      "Content-Disposition": `attachment; filename="metric-run-${runId}.moments"`,
      "Cache-Control": "private, no-store",
    },
  });
});
