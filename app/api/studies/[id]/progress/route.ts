import { NextResponse } from "next/server";
import { route } from "@/lib/api/handler";
import { requireApiUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { studyProgress } from "@/lib/studies/progress";
import { studyIdSchema } from "@/lib/validations/study";

export const GET = route(async (_request: Request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireApiUser(RESEARCHER_ROLES);
  const id = studyIdSchema.parse((await context.params).id);
  return NextResponse.json({ progress: await studyProgress(getDb(), user, id) }, { headers: { "Cache-Control": "no-store" } });
});
