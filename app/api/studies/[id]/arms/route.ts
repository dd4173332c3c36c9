import { NextResponse } from "next/server";
import { readJson, route } from "@/lib/api/handler";
import { requireApiUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { setArms } from "@/lib/studies/design";
import { armsSchema, studyIdSchema } from "@/lib/validations/study";

/** Replaces the arms of a draft study. */
export const PUT = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireApiUser(RESEARCHER_ROLES);
  const id = studyIdSchema.parse((await context.params).id);
  const { arms } = await readJson(request, armsSchema);
  return NextResponse.json({ arms: await setArms(getDb(), user, id, arms) });
});
