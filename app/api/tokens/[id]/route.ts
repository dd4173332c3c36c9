import { NextResponse } from "next/server";
import { route } from "@/lib/api/handler";
import { assertNoBearerToken, revokeApiToken } from "@/lib/auth/api-tokens";
import { requireApiUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { apiTokenIdSchema } from "@/lib/validations/api-token";

/** Revokes one of the caller's tokens (session only); idempotent. Someone else's token is a 404. */
export const DELETE = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  assertNoBearerToken(request);
  const user = await requireApiUser(RESEARCHER_ROLES);
  const id = apiTokenIdSchema.parse((await context.params).id);
  return NextResponse.json({ token: await revokeApiToken(getDb(), user.id, id) });
});
