import { NextResponse } from "next/server";
import { readJson, route } from "@/lib/api/handler";
import { requireApiUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { updateStudy } from "@/lib/studies/design";
import { getStudy } from "@/lib/studies/service";
import { studyIdSchema, updateStudySchema } from "@/lib/validations/study";

export const GET = route(async (_request: Request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireApiUser(RESEARCHER_ROLES);
  const id = studyIdSchema.parse((await context.params).id);
  return NextResponse.json({ study: await getStudy(getDb(), user, id) });
});

export const PATCH = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireApiUser(RESEARCHER_ROLES);
  const id = studyIdSchema.parse((await context.params).id);
  const input = await readJson(request, updateStudySchema);
  await updateStudy(getDb(), user, id, input);
  return NextResponse.json({ study: await getStudy(getDb(), user, id) });
});
