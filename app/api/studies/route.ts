import { NextResponse } from "next/server";
import { readJson, route } from "@/lib/api/handler";
import { requireApiUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { createStudy, listStudies } from "@/lib/studies/service";
import { createStudySchema } from "@/lib/validations/study";

export const GET = route(async () => {
  const user = await requireApiUser(RESEARCHER_ROLES);
  return NextResponse.json({ studies: await listStudies(getDb(), user) });
});

export const POST = route(async (request: Request) => {
  const user = await requireApiUser(RESEARCHER_ROLES);
  const input = await readJson(request, createStudySchema);
  return NextResponse.json({ study: await createStudy(getDb(), user, input) }, { status: 201 });
});
