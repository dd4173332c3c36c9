import { NextResponse } from "next/server";
import { route } from "@/lib/api/handler";
import { requireApiUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { pooledCrossReference } from "@/lib/metrics/pooled-cross-reference";
import { pooledCrossReferenceQuerySchema } from "@/lib/metrics/service-schema";
import { imageSetIdSchema } from "@/lib/validations/image-set";

/** Human scores vs automatic metrics over every arm of the caller's studies on this real set. */
export const GET = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireApiUser(RESEARCHER_ROLES);
  const id = imageSetIdSchema.parse((await context.params).id);
  const query = pooledCrossReferenceQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const result = await pooledCrossReference(getDb(), user, id, { modelHash: query.model, resize: query.resize });
  return NextResponse.json(result, { headers: { "Cache-Control": "private, no-store" } });
});
