import { NextResponse } from "next/server";
import { route } from "@/lib/api/handler";
import { requireApiUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { listMetricImages } from "@/lib/metrics/service";
import { metricImagesQuerySchema } from "@/lib/metrics/service-schema";
import { studyIdSchema } from "@/lib/validations/study";

/** `GET ?set=<image set id>&max=N`: up to N images of one of the study's sets, with the list's digest. */
export const GET = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireApiUser(RESEARCHER_ROLES);
  const id = studyIdSchema.parse((await context.params).id);
  const query = metricImagesQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return NextResponse.json(await listMetricImages(getDb(), user, id, query.set, query.max), { headers: { "Cache-Control": "private, no-store" } });
});
