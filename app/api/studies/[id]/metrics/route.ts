import { NextResponse } from "next/server";
import { ApiError } from "@/lib/api/errors";
import { parseJsonText, route } from "@/lib/api/handler";
import { requireApiUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { createMetricRun, getMetricsStudy, listMetricRuns, MAX_STATISTICS_BYTES } from "@/lib/metrics/service";
import { createMetricRunSchema } from "@/lib/metrics/service-schema";
import { studyIdSchema } from "@/lib/validations/study";

type Context = { params: Promise<{ id: string }> };

/** `{runs}`: the study's metric runs, newest first (owner or admin). */
export const GET = route(async (_request: Request, context: Context) => {
  const user = await requireApiUser(RESEARCHER_ROLES);
  const id = studyIdSchema.parse((await context.params).id);
  return NextResponse.json({ runs: await listMetricRuns(getDb(), user, id) }, { headers: { "Cache-Control": "private, no-store" } });
});

/**
 * Stores a finished run computed in the browser. multipart/form-data: `meta` (JSON, see
 * createMetricRunSchema) and `statistics` (the set's `encodeMoments` bytes; absent for a failed run).
 * 201 `{run}`.
 */
export const POST = route(async (request: Request, context: Context) => {
  const user = await requireApiUser(RESEARCHER_ROLES);
  const id = studyIdSchema.parse((await context.params).id);
  // Access first: a stranger's upload (up to ~21 MB) is refused before its body is read.
  await getMetricsStudy(getDb(), user, id);
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > MAX_STATISTICS_BYTES + 1024 * 1024) throw new ApiError("BAD_REQUEST", "The request is too large for one metric run.");
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw new ApiError("BAD_REQUEST", "Send multipart/form-data with a `meta` JSON field and a `statistics` file.");
  }
  const meta = form.get("meta");
  if (typeof meta !== "string") throw new ApiError("BAD_REQUEST", "meta: a JSON text field is required.");
  const input = createMetricRunSchema.parse(parseJsonText(meta, "meta"));
  const file = form.get("statistics");
  if (file !== null && typeof file === "string") throw new ApiError("BAD_REQUEST", "statistics: must be a file, not a text field.");
  const statistics = file ? new Uint8Array(await file.arrayBuffer()) : null;
  const run = await createMetricRun(getDb(), user, id, input, statistics);
  return NextResponse.json({ run }, { status: 201 });
});
