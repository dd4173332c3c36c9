import { getServerSession } from "next-auth";
import { cookies, headers } from "next/headers";
import type { NextRequest } from "next/server";
import { redirect } from "next/navigation";
import { cache } from "react";
import { ApiError, forbidden, notFound, unauthenticated } from "@/lib/api/errors";
import { getDb, Role } from "@/lib/db";
import { authenticateApiToken, bearerToken } from "@/lib/auth/api-tokens";
import { authOptions } from "@/lib/auth/options";
import { authSecret } from "@/lib/auth/secret";
import { PARTICIPANT_COOKIE, readParticipantCookie } from "@/lib/sessions/participants";

export type CurrentUser = { id: string; email: string; name: string | null; role: Role };

export const RESEARCHER_ROLES: readonly Role[] = [Role.RESEARCHER, Role.ADMIN];
export const ADMIN_ROLES: readonly Role[] = [Role.ADMIN];

/**
 * The signed-in user, read fresh from the database: a role change or a deleted account takes
 * effect on the next request, not when the session cookie expires.
 */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const session = await getServerSession(authOptions());
  const id = (session?.user as { id?: string } | undefined)?.id;
  if (!id) return null;
  return getDb().user.findUnique({ where: { id }, select: { id: true, email: true, name: true, role: true } });
});

/**
 * For route handlers: 401 when anonymous, 403 when the role does not fit. The caller is either a
 * personal API token (`Authorization: Bearer pct_…`, lib/auth/api-tokens.ts) or the session
 * cookie. A Bearer header decides alone: a malformed, unknown or revoked token is a 401 even when a
 * session cookie comes along. Other schemes (Basic from a proxy) are ignored.
 */
export async function requireApiUser(roles: readonly Role[]): Promise<CurrentUser> {
  const token = bearerToken((await headers()).get("authorization"));
  if (token !== null) {
    const tokenUser = await authenticateApiToken(getDb(), token);
    if (!tokenUser) {
      throw new ApiError("UNAUTHENTICATED", "The API token is not valid: unknown, revoked or malformed.", {
        "WWW-Authenticate": 'Bearer error="invalid_token"',
      });
    }
    if (!roles.includes(tokenUser.role)) throw forbidden();
    return tokenUser;
  }
  const user = await getCurrentUser();
  if (!user) throw unauthenticated();
  if (!roles.includes(user.role)) throw forbidden();
  return user;
}

/**
 * For pages: to sign-in when anonymous (coming back afterwards), to /no-access when the role does
 * not fit. Every page calls it itself: a layout's check does not stop its page from rendering.
 */
export async function requirePageUser(roles: readonly Role[], returnTo: string): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  if (!roles.includes(user.role)) redirect("/no-access");
  return user;
}

/** Ownership: researchers see their own studies, admins all. */
export function canAccessStudy(user: CurrentUser, study: { ownerId: string }): boolean {
  return user.role === Role.ADMIN || study.ownerId === user.id;
}

/** Someone else's study is answered as "not found", so its existence does not leak. */
export function assertStudyAccess<S extends { ownerId: string }>(user: CurrentUser, study: S | null): S {
  if (!study || !canAccessStudy(user, study)) throw notFound("Study");
  return study;
}

export { ApiError };

/**
 * For the annotator API: the participant behind the signed, httpOnly cookie set when they joined
 * a study through its link. 401 without one; ownership of a session is checked by the service.
 * It reads the request's own cookies (not next/headers), so the same handlers also run outside
 * Next's request scope, on the production server's annotator fast path (server.ts).
 */
export function requireParticipant(request: NextRequest): { participantId: string } {
  const participantId = readParticipantCookie(request.cookies.get(PARTICIPANT_COOKIE)?.value, authSecret());
  if (!participantId) throw new ApiError("UNAUTHENTICATED", "Open the study link first.");
  return { participantId };
}

/** The participant id from the signed, unexpired cookie, or null (pages redirect to the study link). */
export async function getParticipantId(): Promise<string | null> {
  return readParticipantCookie((await cookies()).get(PARTICIPANT_COOKIE)?.value, authSecret());
}
