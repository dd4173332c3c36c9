import { NextResponse } from "next/server";
import { route } from "@/lib/api/handler";
import { requireApiUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { crossReference } from "@/lib/metrics/service";
import { studyIdSchema } from "@/lib/validations/study";

/** Human scores vs automatic metrics per arm, with Spearman ρ and p for each pair. */
export const GET = route(async (_request: Request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireApiUser(RESEARCHER_ROLES);
  const id = studyIdSchema.parse((await context.params).id);
  return NextResponse.json(await crossReference(getDb(), user, id), { headers: { "Cache-Control": "private, no-store" } });
});
