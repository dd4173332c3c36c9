import { NextResponse } from "next/server";
import { readJson, route } from "@/lib/api/handler";
import { requireApiUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { changeStatus } from "@/lib/studies/design";
import { statusActionSchema, studyIdSchema } from "@/lib/validations/study";

/** Lifecycle: { action: "launch" | "pause" | "resume" | "close" }. */
export const POST = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireApiUser(RESEARCHER_ROLES);
  const id = studyIdSchema.parse((await context.params).id);
  const { action } = await readJson(request, statusActionSchema);
  const study = await changeStatus(getDb(), user, id, action);
  return NextResponse.json({ study: { id: study.id, status: study.status, launchedAt: study.launchedAt, closedAt: study.closedAt } });
});
