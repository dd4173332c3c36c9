import { NextResponse } from "next/server";
import { readJson, route } from "@/lib/api/handler";
import { assertNoBearerToken, createApiToken, listApiTokens } from "@/lib/auth/api-tokens";
import { requireApiUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { createApiTokenSchema } from "@/lib/validations/api-token";

const noStore = { "Cache-Control": "no-store" };

/** The caller's tokens (session only), newest first; no secrets, no hashes. */
export const GET = route(async (request: Request) => {
  assertNoBearerToken(request);
  const user = await requireApiUser(RESEARCHER_ROLES);
  return NextResponse.json({ tokens: await listApiTokens(getDb(), user.id) }, { headers: noStore });
});

/** Creates a token (session only) and returns its secret this once; only its sha256 is kept. */
export const POST = route(async (request: Request) => {
  assertNoBearerToken(request);
  const user = await requireApiUser(RESEARCHER_ROLES);
  const input = await readJson(request, createApiTokenSchema);
  const { token, secret } = await createApiToken(getDb(), user.id, input);
  return NextResponse.json({ token, secret }, { status: 201, headers: noStore });
});
